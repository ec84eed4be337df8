"""The members back-office pages, as an organiser uses them."""

from sqlalchemy import select

from app.members.models import Organisation, Person, Sector, Tag
from tests.factories import make_organisation, make_person


def test_create_organisation_with_sectors(logged_in, db, vocabulary):
    wood = db.session.scalar(select(Sector).where(Sector.code == "wood"))
    response = logged_in.post(
        "/admin/organisations/new",
        data={
            "name": "Copeau SRL",
            "kind": "member",
            "status": "active",
            "is_company": "y",
            "sector_ids": [str(wood.id)],
            "business_models": ["eco_design"],
            "commune": "Forest",
            "website": "https://copeau.example",
        },
    )
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation).where(Organisation.name == "Copeau SRL"))
    assert [s.code for s in org.sectors] == ["wood"]
    assert [m.value for m in org.business_models] == ["eco_design"]


def test_member_without_status_shows_field_error(logged_in, db):
    response = logged_in.post(
        "/admin/organisations/new",
        data={"name": "X", "kind": "member"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert "A member needs a membership status." in response.text
    assert db.session.scalar(select(Organisation)) is None


def test_duplicate_email_is_a_clear_form_error(logged_in, db):
    make_person("taken@x.example", first_name="T", last_name="K")
    db.session.commit()
    response = logged_in.post(
        "/admin/people/new",
        data={
            "first_name": "Other",
            "last_name": "One",
            "email": "Taken@X.example",
            "language": "fr",
            "organisation_id": "0",
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert "Someone with this email exists already." in response.text


def test_invalid_email_is_a_form_error(logged_in, db):
    response = logged_in.post(
        "/admin/people/new",
        data={
            "first_name": "A",
            "last_name": "B",
            "email": "nope",
            "language": "fr",
            "organisation_id": "0",
        },
        headers={"Accept-Language": "en"},
    )
    assert "Invalid email address." in response.text
    assert db.session.scalar(select(Person)) is None


def test_add_offer_with_tags_to_organisation(logged_in, db, vocabulary):
    org = make_organisation("Fil SRL")
    db.session.commit()
    tag = db.session.scalar(select(Tag).where(Tag.code == "fabric-scraps"))
    response = logged_in.post(
        f"/admin/organisations/{org.id}/items",
        data={"kind": "offer", "title": "Chutes de tissu", "tag_ids": [str(tag.id)]},
    )
    assert response.status_code == 302
    db.session.expire_all()
    item = db.session.get(Organisation, org.id).profile_items[0]
    assert (item.kind.value, item.title, [t.code for t in item.tags]) == (
        "offer",
        "Chutes de tissu",
        ["fabric-scraps"],
    )


def test_vocabulary_shows_three_languages(logged_in, db, vocabulary):
    page = logged_in.get("/admin/vocabulary")
    assert (
        "Chutes de bois" in page.text and "Houtresten" in page.text and "Wood offcuts" in page.text
    )


def test_missing_organisation_is_404(logged_in):
    assert logged_in.get("/admin/organisations/999").status_code == 404


def test_tag_code_must_be_unique(logged_in, db, vocabulary):
    response = logged_in.post(
        "/admin/tags/new",
        data={
            "code": "wood-offcuts",
            "kind": "material",
            "label_fr": "a",
            "label_nl": "b",
            "label_en": "c",
        },
        headers={"Accept-Language": "en"},
    )
    assert "This code is taken already." in response.text
