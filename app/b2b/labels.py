"""Translated labels of B2B codes shown to organisers."""

from flask_babel import lazy_gettext as _l

from app.b2b.models import Participant, RunStatus

RUN_STATUS_LABELS = {
    RunStatus.QUEUED: _l("queued"),
    RunStatus.RUNNING: _l("running"),
    RunStatus.DONE: _l("done"),
    RunStatus.FAILED: _l("failed"),
}


def run_status_label(status: RunStatus | str) -> str:
    """Return the status of a run in the reader's language."""
    return str(RUN_STATUS_LABELS.get(RunStatus(status), status))


def participant_label(participant: Participant) -> str:
    """Return "Name (Organisation)", or the name alone when the organisation is empty."""
    name = participant.person.full_name
    return f"{name} ({participant.organisation_label})" if participant.organisation_label else name
