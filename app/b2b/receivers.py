"""What B2B adds when lower packages send a signal: a registration's link to its session, and
the failure of the runs whose worker died."""

from flask_babel import gettext as _
from sqlalchemy import select

from app.b2b.models import RunStatus, ScheduleRun
from app.b2b.queries import registration_b2b_url
from app.b2b.runs import sync_run_with_job
from app.extensions import db
from app.signals import Link, jobs_failed, registration_links


@registration_links.connect
def b2b_link(registration, **_extra) -> Link | None:
    """Link a registration to its event's B2B session: the portal, or the page to join."""
    url = registration_b2b_url(registration)
    if url is None:
        return None
    return Link("b2b", _("B2B meetings: your profile and meeting requests"), url)


@jobs_failed.connect
def fail_runs_of_dead_jobs(_sender, job_ids: list[int], **_extra) -> None:
    """Mark the unfinished runs of jobs failed by a dead worker failed too (flush only)."""
    for run in db.session.scalars(select(ScheduleRun).where(
            ScheduleRun.job_id.in_(job_ids),
            ScheduleRun.status.in_((RunStatus.QUEUED, RunStatus.RUNNING)))):
        sync_run_with_job(run)
