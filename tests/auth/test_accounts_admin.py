"""Roles: the accounts pages of administrators, check-in staff, `flask users` with roles."""

import pytest
from sqlalchemy import select

from app.auth import services
from app.auth.models import EventStaff, Role, User
from app.events.models import Registration
from app.extensions import db as _db
from tests.factories import make_event, make_person, make_registration

PASSWORD = "walk-the-map-42"


@pytest.fixture
def accounts(app):
    """One account of each role, and two events with a registration each."""
    with app.app_context():
        for role in Role:
            services.create_user(f"{role.value}@cluster.example", PASSWORD, role=role)
        person = make_person()
        first, second = make_event(), make_event(title_en="Second")
        ids = {"first": first.id, "second": second.id,
               "first_registration": make_registration(first, person).id,
               "second_registration": make_registration(second, person).id}
        _db.session.commit()
    return ids


def _client(app, role: Role):
    client = app.test_client()
    response = client.post("/auth/login", data={"email": f"{role.value}@cluster.example",
                                                "password": PASSWORD})
    assert response.status_code == 302
    return client


def _get(app, model, **where):
    with app.app_context():
        return _db.session.scalar(select(model).filter_by(**where))


def test_administrator_creates_a_check_in_staff_account(app, accounts):
    admin = _client(app, Role.ADMINISTRATOR)

    response = admin.post("/admin/users/new", data={
        "email": "Door@Cluster.example", "name": "Door", "role": "checkin",
        "password": "at-the-door-2027"})

    assert response.status_code == 302
    assert _get(app, User, email="door@cluster.example").role == Role.CHECKIN
    assert "door@cluster.example" in admin.get("/admin/users/").text


def test_accounts_form_refuses_a_common_password_with_a_reason(app, accounts):
    response = _client(app, Role.ADMINISTRATOR).post("/admin/users/new", data={
        "email": "door@cluster.example", "role": "checkin", "password": "password123"})
    assert response.status_code == 400
    assert "too common" in response.text
    assert _get(app, User, email="door@cluster.example") is None


def test_organisers_cannot_manage_accounts(app, accounts):
    organiser = _client(app, Role.ORGANISER)
    response = organiser.post("/admin/users/new", data={
        "email": "sneaky@cluster.example", "role": "administrator",
        "password": "at-the-door-2027"})
    assert response.status_code == 403
    assert _get(app, User, email="sneaky@cluster.example") is None


def test_administrator_cannot_demote_themselves(app, accounts):
    admin = _client(app, Role.ADMINISTRATOR)
    me = _get(app, User, email="administrator@cluster.example")

    response = admin.post(f"/admin/users/{me.id}", data={"name": "", "role": "organiser",
                                                          "active": "y"})

    assert response.status_code == 400
    assert "own administrator rights" in response.text
    assert _get(app, User, id=me.id).role == Role.ADMINISTRATOR


def test_closing_an_account_ends_its_sessions(app, accounts):
    organiser = _client(app, Role.ORGANISER)
    target = _get(app, User, email="organiser@cluster.example")

    _client(app, Role.ADMINISTRATOR).post(f"/admin/users/{target.id}",
                                          data={"name": "", "role": "organiser"})

    assert _get(app, User, id=target.id).is_active_account is False
    assert organiser.get("/admin/").status_code == 302


