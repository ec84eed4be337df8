"""Every route of the URL map, walked anonymously and with each role.

A route is public (listed in app.web.PUBLIC_ENDPOINTS) or declares the role it needs. The
walk checks what each visitor gets: anonymous visitors the login page, a role too low the
translated 403 page, the right role anything but a refusal. Check-in staff reach the
check-in pages of the events they are assigned to, and of no other.
"""

import pytest
from werkzeug.routing import Rule

from app.auth import services
from app.auth.models import Role
from app.extensions import db as _db
from app.web import PUBLIC_ENDPOINTS, declared_role
from tests.factories import make_event, make_person, make_registration

PASSWORD = "walk-the-map-42"
IGNORED_METHODS = {"HEAD", "OPTIONS"}
#: Values for path parameters other than the event and registration ids.
SAMPLE_VALUES = {"token": "x", "manage_token": "x", "code": "x", "action": "accept",
                 "filename": "css/app.css", "fmt": "json"}


@pytest.fixture
def world(app):
    """An account of each role, and two events: the staff account works at the first one."""
    with app.app_context():
        accounts = {role: services.create_user(f"{role.value}@cluster.example", PASSWORD,
                                               role=role) for role in Role}
        assigned, other = make_event(), make_event(title_en="Other")
        person = make_person()
        registrations = {assigned.id: make_registration(assigned, person).id,
                         other.id: make_registration(other, person).id}
        services.assign_staff(accounts[Role.CHECKIN], assigned.id)
        _db.session.commit()
        ids = {"assigned": assigned.id, "other": other.id, "registrations": registrations}
    # No app context stays open: each request loads its account afresh, as a server does.
    clients = {}
    for role in Role:
        client = app.test_client()
        response = client.post("/auth/login", data={"email": f"{role.value}@cluster.example",
                                                    "password": PASSWORD})
        assert response.status_code == 302, role
        clients[role] = client
    return ids, clients


def _rules(app) -> list[Rule]:
    # Logout last: it ends the session the walk uses.
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint == "auth.logout", r.rule))


def _url(app, rule: Rule, event_id: int, registration_id: int) -> str:
    values = {}
    for name in rule.arguments:
        if name == "event_id":
            values[name] = event_id
        elif name == "registration_id":
            values[name] = registration_id
        else:
            values[name] = SAMPLE_VALUES.get(name, 1)
    with app.test_request_context():
        return app.url_for(rule.endpoint, **values)


def _methods(rule: Rule) -> list[str]:
    return sorted(rule.methods - IGNORED_METHODS)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_every_route_is_public_or_declares_a_role(app):
    undeclared = [f"{rule.endpoint} ({rule.rule})" for rule in app.url_map.iter_rules()
                  if rule.endpoint not in PUBLIC_ENDPOINTS
                  and declared_role(app, rule.endpoint) is None]
    assert not undeclared, (
        "routes that declare no role: " + ", ".join(sorted(undeclared))
        + ". Declare one with organiser_page(rule, role=Role.X) or role_required(Role.X),"
        " or list a public page in app.web.PUBLIC_ENDPOINTS")


def test_public_list_names_only_existing_public_routes(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert PUBLIC_ENDPOINTS <= endpoints, sorted(PUBLIC_ENDPOINTS - endpoints)
    declared = sorted(e for e in PUBLIC_ENDPOINTS if declared_role(app, e) is not None)
    assert declared == [], "public routes that also declare a role"


def test_anonymous_visitors_go_to_the_login_page(app, world):
    ids, _clients = world
    client = app.test_client()
    wrong = []
    for rule in _rules(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = _url(app, rule, ids["assigned"], ids["registrations"][ids["assigned"]])
        for method in _methods(rule):
            response = client.open(url, method=method)
            if not _is_login_redirect(response):
                wrong.append(f"{method} {rule.endpoint} {url}: {response.status_code}")
    assert not wrong, "not sent to the login page: " + "; ".join(wrong)


def test_each_role_gets_its_pages_and_a_translated_403_elsewhere(app, world):
    ids, clients = world
    event_id = ids["assigned"]
    wrong = []
    for rule in _rules(app):
        role = declared_role(app, rule.endpoint)
        if role is None:
            continue
        url = _url(app, rule, event_id, ids["registrations"][event_id])
        for method in _methods(rule):
            for account_role, client in clients.items():
                response = client.open(url, method=method, headers={"Accept-Language": "fr"})
                allowed = account_role.includes(role)
                where = f"{account_role.value} {method} {rule.endpoint} {url}"
                if allowed and (response.status_code in (401, 403, 500)
                                or _is_login_redirect(response)):
                    wrong.append(f"{where}: refused with {response.status_code}")
                elif not allowed and (response.status_code != 403
                                      or "Accès refusé" not in response.text):
                    wrong.append(f"{where}: {response.status_code} instead of the 403 page")
    assert not wrong, "; ".join(wrong)


def test_check_in_staff_are_refused_the_events_they_do_not_work_at(app, world):
    ids, clients = world
    staff = clients[Role.CHECKIN]
    other = ids["other"]
    checked = []
    for rule in _rules(app):
        if declared_role(app, rule.endpoint) != Role.CHECKIN or "event_id" not in rule.arguments:
            continue
        url = _url(app, rule, other, ids["registrations"][other])
        for method in _methods(rule):
            response = staff.open(url, method=method)
            assert response.status_code == 403, f"{method} {rule.endpoint} {url}"
            checked.append(rule.endpoint)
    assert {"events.admin_check_in_page", "events.admin_check_in"} <= set(checked)
