"""Participants' B2B portal, opened by their personal link: profile, catalogue, requests."""

from __future__ import annotations

from functools import wraps

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.b2b import meeting_requests, queries, services, suggestions
from app.b2b.blueprint import bp
from app.b2b.forms import (
    PROFILE_LANGUAGES,
    ActionForm,
    JoinForm,
    RequestForm,
    make_profile_form,
    profile_values,
)
from app.b2b.models import B2BSession, MeetingRequest, Participant
from app.b2b.queries import load_participant_token, make_participant_token
from app.events.queries import load_manage_token, make_manage_token
from app.extensions import db
from app.i18n import current_language
from app.members.queries import get_sectors, get_tags
from app.web import query_int

PREFIX = "/b2b/<int:session_id>/me/<token>"


def portal_page(rule: str, **options):
    """Register a participant route: the token must open a participant of this session."""

    def decorator(view):
        @wraps(view)
        def wrapped(session_id: int, token: str, **kwargs):
            participant = load_participant_token(token)  # refused: LinkError, its own page
            if participant.session_id != session_id:
                abort(403, description=_("This link belongs to another session."))
            g.participant, g.token = participant, token
            return view(participant, **kwargs)

        return bp.route(PREFIX + rule, **options)(wrapped)

    return decorator


def _url(endpoint: str, participant: Participant, **values) -> str:
    return url_for(endpoint, session_id=participant.session_id, token=g.token, **values)


@bp.app_context_processor
def portal_helpers():
    """Give templates `portal_url_for`, which adds the participant's session and token to a URL."""
    return {"portal_url_for": lambda endpoint, **values: _url(endpoint, g.participant, **values)}


def _others(items) -> dict[int, Participant]:
    return queries.get_participants_by_ids(items)


def _feed_url(me: Participant) -> str | None:
    # The person's calendar feed carries their published meetings with the event.
    if me.registration is None:
        return None
    return url_for("calendar.subscribe", manage_token=make_manage_token(me.registration))


@portal_page("/")
def portal(me: Participant):
    """Show the participant's portal: suggestions, requests received and sent."""
    cache = suggestions.get_session_suggestions(me.session)
    top = cache.for_participant(me.code, limit=5)
    others = {cache.code_to_id[s.b]: s for s in top}
    people = _others(others)
    return render_template(
        "b2b/participant/portal.html", me=me, session=me.session, lang=current_language(),
        agenda=queries.get_agenda(me) if me.session.published_at else None,
        feed_url=_feed_url(me),
        suggestions=[(people[cache.code_to_id[s.b]], s) for s in top], action=ActionForm(),
        received=queries.get_received_requests(me), sent=queries.get_sent_requests(me),
        tags={t.code: t for t in get_tags()}, sectors={s.code: s for s in get_sectors()})


@portal_page("/profile", methods=["GET", "POST"])
def profile(me: Participant):
    """Fill or change one's profile: sectors, languages, offers, needs, availability."""
    lang = current_language()
    form = make_profile_form(me, lang, sectors=get_sectors(), tags=get_tags(),
                             post=request.method == "POST")
    closed = services.is_profile_closed(me.session)
    if closed and request.method == "POST":
        flash(_("The deadline for profiles has passed; ask the organisers to change yours."),
              "danger")
    elif form.validate_on_submit():
        services.update_profile(me, **profile_values(form, me))
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(_url(".portal", me))
    return render_template("b2b/participant/profile.html", me=me, session=me.session,
                           profile=form, lang=lang, closed=closed)


@portal_page("/catalogue")
def catalogue(me: Participant):
    """Browse the participants, filtered by sector, offer, need and language."""
    lang = current_language()
    filters = {name: request.args.get(name, "").strip()[:60]
               for name in ("sector", "offer", "need", "language", "search")}
    page = max(query_int("page", 1) or 1, 1)
    rows, total = queries.get_catalogue(me.session, page=page, **filters)
    cache = suggestions.get_session_suggestions(me.session)
    scored = {s.b: s for s in cache.for_participant(me.code, limit=50)}
    return render_template(
        "b2b/participant/catalogue.html", me=me, session=me.session, lang=lang, rows=rows,
        total=total, page=page, filters=filters, scored=scored,
        states=queries.get_request_state(me), tags=get_tags(), sectors=get_sectors(),
        tag_by_code={t.code: t for t in get_tags()},
        sector_by_code={s.code: s for s in get_sectors()},
        languages=PROFILE_LANGUAGES, page_size=queries.CATALOGUE_PAGE)


