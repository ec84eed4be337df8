"""What the app holds about one e-mail address, as a dict, JSON or CSV (the right of access).

A person is one `Person` row (addresses are unique and normalised); their registrations,
B2B participations, requests, meetings and feedback hang from it, so do the team's records
naming them (follow-ups, advices, introductions, board seats), and the outbox holds the
mails sent to the address. Other people appear only as a participant code, never by name.
"""

import csv
import io
import json
from datetime import datetime

from sqlalchemy import func, or_, select

from app.b2b.models import (
    B2BNotification,
    MeetingFeedback,
    MeetingRequest,
    MeetingSurveyAnswer,
    Participant,
    PublishedMeeting,
)
from app.db import utc_now
from app.events.models import Registration
from app.extensions import db
from app.mail.models import OutboxMessage
from app.mail.retention import recipient_hash
from app.members.models import Person
from app.members.queries import get_person_by_email, normalise_email
from app.personal_data import team_records
from app.privacy.preferences import MailCategory, get_preference
from app.text import spreadsheet_cell

FORMAT_VERSION = 1


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _person(person: Person) -> dict:
    return {
        "first_name": person.first_name, "last_name": person.last_name,
        "email": person.email, "phone": person.phone, "language": person.language,
        "job_title": person.job_title, "organisation": person.organisation_label,
        "consent_contact": person.consent_contact,
        "has_calendar_feed": person.feed_token_hash is not None,
        "created_at": _when(person.created_at),
    }


def _answers(registration: Registration) -> dict:
    labels = {str(q.id): q.label(registration.language) for q in registration.event.questions}
    return {labels.get(key, key): value for key, value in (registration.answers or {}).items()}


def _registration(registration: Registration) -> dict:
    event = registration.event
    return {
        "event": event.title(registration.language), "event_id": event.id,
        "event_starts_at": _when(event.starts_at), "status": registration.status.value,
        "language": registration.language, "answers": _answers(registration),
        "source": registration.source, "created_at": _when(registration.created_at),
        "confirmed_at": _when(registration.confirmed_at),
        "cancelled_at": _when(registration.cancelled_at),
        "consent_at": _when(registration.consent_at),
        "attended_at": _when(registration.attended_at), "no_show": registration.no_show,
    }


def _codes(ids) -> dict[int, str]:
    ids = set(ids)
    if not ids:
        return {}
    rows = db.session.execute(select(Participant.id, Participant.code)
                              .where(Participant.id.in_(ids)))
    return dict(rows.all())


def _participation(participant: Participant) -> dict:
    requests = list(db.session.scalars(select(MeetingRequest).where(
        or_(MeetingRequest.from_id == participant.id, MeetingRequest.to_id == participant.id))
        .order_by(MeetingRequest.id)))
    meetings = list(db.session.scalars(select(PublishedMeeting).where(
        PublishedMeeting.session_id == participant.session_id,
        or_(PublishedMeeting.a_id == participant.id, PublishedMeeting.b_id == participant.id))
        .order_by(PublishedMeeting.id)))
    feedback = list(db.session.scalars(select(MeetingFeedback).where(
        MeetingFeedback.participant_id == participant.id).order_by(MeetingFeedback.id)))
    codes = _codes([r.from_id for r in requests] + [r.to_id for r in requests]
                   + [m.a_id for m in meetings] + [m.b_id for m in meetings])
    session = participant.session
    return {
        "session": session.title, "session_id": session.id,
        "event": session.event.title(participant.person.language), "code": participant.code,
        "organisation": participant.organisation_label, "languages": participant.languages,
        "sectors": participant.sectors, "description": participant.description,
        "max_meetings": participant.max_meetings,
        "profile_completed_at": _when(participant.profile_completed_at),
        "offers_and_needs": [
            {"kind": item.kind.value, "title": item.title, "tags": [t.code for t in item.tags]}
            for item in participant.items],
        "requests": [
            {"direction": "sent" if r.from_id == participant.id else "received",
             "other": codes.get(r.to_id if r.from_id == participant.id else r.from_id),
             "priority": r.priority, "status": r.status.value,
             "message": r.message if r.from_id == participant.id else "",
             "created_at": _when(r.created_at)} for r in requests],
        "meetings": [
            {"other": codes.get(m.b_id if m.a_id == participant.id else m.a_id),
             "slot_id": m.slot_id, "table_id": m.table_id} for m in meetings],
        "feedback": [
            {"meeting": f.published_meeting_id, "happened": f.happened,
             "usefulness": f.usefulness, "outcome": f.outcome.value, "comment": f.comment}
            for f in feedback],
        "outcome_survey_sent_at": _when(participant.outcome_survey_sent_at),
        "outcome_survey": [
            {"meeting": a.published_meeting_id, "result": a.result.value,
             "answered_at": _when(a.answered_at)}
            for a in db.session.scalars(select(MeetingSurveyAnswer).where(
                MeetingSurveyAnswer.participant_id == participant.id)
                .order_by(MeetingSurveyAnswer.id))],
        "pending_notifications": db.session.scalar(select(func.count(B2BNotification.id)).where(
            B2BNotification.participant_id == participant.id,
            B2BNotification.sent_at.is_(None))),
    }


def _mails(address: str) -> list[dict]:
    # Mails whose body was cleared keep a hash of the address: still the person's.
    messages = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient.in_([address, recipient_hash(address)]))
        .order_by(OutboxMessage.id))
    return [{"kind": m.kind, "subject": m.subject, "status": m.status.value,
             "created_at": _when(m.created_at), "sent_at": _when(m.sent_at)} for m in messages]


def _preferences(address: str) -> dict | None:
    preference = get_preference(address)
    if preference is None:
        return None
    return {category.value: preference.accepts(category) for category in MailCategory}


def collect(email: str) -> dict:
    """Return everything held about the address, as plain JSON-ready values."""
    address = normalise_email(email)
    person = get_person_by_email(address)
    data = {"format": FORMAT_VERSION, "email": address, "exported_at": _when(utc_now()),
            "person": None, "registrations": [], "b2b": [], "team_records": None,
            "mails": _mails(address),
            "mail_preferences": _preferences(address)}
    if person is None:
        return data
    data["person"] = _person(person)
    registrations = db.session.scalars(select(Registration).where(
        Registration.person_id == person.id).order_by(Registration.id))
    data["registrations"] = [_registration(r) for r in registrations]
    participants = db.session.scalars(select(Participant).where(
        Participant.person_id == person.id).order_by(Participant.id))
    data["b2b"] = [_participation(p) for p in participants]
    data["team_records"] = team_records.collect(person)
    return data


def to_json(data: dict) -> str:
    """Return the export as indented JSON (UTF-8 text, non-ASCII letters kept)."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)


def _flatten(prefix: str, value, rows: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), item, rows)
    elif isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        for index, item in enumerate(value, start=1):
            _flatten(f"{prefix}[{index}]", item, rows)
    elif isinstance(value, list):
        rows.append((prefix, "; ".join(str(v) for v in value)))
    else:
        rows.append((prefix, "" if value is None else str(value)))


def to_csv(data: dict) -> str:
    """Return the export as a two-column CSV (field path, value), safe to open in a spreadsheet."""
    rows: list[tuple[str, str]] = []
    _flatten("", data, rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["field", "value"])
    for field, value in rows:
        writer.writerow([spreadsheet_cell(field), spreadsheet_cell(value)])
    return out.getvalue()
