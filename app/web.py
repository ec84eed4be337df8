"""Request-wide web concerns: organiser pages, owned-object loading, error pages, context."""

import ipaddress
from collections.abc import Callable

from flask import Blueprint, Flask, Request, abort, current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from app.auth.access import blueprint_role, check_rule, role_required
from app.auth.links import LinkError, link_refused
from app.auth.models import Role
from app.auth.services import get_user_by_session_id
from app.db import DB_INT_MAX, DB_INT_MIN
from app.extensions import db, login_manager
from app.i18n import current_language
from app.text import strip_control_characters
from app.visitor import someone_logged_in
from config import DEV_SECRET_KEY

ERROR_TITLES = {
    400: _l("Bad request"),
    403: _l("Access refused"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    413: _l("File too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
    503: _l("Service briefly unavailable"),
}

ERROR_TEXTS = {
    400: _l("The request could not be understood."),
    403: _l("You are not allowed to see this page."),
    404: _l("This page does not exist or was moved."),
    405: _l("This action is not allowed here."),
    413: _l("The uploaded file is larger than allowed."),
    429: _l("Too many attempts in a short time. Please wait a minute and try again."),
    500: _l("An unexpected error happened. The team has been told; please try again later."),
    503: _l("The service is briefly unavailable. Please try again in a minute."),
}
#: Seconds a client is asked to wait while the database is unreachable (Retry-After).
UNAVAILABLE_RETRY_SECONDS = 60
#: Posted fields never sent back in the 503 page's form.
_NOT_KEPT = frozenset({"password", "code", "current_password", "new_password"})
#: Posted fields sent back but not listed on the page (tokens, stamps, buttons).
_NOT_SHOWN = frozenset({"csrf_token", "shown_at", "submit"})


class BoundedIntConverter(IntegerConverter):
    """The `<int:...>` URL converter, bounded to the database's integers: beyond them, a 404."""

    def __init__(self, map, *args, **kwargs) -> None:
        super().__init__(map, *args, **kwargs)
        self.min = DB_INT_MIN if self.min is None else max(self.min, DB_INT_MIN)
        self.max = DB_INT_MAX if self.max is None else min(self.max, DB_INT_MAX)


class CleanMultiDict(ImmutableMultiDict):
    """Query-string and form values with control characters removed (see `CleanRequest`)."""

    def __init__(self, mapping=None):
        if mapping is not None and not hasattr(mapping, "keys"):
            mapping = [(_clean(key), _clean(value)) for key, value in mapping]
        super().__init__(mapping)


def _clean(value):
    return strip_control_characters(value) if isinstance(value, str) else value


class CleanRequest(Request):
    """The app's request: every query-string and form text arrives without control characters.

    One place for every form, filter and hand-read field: PostgreSQL refuses NUL in text, and
    the other C0 characters only hide text in pages and exports. Uploaded files are read by
    their own parsers (CSV, JSON), which clean or refuse them.
    """

    parameter_storage_class = CleanMultiDict


def query_int(name: str, default: int | None = None) -> int | None:
    """Return a query-string whole number within the database's range, else `default`."""
    try:
        value = int(request.args.get(name, ""))
    except ValueError:
        return default
    return value if DB_INT_MIN <= value <= DB_INT_MAX else default


def query_choice(name: str, allowed) -> str | None:
    """Return a query-string value when it is one of `allowed` (an Enum or strings), else None."""
    value = request.args.get(name) or None
    values = getattr(allowed, "_value2member_map_", None) or set(allowed)
    return value if value in values else None


#: Menu entries; an entry shows once its blueprint is registered.
PUBLIC_NAV = (("events.upcoming", _l("Events")),)
#: Each shows to the accounts whose role may open it.
ORGANISER_NAV = (
    ("main.dashboard", _l("Dashboard")),
    ("events.staff_home", _l("Check-in")),
    ("members.organisations", _l("Organisations")),
    ("members.people", _l("People")),
    ("members.tags", _l("Vocabulary")),
    ("events.admin_list", _l("Manage events")),
    ("events.admin_mail_templates", _l("Mail texts")),
    ("b2b.sessions", _l("B2B sessions")),
    ("reports.index", _l("Reports")),
    ("outbox.index", _l("Outbox")),
    ("privacy.edit_notice", _l("Privacy notice")),
    ("users.users", _l("Accounts")),
)
#: The organiser menu's dropdowns (so it fits on one line at 1280 px): the group of each
#: ORGANISER_NAV entry; entries without a group stay plain links.
ORGANISER_NAV_GROUPS = {
    "events.staff_home": _l("Events"), "events.admin_list": _l("Events"),
    "b2b.sessions": _l("Events"), "events.admin_mail_templates": _l("Events"),
    "members.organisations": _l("Members"), "members.people": _l("Members"),
    "members.tags": _l("Members"),
    "reports.index": _l("Administration"), "outbox.index": _l("Administration"),
    "privacy.edit_notice": _l("Administration"), "users.users": _l("Administration"),
}


def group_nav(entries) -> list[tuple[str | None, list]]:
    """Group menu entries for dropdowns: (group label or None, its entries), in first order."""
    groups: list[tuple[str | None, list]] = []
    by_label: dict[str, list] = {}
    for endpoint, label in entries:
        group = ORGANISER_NAV_GROUPS.get(endpoint)
        if group is None:
            groups.append((None, [(endpoint, label)]))
        elif str(group) in by_label:
            by_label[str(group)].append((endpoint, label))
        else:
            by_label[str(group)] = [(endpoint, label)]
            groups.append((group, by_label[str(group)]))
    return groups


#: Endpoints anyone may open, with no account: the public site, the login, files, and pages
#: opened by a personal link (the view checks the token). Every other endpoint declares a role
#: (`organiser_pages`, `role_required` or `role_pages`); tests/test_roles_walk.py checks it.
PUBLIC_ENDPOINTS = frozenset({
    "static", "bootstrap.static",
    # Monitoring: counts and ages only, no personal data (app/main/health.py).
    "health.healthz",
    "main.index", "main.set_language",
    "auth.login", "auth.login_code",
    "events.upcoming", "events.detail", "events.registered",
    "events.manage", "events.manage_cancel", "events.manage_answers",
    "events.manage_confirm", "events.manage_take_offer", "events.manage_new_link",
    "events.new_link", "events.new_link_sent",
    "calendar.person_feed", "calendar.public_feed", "calendar.organiser_feed",
    "calendar.subscribe",
    "b2b.agenda", "b2b.agenda_feedback", "b2b.agenda_contact", "b2b.agenda_pdf", "b2b.join",
    "b2b.agenda_outcomes",
    # The participant's B2B portal (b2b/views/portal.py: its token opens a participant).
    "b2b.portal", "b2b.profile", "b2b.catalogue", "b2b.suggested", "b2b.other",
    "b2b.make_request", "b2b.accept_request", "b2b.decline_request", "b2b.withdraw_request",
    # A person's own data, opened by their manage link (personal_data/views.py).
    "privacy_data.self_export", "privacy_data.self_erase",
    # The privacy notice, and mail preferences opened by their signed link.
    "privacy.notice_page", "privacy.preferences",
    "privacy.unsubscribe_confirm", "privacy.unsubscribe",
})

def manage_rate_limit() -> str:
    """Return the rate limit of pages opened by a personal link (read per request)."""
    return current_app.config["MANAGE_RATE_LIMIT"]


def organiser_pages(bp: Blueprint, prefix: str = "", *, role: Role) -> Callable:
    """Return the `organiser_page(rule, role=..., **options)` decorator of a blueprint.

    `role` is the blueprint's default; a page may ask another one (``role=Role.CHECKIN``
    for the check-in pages). `prefix` starts each rule.
    """
    default_role = role

    def organiser_page(rule: str, *, role: Role = default_role, **options) -> Callable:
        check_rule(prefix + rule, role)

        def decorator(view: Callable) -> Callable:
            return bp.route(prefix + rule, **options)(role_required(role)(view))

        return decorator

    return organiser_page


def declared_role(app: Flask, endpoint: str) -> Role | None:
    """Return the role an endpoint declares, or None when it declares none."""
    view = app.view_functions.get(endpoint)
    return getattr(view, "required_role", None) or blueprint_role(endpoint.rpartition(".")[0])


def may_open(endpoint: str) -> bool:
    """Tell whether the current visitor may open an endpoint (for menus)."""
    if endpoint in PUBLIC_ENDPOINTS:
        return True
    role = declared_role(current_app, endpoint)
    return bool(role and current_user.is_authenticated and current_user.role.includes(role))


def get_owned_or_404(model, object_id: int | None, **owner):
    """Load a row by id, or 404 when it is missing or belongs to another owner.

    `owner` names the parent columns that must match, e.g. ``session_id=session.id``: an id
    typed into a URL never reaches a row of another event, session or run.
    """
    in_range = object_id is not None and DB_INT_MIN <= object_id <= DB_INT_MAX
    item = db.session.get(model, object_id) if in_range else None
    if item is None or any(getattr(item, key) != value for key, value in owner.items()):
        abort(404)
    return item


#: Browser features no page of the app uses.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
#: Scripts and styles come only from our own files (app/static), never inline: a stored
#: `<script>` or `style=` that escaped escaping would still not run. Bootstrap's icons are data:.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


#: Added to every response that has not set them: (name, value).
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "SAMEORIGIN"),
    # Personal links carry their token in the path: never send it to another site.
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
)


