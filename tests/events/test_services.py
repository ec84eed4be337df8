"""Registration services: confirm, waitlist, promote, approve, audience, errors."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.db import utc_now
from app.events import changes, places, queries, services
from app.events.models import Audience, EventStatus, QuestionKind, Registration, RegistrationStatus
from app.extensions import db
from app.members.models import MemberStatus, OrganisationKind, Person
from tests.factories import (
    make_event,
    make_organisation,
    make_person,
    make_question,
    registration_data,
)
from tests.mails import outbox


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_register_with_free_place_confirms_and_queues_invite(db):
    event = make_event(capacity=10, confirm_by_link=False)

    registration, created = services.register(event, **registration_data())
    db.session.commit()

    assert created is True
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.confirmed_at is not None and registration.consent_at is not None
    assert registration.person.email == "marie.dubois@example.org"
    assert registration.person.organisation_name == "Independent"
    assert [m.kind for m in outbox()] == ["registration.confirmed"]
    assert outbox()[0].recipient == "marie.dubois@example.org"
    assert queries.places_left(event) == 9


def test_register_links_known_organisation_by_name(db):
    make_person("someone@boisvif.example", organisation="Bois Vif SRL")
    event = make_event()

    registration, _ = services.register(
        event, **registration_data(organisation="  bois vif srl "))

    assert registration.person.organisation.name == "Bois Vif SRL"
    assert registration.person.organisation_name == ""


def test_register_when_full_waitlists(db):
    event = make_event(capacity=1, confirm_by_link=False)
    services.register(event, **registration_data(email="first@example.org"))

    registration, created = services.register(event, **registration_data())

    assert created is True
    assert registration.status == RegistrationStatus.WAITLISTED
    assert registration.confirmed_at is None
    assert [m.kind for m in outbox()] == ["registration.confirmed", "registration.waitlisted"]
    assert queries.places_left(event) == 0


def test_register_same_email_twice_resends_link_without_duplicate(db):
    event = make_event()
    first, _ = services.register(event, **registration_data())
    db.session.commit()
    _age_outbox(db, minutes=16)  # past the quarter hour in which no second link is mailed

    second, created = services.register(
        event, **registration_data(email=" MARIE.dubois@example.org ", first_name="Mallory"))
    db.session.commit()

    assert created is False
    assert second is first
    assert _count(Registration) == 1
    assert _count(Person) == 1
    assert first.person.first_name == "Marie"
    assert [m.kind for m in outbox()] == ["registration.confirmed", "registration.manage_link"]


def _age_outbox(db, *, minutes: int) -> None:
    """Make every queued mail look `minutes` older."""
    for message in outbox():
        message.created_at -= timedelta(minutes=minutes)
    db.session.commit()


def test_register_again_after_cancelling_reuses_registration(db):
    event = make_event()
    registration, _ = services.register(event, **registration_data())
    services.cancel_registration(registration)

    again, created = services.register(event, **registration_data())

    assert created is True
    assert again is registration
    assert again.status == RegistrationStatus.CONFIRMED
    assert again.cancelled_at is None


def test_cancel_confirmed_promotes_first_waitlisted_with_mail(db):
    event = make_event(capacity=1, confirm_by_link=False)
    confirmed, _ = services.register(event, **registration_data(email="a@example.org"))
    first_waiting, _ = services.register(event, **registration_data(email="b@example.org"))
    second_waiting, _ = services.register(event, **registration_data(email="c@example.org"))

    promoted = services.cancel_registration(confirmed)
    db.session.commit()

    assert promoted is first_waiting
    assert confirmed.status == RegistrationStatus.CANCELLED
    assert confirmed.cancelled_at is not None
    assert first_waiting.status == RegistrationStatus.CONFIRMED
    assert second_waiting.status == RegistrationStatus.WAITLISTED
    kinds = [(m.kind, m.recipient) for m in outbox()][3:]
    assert kinds == [("registration.cancelled", "a@example.org"),
                     ("registration.promoted", "b@example.org")]


def test_cancel_waitlisted_promotes_nobody(db):
    event = make_event(capacity=1, confirm_by_link=False)
    services.register(event, **registration_data(email="a@example.org"))
    waiting, _ = services.register(event, **registration_data(email="b@example.org"))

    assert services.cancel_registration(waiting) is None
    assert services.cancel_registration(waiting) is None  # twice: nothing more happens
    assert [m.kind for m in outbox()][-1] == "registration.cancelled"
    assert len(outbox()) == 3


def test_raising_capacity_then_promote_fills_places_in_order(db):
    event = make_event(capacity=1, confirm_by_link=False)
    services.register(event, **registration_data(email="a@example.org"))
    waiting = [services.register(event, **registration_data(email=f"w{i}@example.org"))[0]
               for i in range(3)]
    event.capacity = 3

    promoted = places.promote_waitlisted(event)

    assert promoted == waiting[:2]
    assert waiting[2].status == RegistrationStatus.WAITLISTED


def test_approval_mode_registration_is_pending_then_approved(db):
    event = make_event(capacity=5, confirm_by_link=False, requires_approval=True)
    registration, _ = services.register(event, **registration_data())
    assert registration.status == RegistrationStatus.PENDING
    assert queries.places_left(event) == 5

    services.approve_registration(registration)

    assert registration.status == RegistrationStatus.CONFIRMED
    assert [m.kind for m in outbox()] == ["registration.pending", "registration.confirmed"]


def test_approve_without_free_place_waitlists(db):
    event = make_event(capacity=1, confirm_by_link=False, requires_approval=True)
    services.register(event, source="organiser", **registration_data(email="a@example.org"))
    pending, _ = services.register(event, **registration_data())

    services.approve_registration(pending)

    assert pending.status == RegistrationStatus.WAITLISTED
    with pytest.raises(services.RegistrationError) as error:
        services.approve_registration(pending)
    assert error.value.code == "not_pending"


def test_approval_mode_freed_place_is_offered_and_held(db):
    event = make_event(capacity=1, confirm_by_link=False, requires_approval=True)
    confirmed, _ = services.register(event, source="organiser",
                                     **registration_data(email="a@example.org"))
    waiting, _ = services.register(event, source="organiser",
                                   **registration_data(email="b@example.org"))
    later, _ = services.register(event, source="organiser",
                                 **registration_data(email="c@example.org"))
    assert waiting.status == later.status == RegistrationStatus.WAITLISTED

    offered = services.cancel_registration(confirmed)

    assert offered is waiting
    assert waiting.status == RegistrationStatus.PENDING and waiting.offered_at is not None
    assert later.status == RegistrationStatus.WAITLISTED
    assert queries.places_left(event) == 0
    assert outbox()[-1].kind == "registration.offered"
    services.approve_registration(waiting)
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_move_registration_between_confirmed_and_waitlisted(db):
    event = make_event(capacity=1, confirm_by_link=False)
    confirmed, _ = services.register(event, **registration_data(email="a@example.org"))
    waiting, _ = services.register(event, **registration_data(email="b@example.org"))

    services.move_registration(waiting, RegistrationStatus.CONFIRMED)
    services.move_registration(confirmed, RegistrationStatus.WAITLISTED)

    assert waiting.status == RegistrationStatus.CONFIRMED
    assert confirmed.status == RegistrationStatus.WAITLISTED
    assert [m.kind for m in outbox()][-2:] == ["registration.confirmed",
                                               "registration.waitlisted"]
    with pytest.raises(services.RegistrationError) as error:
        services.move_registration(waiting, RegistrationStatus.CANCELLED)
    assert error.value.code == "status"


@pytest.mark.parametrize(("values", "code"), [
    ({"status": EventStatus.CANCELLED}, "cancelled"),
    ({"status": EventStatus.DRAFT}, "not_published"),
    ({"registration_closes_at": utc_now() - timedelta(hours=1)}, "closed"),
    ({"registration_opens_at": utc_now() + timedelta(days=1)}, "not_open"),
    ({"starts_at": utc_now() - timedelta(days=2)}, "ended"),
])
def test_register_refused_changes_nothing(db, values, code):
    event = make_event(**values)
    db.session.commit()

    with pytest.raises(services.RegistrationError) as error:
        services.register(event, **registration_data())
    db.session.rollback()

    assert error.value.code == code
    assert _count(Registration) == 0
    assert _count(Person) == 0
    assert outbox() == []


def test_register_refuses_malformed_email(db):
    event = make_event()

    with pytest.raises(services.RegistrationError) as error:
        services.register(event, **registration_data(email="marie@@example"))

    assert error.value.code == "email"
    assert _count(Registration) == 0


def test_register_online_needs_consent(db):
    event = make_event()

    with pytest.raises(services.RegistrationError) as error:
        services.register(event, **registration_data(consent=False))

    assert error.value.code == "consent"


def test_organiser_bypasses_window_and_audience(db):
    event = make_event(registration_closes_at=utc_now() - timedelta(days=1),
                       audience=Audience.MEMBERS)

    registration, created = services.register(event, source="organiser", consent=False,
                                              **{k: v for k, v in registration_data().items()
                                                 if k != "consent"})

    assert created and registration.status == RegistrationStatus.CONFIRMED
    assert registration.source == "organiser" and registration.consent_at is None


def test_answers_validated_and_stored(db):
    event = make_event()
    diet = make_question(event, QuestionKind.TEXT, required=True)
    workshop = make_question(event, QuestionKind.CHOICE, choices="Wood\nTextile", label="Workshop")
    parking = make_question(event, QuestionKind.YES_NO, label="Parking")

    with pytest.raises(services.RegistrationError) as error:
        services.register(event, **registration_data(
            answers={str(workshop.id): "Metal", str(parking.id): "maybe"}))
    assert error.value.code == "answers"
    assert error.value.errors == {str(diet.id): "required", str(workshop.id): "choice",
                                  str(parking.id): "yes_no"}

    registration, _ = services.register(event, **registration_data(
        answers={str(diet.id): " vegan ", str(workshop.id): "Textile", "999": "ignored"}))
    assert registration.answers == {str(diet.id): "vegan", str(workshop.id): "Textile"}

    services.update_answers(registration, {str(diet.id): "none", str(parking.id): "yes"})
    assert registration.answers == {str(diet.id): "none", str(parking.id): "yes"}
    with pytest.raises(services.RegistrationError):
        services.update_answers(registration, {str(diet.id): ""})
    assert registration.answers == {str(diet.id): "none", str(parking.id): "yes"}


def test_members_only_event_registers_member_with_confirmation(db):
    member = make_person(organisation="Bois Vif SRL")
    event = make_event(audience=Audience.MEMBERS)

    registration, created = services.register(event, **registration_data(email=member.email))

    assert created and registration.person is member
    assert [m.kind for m in outbox()] == ["registration.confirmed"]


def test_members_only_event_mails_non_member_how_to_join(db):
    make_person("old@former.example",
                organisation=make_organisation("Former SRL", status=MemberStatus.FORMER))
    event = make_event(audience=Audience.MEMBERS)

    unknown = services.register(event, **registration_data(email="new@example.org",
                                                           organisation="Bois Vif SRL"))
    former = services.register(event, **registration_data(email="old@former.example"))

    assert unknown == (None, False) and former == (None, False)
    assert _count(Registration) == 0
    assert _count(Person) == 1  # no person made for an unknown address
    assert [(m.kind, m.recipient) for m in outbox()] == [
        ("registration.not_member", "new@example.org"),
        ("registration.not_member", "old@former.example"),
    ]


def test_members_partners_event_accepts_partner_but_members_event_does_not(db):
    partner = make_person("p@uni.example",
                          organisation=make_organisation("Uni Lab", kind=OrganisationKind.PARTNER))
    open_to_partners = make_event(audience=Audience.MEMBERS_PARTNERS)
    members_only = make_event(audience=Audience.MEMBERS)

    registration, _ = services.register(open_to_partners,
                                        **registration_data(email=partner.email))
    refused = services.register(members_only, **registration_data(email=partner.email))

    assert registration.status == RegistrationStatus.CONFIRMED
    assert refused == (None, False)


def test_cancel_event_notifies_everyone_registered(db):
    event = make_event(capacity=1, confirm_by_link=False, requires_approval=False)
    confirmed, _ = services.register(event, **registration_data(email="a@example.org"))
    waiting, _ = services.register(event, **registration_data(email="b@example.org"))
    gone, _ = services.register(event, **registration_data(email="c@example.org"))
    services.cancel_registration(gone)
    before = len(outbox())

    notified = changes.cancel_event(event)

    assert notified == 2
    assert event.status == EventStatus.CANCELLED and event.cancelled_at is not None
    assert [(m.kind, m.recipient) for m in outbox()[before:]] == [
        ("registration.event_cancelled", "a@example.org"),
        ("registration.event_cancelled", "b@example.org"),
    ]
    assert changes.cancel_event(event) == 0
