"""Organisers' problem files: download a session as b2b-problem/1, upload one to update it."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.audit.services import record
from app.b2b import problem
from app.b2b.forms import ImportForm
from app.b2b.models import B2BSession
from app.b2b.problem_upload import MAX_IMPORT_BYTES, read_problem_upload
from app.b2b.views.base import setup_page
from app.extensions import db
from matchmaking import ProblemError


@setup_page("/<int:session_id>/problem.json")
def export_problem(session_id: int):
    """Download the session as a b2b-problem/1 file."""
    session = db.get_or_404(B2BSession, session_id)
    data = problem.build_problem_dict(session)
    body = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    record(current_user, "b2b.problem_export", session)
    db.session.commit()
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="b2b-session-{session.id}.json"'})


@setup_page("/<int:session_id>/import", methods=["GET", "POST"])
def import_problem(session_id: int):
    """Upload a b2b-problem/1 file to update the session."""
    session = db.get_or_404(B2BSession, session_id)
    form = ImportForm()
    error_line = None
    status = 200
    if form.validate_on_submit():
        raw = form.file.data.read(MAX_IMPORT_BYTES + 1)
        try:
            report = problem.import_problem_dict(session, read_problem_upload(raw))
        except ProblemError as exc:
            db.session.rollback()
            error_line, status = str(exc), 400
        else:
            record(current_user, "b2b.problem_import", session,
                   f"participants={report.participants}")
            db.session.commit()
            flash(_("File imported: %(participants)s participants updated, %(created)s requests "
                    "added, %(withdrawn)s withdrawn.", participants=report.participants,
                    created=report.requests_created, withdrawn=report.requests_withdrawn),
                  "success")
            for warning in report.warnings:
                flash(warning, "warning")
            return redirect(url_for(".session_detail", session_id=session.id))
    return render_template("b2b/setup/import.html", session=session, form=form,
                           error_line=error_line), status
