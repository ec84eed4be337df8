"""Two people with registrations, B2B data and mail, for the data export and erasure tests."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from app.b2b import services as b2b_services
from app.b2b.models import (
    B2BNotification,
    MeetingFeedback,
    MeetingRequest,
    Participant,
    PublishedMeeting,
    RequestStatus,
)
from app.db import utc_now
from app.events import attendance
from app.events.models import Event, Registration
from app.extensions import db
from app.members.models import Person
from tests.factories import (
    make_b2b_event,
    make_event,
    make_person,
    make_question,
    make_registration,
    make_run,
    make_session,
    queue_plain,
)


@dataclass
class Scenario:
    """Ann (the person who asks) and Bob (someone else) at a past event and its B2B session."""

    ann: Person
    bob: Person
    event: Event
    b2b_event: Event
    registration: Registration
    ann_participant: Participant
    bob_participant: Participant


def build(*, days_ago: int = 10, ann_organisation=None) -> Scenario:
    """Add the scenario: everything ended `days_ago` days ago."""
    start = utc_now().replace(microsecond=0) - timedelta(days=days_ago)
    ann = make_person("ann.secret@example.org", first_name="Annabelle", last_name="Zorglub",
                      organisation=ann_organisation, organisation_name="Ann Consulting")
    ann.phone, ann.job_title = "+32 470 11 22 33", "Chief recycler"
    bob = make_person("bob.other@example.org", first_name="Robert", last_name="Quinoa",
                      organisation_name="Bob Trading")
    event = make_event(starts_at=start)
    question = make_question(event, label="Dietary needs")
    registration = make_registration(event, ann, answers={str(question.id): "no gluten, Annie"},
                                     attended_at=start + timedelta(minutes=5))
    make_registration(event, bob, answers={str(question.id): "vegan Bobby"},
                      attended_at=start + timedelta(minutes=7))
    b2b_event = make_b2b_event(starts_at=start, ends_at=start + timedelta(hours=8))
    session = make_session(b2b_event)
    participants = []
    for person, offer in ((ann, "Ann's reclaimed oak"), (bob, "Bob's spare pallets")):
        participant = b2b_services.add_participant(session, person)
        b2b_services.update_profile(participant, sectors=(), languages=("en",),
                                    description=f"About {person.first_name}",
                                    items=[b2b_services.ItemData("offer", offer)])
        participants.append(participant)
    ann_p, bob_p = participants
    request = MeetingRequest(session_id=session.id, requester=ann_p, recipient=bob_p,
                             priority=3, status=RequestStatus.ACCEPTED,
                             message="Dear colleague, let us talk oak")
    db.session.add(request)
    db.session.flush()
    db.session.add(B2BNotification(participant_id=ann_p.id, kind="request",
                                   request_id=request.id))
    make_run(session, meetings=((0, 1, 0, 0),))
    first, second = sorted((ann_p.id, bob_p.id))
    published = PublishedMeeting(session_id=session.id, a_id=first, b_id=second,
                                 slot_id=session.slots[0].id, table_id=session.tables[0].id,
                                 uid="meeting-1@test")
    db.session.add(published)
    db.session.flush()
    db.session.add(MeetingFeedback(published_meeting_id=published.id, participant_id=ann_p.id,
                                   usefulness=5, comment="Annabelle liked it"))
    queue_plain(ann.email, subject="Your link, Annabelle", body="Manage: /events/manage/ann")
    queue_plain(bob.email, subject="Your link, Robert", body="Manage: /events/manage/bob")
    db.session.commit()
    return Scenario(ann, bob, event, b2b_event, registration, ann_p, bob_p)


def figures(scenario: Scenario) -> dict:
    """Return the event and B2B figures an erasure must keep."""
    from app.b2b.models import Meeting

    counts = attendance.get_status_counts(scenario.event)
    return {
        "status_counts": {str(k): v for k, v in counts.items()},
        "registrations": db.session.scalar(select(func.count(Registration.id))),
        "attended": db.session.scalar(select(func.count(Registration.id)).where(
            Registration.attended_at.is_not(None))),
        "participants": db.session.scalar(select(func.count(Participant.id))),
        "meetings": db.session.scalar(select(func.count(Meeting.id))),
        "published": db.session.scalar(select(func.count(PublishedMeeting.id))),
        "requests": db.session.scalar(select(func.count(MeetingRequest.id))),
        "people": db.session.scalar(select(func.count(Person.id))),
        "feedback": db.session.scalar(select(func.count(MeetingFeedback.id))),
    }
