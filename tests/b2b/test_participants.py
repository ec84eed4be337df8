import re
from datetime import UTC, datetime

import pytest

from app.b2b import meeting_requests, queries, services, suggestions
from app.b2b.models import B2BNotification, MeetingRequest, RequestStatus
from app.b2b.problem import build_problem_dict
from app.b2b.queries import (
    load_participant_token,
    make_participant_token,
    participant_portal_url,
    registration_b2b_url,
)
from app.events.queries import load_manage_token, make_manage_token
from tests.factories import (
    make_b2b_event,
    make_participant,
    make_person,
    make_registration,
    make_session,
)
from tests.pages import get_en


def portal(participant, path=""):
    return f"/b2b/{participant.session_id}/me/{make_participant_token(participant)}{path}"


@pytest.fixture
def wood(db, vocabulary):
    """A furniture maker needing reclaimed wood, a supplier offering oak offcuts, a neighbour."""
    session = make_session()
    maker = make_participant(session, "ann@meubles.example", organisation="Meubles Ann",
                             needs=[("Reclaimed wood for furniture", "reclaimed-wood")],
                             offers=[("Upcycled office furniture", "upcycled-furniture")],
                             sectors=["wood"], languages=["fr", "en"], first_name="Ann")
    supplier = make_participant(session, "bob@bois.example", organisation="Bois Bob",
                                offers=[("Oak offcuts", "reclaimed-wood", "wood-offcuts")],
                                sectors=["wood"], languages=["nl", "en"], first_name="Bob")
    colleague = make_participant(session, "cat@meubles.example", organisation="Meubles Ann",
                                 offers=[("More oak", "reclaimed-wood")], first_name="Cat")
    db.session.commit()
    return session, maker, supplier, colleague


def test_portal_link_opens_portal(client, wood):
    _, maker, _, _ = wood

    url = participant_portal_url(maker)
    response = get_en(client, url.replace("http://localhost", ""))

    assert response.status_code == 200
    assert 'data-testid="me"' in response.get_data(as_text=True)


def test_forged_token_is_refused(client, wood):
    _, maker, _, _ = wood

    response = get_en(client, f"/b2b/{maker.session_id}/me/forged-token/")

    assert response.status_code == 400


def test_token_of_other_session_is_refused(client, db, wood):
    _, maker, _, _ = wood
    other = make_session()
    db.session.commit()

    response = get_en(client, f"/b2b/{other.id}/me/{make_participant_token(maker)}/")

    assert response.status_code == 403


def test_revoked_token_is_refused(client, db, wood):
    _, maker, _, _ = wood
    url = portal(maker, "/")
    maker.person.token_version += 1
    db.session.commit()

    assert get_en(client, url).status_code == 403


def test_suggestion_shows_wood_reason(client, wood):
    _, maker, supplier, _ = wood

    html = get_en(client, portal(maker, "/suggestions")).get_data(as_text=True)

    codes = re.findall(r'data-testid="suggestion" data-code="(P\d+)"', html)
    assert codes == [supplier.code]
    assert ("Your need <em>Reclaimed wood for furniture</em> matches their offer "
            "<em>Oak offcuts</em> (Reclaimed wood)") in html
    assert "Same sector: Wood" in html


def test_french_need_matches_dutch_offer_through_tag(db, vocabulary):
    session = make_session()
    french = make_participant(session, "fr@x.example", language="fr", languages=["fr", "nl"],
                              needs=[("Bois de réemploi pour mobilier", "reclaimed-wood")])
    dutch = make_participant(session, "nl@y.example", language="nl", languages=["nl"],
                             offers=[("Eikenhoutresten", "reclaimed-wood")])
    db.session.commit()

    [top] = suggestions.suggestions_for(french)

    assert top.b == dutch.code
    assert (top.reasons[0].kind, top.reasons[0].tag, top.reasons[0].theirs) == (
        "need_offer", "reclaimed-wood", "Eikenhoutresten")


def test_same_organisation_never_suggested(wood):
    _, maker, _, colleague = wood

    assert colleague.code not in [s.b for s in suggestions.suggestions_for(maker)]
    assert maker.code not in [s.b for s in suggestions.suggestions_for(colleague)]


def test_suggestions_cached_until_profile_changes(db, wood):
    session, maker, supplier, _ = wood
    first = suggestions.get_session_suggestions(session)
    assert suggestions.get_session_suggestions(session) is first

    services.update_profile(supplier, sectors=[], languages=["en"], items=[])
    db.session.commit()

    fresh = suggestions.get_session_suggestions(session)
    assert fresh is not first
    assert [s.b for s in fresh.for_participant(maker.code)] == []


