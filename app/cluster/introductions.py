"""Introductions the app proposes outside any event, from members' and partners' offers and needs.

Scored with `matchmaking`'s explained suggestions: one profile per organisation that is a member
or a partner today (its offers and needs, its sectors). Pairs already introduced (either way)
and pairs whose people already met at a published B2B meeting are never proposed.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from app.b2b.models import Participant, PublishedMeeting
from app.cluster.models import Introduction, Membership
from app.db import utc_now
from app.extensions import db
from app.members.models import (
    Organisation,
    Person,
    ProfileItem,
    Sector,
    Tag,
    organisation_sectors,
    profile_item_tags,
)
from app.timezone import local_day
from matchmaking import Profile, Suggestion, suggest_all
from matchmaking import ProfileItem as MatchItem

#: Proposals kept per organisation and shown at most on the page.
PER_ORGANISATION, MAX_PROPOSALS = 3, 40


@dataclass(frozen=True)
class Proposal:
    """Two organisations worth introducing, and why (reasons told from `a`'s side)."""

    a: Organisation
    b: Organisation
    suggestion: Suggestion


def active_organisation_ids(day: date) -> list[int]:
    """Return the organisations with a member or partner row running on the day."""
    return list(db.session.scalars(
        select(Membership.organisation_id).where(
            Membership.member_since <= day,
            or_(Membership.left_on.is_(None), Membership.left_on > day))
        .distinct().order_by(Membership.organisation_id)))


def _profiles(ids: list[int]) -> list[Profile]:
    sectors: dict[int, set[str]] = {}
    for org_id, code in db.session.execute(
            select(organisation_sectors.c.organisation_id, Sector.code)
            .join(Sector, Sector.id == organisation_sectors.c.sector_id)
            .where(organisation_sectors.c.organisation_id.in_(ids))):
        sectors.setdefault(org_id, set()).add(code)
    tags: dict[int, set[str]] = {}
    for item_id, code in db.session.execute(
            select(profile_item_tags.c.profile_item_id, Tag.code)
            .join(Tag, Tag.id == profile_item_tags.c.tag_id)
            .join(ProfileItem, ProfileItem.id == profile_item_tags.c.profile_item_id)
            .where(ProfileItem.organisation_id.in_(ids))):
        tags.setdefault(item_id, set()).add(code)
    items: dict[int, list[MatchItem]] = {}
    for item_id, org_id, kind, title in db.session.execute(
            select(ProfileItem.id, ProfileItem.organisation_id, ProfileItem.kind,
                   ProfileItem.title)
            .where(ProfileItem.organisation_id.in_(ids)).order_by(ProfileItem.id)):
        items.setdefault(org_id, []).append(
            MatchItem(kind=str(kind), title=title, tags=frozenset(tags.get(item_id, ()))))
    return [Profile(id=str(org_id), organisation=str(org_id),
                    sectors=frozenset(sectors.get(org_id, ())), languages=frozenset(),
                    items=tuple(items.get(org_id, ()))) for org_id in ids]


def known_pairs() -> set[frozenset[str]]:
    """Return organisation pairs already introduced or already met at a B2B session."""
    pairs = {frozenset((str(a), str(b))) for a, b in db.session.execute(
        select(Introduction.organisation_id, Introduction.to_organisation_id)
        .where(Introduction.to_organisation_id.is_not(None)))}
    pa, pb = aliased(Participant), aliased(Participant)
    qa, qb = aliased(Person), aliased(Person)
    met = db.session.execute(
        select(qa.organisation_id, qb.organisation_id).select_from(PublishedMeeting)
        .join(pa, pa.id == PublishedMeeting.a_id).join(qa, qa.id == pa.person_id)
        .join(pb, pb.id == PublishedMeeting.b_id).join(qb, qb.id == pb.person_id)
        .where(qa.organisation_id.is_not(None), qb.organisation_id.is_not(None)).distinct())
    pairs |= {frozenset((str(a), str(b))) for a, b in met if a != b}
    return pairs


def proposals(day: date | None = None) -> list[Proposal]:
    """Return the best introductions to make now, best first (a fixed number of queries)."""
    ids = active_organisation_ids(day or local_day(utc_now()))
    if len(ids) < 2:
        return []
    suggestions = suggest_all(_profiles(ids), exclude=known_pairs(),
                              per_participant=PER_ORGANISATION)[:MAX_PROPOSALS]
    wanted = {int(s.a) for s in suggestions} | {int(s.b) for s in suggestions}
    organisations = {o.id: o for o in db.session.scalars(
        select(Organisation).where(Organisation.id.in_(wanted)))}
    return [Proposal(organisations[int(s.a)], organisations[int(s.b)], s) for s in suggestions]


def find_proposal(a_id: int, b_id: int) -> Proposal | None:
    """Return the current proposal for this pair (either order), or None."""
    pair = {a_id, b_id}
    return next((p for p in proposals() if {p.a.id, p.b.id} == pair), None)


def reason_summary(proposal: Proposal, tag_labels: dict[str, str]) -> str:
    """Say in one line, in the current language, why the two were introduced."""
    parts = []
    for reason in proposal.suggestion.reasons:
        tag = tag_labels.get(reason.tag, reason.tag)
        if reason.kind == "need_offer":
            parts.append(_("%(a)s needs “%(mine)s”, %(b)s offers “%(theirs)s” (%(tag)s)",
                           a=proposal.a.name, b=proposal.b.name, mine=reason.mine,
                           theirs=reason.theirs, tag=tag))
        elif reason.kind == "offer_need":
            parts.append(_("%(a)s offers “%(mine)s”, %(b)s needs “%(theirs)s” (%(tag)s)",
                           a=proposal.a.name, b=proposal.b.name, mine=reason.mine,
                           theirs=reason.theirs, tag=tag))
        elif reason.kind in ("same_sector", "complementary_sector"):
            parts.append(_("Sectors: %(sector)s", sector=" / ".join(
                s for s in (reason.sector, reason.other_sector) if s)))
    return "; ".join(parts)


def contact_of(organisation: Organisation) -> Person | None:
    """Return the organisation's first contact person (lowest id), or None."""
    return db.session.scalar(select(Person).where(Person.organisation_id == organisation.id)
                             .order_by(Person.id).limit(1))
