"""Translated labels of the cluster's enums, for forms, templates and reports."""

from flask_babel import lazy_gettext as _l

from app.cluster.models import FollowUpKind, IntroductionOutcome, ProjectStage

FOLLOW_UP_KIND_LABELS = {
    FollowUpKind.ACCOUNT_MANAGEMENT: _l("Account management"),
    FollowUpKind.RD_SUBSIDY: _l("R&D subsidy"),
    FollowUpKind.RECRUITMENT: _l("Recruitment"),
    FollowUpKind.INDUSTRIAL_SUPPORT: _l("Industrial support"),
    FollowUpKind.EXPORT: _l("Export"),
    FollowUpKind.OTHER: _l("Other"),
}
OUTCOME_LABELS = {
    IntroductionOutcome.PENDING: _l("Not known yet"),
    IntroductionOutcome.NO_REPLY: _l("No reply"),
    IntroductionOutcome.CONTACT_MADE: _l("Contact made"),
    IntroductionOutcome.MEETING_HELD: _l("Meeting held"),
    IntroductionOutcome.BUSINESS: _l("Business"),
}
STAGE_LABELS = {
    ProjectStage.IDEA: _l("Idea"),
    ProjectStage.PILOT: _l("Pilot"),
    ProjectStage.INDUSTRIALISED: _l("Industrialised"),
}
