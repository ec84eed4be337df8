from datetime import UTC, date, datetime, time

import pytest
from flask_babel import refresh

from app.b2b import queries, services
from app.b2b.models import B2BSession
from app.events.models import RegistrationStatus
from app.invites.timezone import BRUSSELS
from tests.factories import (
    make_b2b_event,
    make_participant,
    make_person,
    make_profile_item,
    make_registration,
    make_session,
    sector,
)
from tests.pages import get_en


def _local(slot):
    return (slot.starts_at.astimezone(BRUSSELS).strftime("%H:%M"),
            slot.ends_at.astimezone(BRUSSELS).strftime("%H:%M"))


def test_generate_slots_leaves_lunch_gap(db):
    session = services.create_session(make_b2b_event())

    slots = services.generate_slots(session, [date(2027, 5, 20)], time(10), time(14), 30,
                                    [(time(12), time(13))])

    assert [s.code for s in slots] == ["S01", "S02", "S03", "S04", "S05", "S06"]
    assert [_local(s) for s in slots] == [
        ("10:00", "10:30"), ("10:30", "11:00"), ("11:00", "11:30"), ("11:30", "12:00"),
        ("13:00", "13:30"), ("13:30", "14:00")]
    assert slots[0].starts_at == datetime(2027, 5, 20, 8, tzinfo=UTC)


@pytest.mark.parametrize(("minutes", "count", "last"), [(15, 8, ("10:45", "11:00")),
                                                          (20, 6, ("10:40", "11:00")),
                                                          (30, 4, ("10:30", "11:00"))])
def test_generate_slots_each_length(db, minutes, count, last):
    session = services.create_session(make_b2b_event())

    slots = services.generate_slots(session, [date(2027, 5, 20)], time(9), time(11), minutes)

    assert len(slots) == count
    assert _local(slots[-1]) == last
    assert session.slot_minutes == minutes


def test_generate_slots_keeps_wall_clock_across_dst_change(db):
    session = services.create_session(make_b2b_event())
    # 27 and 28 March 2027: Brussels moves from UTC+1 to UTC+2 in the night between.
    slots = services.generate_slots(session, [date(2027, 3, 27), date(2027, 3, 28)],
                                    time(9), time(10), 30)

    assert [_local(s) for s in slots] == [("09:00", "09:30"), ("09:30", "10:00")] * 2
    assert slots[0].starts_at == datetime(2027, 3, 27, 8, tzinfo=UTC)
    assert slots[2].starts_at == datetime(2027, 3, 28, 7, tzinfo=UTC)
    assert [s.code for s in slots] == ["S01", "S02", "S03", "S04"]


def test_generate_slots_refuses_other_lengths(db):
    session = services.create_session(make_b2b_event())

    with pytest.raises(services.B2BError) as error:
        services.generate_slots(session, [date(2027, 5, 20)], time(9), time(11), 25)

    assert error.value.code == "slot_length"


def test_add_slot_refuses_overlap_and_takes_next_code(db):
    session = make_session(slots=2)  # 14:00-14:40
    with pytest.raises(services.B2BError) as error:
        services.add_slot(session, datetime(2032, 5, 20, 12, 30, tzinfo=UTC),
                          datetime(2032, 5, 20, 12, 50, tzinfo=UTC))
    assert error.value.code == "slot_overlap"

    slot = services.add_slot(session, datetime(2032, 5, 20, 13, tzinfo=UTC),
                             datetime(2032, 5, 20, 13, 20, tzinfo=UTC))

    assert slot.code == "S03"
    services.delete_slot(session.slots[0])
    assert [s.code for s in session.slots] == ["S02", "S03"]


def test_add_tables_numbers_codes(db):
    session = make_session(slots=0, tables=0)

    tables = services.add_tables(session, 3, location="Hall A")

    assert [(t.code, t.name, t.location) for t in tables] == [
        ("T01", "Table 1", "Hall A"), ("T02", "Table 2", "Hall A"), ("T03", "Table 3", "Hall A")]


def test_stand_shared_by_one_organisation_only(db, vocabulary):
    session = make_session(tables=1)
    table = session.tables[0]
    ann = make_participant(session, "ann@bois.example", organisation="Bois Vif")
    bob = make_participant(session, "bob@bois.example", organisation="Bois Vif")
    eve = make_participant(session, "eve@textile.example", organisation="Textile Lab")
    services.assign_stand(ann, table)
    services.assign_stand(bob, table)

    with pytest.raises(services.B2BError) as error:
        services.assign_stand(eve, table)

    assert error.value.code == "stand_shared"
    assert eve.table is None
    assert [p.code for p in queries.get_stand_holders(table)] == [ann.code, bob.code]


def test_import_registrations_prefills_profiles(db, vocabulary):
    event = make_b2b_event()
    session = make_session(event)
    member = make_person("ann@bois.example", organisation="Bois Vif", language="nl")
    member.organisation.sectors = [sector("wood")]
    make_profile_item(member, "offer", "Oak offcuts", "wood-offcuts", "reclaimed-wood")
    guest = make_person("gus@guest.example", organisation_name="Guest Studio", language="fr")
    waiting = make_person("wai@list.example", organisation="Late Co")
    make_registration(event, member)
    make_registration(event, guest)
    make_registration(event, waiting, RegistrationStatus.WAITLISTED)

    added = services.import_registrations(session)
    again = services.import_registrations(session)

    assert [(p.code, p.person.email) for p in added] == [
        ("P001", "ann@bois.example"), ("P002", "gus@guest.example")]
    assert again == []
    ann, gus = added
    assert ann.languages == ["nl"] and ann.sectors == ["wood"]
    assert [(str(i.kind), i.title, sorted(t.code for t in i.tags)) for i in ann.items] == [
        ("offer", "Oak offcuts", ["reclaimed-wood", "wood-offcuts"])]
    assert gus.organisation_label == "Guest Studio" and gus.items == []


