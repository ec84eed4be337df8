"""Public pages, language switch, error pages, access control and security headers."""

import secrets

import pytest

from app import create_app
from config import ProductionConfig


def test_index_shows_in_french_for_french_browsers(client):
    response = client.get("/", headers={"Accept-Language": "fr-BE,fr;q=0.9"})
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text


@pytest.mark.parametrize("header, language", [
    ("nl-BE,nl;q=0.9,en;q=0.8", "nl"),
    ("de-DE,de;q=0.9,en;q=0.5,fr;q=0.7", "fr"),  # of the cluster's, the one ranked highest
    ("de-DE", None),  # none: the default
    ("en;q=0.1," + "x-private;q=0.5," * 40 + "nl;q=0.2", "nl"),  # too long to keep: parsed
])
def test_browser_language_is_the_best_the_cluster_writes_in(app, client, header, language):
    language = language or app.config["BABEL_DEFAULT_LOCALE"]
    for _ in range(2):  # the second time from the kept answer (short headers)
        response = client.get("/", headers={"Accept-Language": header})
        assert f'<html lang="{language}">' in response.text


def test_language_switch_sets_dutch_and_keeps_it(client):
    response = client.get("/lang/nl?next=/auth/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    page = client.get("/auth/login", headers={"Accept-Language": "en"})
    assert '<html lang="nl">' in page.text
    assert "Aanmelden" in page.text


def test_language_switch_refuses_offsite_redirect(client):
    response = client.get("/lang/en?next=https://evil.example/")
    assert response.headers["Location"] == "/"


def test_unknown_language_is_404(client):
    assert client.get("/lang/de").status_code == 404


@pytest.mark.parametrize(
    "lang, title",
    [("fr", "Page introuvable"), ("nl", "Pagina niet gevonden"), ("en", "Page not found")],
)
def test_unknown_route_shows_friendly_404_in_language(client, lang, title):
    response = client.get("/no/such/page", headers={"Accept-Language": lang})
    assert response.status_code == 404
    assert title in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/organisations",
        "/admin/people",
        "/admin/vocabulary",
        "/admin/import",
        "/admin/export.csv",
    ],
)
def test_anonymous_user_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_post_without_csrf_token_is_refused(app, organiser):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post(
        "/auth/login", data={"email": organiser.email, "password": "correct-horse"}
    )
    assert response.status_code == 400
    assert "form expired" in response.text or "formulaire" in response.text


def test_login_with_wrong_password_shows_error(client, organiser):
    response = client.post(
        "/auth/login",
        data={"email": organiser.email, "password": "nope-nope"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert "Unknown email or wrong password." in response.text


def test_login_then_dashboard_counts(logged_in):
    response = logged_in.get("/admin/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert 'data-testid="count-members">0<' in response.text


def test_every_page_carries_the_security_headers(client, db):
    response = client.get("/events/")

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # development and tests: HTTP
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_organiser_and_personal_pages_are_not_stored(logged_in, db):
    organiser_page = logged_in.get("/admin/")
    personal_page = logged_in.get("/events/manage/not-a-valid-token")

    assert organiser_page.headers["Cache-Control"] == "no-store"
    assert personal_page.headers["Cache-Control"] == "no-store"


def test_production_sends_hsts(tmp_path):
    app = create_app(ProductionConfig, SECRET_KEY=secrets.token_hex(32),
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'prod.sqlite'}",
                     WEB_WORKERS="1")

    response = app.test_client().get("/auth/login", base_url="https://cluster.example")

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
