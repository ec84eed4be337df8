"""The privacy notice: public page in three languages, versions saved by organisers, layout."""

from sqlalchemy import func, select

from app.privacy import notice
from app.privacy.notice import PrivacyNotice, layout
from tests.pages import get_en

EN = {"Accept-Language": "en"}


def _versions(db) -> list[int]:
    return list(db.session.scalars(select(PrivacyNotice.version).order_by(PrivacyNotice.version)))


def _notice_form(**values) -> dict:
    data = {"text_fr": "# Responsable\nLe cluster.", "text_nl": "# Verantwoordelijke\nDe cluster.",
            "text_en": "# Controller\nThe cluster."}
    data.update(values)
    return data


def test_notice_page_in_three_languages(app, client):
    expected = {
        "fr": ("Déclaration de confidentialité", "Autorité de protection des données"),
        "nl": ("Privacyverklaring", "Gegevensbeschermingsautoriteit"),
        "en": ("Privacy notice", "Belgian Data Protection Authority"),
    }
    for language, (title, authority) in expected.items():
        response = client.get("/privacy", headers={"Accept-Language": language})
        page = response.get_data(as_text=True)

        assert response.status_code == 200, language
        assert f'<html lang="{language}">' in page
        assert title in page, language
        assert authority in page, language
        assert app.config["CLUSTER_EMAIL"] in page
        assert 'data-version="1"' in page


def test_default_notice_names_controller_purposes_bases_retention_rights(app):
    with app.test_request_context():
        for code in ("fr", "nl", "en"):
            text = notice.default_text(code)
            assert app.config["CLUSTER_NAME"] in text
            assert "6.1.b" in text and "6.1.a" in text and "6.1.f" in text
            assert "apd-gba.be" in text
            assert "{" not in text  # every placeholder filled


def test_edit_bumps_version_and_changes_the_page(db, logged_in):
    form = logged_in.get("/admin/privacy/notice", headers=EN).get_data(as_text=True)
    assert 'data-version="1"' in form
    assert "Belgian Data Protection Authority" in form  # the default, ready to edit

    first = logged_in.post("/admin/privacy/notice", data=_notice_form(), headers=EN)
    second = logged_in.post("/admin/privacy/notice",
                            data=_notice_form(text_en="# Controller\nThe cluster, 2nd text."),
                            headers=EN)

    assert first.status_code == second.status_code == 302
    assert _versions(db) == [2, 3]
    latest = db.session.scalar(select(PrivacyNotice).where(PrivacyNotice.version == 3))
    assert latest.created_at.tzinfo is not None
    assert latest.created_by_name == "Orga"
    page = get_en(logged_in, "/privacy").get_data(as_text=True)
    assert "The cluster, 2nd text." in page
    assert 'data-version="3"' in page
    assert notice.current_version() == 3


def test_edit_refuses_an_empty_text(db, logged_in):
    response = logged_in.post("/admin/privacy/notice", data=_notice_form(text_nl="  "),
                              headers=EN)

    assert response.status_code == 200
    assert "The notice cannot be empty." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(PrivacyNotice.id))) == 0


def test_edit_needs_an_organiser(db, client):
    response = client.post("/admin/privacy/notice", data=_notice_form())

    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    assert db.session.scalar(select(func.count(PrivacyNotice.id))) == 0


def test_typed_markup_is_shown_as_text(db, logged_in):
    logged_in.post("/admin/privacy/notice",
                   data=_notice_form(text_en="# Hi\n<script>alert(1)</script>"), headers=EN)

    page = get_en(logged_in, "/privacy").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_layout_reads_headings_lists_and_paragraphs():
    blocks = layout("# Title\nFirst line\nsame paragraph.\n\n- one\n  continued\n- two\n\nEnd.")

    assert [(b.kind, b.text, b.items) for b in blocks] == [
        ("heading", "Title", ()),
        ("paragraph", "First line same paragraph.", ()),
        ("list", "", ("one continued", "two")),
        ("paragraph", "End.", ()),
    ]


def test_site_footer_links_the_notice(db, client):
    for url in ("/", "/events/", "/auth/login"):
        page = get_en(client, url).get_data(as_text=True)
        assert 'data-testid="footer-privacy"' in page, url
        assert 'href="/privacy"' in page, url
