"""Registrations: register, confirm an address, cancel, approve, move; personal links.

Every seat decision is made under the event's lock (``app.events.places``, with the places
that free themselves and the waiting list). Services flush, never commit: the caller commits
once, and mail queued here is sent by the worker after that commit. A registration that
becomes confirmed or cancelled is announced with the signals of ``app.signals`` for the
packages above events.
"""

from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import insert
from sqlalchemy.orm import make_transient_to_detached

from app.db import utc_now
from app.events import mails, page_cache, queries
from app.events.answers import clean_answers
from app.events.errors import RegistrationError
from app.events.models import (
    Audience,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from app.events.places import (
    has_free_place,
    lock_event,
    mail_registration,
    promote_waitlisted,
    release_expired_holds,
)
from app.extensions import db
from app.members.models import LANGUAGES, MemberStatus, OrganisationKind, Person
from app.members.queries import get_person_by_email, normalise_email
from app.members.services import claim_person, get_or_create_person, revoke_links
from app.privacy.consent import consent_columns
from app.privacy.notice import current_version, version_in_force_sql
from app.signals import registration_cancelled, registration_confirmed

# --- checks -------------------------------------------------------------------------------


def is_eligible(event: Event, person: Person | None) -> bool:
    """Tell whether the person may register for the event's audience."""
    if event.audience == Audience.PUBLIC:
        return True
    organisation = person.organisation if person is not None else None
    if organisation is None:
        return False
    if organisation.kind == OrganisationKind.MEMBER:
        return organisation.status == MemberStatus.ACTIVE
    return (event.audience == Audience.MEMBERS_PARTNERS
            and organisation.kind == OrganisationKind.PARTNER)


def check_open(event: Event, now: datetime | None = None) -> None:
    """Raise RegistrationError when online registration is not possible now."""
    refusal = queries.get_refusal(event, now)
    if refusal is not None:
        raise RegistrationError(refusal)


def _clean_email(email: str) -> str:
    try:
        checked = validate_email((email or "").strip(), check_deliverability=False)
        return normalise_email(checked.normalized)
    except EmailNotValidError as error:
        raise RegistrationError("email", str(error), {"email": "invalid"}) from error


# --- registration -------------------------------------------------------------------------


def register(event: Event, *, email: str, first_name: str, last_name: str,
             organisation: str = "", language: str = "fr", answers: dict[str, str] | None = None,
             consent: bool = True, source: str = "online", defer_mail: bool = False,
             known_person: tuple[str, int | None] | None = None,
             ) -> tuple[Registration | None, bool]:
    """Register a person for an event; return (registration, created).

    Online registrations check the window, the audience, the answers and consent.
    For a members-only event and someone who is not a member, no registration is
    made: the "how to join" mail is queued and (None, False) returned, so the page
    can answer "check your mailbox" in every case. A second registration with the
    same address creates nothing and mails the management link again.

    With ``defer_mail`` the registration's mail is stored to be built after the commit
    (``app.mail.deferred``): the caller commits, then calls ``deferred.after_commit``, so
    the event's lock is held for the seat decision only. ``known_person`` is an address and
    the id of its person (None: nobody) read with the event
    (``queries.get_event_for_registration``), which spares a public event's post a read.
    """
    online = source == "online"
    email = _clean_email(email)
    language = language if language in LANGUAGES else "fr"
    if online and not consent:
        raise RegistrationError("consent", errors={"consent": "required"})
    if online:
        check_open(event)
    # What needs no lock is done before it: the event's lock is for the seat decision. The
    # person is found (or, for a public event, created) and the answers checked against the
    # questions the form showed; a refusal below rolls a created person back with the rest.
    created = False
    person = person_id = None
    if event.audience == Audience.PUBLIC:  # finds or creates by id: no object loaded
        person_id, created = claim_person(
            email, first_name=first_name, last_name=last_name, language=language,
            organisation_name=organisation, known=known_person)
    else:
        person = get_person_by_email(email)
    cleaned = clean_answers(event, answers, enforce_required=online)
    lock_event(event, columns_only=True)
    now = utc_now()
    if online:
        check_open(event, now)  # again: the event may have changed while we waited
    elif event.status == EventStatus.CANCELLED:
        raise RegistrationError("cancelled")

    if online and not is_eligible(event, person):
        if not queries.has_mail_since(f"event:{event.id}", _link_mail_window(now),
                                      kind="registration.not_member", recipient=email):
            name = f"{first_name} {last_name}".strip()
            mails.queue_not_member_mail(event, email=email, name=name, language=language)
        return None, False
    if person_id is None:
        if person is None:
            person, created = get_or_create_person(
                email, first_name=first_name, last_name=last_name, language=language,
                organisation_name=organisation)
        person_id = person.id
    # Read under the lock: the same person's other request may have just registered. Someone
    # created by this transaction has no registration (nobody else sees them yet).
    registration = None if created else queries.get_registration_for(event, person_id)
    if registration is not None and registration.status != RegistrationStatus.CANCELLED:
        if online and not _mailed_recently(registration, now):
            mail_registration(registration, "confirm_address" if registration.status
                              == RegistrationStatus.UNCONFIRMED else "manage_link",
                              defer=defer_mail)
        return registration, False

    free = _has_free_place_now(event, now, defer_mail=defer_mail)
    hold_until = None
    if online and queries.needs_address_confirmation(event):
        # Invented addresses must not take places: hold one (if free) until the person
        # confirms by the link mailed to them.
        status = RegistrationStatus.UNCONFIRMED
        if free:
            hold_until = now + timedelta(minutes=current_app.config["CONFIRMATION_HOLD_MINUTES"])
    elif online and event.requires_approval:
        status = RegistrationStatus.PENDING
    elif free:
        status = RegistrationStatus.CONFIRMED
    else:
        status = RegistrationStatus.WAITLISTED
    values = {
        "status": status, "language": language, "answers": cleaned, "source": source,
        # A returning person goes to the end of the queue.
        "created_at": now, "cancelled_at": None,
        "confirmed_at": now if status == RegistrationStatus.CONFIRMED else None,
        "offered_at": None, "offer_expires_at": None, "hold_expires_at": hold_until,
        "reminder_sent_at": None, "consent_at": now if consent else None,
    }
    if registration is None:
        registration = _insert_registration(consent, event_id=event.id, person_id=person_id,
                                            **values)
    else:
        values.update(consent_columns(consent, now, current_version() if consent else None))
        for key, value in values.items():
            setattr(registration, key, value)
        db.session.flush()
    if status == RegistrationStatus.CONFIRMED:
        registration_confirmed.send(registration)
    if event.ends_at > now:
        kind = ("confirm_address" if status == RegistrationStatus.UNCONFIRMED
                else status.value)
        mail_registration(registration, kind, defer=defer_mail)
    return registration, True


#: Built once, so that SQLAlchemy compiles them once. With consent, the notice version in
#: force is read by the INSERT itself (no round trip of its own).
_INSERT_REGISTRATION = insert(Registration.__table__).returning(
    Registration.__table__.c.id, Registration.__table__.c.consent_notice_version)
_INSERT_CONSENTED_REGISTRATION = _INSERT_REGISTRATION.values(
    consent_notice_version=version_in_force_sql())


def _insert_registration(consent: bool, **values) -> Registration:
    """Insert a registration row in one statement and return it as a loaded object.

    Under the event's lock: a plain INSERT ... RETURNING costs a fraction of the unit of
    work's flush. With ``consent`` the row is stamped with the privacy notice in force. The
    object is put in the session as if read back (the columns not given are loaded when first
    used). A registration that takes no place changes nothing the public pages show: its
    INSERT starts no new version of the kept pages (``page_cache.UNSEEN``).
    """
    if consent:
        statement = _INSERT_CONSENTED_REGISTRATION
    else:
        statement, values["consent_notice_version"] = _INSERT_REGISTRATION, None
    takes_place = (values["status"] == RegistrationStatus.CONFIRMED
                   or values["hold_expires_at"] is not None)
    values["id"], values["consent_notice_version"] = db.session.execute(
        statement, values, execution_options={} if takes_place else page_cache.UNSEEN).one()
    registration = Registration(**values)
    make_transient_to_detached(registration)
    db.session.add(registration)
    return registration


def _has_free_place_now(event: Event, now: datetime, *, defer_mail: bool) -> bool:
    """Tell whether a place is free, once the expired holds and offers are released.

    Under the event's lock. One read counts both; the expired claims (rare) are released,
    their places going to the waiting list first, only when there are some.
    """
    taken, expired = queries.get_place_counts(event, now)
    if expired:
        release_expired_holds(event, now, defer_mail=defer_mail)
        return has_free_place(event)
    return event.capacity is None or taken < event.capacity


def _link_mail_window(now: datetime) -> datetime:
    return now - timedelta(minutes=current_app.config["LINK_MAIL_INTERVAL_MINUTES"])


def _mailed_recently(registration: Registration, now: datetime) -> bool:
    """Tell whether this address got a mail about this registration in the last minutes.

    Any such mail carried the personal link, so asking again (re-registering, "send me a new
    link") within LINK_MAIL_INTERVAL_MINUTES mails nothing: one cannot flood a mailbox.
    """
    return queries.has_mail_since(f"registration:{registration.id}", _link_mail_window(now))


# --- address confirmation -------------------------------------------------------------------


def confirm_address(registration: Registration, *, defer_mail: bool = False) -> bool:
    """Confirm the address of an unconfirmed registration; return False if it was not one.

    The registration then goes on as an online registration does: it waits for approval,
    or is confirmed (in the place it held, or in a free one), or joins the waiting list.
    ``defer_mail`` as for ``register``.
    """
    event = lock_event(registration.event)
    db.session.refresh(registration)
    if registration.status != RegistrationStatus.UNCONFIRMED:
        return False
    now = utc_now()
    # Its own hold no longer counts, so a held place is a free place for it.
    registration.hold_expires_at = None
    db.session.flush()
    release_expired_holds(event, now, defer_mail=defer_mail)
    if event.requires_approval:
        registration.status = RegistrationStatus.PENDING
    elif has_free_place(event):
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
    else:
        registration.status = RegistrationStatus.WAITLISTED
    db.session.flush()
    if registration.status == RegistrationStatus.CONFIRMED:
        registration_confirmed.send(registration)
    if event.ends_at > now:
        mail_registration(registration, registration.status.value, defer=defer_mail)
    return True


# --- personal links ---------------------------------------------------------------------------


def renew_links(registration: Registration, *, send: bool = True,
                by_organiser: bool = False) -> None:
    """Revoke a person's links and, when ``send``, mail them a new link to this registration."""
    revoke_links(registration.person)
    if send:
        mails.queue_registration_mail(registration, "new_link", by_organiser=by_organiser)


def send_new_link(event: Event, email: str) -> bool:
    """Mail a new link to this address's registration for the event, revoking the old ones.

    For the public "lost your link?" page: returns whether a mail was queued, but the page
    answers the same either way. Nothing happens for an unknown address, a cancelled
    registration, an event that is over, or when a mail went to it in the last minutes.
    """
    try:
        email = _clean_email(email)
    except RegistrationError:
        return False
    person = get_person_by_email(email)
    if person is None:
        return False
    registration = queries.get_registration_for(event, person.id)
    if registration is None or registration.status == RegistrationStatus.CANCELLED:
        return False
    lock_event(event)  # two requests at once: the second sees the first one's mail
    now = utc_now()
    if event.ends_at <= now or _mailed_recently(registration, now):
        return False
    renew_links(registration)
    return True


def cancel_registration(registration: Registration, *,
                        by_organiser: bool = False) -> Registration | None:
    """Cancel a registration, mail a CANCEL, promote the next waitlisted person.

    Returns the registration promoted into the freed place, if any.
    """
    event = lock_event(registration.event)
    db.session.refresh(registration)
    if registration.status == RegistrationStatus.CANCELLED:
        return None
    held_place = (registration.status == RegistrationStatus.CONFIRMED
                  or registration.offered_at is not None or queries.holds_place(registration))
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = utc_now()
    registration.offered_at = registration.offer_expires_at = None
    registration.hold_expires_at = None
    db.session.flush()
    registration_cancelled.send(registration)
    if event.ends_at > utc_now():
        mails.queue_registration_mail(registration, "cancelled", by_organiser=by_organiser)
    if not held_place:
        return None
    promoted = promote_waitlisted(event)
    return promoted[0] if promoted else None


def approve_registration(registration: Registration) -> None:
    """Approve a pending registration: confirmed when a place is free, else waitlisted."""
    event = lock_event(registration.event)
    release_expired_holds(event)  # an offer not taken in time went to the next person
    db.session.refresh(registration)
    if registration.status != RegistrationStatus.PENDING:
        raise RegistrationError("not_pending")
    if registration.offered_at is not None or has_free_place(event):
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = utc_now()
    else:
        registration.status = RegistrationStatus.WAITLISTED
    registration.offered_at = registration.offer_expires_at = None
    db.session.flush()
    if registration.status == RegistrationStatus.CONFIRMED:
        registration_confirmed.send(registration)
    mails.queue_registration_mail(registration, registration.status.value)


def move_registration(registration: Registration, status: RegistrationStatus) -> None:
    """Move a registration between confirmed and waitlisted (the organiser's choice).

    Confirming may exceed the capacity. Moving someone to the waiting list sends
    a CANCEL for their invite and does not promote anyone automatically.
    """
    status = RegistrationStatus(status)
    if status not in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED):
        raise RegistrationError("status")
    lock_event(registration.event)
    db.session.refresh(registration)
    if registration.status == RegistrationStatus.CANCELLED:
        raise RegistrationError("cancelled")
    if registration.status == status:
        return
    registration.status = status
    registration.offered_at = registration.offer_expires_at = None
    if status == RegistrationStatus.CONFIRMED:
        registration.confirmed_at = utc_now()
    db.session.flush()
    if status == RegistrationStatus.CONFIRMED:
        registration_confirmed.send(registration)
    mails.queue_registration_mail(registration, status.value, by_organiser=True)


def update_answers(registration: Registration, answers: dict[str, str]) -> None:
    """Replace a registration's answers after checking them against the questions."""
    if registration.status == RegistrationStatus.CANCELLED:
        raise RegistrationError("cancelled")
    registration.answers = clean_answers(registration.event, answers)
    db.session.flush()
