"""Public event pages: the list, an event with its registration form, personal links."""

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import IntegrityError

from app.auth.form_checks import form_stamp
from app.events import places, queries, services
from app.events.blueprint import bp
from app.events.display import extra_links, format_slot, format_when, is_multi_day
from app.events.forms import (
    AUDIENCE_LABELS,
    KIND_LABELS,
    REFUSAL_MESSAGES,
    STATUS_LABELS,
    CancelForm,
    ConfirmAddressForm,
    NewLinkForm,
    RenewLinkForm,
    answers_from,
    make_answers_form,
    make_registration_form,
    show_answer_errors,
)
from app.events.models import Audience, EventKind, RegistrationStatus
from app.events.page_cache import cached_page
from app.events.queries import load_manage_token
from app.extensions import db, limiter
from app.i18n import current_language
from app.mail import deferred
from app.members.queries import get_sectors, normalise_email
from app.web import manage_rate_limit, query_choice, query_int

#: The session key of the last registration's outcome (see ``_remember_outcome``).
OUTCOME_KEY = "registration_outcome"


def _registration_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


#: Shown above a registration form refused by the rate limit (the typed values stay).
RATE_LIMITED = "rate_limited"
RATE_LIMITED_MESSAGE = _l("Too many registrations from your connection in a short time. "
                          "Your answers are kept below: wait a minute, then send the form again.")


def _registration_rate_limited(limit):
    """Answer a rate-limited registration with its form as typed instead of an error page."""
    event = queries.get_public_event((request.view_args or {}).get("event_id"))
    if event is None:
        return None  # the plain 429 page
    lang = current_language()
    form = make_registration_form(event, lang)  # filled from the request, not validated
    return make_response(_detail_page(event, form, lang, RATE_LIMITED, 429))


@bp.route("/events/")
def upcoming():
    """List the upcoming events, filtered by kind and sector."""
    kind = query_choice("kind", EventKind) or ""
    sector_id = query_int("sector")

    def render():
        events = queries.get_upcoming_events(kind or None, sector_id)
        return render_template(
            "events/public/upcoming.html", events=events, kind=kind, sector_id=sector_id,
            sectors=get_sectors(), kind_labels=KIND_LABELS, audience_labels=AUDIENCE_LABELS,
            places=queries.get_places_left(events),
            when={event.id: format_when(event) for event in events},
            lang=current_language()), 200, {}

    return cached_page(render, (kind, sector_id))


#: The pages anyone may view as often as they like: only their forms' posts are limited.
_UNLIMITED_VIEWS = frozenset({"events.upcoming", "events.detail"})


@limiter.request_filter
def _page_view() -> bool:
    """Spare a view of the public list or an event page every limit check (none applies)."""
    return request.method == "GET" and request.endpoint in _UNLIMITED_VIEWS


@bp.route("/events/<int:event_id>", methods=["GET", "POST"])
def detail(event_id: int):
    """Show an event with its programme and its registration form; register from it."""
    if request.method == "POST":
        return _register(event_id)
    return cached_page(lambda: _blank_detail_page(event_id), (event_id,),
                       personal={"csrf": generate_csrf, "stamp": form_stamp})


@limiter.limit(_registration_limit, methods=["POST"], on_breach=_registration_rate_limited)
def _register(event_id: int):
    """Register for an event from the form on its page (the rate-limited part of `detail`)."""
    # The person with the address typed is looked up with the event: one statement.
    email = normalise_email(request.form.get("email", ""))
    event, person_id = queries.get_event_for_registration(event_id, email)
    if event is None:
        abort(404)
    lang = current_language()
    form = make_registration_form(event, lang)
    refusal = queries.get_refusal(event)
    if form.validate_on_submit() and refusal is None:
        try:
            registration, created = services.register(
                event, email=form.email.data, first_name=form.first_name.data,
                last_name=form.last_name.data, organisation=form.organisation.data or "",
                language=form.language.data, answers=answers_from(form, event),
                consent=form.consent.data, source="online", defer_mail=True,
                known_person=(email, person_id))
        except services.RegistrationError as error:
            db.session.rollback()
            refusal = error.code
            show_answer_errors(form, error.errors)
            if error.code == "email":
                form.email.errors = [*form.email.errors, str(REFUSAL_MESSAGES["email"])]
        except IntegrityError:
            # Two requests created the same person at once; the second may simply retry.
            db.session.rollback()
            flash(_("Please try again."), "warning")
        else:
            if created:  # from the rows in hand: after the commit they would be read again
                _remember_outcome(event, registration)
            db.session.commit()  # the seat is decided and the event's lock released
            deferred.after_commit()  # its mail, built outside the lock (mostly by the worker)
            if not created:  # its queries wait until the lock is released
                _remember_outcome(event, None)
            return redirect(url_for("events.registered", event_id=event_id))
    status = 200 if not form.errors and refusal is None else 400
    return _detail_page(event, form, lang, refusal, status)


