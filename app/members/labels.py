"""Translated labels of the members' enums, for forms and templates."""

from flask_babel import lazy_gettext as _l

from app.members.models import (
    BusinessModel,
    MemberStatus,
    OrganisationKind,
    PartnerType,
    ProfileItemKind,
    TagKind,
)

KIND_LABELS = {OrganisationKind.MEMBER: _l("Member"), OrganisationKind.PARTNER: _l("Partner")}
STATUS_LABELS = {
    MemberStatus.CANDIDATE: _l("Candidate member"),
    MemberStatus.ACTIVE: _l("Active member"),
    MemberStatus.FORMER: _l("Former member"),
}
PARTNER_TYPE_LABELS = {
    PartnerType.ACADEMIC: _l("Academic"),
    PartnerType.INSTITUTIONAL: _l("Institutional"),
    PartnerType.SUPPORT: _l("Support organisation"),
    PartnerType.FINANCIAL: _l("Financial"),
}
BUSINESS_MODEL_LABELS = {
    BusinessModel.CIRCULAR_SOURCING: _l("Circular sourcing"),
    BusinessModel.RESOURCE_RECOVERY: _l("Resource recovery"),
    BusinessModel.ECO_DESIGN: _l("Eco-design"),
    BusinessModel.BETTER_USE: _l("Better use of resources"),
}
TAG_KIND_LABELS = {
    TagKind.MATERIAL: _l("Material"),
    TagKind.SERVICE: _l("Service"),
    TagKind.EQUIPMENT: _l("Equipment"),
    TagKind.SKILL: _l("Skill"),
}
ITEM_KIND_LABELS = {ProfileItemKind.OFFER: _l("Offer"), ProfileItemKind.NEED: _l("Need")}
LANGUAGE_LABELS = {"fr": "Français", "nl": "Nederlands", "en": "English"}


def choices(labels: dict) -> list[tuple[str, str]]:
    """Turn a label mapping into WTForms choices."""
    return [(key.value if hasattr(key, "value") else key, label) for key, label in labels.items()]