def _is_private_page() -> bool:
    """Tell whether the page is an organiser's or opened by a personal link (a token)."""
    if request.endpoint is None or request.endpoint.endswith("static"):
        return False  # files and 404s: no account to load
    return "token" in (request.view_args or {}) or someone_logged_in()

def _is_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


def is_database_unavailable(error: BaseException) -> bool:
    """Tell whether a database error means the server is unreachable or busy, not a bug.

    OperationalError covers a refused or lost connection (PostgreSQL down or restarting) and
    SQLite's locked or unopenable file; other DBAPI errors count when they cut the connection.
    """
    return isinstance(error, OperationalError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated)


def _render_unavailable():
    """Render the 503 page; a posted form comes back with what was typed, ready to resend."""
    # The page must not touch the database: no account is loaded for it.
    g._login_user = login_manager.anonymous_user()
    response, code = _render_error(503, kept_form=_kept_form())
    if isinstance(response, str):
        response = current_app.make_response(response)
    elif isinstance(response, dict):
        response = current_app.json.response(response)
    response.status_code = code
    response.headers["Retry-After"] = str(UNAVAILABLE_RETRY_SECONDS)
    return response


def _kept_form() -> dict | None:
    """Return the posted fields to send back, and the typed values to show, or None."""
    if request.method != "POST" or not request.form:
        return None
    fields = [(name, value) for name, value in request.form.items(multi=True)
              if name not in _NOT_KEPT]
    return {"fields": fields, "shown": [value for name, value in fields
                                        if value.strip() and name not in _NOT_SHOWN]}