def test_organiser_assigns_staff_who_then_check_in_at_that_event_only(app, accounts):
    staff_user = _get(app, User, email="checkin@cluster.example")
    organiser, staff = _client(app, Role.ORGANISER), _client(app, Role.CHECKIN)
    first, second = accounts["first"], accounts["second"]
    assert staff.get(f"/admin/events/{first}/check-in").status_code == 403

    organiser.post(f"/admin/events/{first}/staff", data={"user_id": staff_user.id})

    assert _get(app, EventStaff, event_id=first, user_id=staff_user.id) is not None
    home = staff.get("/admin/events/check-in")
    assert f'data-testid="staff-event-{first}"' in home.text
    assert f'data-testid="staff-event-{second}"' not in home.text
    page = staff.get(f"/admin/events/{first}/check-in")
    assert page.status_code == 200
    assert f"/admin/events/{first}/registrations\"" not in page.text  # no organiser links
    checked = staff.post(f"/admin/events/{first}/registrations/"
                         f"{accounts['first_registration']}/check-in")
    assert checked.status_code == 302
    assert _get(app, Registration, id=accounts["first_registration"]).attended_at is not None
    refused = staff.post(f"/admin/events/{second}/registrations/"
                         f"{accounts['second_registration']}/check-in")
    assert refused.status_code == 403
    smuggled = staff.post(f"/admin/events/{first}/registrations/"
                          f"{accounts['second_registration']}/check-in")
    assert smuggled.status_code == 404  # another event's registration through this event
    assert _get(app, Registration, id=accounts["second_registration"]).attended_at is None
    assert staff.get(f"/admin/events/{first}/registrations").status_code == 403
    assert staff.get("/admin/").status_code == 403


def test_staff_login_lands_on_their_check_in_list(app, accounts):
    response = app.test_client().post("/auth/login", data={
        "email": "checkin@cluster.example", "password": PASSWORD})
    assert response.headers["Location"].endswith("/admin/events/check-in")


def test_only_check_in_staff_accounts_are_assigned(app, accounts):
    organiser_user = _get(app, User, email="organiser@cluster.example")
    response = _client(app, Role.ORGANISER).post(
        f"/admin/events/{accounts['first']}/staff", data={"user_id": organiser_user.id})
    assert response.status_code == 400
    assert _get(app, EventStaff, user_id=organiser_user.id) is None


def test_menu_shows_each_role_its_pages(app, accounts):
    staff_menu = _client(app, Role.CHECKIN).get("/admin/events/check-in").text
    assert "/admin/organisations" not in staff_menu and "/admin/users/" not in staff_menu
    organiser_menu = _client(app, Role.ORGANISER).get("/admin/").text
    assert "/admin/organisations" in organiser_menu and "/admin/users/" not in organiser_menu
    assert "/admin/users/" in _client(app, Role.ADMINISTRATOR).get("/admin/").text


def test_cli_create_takes_a_role(runner, db):
    result = runner.invoke(args=["users", "create", "door@cluster.example", "--role",
                                 "checkin", "--password", "at-the-door-2027"])
    assert result.exit_code == 0, result.output
    assert "Created checkin account door@cluster.example" in result.output
    user = db.session.scalar(select(User).where(User.email == "door@cluster.example"))
    assert (user.role, user.is_admin) == (Role.CHECKIN, False)


def test_cli_create_refuses_an_unknown_role(runner, db):
    result = runner.invoke(args=["users", "create", "x@cluster.example", "--role", "king",
                                 "--password", "at-the-door-2027"])
    assert result.exit_code == 2
    assert "'king' is not one of" in result.output


def test_cli_set_role(runner, organiser):
    result = runner.invoke(args=["users", "set-role", organiser.email, "checkin"])
    assert result.exit_code == 0, result.output
    assert organiser.role == Role.CHECKIN


def test_is_admin_reads_the_role(db):
    admin = services.create_user("a@cluster.example", PASSWORD, role=Role.ADMINISTRATOR)
    organiser = services.create_user("o@cluster.example", PASSWORD)
    assert (admin.is_admin, organiser.is_admin) == (True, False)
    with pytest.raises(AttributeError):
        admin.is_admin = False


def test_ids_beyond_the_database_range_are_refused_not_crashed(app, accounts):
    huge = 2**63
    # The bounded <int> converter answers before any role check: no such page.
    assert _client(app, Role.CHECKIN).get(f"/admin/events/{huge}/check-in").status_code == 404
    admin = _client(app, Role.ADMINISTRATOR)
    assert admin.get(f"/admin/users/{huge}").status_code == 404
    response = _client(app, Role.ORGANISER).post(f"/admin/events/{accounts['first']}/staff",
                                                 data={"user_id": str(huge)})
    assert response.status_code == 400
