"""Erasure: personal fields go, figures stay, in one transaction, logged; also from the link."""

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.links import LinkError
from app.b2b import services as b2b_services
from app.b2b.models import B2BNotification, MeetingFeedback, MeetingRequest, ParticipantItem
from app.events.models import Registration, RegistrationStatus
from app.events.queries import load_manage_token, make_manage_token
from app.extensions import db as _db
from app.mail.models import OutboxMessage, OutboxStatus
from app.members.models import Person
from app.personal_data import export
from app.personal_data.erasure import erase_person, erased_email, is_erased
from tests.factories import make_event, make_person, make_registration, make_session
from tests.personal_data import scenario


def _ann_values(s: scenario.Scenario) -> dict:
    """Return every personal value of Ann's, read fresh from the database."""
    _db.session.expire_all()
    ann = _db.session.get(Person, s.ann.id)
    registration = _db.session.get(Registration, s.registration.id)
    return {
        "person": (ann.first_name, ann.last_name, ann.email, ann.phone, ann.job_title,
                   ann.organisation_name, ann.token_version),
        "answers": registration.answers,
        "participant": (s.ann_participant.organisation_label, s.ann_participant.description),
        "items": _db.session.scalars(select(ParticipantItem.title).where(
            ParticipantItem.participant_id == s.ann_participant.id)).all(),
        "messages": _db.session.scalars(select(MeetingRequest.message)).all(),
        "feedback": _db.session.scalars(select(MeetingFeedback.comment)).all(),
        "notifications": _db.session.scalars(select(B2BNotification.id)).all(),
        "mails": _db.session.execute(select(OutboxMessage.recipient, OutboxMessage.subject,
                                            OutboxMessage.raw).order_by(OutboxMessage.id)).all(),
    }


def test_erasure_removes_personal_fields_and_keeps_the_figures(logged_in, db):
    s = scenario.build()
    before = scenario.figures(s)
    page = logged_in.get(f"/admin/privacy/people/{s.ann.id}/erase").get_data(as_text=True)
    assert "What is erased" in page and "What is kept, without name" in page
    response = logged_in.post(f"/admin/privacy/people/{s.ann.id}/erase",
                              data={"confirm": "y"})
    assert response.status_code == 302
    assert scenario.figures(s) == before
    values = _ann_values(s)
    assert values["person"] == ("", "", erased_email(s.ann), "", "", "", 2)
    assert values["answers"] == {}
    assert values["participant"] == ("", "")
    assert values["items"] == []
    assert values["messages"] == [""]
    assert values["feedback"] == [""]
    assert values["notifications"] == []
    ann_mail, bob_mail = values["mails"]
    assert ann_mail.raw == b"" and ann_mail.subject == ""
    assert ann_mail.recipient.startswith("sha256:")
    assert bob_mail.recipient == "bob.other@example.org" and bob_mail.raw != b""
    # Bob keeps everything.
    bob = db.session.get(Person, s.bob.id)
    assert (bob.first_name, bob.email) == ("Robert", "bob.other@example.org")
    assert export.collect("bob.other@example.org")["b2b"][0]["offers_and_needs"]
    # Nothing of Ann's is left to find by her address.
    assert export.collect("ann.secret@example.org")["person"] is None
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.target, entry.actor_label) == (
        "person.erase", f"people:{s.ann.id}", "orga@cluster.example")
    assert "ann" not in entry.detail


def test_erasure_needs_the_confirmation_box(logged_in, db):
    s = scenario.build()
    response = logged_in.post(f"/admin/privacy/people/{s.ann.id}/erase", data={})
    assert response.status_code == 400
    assert not is_erased(db.session.get(Person, s.ann.id))


def test_a_failure_midway_leaves_everything_unchanged(logged_in, db):
    s = scenario.build()
    # The placeholder address is taken: the last step (the person row) fails after the
    # registrations, the B2B data and the mail were already changed in the transaction.
    make_person(erased_email(s.ann), first_name="")
    db.session.commit()
    before, values = scenario.figures(s), _ann_values(s)
    response = logged_in.post(f"/admin/privacy/people/{s.ann.id}/erase",
                              data={"confirm": "y"})
    assert response.status_code == 409
    assert "nothing was changed" in response.get_data(as_text=True)
    assert scenario.figures(s) == before
    assert _ann_values(s) == values
    assert db.session.scalar(select(AuditEntry)) is None


def test_erasure_cancels_registrations_for_coming_events_and_frees_the_seat(db):
    s = scenario.build()
    coming = make_event(capacity=1)
    seat = make_registration(coming, s.ann)
    waiting = make_registration(coming, s.bob, status=RegistrationStatus.WAITLISTED)
    coming_b2b = b2b_services.add_participant(make_session(), s.ann)
    db.session.commit()
    result = erase_person(s.ann, None)
    db.session.commit()
    assert result.cancelled == 1
    assert seat.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    db.session.expire_all()
    # Out of the coming session's schedule and catalogue; the past session keeps its facts.
    assert coming_b2b.absent is True and s.ann_participant.absent is False
    # The cancellation mail to Ann never goes out; Bob's promotion mail does.
    pending = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.PENDING)).all()
    assert {m.recipient for m in pending} == {"bob.other@example.org"}


def test_person_erases_their_data_from_their_link(client, db):
    s = scenario.build()
    before = scenario.figures(s)
    token = make_manage_token(s.registration)
    assert f"/privacy/data/{token}/erase" in client.get(f"/events/manage/{token}").get_data(
        as_text=True)
    page = client.get(f"/privacy/data/{token}/erase")
    assert page.status_code == 200 and "ann.secret@example.org" in page.get_data(as_text=True)
    response = client.post(f"/privacy/data/{token}/erase", data={"confirm": "y"})
    assert response.status_code == 200
    assert 'data-testid="self-erased"' in response.get_data(as_text=True)
    assert scenario.figures(s) == before
    assert _ann_values(s)["person"][:3] == ("", "", erased_email(s.ann))
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.actor_label, entry.action) == ("person", "person.self_erase")
    # Every link sent so far is dead: the manage link no longer opens, nor erases again.
    with pytest.raises(LinkError):
        load_manage_token(token)
    assert client.get(f"/events/manage/{token}").status_code == 403  # revoked
    assert client.post(f"/privacy/data/{token}/erase", data={"confirm": "y"}).status_code == 403


def test_an_erased_person_cannot_be_erased_twice(logged_in, db):
    s = scenario.build()
    erase_person(s.ann, None)
    db.session.commit()
    response = logged_in.post(f"/admin/privacy/people/{s.ann.id}/erase", data={"confirm": "y"})
    assert response.status_code == 302
    assert len(db.session.scalars(select(AuditEntry)).all()) == 1
    assert "erased already" in logged_in.get(response.location).get_data(as_text=True)


def test_organisers_reach_the_data_page_from_people_registrations_and_participants(
        logged_in, db):
    s = scenario.build()
    data_url = f"/admin/privacy/people/{s.ann.id}"
    for page in ("/admin/people", f"/admin/people/{s.ann.id}/edit",
                 f"/admin/events/{s.event.id}/registrations",
                 f"/admin/b2b/{s.ann_participant.session_id}/participants/"
                 f"{s.ann_participant.id}"):
        response = logged_in.get(page)
        assert response.status_code == 200, page
        assert data_url in response.get_data(as_text=True), page
    page = logged_in.get(data_url).get_data(as_text=True)
    for link in ("export.json", "export.csv", "/erase"):
        assert f"{data_url}/{link.lstrip('/')}" in page
    assert logged_in.get("/admin/privacy/people/999999").status_code == 404
