"""Organisers' publication page: what would change, then mail it to the participants."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.b2b import publication, queries, schedule_diff
from app.b2b.labels import participant_label
from app.b2b.models import RunStatus
from app.b2b.views.base import get_run_or_404, now, organiser_page
from app.extensions import db
from app.mail import deferred


@organiser_page("/runs/<int:run_id>/publish", methods=["GET", "POST"])
def schedule_publish(run_id: int):
    """Show what publishing a run would send; POST publishes it."""
    run, session = get_run_or_404(run_id)
    if run.status != RunStatus.DONE:
        flash(_("Only a finished run can be published."), "danger")
        return redirect(url_for("b2b.schedule_run", run_id=run.id))
    diff = schedule_diff.diff_run(run)
    # A plan made from scratch after publication may mail many people: publishing it needs
    # the organiser's confirmation of how many. Hand edits of the published run and event-day
    # re-plans move only what they must.
    scratch = not (run.keeps_published or run.from_slot_id or run.id == session.published_run_id)
    confirm = scratch and not diff.first and bool(diff.people)
    if request.method == "POST":
        if confirm and request.form.get("confirm_mail") != "1":
            flash(_("Tick the box to confirm the mails."), "danger")
            return redirect(url_for("b2b.schedule_publish", run_id=run.id))
        # The mails are written after the commit (by the worker): at 1,000 participants that
        # is thousands of mails, far too long for the organiser's request.
        result = publication.publish_run(run, now=now(), defer_mail=True)
        db.session.commit()
        deferred.after_commit()
        flash(_("Schedule published: %(mails)s to %(people)s.",
                mails=ngettext("%(num)d mail", "%(num)d mails", result.mails),
                people=ngettext("%(num)d participant", "%(num)d participants", result.people)),
              "success")
        return redirect(url_for("b2b.schedule_grid", run_id=run.id))
    people = queries.get_participants_by_ids(diff.people)
    return render_template("b2b/schedule/publish.html", run=run, session=session, diff=diff,
                           confirm=confirm, people=sorted(
                               (participant_label(p) for p in people.values()), key=str.casefold))
