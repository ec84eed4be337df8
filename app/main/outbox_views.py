"""The outbox page: what waits, what failed and why, what was sent; retry a failed mail.

Organisers and administrators only: check-in staff see no mail at all. Bodies are never shown.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.audit.services import record
from app.auth.models import Role
from app.extensions import db
from app.mail import queries
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.services import retry_failed
from app.main.forms import STATUS_LABELS, OutboxFilterForm, RetryForm
from app.web import organiser_pages

bp = Blueprint("outbox", __name__)
organiser_page = organiser_pages(bp, "/admin/outbox", role=Role.ORGANISER)


@organiser_page("/")
def index():
    """List outbox messages, newest first, filtered by status and kind, paginated."""
    form = OutboxFilterForm(request.args)
    form.kind.choices = [("", _("All kinds"))] + [(k, k) for k in queries.get_kinds()]
    valid = form.validate() if request.args else True
    status = OutboxStatus(form.status.data) if valid and form.status.data else None
    page = queries.get_outbox_page(status=status, kind=(form.kind.data or None) if valid else None,
                                   page=(form.page.data or 1) if valid else 1)
    return render_template("main/outbox.html", form=form, outbox=page, retry_form=RetryForm(),
                           labels=STATUS_LABELS, failed=OutboxStatus.FAILED,
                           filters={k: v for k, v in request.args.items() if k != "page"}), (
        200 if valid else 400)


@organiser_page("/<int:message_id>/retry", methods=["POST"])
def retry(message_id: int):
    """Put one failed mail back in the queue; the worker sends it on its next pass."""
    if not RetryForm().validate_on_submit():
        abort(400)
    if db.session.get(OutboxMessage, message_id) is None:
        abort(404)
    result = retry_failed([message_id])
    if result.requeued:
        record(current_user, "outbox.retry", f"outbox:{message_id}")
        db.session.commit()
        flash(_("The mail is queued again; the worker sends it shortly."), "success")
    else:
        flash(_("Only a failed mail whose content is still kept can be sent again."), "warning")
    # Back to the same filters and page (only these keys: nothing else is echoed).
    back = {key: request.args[key] for key in ("status", "kind", "page") if request.args.get(key)}
    return redirect(url_for(".index", **back))