def _remember_outcome(event, registration) -> None:
    """Keep, for the "check your mailbox" page, where a new registration stands.

    Only for public events, and for a repeated address the outcome a new registration gets
    now: the page must not tell whether an address was registered before, or is a member.
    """
    if event.audience != Audience.PUBLIC:
        session.pop(OUTCOME_KEY, None)
        return
    if registration is None:
        status = queries.online_outcome(event)
        then = queries.outcome_after_confirmation(event)
    else:
        status = registration.status
        then = (RegistrationStatus.PENDING if event.requires_approval
                else RegistrationStatus.CONFIRMED if registration.hold_expires_at is not None
                else RegistrationStatus.WAITLISTED)
    session[OUTCOME_KEY] = {"event": event.id, "status": status.value, "then": then.value}


def _blank_detail_page(event_id: int) -> tuple:
    """Render the event page with an empty form: (html, status, the visitor's own values)."""
    event = queries.get_public_event(event_id)
    if event is None:
        abort(404)
    lang = current_language()
    form = make_registration_form(event, lang)
    html, status = _detail_page(event, form, lang, queries.get_refusal(event), 200)
    return html, status, {"csrf": generate_csrf(), "stamp": form.shown_at.data}


def _detail_page(event, form, lang, refusal, status):
    message = RATE_LIMITED_MESSAGE if refusal == RATE_LIMITED else REFUSAL_MESSAGES.get(
        refusal or "", "")
    places = queries.places_left(event)
    if places == 0:
        form.submit.label.text = _("Join the waiting list")
    return render_template(
        "events/public/detail.html", event=event, form=form, lang=lang,
        refusal=refusal, refusal_message=message,
        places=places, kind_labels=KIND_LABELS,
        confirm_by_link=queries.needs_address_confirmation(event),
        audience_labels=AUDIENCE_LABELS, when=format_when(event),
        slots=[format_slot(item.starts_at, item.ends_at, with_day=is_multi_day(event))
               for item in event.programme]), status


@bp.route("/events/<int:event_id>/registered")
def registered(event_id: int):
    """Tell the visitor to check their mailbox (the same answer in every case)."""
    event = queries.get_public_event(event_id)
    if event is None:
        abort(404)
    outcome = session.get(OUTCOME_KEY) or {}
    if outcome.get("event") != event.id:
        outcome = {}
    return render_template(
        "events/public/registered.html", event=event, lang=current_language(),
        outcome=outcome.get("status"), then=outcome.get("then"),
        confirm_by_link=queries.needs_address_confirmation(event),
        hold_minutes=current_app.config["CONFIRMATION_HOLD_MINUTES"])


@bp.route("/events/<int:event_id>/new-link", methods=["GET", "POST"])
@limiter.limit(_registration_limit, methods=["POST"])
def new_link(event_id: int):
    """Ask for a new personal link by address; the answer never tells if it is registered."""
    event = queries.get_public_event(event_id)
    if event is None:
        abort(404)
    form = NewLinkForm()
    if form.validate_on_submit():
        services.send_new_link(event, form.email.data)
        db.session.commit()
        return redirect(url_for("events.new_link_sent", event_id=event.id))
    return render_template("events/public/new_link.html", event=event, form=form,
                           lang=current_language()), 400 if form.errors else 200


@bp.route("/events/<int:event_id>/new-link/sent")
def new_link_sent(event_id: int):
    """Say that a new link went out if the address is registered (the same answer always)."""
    event = queries.get_public_event(event_id)
    if event is None:
        abort(404)
    return render_template("events/public/new_link_sent.html", event=event,
                           lang=current_language())