@portal_page("/suggestions")
def suggested(me: Participant):
    """List the participant's suggested partners with the reasons."""
    cache = suggestions.get_session_suggestions(me.session)
    items = cache.for_participant(me.code, limit=20)
    people = _others(cache.code_to_id[s.b] for s in items)
    return render_template(
        "b2b/participant/suggestions.html", me=me, session=me.session, lang=current_language(),
        suggestions=[(people[cache.code_to_id[s.b]], s) for s in items],
        tags={t.code: t for t in get_tags()}, sectors={s.code: s for s in get_sectors()})


@portal_page("/participants/<code>")
def other(me: Participant, code: str):
    """Show another participant's public profile, with the request form."""
    them = queries.get_participant_by_code(me.session, code)
    if them is None:
        abort(404)
    cache = suggestions.get_session_suggestions(me.session)
    match = next((s for s in cache.for_participant(me.code, limit=50) if s.b == them.code), None)
    state = queries.get_request_state(me).get(them.id)
    form = RequestForm(formdata=None, to=them.code)
    return render_template(
        "b2b/participant/other.html", me=me, them=them, session=me.session, lang=current_language(),
        match=match, state=state, form=form, action=ActionForm(),
        same_organisation=queries.same_organisation(me, them),
        tags={t.code: t for t in get_tags()}, sectors={s.code: s for s in get_sectors()})


@portal_page("/requests", methods=["POST"])
def make_request(me: Participant):
    """Ask another participant for a meeting."""
    form = RequestForm()
    if not form.validate_on_submit():
        abort(400, description=_("Choose who to meet and how much you want it."))
    them = queries.get_participant_by_code(me.session, form.to.data)
    if them is None:
        abort(404)
    try:
        meeting_requests.request_meeting(me, them, form.priority.data,
                                         message=form.message.data or "")
    except services.B2BError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(_url(".other", me, code=them.code))
    db.session.commit()
    flash(_("Your request was sent to %(name)s.", name=them.person.full_name), "success")
    return redirect(_url(".portal", me))


def _own_request(me: Participant, request_id: int) -> MeetingRequest:
    item = db.get_or_404(MeetingRequest, request_id)
    if me.id not in (item.from_id, item.to_id):
        abort(404)
    return item


def _act(me: Participant, request_id: int, action) -> object:
    item = _own_request(me, request_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        action(item)
    except services.B2BError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        return True
    return False


@portal_page("/requests/<int:request_id>/accept", methods=["POST"])
def accept_request(me: Participant, request_id: int):
    """Accept a request received."""
    if _act(me, request_id, lambda r: meeting_requests.respond_to_request(r, me, True)):
        flash(_("Request accepted."), "success")
    return redirect(_url(".portal", me))


@portal_page("/requests/<int:request_id>/decline", methods=["POST"])
def decline_request(me: Participant, request_id: int):
    """Decline a request received."""
    if _act(me, request_id, lambda r: meeting_requests.respond_to_request(r, me, False)):
        flash(_("Request declined."), "success")
    return redirect(_url(".portal", me))


@portal_page("/requests/<int:request_id>/withdraw", methods=["POST"])
def withdraw_request(me: Participant, request_id: int):
    """Withdraw a request one made."""
    if _act(me, request_id, lambda r: meeting_requests.withdraw_request(r, me)):
        flash(_("Request withdrawn."), "success")
    return redirect(_url(".portal", me))


@bp.route("/b2b/<int:session_id>/join/<token>", methods=["GET", "POST"])
def join(session_id: int, token: str):
    """Join a session from one's registration link: GET explains, POST joins."""
    session = db.get_or_404(B2BSession, session_id)
    registration = load_manage_token(token)  # a refused link raises LinkError (its own page)
    if registration.event_id != session.event_id:
        abort(403, description=_("This link belongs to another event."))
    existing = queries.get_participant_for(session, registration.person)
    if existing is not None:
        return redirect(url_for(".portal", session_id=session.id,
                                token=make_participant_token(existing)))
    form = JoinForm()
    error_message = None
    if form.validate_on_submit():
        try:
            participant = services.join_session(session, registration)
        except services.B2BError as error:
            db.session.rollback()
            error_message = error.message
        else:
            db.session.commit()
            flash(_("Welcome! Check your profile: it decides who is suggested to you."),
                  "success")
            return redirect(url_for(".profile", session_id=session.id,
                                    token=make_participant_token(participant)))
    return render_template("b2b/participant/join.html", session=session,
                           registration=registration, form=form, error_message=error_message,
                           lang=current_language()), 400 if error_message or form.errors else 200
