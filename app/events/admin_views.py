"""Organisers' event pages: the event list, event details and status, programme, questions.

The registration, check-in and export pages are in `admin_registration_views`."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.auth.models import Role
from app.events import admin_services, attendance, changes
from app.events.admin_forms import (
    AUDIENCE_LABELS,
    KIND_LABELS,
    QUESTION_KIND_LABELS,
    REGISTRATION_STATUS_LABELS,
    ConfirmForm,
    DuplicateForm,
    EventForm,
    ProgrammeItemForm,
    QuestionForm,
    QuestionMoveForm,
)
from app.events.blueprint import bp
from app.events.models import (
    Event,
    EventStatus,
    ProgrammeItem,
    Question,
)
from app.extensions import db
from app.i18n import current_language
from app.members import queries as member_queries
from app.timezone import local_day
from app.web import get_owned_or_404, organiser_pages

organiser_page = organiser_pages(bp, "/admin/events", role=Role.ORGANISER)


def event_or_404(event_id: int) -> Event:
    """Return the event of an organiser page's URL, or answer 404."""
    return db.get_or_404(Event, event_id)


@bp.context_processor
def event_labels():
    """Give the events templates the labels of kinds, audiences, statuses and question kinds."""
    return {
        "EVENT_KIND_LABELS": KIND_LABELS, "AUDIENCE_LABELS": AUDIENCE_LABELS,
        "QUESTION_KIND_LABELS": QUESTION_KIND_LABELS,
        "REGISTRATION_STATUS_LABELS": REGISTRATION_STATUS_LABELS,
        "EVENT_STATUS_LABELS": {
            EventStatus.DRAFT: _("Draft"), EventStatus.PUBLISHED: _("Published"),
            EventStatus.CANCELLED: _("Cancelled"),
        },
    }


# Events -------------------------------------------------------------------------------------

@organiser_page("")
def admin_list():
    """List the upcoming events, or the past ones with `?show=past`."""
    show = "past" if request.args.get("show") == "past" else "upcoming"
    events = attendance.get_organiser_events(past=show == "past")
    return render_template("events/admin/list.html", events=events, show=show,
                           lang=current_language())


def _event_form(event: Event | None) -> EventForm:
    form = EventForm()
    organisations = db.session.scalars(member_queries.get_organisations_query()).all()
    form.host_organisation_id.choices = [(0, "—")] + [(o.id, o.name) for o in organisations]
    lang = current_language()
    form.sector_ids.choices = [(s.id, s.label(lang)) for s in member_queries.get_sectors()]
    if event is not None and request.method == "GET":
        form.fill_from(event)
    return form


@organiser_page("/new", methods=["GET", "POST"])
def admin_new():
    """Create an event."""
    return _edit_event(None)


@organiser_page("/<int:event_id>/edit", methods=["GET", "POST"])
def admin_edit(event_id: int):
    """Edit an event's details."""
    return _edit_event(event_or_404(event_id))


def _edit_event(event: Event | None):
    form = _event_form(event)
    if form.validate_on_submit():
        event = admin_services.save_event(event, form.to_data())
        db.session.commit()
        flash(_("Event saved."), "success")
        return redirect(url_for(".admin_event", event_id=event.id))
    title = _("New event") if event is None else event.title(current_language())
    back = url_for(".admin_list") if event is None else url_for(".admin_event", event_id=event.id)
    status = 400 if request.method == "POST" else 200
    return render_template("events/admin/form.html", form=form, title=title, back=back,
                           event=event), status


@organiser_page("/<int:event_id>")
def admin_event(event_id: int):
    """Show one event to the organisers: details, programme, questions and registration counts."""
    event = event_or_404(event_id)
    return render_template(
        "events/admin/event.html", event=event, lang=current_language(),
        counts=attendance.get_status_counts(event),
    )