@bp.route("/events/manage/<token>")
@limiter.shared_limit(manage_rate_limit, scope="events-manage")
def manage(token: str):
    """Show one's registration; opening the link changes nothing."""
    registration = load_manage_token(token)  # a refused link raises LinkError (its own page)
    lang = current_language()
    return _manage_page(registration, token, make_answers_form(registration, lang), lang)


def _manage_page(registration, token, answers_form, lang, status: int = 200):
    event = registration.event
    return render_template(
        "events/public/manage.html", registration=registration, event=event, token=token,
        when=format_when(event), links=extra_links(registration),
        answers_form=answers_form, cancel_form=CancelForm(), lang=lang,
        confirm_form=ConfirmAddressForm(), renew_form=RenewLinkForm(),
        can_change=queries.can_change(registration), status_labels=STATUS_LABELS,
        offer_open=queries.offer_open(registration),
        kind_labels=KIND_LABELS), status


@bp.route("/events/manage/<token>/cancel", methods=["POST"])
@limiter.shared_limit(manage_rate_limit, scope="events-manage")
def manage_cancel(token: str):
    """Cancel one's registration."""
    registration = load_manage_token(token)  # a refused link raises LinkError (its own page)
    form = CancelForm()
    if not form.validate_on_submit():
        abort(400)
    if not queries.can_change(registration):
        flash(_("This registration can no longer be changed."), "warning")
        return redirect(url_for("events.manage", token=token))
    services.cancel_registration(registration)
    db.session.commit()
    flash(_("Your registration is cancelled. We sent you a confirmation by mail."), "success")
    return redirect(url_for("events.manage", token=token))


@bp.route("/events/manage/<token>/answers", methods=["POST"])
@limiter.shared_limit(manage_rate_limit, scope="events-manage")
def manage_answers(token: str):
    """Change one's answers to the event's questions."""
    registration = load_manage_token(token)  # a refused link raises LinkError (its own page)
    lang = current_language()
    form = make_answers_form(registration, lang)
    if not queries.can_change(registration):
        flash(_("This registration can no longer be changed."), "warning")
        return redirect(url_for("events.manage", token=token))
    if form.validate_on_submit():
        try:
            services.update_answers(registration, answers_from(form, registration.event))
        except services.RegistrationError as error:
            db.session.rollback()
            show_answer_errors(form, error.errors)
        else:
            db.session.commit()
            flash(_("Your answers are saved."), "success")
            return redirect(url_for("events.manage", token=token))
    return _manage_page(registration, token, form, lang, status=400)


@bp.route("/events/manage/<token>/confirm", methods=["POST"])
@limiter.shared_limit(manage_rate_limit, scope="events-manage")
def manage_confirm(token: str):
    """Confirm one's address: the registration is confirmed, waits for approval or waitlisted."""
    registration = load_manage_token(token)  # a refused link raises LinkError (its own page)
    if not ConfirmAddressForm().validate_on_submit():
        abort(400)
    if services.confirm_address(registration, defer_mail=True):
        db.session.commit()
        deferred.after_commit()
        flash(_("Thank you, your address is confirmed. We sent you a mail."), "success")
    return redirect(url_for("events.manage", token=token))


@bp.route("/events/manage/<token>/take-offer", methods=["POST"])
@limiter.shared_limit(manage_rate_limit, scope="events-manage")
def manage_take_offer(token: str):
    """Take the place offered from the waiting list before the offer runs out."""
    registration = load_manage_token(token)  # a refused link raises LinkError (its own page)
    if not ConfirmAddressForm().validate_on_submit():
        abort(400)
    if places.take_offer(registration):
        flash(_("The place is yours to keep: the organisers now confirm your registration."),
              "success")
    else:
        flash(_("This offer has run out: the place went to the next person."), "warning")
    db.session.commit()
    return redirect(url_for("events.manage", token=token))


@bp.route("/events/manage/<token>/new-link", methods=["POST"])
@limiter.shared_limit(manage_rate_limit, scope="events-manage")
def manage_new_link(token: str):
    """Mail oneself a new link; this one and every older one stop working."""
    registration = load_manage_token(token)  # a refused link raises LinkError (its own page)
    if not RenewLinkForm().validate_on_submit():
        abort(400)
    services.renew_links(registration)
    db.session.commit()
    return render_template("events/public/new_link_sent.html", event=registration.event,
                           lang=current_language(), renewed=True)
