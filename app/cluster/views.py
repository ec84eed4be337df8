"""Organisers' pages of the cluster's year: the registers (membership history, board, follow-ups,
advices, introductions, projects, communication figures) and the yearly plan."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms.validators import NumberRange, Optional

from app.auth.models import Role
from app.cluster import introductions, services
from app.cluster.forms import AcceptForm, DeleteForm
from app.cluster.plan import METRIC_LABELS, get_targets
from app.cluster.registers import REGISTERS, Register, loader_options
from app.db import utc_now
from app.extensions import db
from app.forms import IntegerField
from app.i18n import current_language
from app.members.models import Tag
from app.timezone import local_day
from app.web import get_owned_or_404, organiser_pages, query_int

bp = Blueprint("cluster", __name__)
organiser_page = organiser_pages(bp, "/admin/cluster", role=Role.ORGANISER)

#: Rows shown on a register's page (the newest first).
PAGE_ROWS = 200


def _register(name: str) -> Register:
    register = REGISTERS.get(name)
    if register is None:
        abort(404)
    return register


def _form_data(form) -> dict:
    return {name: field.data for name, field in form._fields.items() if name != "csrf_token"}


@organiser_page("/<register>/", methods=["GET", "POST"])
def register_page(register: str):
    """List a register's rows (newest first) and record a new one."""
    reg = _register(register)
    form = reg.form()
    form.load_choices()
    if form.validate_on_submit():
        services.save_row(reg.model, None, _form_data(form),
                          staff=current_user if reg.keeps_staff else None)
        db.session.commit()
        flash(_("Recorded."), "success")
        return redirect(url_for(".register_page", register=reg.name))
    rows = db.session.scalars(select(reg.model).options(*loader_options(reg))
                              .order_by(*reg.order_by).limit(PAGE_ROWS)).unique().all()
    status = 400 if request.method == "POST" else 200
    return render_template("cluster/register.html", reg=reg, form=form, rows=rows,
                           registers=REGISTERS, delete_form=DeleteForm()), status


@organiser_page("/<register>/<int:row_id>", methods=["GET", "POST"])
def edit_row(register: str, row_id: int):
    """Edit one row of a register (an introduction's outcome, a departure...)."""
    reg = _register(register)
    row = get_owned_or_404(reg.model, row_id)
    form = reg.form(obj=row)
    form.load_choices()
    if form.validate_on_submit():
        services.save_row(reg.model, row, _form_data(form))
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".register_page", register=reg.name))
    status = 400 if request.method == "POST" else 200
    return render_template("cluster/edit.html", reg=reg, form=form, row=row,
                           registers=REGISTERS), status


@organiser_page("/<register>/<int:row_id>/delete", methods=["POST"])
def delete_row(register: str, row_id: int):
    """Delete one row of a register."""
    reg = _register(register)
    row = get_owned_or_404(reg.model, row_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    services.delete_row(row)
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for(".register_page", register=reg.name))


def _plan_form(year: int):
    class PlanForm(FlaskForm):
        pass

    for metric, label in METRIC_LABELS.items():
        setattr(PlanForm, metric.replace(":", "__"),
                IntegerField(label, validators=[Optional(), NumberRange(min=0, max=100_000)]))
    targets = get_targets(year)
    return PlanForm(data={metric.replace(":", "__"): value for metric, value in targets.items()})


@organiser_page("/plan", methods=["GET", "POST"])
def plan():
    """Set the year's targets: one per event kind and per key figure."""
    year = query_int("year")
    if year is None or not 2000 <= year <= 2200:
        year = local_day(utc_now()).year
    form = _plan_form(year)
    if form.validate_on_submit():
        services.set_targets(year, {metric: form[metric.replace(":", "__")].data
                                    for metric in METRIC_LABELS})
        db.session.commit()
        flash(_("The plan for %(year)d is saved.", year=year), "success")
        return redirect(url_for(".plan", year=year))
    status = 400 if request.method == "POST" else 200
    return render_template("cluster/plan.html", form=form, year=year,
                           registers=REGISTERS), status



@organiser_page("/introductions/proposed")
def proposals():
    """Show the introductions the app proposes from offers and needs, with their reasons."""
    lang = current_language()
    tags = {tag.code: tag.label(lang) for tag in db.session.scalars(select(Tag))}
    found = introductions.proposals()
    items = [(p, introductions.reason_summary(p, tags)) for p in found]
    return render_template("cluster/proposals.html", items=items, registers=REGISTERS,
                           form=AcceptForm())


@organiser_page("/introductions/proposed/accept", methods=["POST"])
def accept_proposal():
    """Make a proposed introduction: log it and mail both sides in their language."""
    form = AcceptForm()
    if not form.validate_on_submit():
        abort(400)
    proposal = introductions.find_proposal(form.a_id.data, form.b_id.data)
    if proposal is None:
        flash(_("This introduction is no longer proposed (already made or already met)."),
              "warning")
        return redirect(url_for(".proposals"))
    services.accept_proposal(proposal, current_user)
    db.session.commit()
    flash(_("Introduction made: %(a)s and %(b)s get a mail.", a=proposal.a.name,
            b=proposal.b.name), "success")
    return redirect(url_for(".proposals"))