@organiser_page("/<int:event_id>/publish", methods=["POST"])
def admin_publish(event_id: int):
    """Publish a draft event, or flash why it cannot be published yet."""
    event = event_or_404(event_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        admin_services.publish_event(event)
    except admin_services.AdminError as error:
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(_("The event is published."), "success")
    return redirect(url_for(".admin_event", event_id=event.id))


@organiser_page("/<int:event_id>/duplicate", methods=["GET", "POST"])
def admin_duplicate(event_id: int):
    """Copy an event to another date as a draft, then open the copy for editing."""
    event = event_or_404(event_id)
    form = DuplicateForm()
    if request.method == "GET":
        form.starts_on.data = local_day(event.starts_at)
    if form.validate_on_submit():
        copy = admin_services.duplicate_event(event, form.starts_on.data)
        db.session.commit()
        flash(_("Copy saved as a draft. Check it before publishing."), "success")
        return redirect(url_for(".admin_edit", event_id=copy.id))
    status = 400 if request.method == "POST" else 200
    return render_template("events/admin/form.html", form=form,
                           title=_("Duplicate %(title)s", title=event.title(current_language())),
                           back=url_for(".admin_event", event_id=event.id), event=event), status


@organiser_page("/<int:event_id>/cancel", methods=["GET", "POST"])
def admin_cancel(event_id: int):
    """Confirm and cancel an event; everyone registered is told by mail."""
    event = event_or_404(event_id)
    form = ConfirmForm()
    if event.status == EventStatus.CANCELLED:
        flash(_("This event is cancelled already."), "info")
        return redirect(url_for(".admin_event", event_id=event.id))
    if form.validate_on_submit():
        changes.cancel_event(event)
        db.session.commit()
        flash(_("The event is cancelled; everyone registered is being told."), "success")
        return redirect(url_for(".admin_event", event_id=event.id))
    return render_template("events/admin/cancel.html", event=event, form=form,
                           lang=current_language(),
                           counts=attendance.get_status_counts(event))


# Programme ----------------------------------------------------------------------------------

@organiser_page("/<int:event_id>/programme/new", methods=["GET", "POST"])
def admin_new_programme_item(event_id: int):
    """Add an item to an event's programme."""
    return _edit_programme_item(event_or_404(event_id), None)


@organiser_page("/<int:event_id>/programme/<int:item_id>/edit", methods=["GET", "POST"])
def admin_edit_programme_item(event_id: int, item_id: int):
    """Edit one item of an event's programme."""
    event = event_or_404(event_id)
    return _edit_programme_item(event, get_owned_or_404(ProgrammeItem, item_id, event_id=event.id))


def _edit_programme_item(event: Event, item: ProgrammeItem | None):
    form = ProgrammeItemForm()
    if request.method == "GET":
        if item is not None:
            form.fill_from(item)
        else:
            form.starts_at.set_utc(event.starts_at)
            form.ends_at.set_utc(event.ends_at)
    if form.validate_on_submit():
        admin_services.save_programme_item(event, item, form.to_data())
        db.session.commit()
        flash(_("Programme saved."), "success")
        return redirect(url_for(".admin_event", event_id=event.id) + "#programme")
    status = 400 if request.method == "POST" else 200
    return render_template("events/admin/form.html", form=form, event=event,
                           title=_("Programme item"),
                           back=url_for(".admin_event", event_id=event.id)), status


@organiser_page("/<int:event_id>/programme/<int:item_id>/delete", methods=["POST"])
def admin_delete_programme_item(event_id: int, item_id: int):
    """Delete one item of an event's programme."""
    event = event_or_404(event_id)
    item = get_owned_or_404(ProgrammeItem, item_id, event_id=event.id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    admin_services.delete_programme_item(item)
    db.session.commit()
    flash(_("Programme item deleted."), "info")
    return redirect(url_for(".admin_event", event_id=event.id) + "#programme")


# Questions ----------------------------------------------------------------------------------

@organiser_page("/<int:event_id>/questions/new", methods=["GET", "POST"])
def admin_new_question(event_id: int):
    """Add a registration question to an event."""
    return _edit_question(event_or_404(event_id), None)


@organiser_page("/<int:event_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
def admin_edit_question(event_id: int, question_id: int):
    """Edit one of an event's registration questions."""
    event = event_or_404(event_id)
    return _edit_question(event, get_owned_or_404(Question, question_id, event_id=event.id))


def _edit_question(event: Event, question: Question | None):
    form = QuestionForm(obj=question)
    form.set_conditions(event, question, current_language())
    if question is not None and request.method == "GET":
        form.kind.data = question.kind.value
    if form.validate_on_submit():
        admin_services.save_question(event, question, form.to_data())
        db.session.commit()
        flash(_("Question saved."), "success")
        return redirect(url_for(".admin_event", event_id=event.id) + "#questions")
    status = 400 if request.method == "POST" else 200
    return render_template("events/admin/form.html", form=form, event=event,
                           title=_("Registration question"),
                           back=url_for(".admin_event", event_id=event.id)), status


@organiser_page("/<int:event_id>/questions/<int:question_id>/delete", methods=["POST"])
def admin_delete_question(event_id: int, question_id: int):
    """Delete one of an event's registration questions."""
    event = event_or_404(event_id)
    question = get_owned_or_404(Question, question_id, event_id=event.id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    admin_services.delete_question(question)
    db.session.commit()
    flash(_("Question deleted."), "info")
    return redirect(url_for(".admin_event", event_id=event.id) + "#questions")


@organiser_page("/<int:event_id>/questions/<int:question_id>/move", methods=["POST"])
def admin_move_question(event_id: int, question_id: int):
    """Move a registration question up or down in the form."""
    event = event_or_404(event_id)
    question = get_owned_or_404(Question, question_id, event_id=event.id)
    form = QuestionMoveForm()
    if not form.validate_on_submit():
        abort(400)
    admin_services.move_question(question, form.direction.data)
    db.session.commit()
    flash(_("Questions reordered."), "info")
    return redirect(url_for(".admin_event", event_id=event.id) + "#questions")
