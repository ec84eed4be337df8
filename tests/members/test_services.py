"""Organisations, people, tags and sectors services."""

import pytest

from app.members import services
from app.members.models import MemberStatus, OrganisationKind


def _org_data(**extra):
    data = {
        "name": "Atelier Test",
        "kind": OrganisationKind.MEMBER,
        "status": MemberStatus.ACTIVE,
        "partner_type": None,
        "is_company": True,
        "sector_ids": [],
        "business_models": [],
    }
    data.update(extra)
    return data


def test_save_person_normalises_email(db):
    person = services.save_person(
        None,
        {
            "email": "  Ana@Example.ORG ",
            "first_name": "Ana",
            "last_name": "Lopes",
            "language": "nl",
        },
    )
    assert person.email == "ana@example.org"


def test_save_person_refuses_duplicate_email(db):
    services.save_person(None, {"email": "ana@example.org", "first_name": "A", "last_name": "L"})
    with pytest.raises(services.DuplicateError) as err:
        services.save_person(
            None, {"email": "ANA@example.org", "first_name": "B", "last_name": "M"}
        )
    assert err.value.field == "email"


def test_save_organisation_refuses_duplicate_name_ignoring_case(db):
    services.save_organisation(None, _org_data())
    with pytest.raises(services.DuplicateError):
        services.save_organisation(None, _org_data(name="atelier TEST"))


def test_partner_keeps_no_member_status(db, vocabulary):
    org = services.save_organisation(
        None, _org_data(kind=OrganisationKind.PARTNER, partner_type="academic")
    )
    assert org.status is None
    assert org.partner_type == "academic"


def test_business_models_round_trip(db):
    org = services.save_organisation(None, _org_data(business_models=["eco_design", "better_use"]))
    assert [m.value for m in org.business_models] == ["better_use", "eco_design"]


def test_find_or_create_person_links_known_organisation(db):
    org = services.save_organisation(None, _org_data())
    person = services.find_or_create_person(
        "new@x.example", first_name="N", organisation_name="ATELIER test"
    )
    assert person.organisation_id == org.id
    assert person.organisation_name == ""
    again = services.find_or_create_person("NEW@x.example")
    assert again.id == person.id


def test_unknown_organisation_is_kept_as_free_text(db):
    person = services.find_or_create_person("free@x.example", organisation_name="Solo Studio")
    assert person.organisation is None
    assert person.organisation_name == "Solo Studio"
