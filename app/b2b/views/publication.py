"""Organisers' publication page: what would change, then mail it to the participants."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.b2b import publication, schedule_diff
from app.b2b.models import RunStatus
from app.b2b.views.base import get_run_or_404, now, organiser_page
from app.extensions import db


@organiser_page("/runs/<int:run_id>/publish", methods=["GET", "POST"])
def schedule_publish(run_id: int):
    """Show what publishing a run would send; POST publishes it."""
    run, session = get_run_or_404(run_id)
    if run.status != RunStatus.DONE:
        flash(_("Only a finished run can be published."), "danger")
        return redirect(url_for("b2b.schedule_run", run_id=run.id))
    if request.method == "POST":
        result = publication.publish_run(run, now=now())
        db.session.commit()
        flash(_("Schedule published: %(mails)s to %(people)s.",
                mails=ngettext("%(num)d mail", "%(num)d mails", result.mails),
                people=ngettext("%(num)d participant", "%(num)d participants", result.people)),
              "success")
        return redirect(url_for("b2b.schedule_grid", run_id=run.id))
    return render_template("b2b/schedule/publish.html", run=run, session=session,
                           diff=schedule_diff.diff_run(run))