def _render_error(code: int, detail: str | None = None, kept_form=None):
    wants_json = request.accept_mimetypes.best == "application/json" or request.is_json
    title = ERROR_TITLES.get(code, ERROR_TITLES[500])
    text = detail or ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    if wants_json:
        return {"error": str(title), "reason": str(text)}, code
    return render_template("errors/error.html", code=code, title=title, text=text,
                           kept_form=kept_form), code


def init_app(app: Flask) -> None:
    """Register error handlers, the user loader and template globals."""

    @login_manager.user_loader
    def load_user(user_id: str):
        """Return the account of a session's "id:version", or None when it is stale."""
        return get_user_by_session_id(user_id)

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "warning"

    @app.teardown_appcontext
    def end_session(error: BaseException | None) -> None:
        """End the request's session; a connection the database cut meanwhile is dropped.

        Registered after Flask-SQLAlchemy's own teardown, so it runs first: without it, a
        database restart between a request's last query and its end made the rollback of
        that teardown raise after the page was made, and the server answered 500.
        """
        try:
            db.session.remove()
        except DBAPIError as exc:
            if not is_database_unavailable(exc):
                raise
            db.session().invalidate()  # the scoped proxy has no invalidate()
            db.session.remove()

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        """Explain an expired or foreign form instead of a bare 400."""
        return _render_error(
            400,
            str(
                _l(
                    "The form expired or was sent from elsewhere. "
                    "Please reload the page and try again."
                )
            ),
        )

    app.register_error_handler(LinkError, link_refused)

    if app.config["SECRET_KEY"] == DEV_SECRET_KEY and not app.testing:

        @app.before_request
        def refuse_remote_clients():
            """Serve only this machine while the public development key signs sessions."""
            if not _is_loopback(request.remote_addr):
                app.logger.error("refused %s: the development SECRET_KEY serves loopback only",
                                 request.remote_addr)
                return _render_error(403, str(_l(
                    "This server runs with its development settings and only answers on "
                    "this computer.")))
            return None

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        """Render the error page of an HTTP error, keeping a 400's own description."""
        if error.response is not None:
            return error.response  # a page made for this case (a rate-limited form)
        description = None
        if (
            error.code == 400
            and error.description
            and not error.description.startswith("The browser")
        ):
            description = error.description
        return _render_error(error.code or 500, description)

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):
        """Answer 503 while the database is unreachable; any other database error is a 500."""
        if not is_database_unavailable(error):
            return unexpected_error(error)
        app.logger.warning("database unavailable: %s", str(error.orig).splitlines()[0]
                           if error.orig is not None else error)
        try:
            db.session.rollback()  # the pool drops the dead connection; the next one is new
        except DBAPIError:
            db.session().invalidate()  # the scoped proxy has no invalidate()
        return _render_unavailable()

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        """Log an unhandled error, roll the transaction back and render the 500 page."""
        app.logger.exception("Unhandled error")
        db.session.rollback()
        return _render_error(500)

    def has_endpoint(endpoint: str) -> bool:
        """Tell templates whether a page exists, so menus skip missing packages."""
        return endpoint in app.view_functions

    app.jinja_env.globals["has_endpoint"] = has_endpoint
    app.jinja_env.globals["may_open"] = may_open
    app.jinja_env.globals["public_nav"] = lambda: [e for e in PUBLIC_NAV if has_endpoint(e[0])]
    app.jinja_env.globals["organiser_nav"] = lambda: [
        e for e in ORGANISER_NAV if has_endpoint(e[0]) and may_open(e[0])
    ]
    app.jinja_env.globals["organiser_menu"] = lambda: group_nav(
        app.jinja_env.globals["organiser_nav"]())

    @app.context_processor
    def inject_language():
        """Give templates the current language and the languages on offer."""
        return {
            "current_language": current_language(),
            "languages": app.config["LANGUAGES"],
        }

    @app.after_request
    def security_headers(response):
        """Add the security headers every response carries, unless a view set them."""
        headers = response.headers
        # One pass over the names: Werkzeug answers each missing name's lookup by raising and
        # catching an exception, seven of them per response.
        present = set(headers.keys(lower=True))
        for name, value in SECURITY_HEADERS:
            if name.lower() not in present:
                headers.add(name, value)
        if app.config.get("HSTS_SECONDS") and "strict-transport-security" not in present:
            headers.add("Strict-Transport-Security",
                        f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains")
        if "cache-control" not in present and _is_private_page():
            # A shared computer's back button or a proxy must not show someone's pages.
            headers["Cache-Control"] = "no-store"
        return response
