"""Meeting requests between participants (ask, answer, withdraw) and organisers' pairs.

Services flush, never commit. Every change raises the session's ``profiles_version`` so cached
suggestions go stale.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from app.b2b import queries
from app.b2b.models import (
    B2BNotification,
    B2BSession,
    ForbiddenPair,
    MeetingRequest,
    Participant,
    RequestStatus,
)
from app.b2b.services import PRIORITIES, B2BError, bump_profiles_version
from app.db import utc_now
from app.extensions import db


def _notify(participant: Participant, kind: str, request: MeetingRequest | None) -> None:
    db.session.add(B2BNotification(participant=participant, kind=kind, request=request))


def _check_pair(a: Participant, b: Participant) -> None:
    if a.session_id != b.session_id:
        raise B2BError("other_session", _("This participant takes part in another session."))
    if a.id == b.id:
        raise B2BError("self", _("You cannot request a meeting with yourself."))
    if queries.same_organisation(a, b):
        raise B2BError("same_organisation",
                       _("You both represent %(organisation)s.",
                         organisation=a.organisation_label))


def request_meeting(requester: Participant, recipient: Participant, priority: int, *,
                    message: str = "", now: datetime | None = None) -> MeetingRequest:
    """Ask another participant for a meeting (1 could, 2 should, 3 must) and notify them."""
    session = requester.session
    _check_pair(requester, recipient)
    if priority not in PRIORITIES:
        raise B2BError("priority", _("Choose could, should or must meet."))
    deadline = session.request_deadline_at
    if deadline is not None and (now or utc_now()) > deadline:
        raise B2BError("deadline", _("The deadline for meeting requests has passed."))
    if queries.is_forbidden(requester, recipient):
        raise B2BError("forbidden", _("The organisers do not plan this meeting."))
    if queries.is_declined(requester, recipient):
        raise B2BError("declined", _("A request between you was declined."))
    existing = queries.get_request(requester, recipient)
    if existing is not None and existing.status in (RequestStatus.PENDING,
                                                    RequestStatus.ACCEPTED):
        raise B2BError("duplicate", _("You already asked for this meeting."))
    reverse = queries.get_request(recipient, requester)
    if reverse is not None and reverse.status in (RequestStatus.PENDING,
                                                  RequestStatus.ACCEPTED):
        raise B2BError("reverse", _("%(name)s already asked you for this meeting: answer "
                                    "their request.", name=recipient.person.full_name))
    if existing is None:
        existing = MeetingRequest(session_id=session.id, requester=requester,
                                  recipient=recipient)
        db.session.add(existing)
    existing.priority = priority
    existing.message = message.strip()
    existing.status = RequestStatus.PENDING
    existing.by_organiser = False
    existing.created_at = now or utc_now()
    existing.responded_at = None
    db.session.flush()
    _notify(recipient, "request", existing)
    bump_profiles_version(session)
    return existing


def respond_to_request(request: MeetingRequest, participant: Participant, accept: bool, *,
                       now: datetime | None = None) -> None:
    """Accept or decline a request received by `participant`, and notify the requester."""
    if request.to_id != participant.id:
        raise B2BError("not_recipient", _("Only the person asked can answer this request."))
    if request.status not in (RequestStatus.PENDING, RequestStatus.ACCEPTED) or (
            accept and request.status == RequestStatus.ACCEPTED):
        raise B2BError("closed", _("This request is no longer open."))
    request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    request.responded_at = now or utc_now()
    db.session.flush()
    _notify(request.requester, "accepted" if accept else "declined", request)
    bump_profiles_version(participant.session)


def withdraw_request(request: MeetingRequest, participant: Participant) -> None:
    """Withdraw a request `participant` made."""
    if request.from_id != participant.id:
        raise B2BError("not_requester", _("Only the person who asked can withdraw."))
    if request.status not in (RequestStatus.PENDING, RequestStatus.ACCEPTED):
        raise B2BError("closed", _("This request is no longer open."))
    request.status = RequestStatus.WITHDRAWN
    request.responded_at = utc_now()
    db.session.flush()
    bump_profiles_version(participant.session)


def share_no_language(a: Participant, b: Participant) -> bool:
    """Tell whether two participants both name their languages and have none in common."""
    return bool(a.languages and b.languages and not set(a.languages) & set(b.languages))


def add_pair(a: Participant, b: Participant, *, interpreter: bool = False) -> MeetingRequest:
    """Add a must-meet pair by hand: an accepted priority-3 request made by the organisers.

    ``interpreter``: one will be present, so the scheduler keeps the pair without a shared
    language.
    """
    _check_pair(a, b)
    for forbidden in queries.get_forbidden_rows(a, b):
        db.session.delete(forbidden)
    request = queries.get_request(a, b) or queries.get_request(b, a)
    if request is None:
        request = MeetingRequest(session_id=a.session_id, requester=a, recipient=b)
        db.session.add(request)
    request.priority = 3
    request.status = RequestStatus.ACCEPTED
    request.by_organiser = True
    request.interpreter = interpreter
    request.responded_at = utc_now()
    db.session.flush()
    bump_profiles_version(a.session)
    return request


def set_interpreter(request: MeetingRequest, present: bool) -> None:
    """Record whether an interpreter attends an organisers' pair (the language rule is lifted)."""
    if not request.by_organiser:
        raise B2BError("not_organiser", _("Only the organisers' pairs can have an interpreter."))
    request.interpreter = present
    db.session.flush()
    bump_profiles_version(request.requester.session)


def forbid_pair(a: Participant, b: Participant) -> ForbiddenPair:
    """Never schedule or suggest this pair."""
    if a.session_id != b.session_id or a.id == b.id:
        raise B2BError("pair", _("Choose two different participants of the session."))
    existing = queries.get_forbidden_rows(a, b)
    if existing:
        return existing[0]
    first, second = sorted((a, b), key=lambda p: p.id)
    pair = ForbiddenPair(session_id=a.session_id, a_id=first.id, b_id=second.id)
    db.session.add(pair)
    db.session.flush()
    bump_profiles_version(a.session)
    return pair


def allow_pair(pair: ForbiddenPair) -> None:
    """Remove a forbidden pair."""
    session = db.session.get(B2BSession, pair.session_id)
    db.session.delete(pair)
    db.session.flush()
    bump_profiles_version(session)


def set_request_status(request: MeetingRequest, status: RequestStatus) -> None:
    """Set a request's status as an organiser (accept, decline or withdraw on someone's behalf)."""
    if status == request.status:
        return
    request.status = status
    request.responded_at = utc_now()
    db.session.flush()
    bump_profiles_version(request.requester.session)
