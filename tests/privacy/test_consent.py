"""Consent records: the time (UTC) and the notice version on registrations and participants."""

from datetime import timedelta

from sqlalchemy import select

from app.b2b.models import Participant
from app.db import utc_now
from app.events.models import Registration
from app.events.queries import make_manage_token
from app.privacy.notice import save_notice
from tests.factories import make_event, make_person, make_registration, make_session

EN = {"Accept-Language": "en"}


def _form(**values) -> dict:
    data = {"first_name": "Marie", "last_name": "Dubois", "email": "marie@example.org",
            "organisation": "Independent", "language": "en", "consent": "y"}
    data.update(values)
    return data


def test_registration_stores_consent_time_and_notice_version(db, client):
    event = make_event()
    save_notice({"fr": "Texte", "nl": "Tekst", "en": "Text"})  # version 2
    db.session.commit()
    before = utc_now()

    response = client.post(f"/events/{event.id}", data=_form(), headers=EN)

    assert response.status_code == 302
    registration = db.session.scalar(select(Registration))
    assert registration.consent_notice_version == 2
    assert registration.consent_at.utcoffset() == timedelta(0)
    assert before <= registration.consent_at <= utc_now()


def test_registration_with_the_default_notice_records_version_1(db, client):
    event = make_event()
    db.session.commit()

    client.post(f"/events/{event.id}", data=_form(), headers=EN)

    assert db.session.scalar(select(Registration.consent_notice_version)) == 1


def test_registration_without_consent_records_nothing(db, client):
    event = make_event()
    db.session.commit()

    response = client.post(f"/events/{event.id}", data=_form(consent=""), headers=EN)

    assert response.status_code == 400
    assert "Please accept the privacy notice." in response.get_data(as_text=True)
    assert db.session.scalar(select(Registration)) is None


def test_joining_a_b2b_session_records_consent(db, client, vocabulary):
    session = make_session()
    registration = make_registration(session.event,
                                     make_person("new@join.example", organisation="Joiners"))
    save_notice({"fr": "Texte", "nl": "Tekst", "en": "Text"})
    db.session.commit()

    response = client.post(f"/b2b/{session.id}/join/{make_manage_token(registration)}")

    assert response.status_code == 302
    participant = db.session.scalar(select(Participant))
    assert participant.consent_notice_version == 2
    assert participant.consent_at is not None and participant.consent_at.utcoffset() is not None
