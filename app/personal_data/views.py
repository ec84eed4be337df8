"""Data export and erasure pages (organisers and the person themself), and the audit log."""

from datetime import time, timedelta

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from app.audit import queries as audit_queries
from app.audit.services import PERSON, record
from app.auth.models import Role
from app.events.queries import load_manage_token
from app.extensions import db, limiter
from app.members.models import Person
from app.personal_data import export
from app.personal_data.blueprint import PERSON_PREFIX, bp, organiser_page
from app.personal_data.erasure import ErasureError, describe_erasure, erase_person, is_erased
from app.personal_data.forms import AuditFilterForm, EraseForm
from app.timezone import combine
from app.web import get_owned_or_404, manage_rate_limit


def _download(data: dict, fmt: str, name: str) -> Response:
    if fmt == "json":
        body, mimetype = export.to_json(data), "application/json; charset=utf-8"
    else:
        body, mimetype = export.to_csv(data), "text/csv; charset=utf-8"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename={name}.{fmt}"})


# Organisers ---------------------------------------------------------------------------------


@organiser_page("/people/<int:person_id>")
def person_data(person_id: int):
    """Show what the app holds about a person, with the export and erase buttons."""
    person = get_owned_or_404(Person, person_id)
    return render_template("privacy/data_person.html", person=person, erased=is_erased(person),
                           counts=describe_erasure(person))


@organiser_page("/people/<int:person_id>/export.<any(json, csv):fmt>")
def person_export(person_id: int, fmt: str):
    """Download everything held about a person, as JSON or CSV; logged."""
    person = get_owned_or_404(Person, person_id)
    data = export.collect(person.email)
    record(current_user, "person.export", person, fmt)
    db.session.commit()
    return _download(data, fmt, f"person-{person.id}")


def _erase(form: EraseForm, person: Person, actor, **options) -> int | None:
    """Erase once the confirmation form is sent: None when done, else the page's status.

    A failure rolls everything back and says so (409); a form sent without its confirmation
    is a 400; showing the form is a 200.
    """
    if not form.validate_on_submit():
        return 400 if request.method == "POST" else 200
    try:
        erase_person(person, actor, **options)
        db.session.commit()
    except (ErasureError, SQLAlchemyError):
        db.session.rollback()
        flash(_("The data could not be erased; nothing was changed. Please try again."), "danger")
        return 409
    return None


@organiser_page("/people/<int:person_id>/erase", methods=["GET", "POST"])
def person_erase(person_id: int):
    """Erase a person's data after a confirmation that says what goes and what stays."""
    person = get_owned_or_404(Person, person_id)
    if is_erased(person):
        flash(_("This person's data was erased already."), "info")
        return redirect(url_for(".person_data", person_id=person.id))
    form = EraseForm()
    status = _erase(form, person, current_user)
    if status is None:
        flash(_("The person's data is erased; the figures are kept."), "success")
        return redirect(url_for(".person_data", person_id=person_id))
    return render_template("privacy/data_erase.html", person=person, form=form,
                           counts=describe_erasure(person)), status


@organiser_page("/audit", role=Role.ADMINISTRATOR)
def audit_log():
    """List the audit log (administrators only), filtered by action and day, paginated."""
    form = AuditFilterForm(request.args)
    form.action.choices = [("", _("All actions"))] + [(a, a) for a in audit_queries.get_actions()]
    valid = form.validate() if request.args else True
    since = until = None
    if valid:
        since = combine(form.since.data, time(0)) if form.since.data else None
        until = combine(form.until.data + timedelta(days=1), time(0)) if form.until.data else None
    page = audit_queries.get_entries(action=(form.action.data or None) if valid else None,
                                     since=since, until=until,
                                     page=(form.page.data or 1) if valid else 1)
    return render_template("privacy/data_audit.html", form=form, log=page,
                           filters={k: v for k, v in request.args.items() if k != "page"}), (
        200 if valid else 400)


# The person, from their registration's link -------------------------------------------------


@bp.route(PERSON_PREFIX + "/<token>/export.json")
@limiter.shared_limit(manage_rate_limit, scope="privacy-data")
def self_export(token: str):
    """Download, as JSON, everything held about the address the link was sent to."""
    registration = load_manage_token(token)  # a refused link raises LinkError (its own page)
    person = registration.person
    data = export.collect(person.email)
    record(PERSON, "person.self_export", person, "json")
    db.session.commit()
    return _download(data, "json", "my-data")


@bp.route(PERSON_PREFIX + "/<token>/erase", methods=["GET", "POST"])
@limiter.shared_limit(manage_rate_limit, scope="privacy-data")
def self_erase(token: str):
    """Erase one's own data after confirmation; every link sent so far stops working."""
    registration = load_manage_token(token)  # a refused link raises LinkError (its own page)
    person = registration.person
    form = EraseForm()
    status = _erase(form, person, PERSON, action="person.self_erase")
    if status is None:
        return render_template("privacy/data_erased.html")
    return render_template("privacy/data_self_erase.html", form=form, token=token,
                           registration=registration,
                           counts=describe_erasure(person)), status