def test_profile_form_saves_profile(client, db, wood):
    _, maker, _, _ = wood

    response = client.post(portal(maker, "/profile"), data={
        "sectors": ["wood", "textile"], "languages": ["fr"], "description": "Chairs",
        "items-0-kind": "need", "items-0-title": "Chutes de tissu", "items-0-tags": [
            "fabric-scraps"],
        "items-1-kind": "offer", "items-1-title": "", "items-1-tags": ["repair"],
        "items-2-kind": "need", "items-2-title": "", "items-2-tags": [],
        "unavailable": [str(maker.session.slots[0].id)]})

    assert response.status_code == 302
    db.session.expire_all()
    assert maker.sectors == ["textile", "wood"] and maker.languages == ["fr"]
    assert [(str(i.kind), i.title, [t.code for t in i.tags]) for i in maker.items] == [
        ("need", "Chutes de tissu", ["fabric-scraps"]), ("offer", "Repair", ["repair"])]
    assert [s.code for s in maker.unavailable] == ["S01"]
    assert maker.profile_completed_at is not None


def test_profile_after_its_deadline_is_refused_and_unchanged(client, db, wood):
    _, maker, _, _ = wood
    maker.session.profile_deadline_at = datetime(2020, 1, 1, tzinfo=UTC)
    db.session.commit()

    response = client.post(portal(maker, "/profile"), data={
        "sectors": ["textile"], "languages": ["nl"], "description": "Too late"})

    assert response.status_code == 200
    assert "The deadline for profiles has passed" in response.text
    db.session.expire_all()
    assert maker.sectors == ["wood"] and maker.languages == ["en", "fr"]


def test_profile_page_prefills_items(client, wood):
    _, maker, _, _ = wood

    html = get_en(client, portal(maker, "/profile")).get_data(as_text=True)

    assert 'value="Reclaimed wood for furniture"' in html
    assert html.count('data-testid="item-row"') == 2 + 3


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["Ann", "Bob", "Cat"]),
    ("?offer=reclaimed-wood", ["Bob", "Cat"]),
    ("?need=reclaimed-wood", ["Ann"]),
    ("?sector=wood", ["Ann", "Bob"]),
    ("?language=nl", ["Bob"]),
    ("?offer=reclaimed-wood&language=nl", ["Bob"]),
    ("?search=meubles", ["Ann", "Cat"]),
    ("?offer=sawdust", []),
])
def test_catalogue_filters(client, wood, query, expected):
    _, maker, _, _ = wood

    html = get_en(client, portal(maker, "/catalogue" + query)).get_data(as_text=True)

    names = re.findall(r'data-testid="catalogue-row" data-code="P\d+">\s*<div[^>]*>\s*'
                       r'<a class="fw-bold"[^>]*>(\w+)', html)
    assert sorted(names) == expected


def test_request_accept_flow_goes_to_problem(client, db, wood):
    session, maker, supplier, _ = wood
    services.update_session(session, requires_acceptance=True)
    db.session.commit()

    client.post(portal(maker, "/requests"), data={"to": supplier.code, "priority": 3})
    request = db.session.scalar(db.select(MeetingRequest))
    assert (request.from_id, request.to_id, request.priority, request.status) == (
        maker.id, supplier.id, 3, RequestStatus.PENDING)
    notes = db.session.scalars(db.select(B2BNotification)).all()
    assert [(n.participant_id, n.kind, n.request_id) for n in notes] == [
        (supplier.id, "request", request.id)]
    assert build_problem_dict(session)["requests"] == []

    client.post(portal(supplier, f"/requests/{request.id}/accept"))

    db.session.expire_all()
    assert request.status == RequestStatus.ACCEPTED
    assert build_problem_dict(session)["requests"] == [
        {"from": maker.code, "to": supplier.code, "priority": 3}]
    assert [n.kind for n in db.session.scalars(
        db.select(B2BNotification).where(B2BNotification.participant_id == maker.id))] == [
        "accepted"]


def test_pending_request_goes_to_problem_without_acceptance(db, wood):
    session, maker, supplier, _ = wood
    meeting_requests.request_meeting(maker, supplier, 1)

    assert build_problem_dict(session)["requests"] == [
        {"from": maker.code, "to": supplier.code, "priority": 1}]


def test_declined_request_excluded_from_problem_and_suggestions(client, db, wood):
    session, maker, supplier, _ = wood
    request = meeting_requests.request_meeting(maker, supplier, 2)
    db.session.commit()

    client.post(portal(supplier, f"/requests/{request.id}/decline"))

    db.session.expire_all()
    assert request.status == RequestStatus.DECLINED
    problem = build_problem_dict(session)
    assert problem["requests"] == []
    assert {frozenset((s["a"], s["b"])) for s in problem["suggestions"]} == set()
    assert suggestions.suggestions_for(maker) == []
    with pytest.raises(services.B2BError) as error:
        meeting_requests.request_meeting(maker, supplier, 2)
    assert error.value.code == "declined"