def test_import_registrations_skips_guests_when_closed_to_them(db):
    event = make_b2b_event()
    session = make_session(event, open_to_guests=False)
    make_registration(event, make_person("ann@bois.example", organisation="Bois Vif"))
    make_registration(event, make_person("gus@guest.example", organisation_name="Guest Studio"))

    added = services.import_registrations(session)

    assert [p.person.email for p in added] == ["ann@bois.example"]


def test_organiser_pages_need_login(client, db):
    session = make_session()
    db.session.commit()

    response = client.get(f"/admin/b2b/{session.id}")

    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_organiser_creates_session_and_plans_slots(logged_in, db):
    event = make_b2b_event()
    db.session.commit()

    response = logged_in.post("/admin/b2b/new", data={
        "event_id": event.id, "title_fr": "Rendez-vous d'affaires", "title_nl": "Zakenafspraken",
        "title_en": "Matchmaking", "status": "open", "min_meetings": 0,
        "requires_acceptance": "y"})
    session = db.session.scalar(db.select(B2BSession))
    assert response.status_code == 302
    assert (session.title_in("en"), session.requires_acceptance) == ("Matchmaking", True)
    # The title is kept in each language and shown in the reader's.
    assert session.title_in("fr") == "Rendez-vous d'affaires"
    assert session.title_in("nl") == "Zakenafspraken"
    logged_in.get("/lang/nl")
    refresh()
    page = logged_in.get(f"/admin/b2b/{session.id}")
    assert "Zakenafspraken" in page.get_data(as_text=True)
    logged_in.get("/lang/en")
    refresh()

    response = logged_in.post(f"/admin/b2b/{session.id}/slots", data={
        "plan-first_day": "2027-05-20", "plan-start": "10:00", "plan-end": "13:00",
        "plan-slot_minutes": "20", "plan-break_start": "11:00", "plan-break_end": "12:00"})
    logged_in.post(f"/admin/b2b/{session.id}/tables", data={"count": 2, "location": "Hall"})
    page = get_en(logged_in, f"/admin/b2b/{session.id}/slots")

    assert response.status_code == 302
    db.session.expire_all()
    assert [s.code for s in session.slots] == ["S01", "S02", "S03", "S04", "S05", "S06"]
    assert [t.code for t in session.tables] == ["T01", "T02"]
    assert page.get_data(as_text=True).count('data-testid="slot-row"') == 6
    listing = logged_in.get("/admin/b2b/").get_data(as_text=True)
    assert "Matchmaking" in listing


def test_organiser_pages_render(logged_in, db, vocabulary):
    session = make_session()
    ann = make_participant(session, "ann@bois.example", needs=[("Wood", "reclaimed-wood")])
    make_participant(session, "bob@lab.example", offers=[("Offcuts", "reclaimed-wood")])
    db.session.commit()

    pages = {path: get_en(logged_in, f"/admin/b2b/{session.id}{path}")
             for path in ("", "/settings", "/slots", "/tables", "/participants",
                          f"/participants/{ann.id}", "/import")}

    assert {path: r.status_code for path, r in pages.items()} == dict.fromkeys(pages, 200)
    assert pages["/participants"].get_data(as_text=True).count('data-testid="participant-row"') == 2


# Wall-clock times skipped by the spring clock change -----------------------------------------

SKIPPED = "This time does not exist in Brussels (the clocks move forward)."


def test_add_slot_at_skipped_time_is_refused_with_a_message(logged_in, db):
    session = make_session(slots=0, tables=0)
    db.session.commit()
    refresh()

    # 28 March 2027 is the last Sunday of March: 02:00 to 03:00 does not exist in Brussels.
    response = logged_in.post(f"/admin/b2b/{session.id}/slots/add", follow_redirects=True,
                              headers={"Accept-Language": "en"}, data={
                                  "slot-day": "2027-03-28", "slot-start": "02:30",
                                  "slot-end": "02:50"})

    assert response.status_code == 200
    assert SKIPPED in response.get_data(as_text=True)
    db.session.expire_all()
    assert session.slots == []


def test_generate_slots_over_skipped_hour_is_refused(db):
    session = services.create_session(make_b2b_event())

    with pytest.raises(services.B2BError) as error:
        services.generate_slots(session, [date(2027, 3, 28)], time(1), time(4), 30)

    assert error.value.code == "local_time"
    assert session.slots == []


def test_session_deadline_at_skipped_time_is_a_form_error(logged_in, db):
    session = make_session(slots=0, tables=0)
    db.session.commit()

    refresh()

    response = logged_in.post(f"/admin/b2b/{session.id}/settings",
                              headers={"Accept-Language": "en"}, data={
                                  "title_en": "Matchmaking", "status": "open", "min_meetings": 0,
                                  "profile_deadline_at": "2027-03-28T02:30"})

    assert response.status_code == 200
    assert SKIPPED in response.get_data(as_text=True)
    db.session.expire_all()
    assert session.profile_deadline_at is None and session.title != "Matchmaking"
