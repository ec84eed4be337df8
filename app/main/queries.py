"""Figures for the organisers' dashboard."""

from sqlalchemy import func, select

from app.extensions import db
from app.members.models import MemberStatus, Organisation, OrganisationKind, Person


def get_dashboard_counts() -> dict[str, int]:
    """Count active members, partners and people."""

    def count(stmt) -> int:
        return db.session.scalar(stmt) or 0

    return {
        "members": count(
            select(func.count(Organisation.id)).where(
                Organisation.kind == OrganisationKind.MEMBER,
                Organisation.status == MemberStatus.ACTIVE,
            )
        ),
        "partners": count(
            select(func.count(Organisation.id)).where(Organisation.kind == OrganisationKind.PARTNER)
        ),
        "people": count(select(func.count(Person.id))),
    }
