"""Login (password, then a one-time code when the account has one) and logout."""

import time

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from app.auth import services, totp
from app.auth.access import ANY_ACCOUNT, role_required
from app.auth.blueprint import bp
from app.auth.forms import CodeForm, LoginForm
from app.auth.models import Role, User
from app.extensions import db, limiter
from app.urls import safe_next

#: Seconds between a right password and its one-time code.
PENDING_SECONDS = 300
_PENDING = "login_pending"


def home_url(user: User) -> str:
    """Return the first page of an account after login."""
    if user.role == Role.CHECKIN:
        return url_for("events.staff_home") if "events.staff_home" in current_app.view_functions \
            else url_for("main.index")
    return url_for("main.dashboard")


def _account_key() -> str:
    """Key the per-account limit on the typed address, or on the account awaiting its code."""
    pending = session.get(_PENDING) or {}
    if request.endpoint == "auth.login_code" and pending.get("user"):
        return f"account:{pending['user'].partition(':')[0]}"
    return "account:" + services.normalise_email(request.form.get("email", ""))[:254]


def _failed(response) -> bool:
    # Only refused attempts count: people who log in are never slowed down.
    return response.status_code != 302


def _per_account() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def _per_address() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def _limited(view):
    """Limit POSTs per account and, separately, per client address."""
    view = limiter.limit(_per_account, methods=["POST"], key_func=_account_key,
                         deduct_when=_failed)(view)
    return limiter.limit(_per_address, methods=["POST"], key_func=get_remote_address,
                         deduct_when=_failed)(view)


def _finish_login(user: User, remember: bool, next_url: str | None):
    # A fresh session at login: nothing set before it (by anyone) carries over; the
    # visitor's language choice does.
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    login_user(user, remember=remember)
    return redirect(safe_next(next_url) if next_url else home_url(user))


@bp.route("/login", methods=["GET", "POST"])
@_limited
def login():
    """Show the login form and check the password (rate-limited against guessing)."""
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Unknown email or wrong password."))
        elif user.has_totp:
            session[_PENDING] = {"user": user.get_id(), "remember": bool(form.remember.data),
                                 "next": request.args.get("next"), "at": time.time()}
            return redirect(url_for("auth.login_code"))
        else:
            return _finish_login(user, form.remember.data, request.args.get("next"))
    return render_template("auth/login.html", form=form)


def _pending_user() -> tuple[User | None, dict]:
    pending = session.get(_PENDING) or {}
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, {}
    user = services.get_user_by_session_id(pending.get("user", ""))
    return (user if user is not None and user.is_active and user.has_totp else None), pending


@bp.route("/login/code", methods=["GET", "POST"])
@_limited
def login_code():
    """Ask for the one-time code of an account whose password was right."""
    user, pending = _pending_user()
    if user is None:
        session.pop(_PENDING, None)
        flash(_("Please log in again."), "warning")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if totp.verify_code(user, form.code.data):
            db.session.commit()
            session.pop(_PENDING, None)
            return _finish_login(user, pending.get("remember", False), pending.get("next"))
        form.code.errors.append(_("This code is wrong or was used already."))
    return render_template("auth/code.html", form=form)


@bp.errorhandler(429)
def too_many_attempts(error):
    """Answer a limited login with its form again, the typed address kept."""
    text = _("Too many attempts in a short time. Please wait a minute and try again.")
    if request.endpoint == "auth.login_code":
        form = CodeForm()
        form.code.errors = [text]
        return render_template("auth/code.html", form=form), 429
    form = LoginForm()  # bound to the sent form: the address stays, the password does not
    form.password.errors = [text]
    return render_template("auth/login.html", form=form), 429


@bp.post("/logout")
@role_required(ANY_ACCOUNT)
def logout():
    """Log the account out on every device and go back to the home page."""
    services.end_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("You are logged out."), "info")
    response = redirect(url_for("main.index"))
    # Pages of the back office the browser kept (cache, storage) go with the session.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response
