"""Public pages, language switch, error pages and access control."""

import pytest


def test_index_shows_in_french_for_french_browsers(client):
    response = client.get("/", headers={"Accept-Language": "fr-BE,fr;q=0.9"})
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text


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