def test_withdraw_request(client, db, wood):
    session, maker, supplier, _ = wood
    request = meeting_requests.request_meeting(maker, supplier, 2)
    db.session.commit()

    client.post(portal(maker, f"/requests/{request.id}/withdraw"))

    db.session.expire_all()
    assert request.status == RequestStatus.WITHDRAWN
    assert build_problem_dict(session)["requests"] == []
    assert [s.b for s in suggestions.suggestions_for(maker)] == [supplier.code]


def test_participant_cannot_act_for_another(client, db, wood):
    _, maker, supplier, colleague = wood
    request = meeting_requests.request_meeting(maker, supplier, 2)
    db.session.commit()

    accept_by_requester = client.post(portal(maker, f"/requests/{request.id}/accept"))
    withdraw_by_other = client.post(portal(colleague, f"/requests/{request.id}/withdraw"))
    accept_by_other = client.post(portal(colleague, f"/requests/{request.id}/accept"))

    db.session.expire_all()
    assert request.status == RequestStatus.PENDING
    assert accept_by_requester.status_code == 302  # refused with a message
    assert (withdraw_by_other.status_code, accept_by_other.status_code) == (404, 404)


def test_participant_private_pages_are_their_own(client, wood):
    _, maker, supplier, _ = wood

    html = get_en(client, portal(maker, "/profile")).get_data(as_text=True)

    assert "Reclaimed wood for furniture" in html and "Oak offcuts" not in html


def test_request_to_same_organisation_refused(db, wood):
    _, maker, _, colleague = wood

    with pytest.raises(services.B2BError) as error:
        meeting_requests.request_meeting(maker, colleague, 2)

    assert error.value.code == "same_organisation"


def test_organiser_adds_pair_by_hand(logged_in, db, wood):
    session, maker, supplier, _ = wood

    logged_in.post(f"/admin/b2b/{session.id}/pairs",
                   data={"pair-a": maker.code, "pair-b": supplier.code})

    request = db.session.scalar(db.select(MeetingRequest))
    assert (request.from_id, request.to_id, request.priority, request.status,
            request.by_organiser) == (maker.id, supplier.id, 3, RequestStatus.ACCEPTED, True)


def test_organiser_forbids_pair(logged_in, db, wood):
    session, maker, supplier, _ = wood

    logged_in.post(f"/admin/b2b/{session.id}/forbidden",
                   data={"pair-a": supplier.code, "pair-b": maker.code})

    assert len(queries.get_forbidden(session)) == 1
    assert {"a": maker.code, "b": supplier.code} in build_problem_dict(session)["forbidden"]
    assert suggestions.suggestions_for(maker) == []


def test_organiser_edits_request_on_behalf(logged_in, db, wood):
    session, maker, supplier, _ = wood
    request = meeting_requests.request_meeting(maker, supplier, 2)
    db.session.commit()
    page = get_en(logged_in, f"/admin/b2b/{session.id}/participants/{supplier.id}")
    assert 'data-testid="request-accept"' in page.get_data(as_text=True)

    logged_in.post(f"/admin/b2b/{session.id}/requests/{request.id}/decline",
                   data={"next": f"/admin/b2b/{session.id}/participants/{supplier.id}"})

    db.session.expire_all()
    assert request.status == RequestStatus.DECLINED


def test_post_without_csrf_token_is_refused(app, client, db, wood):
    _, maker, supplier, _ = wood
    app.config["WTF_CSRF_ENABLED"] = True

    response = client.post(portal(maker, "/requests"), data={"to": supplier.code, "priority": 2})

    assert response.status_code == 400
    assert db.session.scalar(db.select(MeetingRequest)) is None


def test_registrant_joins_session_from_registration_link(client, db, vocabulary):
    session = make_session()
    person = make_person("new@join.example", organisation="Joiners", language="en")
    registration = make_registration(session.event, person)
    db.session.commit()
    url = registration_b2b_url(registration)
    # The token carries its signing second, so compare what it names, not its text.
    prefix, token = url.rsplit("/", 1)
    assert prefix == f"http://localhost/b2b/{session.id}/join"
    assert load_manage_token(token) is registration

    page = get_en(client, url.replace("http://localhost", ""))
    response = client.post(url.replace("http://localhost", ""))

    assert 'data-testid="join"' in page.get_data(as_text=True)
    assert response.status_code == 302
    [participant] = session.participants
    assert participant.person_id == person.id and participant.registration_id == registration.id
    portal_prefix, portal_token = registration_b2b_url(registration).rstrip("/").rsplit("/", 1)
    assert portal_prefix == participant_portal_url(participant).rstrip("/").rsplit("/", 1)[0]
    assert load_participant_token(portal_token) is participant


def test_registration_of_other_event_cannot_join(client, db, vocabulary):
    session = make_session()
    registration = make_registration(make_b2b_event(), make_person("x@y.example", organisation="Y"))
    db.session.commit()

    response = client.post(f"/b2b/{session.id}/join/{make_manage_token(registration)}")

    assert response.status_code == 403
    assert session.participants == []
