"""Organisers' pages for organisations, people, offers and needs, sectors and tags."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.audit.services import record
from app.auth.access import role_pages
from app.auth.models import Role
from app.extensions import db
from app.i18n import current_language
from app.members import csv_io, queries, services
from app.members.forms import (
    DeleteForm,
    ImportConfirmForm,
    ImportUploadForm,
    OrganisationForm,
    PersonForm,
    ProfileItemForm,
    SectorForm,
    TagForm,
)
from app.members.labels import (
    BUSINESS_MODEL_LABELS,
    ITEM_KIND_LABELS,
    KIND_LABELS,
    PARTNER_TYPE_LABELS,
    STATUS_LABELS,
    TAG_KIND_LABELS,
)
from app.members.models import (
    MemberStatus,
    Organisation,
    OrganisationKind,
    Person,
    ProfileItem,
    Sector,
    Tag,
)
from app.web import query_choice, query_int

bp = Blueprint("members", __name__, url_prefix="/admin")


role_pages(bp, Role.ORGANISER)


@bp.app_context_processor
def member_labels():
    """Give every template the labels of organisation kinds, statuses, partner and tag kinds."""
    return {
        "KIND_LABELS": KIND_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "PARTNER_TYPE_LABELS": PARTNER_TYPE_LABELS,
        "TAG_KIND_LABELS": TAG_KIND_LABELS,
        "BUSINESS_MODEL_LABELS": BUSINESS_MODEL_LABELS,
        "ITEM_KIND_LABELS": ITEM_KIND_LABELS,
    }


# Organisations ------------------------------------------------------------------------------


@bp.get("/organisations")
def organisations():
    """List organisations, filtered by kind, status and sector and searched by name or commune."""
    sector_id = query_int("sector")
    stmt = queries.get_organisations_query(
        kind=query_choice("kind", OrganisationKind),
        status=query_choice("status", MemberStatus),
        sector_id=sector_id,
        search=request.args.get("q") or None,
    )
    items = db.session.scalars(stmt).all()
    return render_template(
        "members/organisations.html",
        organisations=items,
        sectors=queries.get_sectors(),
        lang=current_language(),
    )


def _organisation_form(organisation: Organisation | None) -> OrganisationForm:
    form = OrganisationForm(obj=organisation)
    form.sector_ids.choices = [(s.id, s.label(current_language())) for s in queries.get_sectors()]
    if organisation is not None and request.method == "GET":
        form.sector_ids.data = [s.id for s in organisation.sectors]
        form.business_models.data = [m.value for m in organisation.business_models]
        form.status.data = organisation.status.value if organisation.status else ""
        form.partner_type.data = (
            organisation.partner_type.value if organisation.partner_type else ""
        )
        form.kind.data = organisation.kind.value
    return form


@bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation():
    """Create an organisation."""
    return _edit_organisation(None)


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
def edit_organisation(organisation_id: int):
    """Edit an organisation."""
    return _edit_organisation(db.get_or_404(Organisation, organisation_id))


def _edit_organisation(organisation: Organisation | None):
    form = _organisation_form(organisation)
    if form.validate_on_submit():
        try:
            organisation = services.save_organisation(organisation, form.to_data())
        except services.DuplicateError:
            form.name.errors.append(_("An organisation with this name exists already."))
        else:
            db.session.commit()
            flash(_("Organisation saved."), "success")
            return redirect(url_for(".organisation", organisation_id=organisation.id))
    title = _("New organisation") if organisation is None else organisation.name
    return render_template(
        "members/form.html", form=form, title=title, back=url_for(".organisations")
    )


@bp.get("/organisations/<int:organisation_id>")
def organisation(organisation_id: int):
    """Show one organisation with its people, offers and needs."""
    org = db.get_or_404(Organisation, organisation_id)
    item_form = ProfileItemForm()
    item_form.tag_ids.choices = [(t.id, t.label(current_language())) for t in queries.get_tags()]
    return render_template(
        "members/organisation.html",
        organisation=org,
        item_form=item_form,
        delete_form=DeleteForm(),
        lang=current_language(),
    )


@bp.post("/organisations/<int:organisation_id>/items")
def add_profile_item(organisation_id: int):
    """Add an offer or a need to an organisation's profile."""
    org = db.get_or_404(Organisation, organisation_id)
    form = ProfileItemForm()
    form.tag_ids.choices = [(t.id, t.label(current_language())) for t in queries.get_tags()]
    if form.validate_on_submit():
        try:
            services.save_profile_item(None, org, form.data)
        except services.DuplicateError:
            form.title.errors.append(
                _("This organisation already has an offer or need with this title."))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for(".organisation", organisation_id=org.id))
    return render_template(
        "members/organisation.html",
        organisation=org,
        item_form=form,
        delete_form=DeleteForm(),
        lang=current_language(),
    ), 400


@bp.post("/organisations/<int:organisation_id>/items/<int:item_id>/delete")
def delete_profile_item(organisation_id: int, item_id: int):
    """Delete an offer or a need of an organisation's profile."""
    item = db.get_or_404(ProfileItem, item_id)
    if item.organisation_id != organisation_id:
        return redirect(url_for(".organisation", organisation_id=organisation_id))
    if DeleteForm().validate_on_submit():
        services.delete_profile_item(item)
        db.session.commit()
        flash(_("Deleted."), "info")
    return redirect(url_for(".organisation", organisation_id=organisation_id))


# People -------------------------------------------------------------------------------------


@bp.get("/people")
def people():
    """List the contact people, searched by name or email."""
    stmt = queries.get_people_query(search=request.args.get("q") or None)
    return render_template("members/people.html", people=db.session.scalars(stmt).all())


def _person_form(person: Person | None) -> PersonForm:
    form = PersonForm(obj=person)
    orgs = db.session.scalars(queries.get_organisations_query()).all()
    form.organisation_id.choices = [(0, _("— independent —"))] + [(o.id, o.name) for o in orgs]
    if person is not None and request.method == "GET":
        form.organisation_id.data = person.organisation_id or 0
    elif person is None and request.method == "GET":
        form.organisation_id.data = query_int("organisation", 0)
    return form


@bp.route("/people/new", methods=["GET", "POST"])
def new_person():
    """Create a contact person."""
    return _edit_person(None)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
def edit_person(person_id: int):
    """Edit a contact person."""
    return _edit_person(db.get_or_404(Person, person_id))


def _edit_person(person: Person | None):
    form = _person_form(person)
    if form.validate_on_submit():
        try:
            saved = services.save_person(person, form.to_data())
        except services.DuplicateError:
            form.email.errors.append(_("Someone with this email exists already."))
        else:
            record(current_user, "person.edit" if person else "person.create", saved)
            db.session.commit()
            flash(_("Person saved."), "success")
            return redirect(url_for(".people"))
    title = _("New person") if person is None else person.full_name
    data_url = url_for("privacy_data.person_data", person_id=person.id) if person else None
    return render_template("members/form.html", form=form, title=title, back=url_for(".people"),
                           data_url=data_url)


# Vocabulary: tags and sectors ----------------------------------------------------------------


@bp.get("/vocabulary")
def tags():
    """Show the vocabulary: tags and sectors."""
    return render_template(
        "members/vocabulary.html",
        tags=queries.get_tags(),
        sectors=queries.get_sectors(),
        lang=current_language(),
    )


@bp.route("/tags/new", methods=["GET", "POST"])
@bp.route("/tags/<int:tag_id>/edit", methods=["GET", "POST"])
def edit_tag(tag_id: int | None = None):
    """Create or edit a tag of the vocabulary."""
    tag = db.get_or_404(Tag, tag_id) if tag_id else None
    form = TagForm(obj=tag)
    if tag is not None and request.method == "GET":
        form.kind.data = tag.kind.value
    if form.validate_on_submit():
        try:
            services.save_tag(tag, form.data)
        except services.DuplicateError:
            form.code.errors.append(_("This code is taken already."))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for(".tags"))
    return render_template("members/form.html", form=form, title=_("Tag"), back=url_for(".tags"))


@bp.route("/sectors/new", methods=["GET", "POST"])
@bp.route("/sectors/<int:sector_id>/edit", methods=["GET", "POST"])
def edit_sector(sector_id: int | None = None):
    """Create or edit a sector of the vocabulary."""
    sector = db.get_or_404(Sector, sector_id) if sector_id else None
    form = SectorForm(obj=sector)
    if form.validate_on_submit():
        try:
            services.save_sector(sector, form.data)
        except services.DuplicateError:
            form.code.errors.append(_("This code is taken already."))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for(".tags"))
    return render_template("members/form.html", form=form, title=_("Sector"), back=url_for(".tags"))


# CSV import and export ---------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
def import_csv():
    """Upload a CSV file of contacts and preview what its import would do."""
    form = ImportUploadForm()
    if form.validate_on_submit():
        try:
            text = csv_io.decode(form.file.data.read())
        except ValueError as exc:
            form.file.errors.append(str(exc))
        else:
            plan = csv_io.plan_import(text)
            return render_template(
                "members/import_preview.html", plan=plan, confirm=ImportConfirmForm(content=text)
            )
    return render_template("members/import.html", form=form, columns=csv_io.COLUMNS)


@bp.post("/import/confirm")
def confirm_import():
    """Import a previewed CSV file of contacts."""
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        flash(_("Nothing to import."), "warning")
        return redirect(url_for(".import_csv"))
    plan = csv_io.plan_import(form.content.data)
    if not plan.ok:
        return render_template("members/import_preview.html", plan=plan, confirm=form), 400
    organisations, people_count = csv_io.apply_import(plan)
    record(current_user, "members.import", "contacts",
           f"organisations={organisations} people={people_count}")
    db.session.commit()
    flash(
        _(
            "Imported: %(orgs)d new organisations, %(people)d people.",
            orgs=organisations,
            people=people_count,
        ),
        "success",
    )
    return redirect(url_for(".organisations"))


@bp.get("/export.csv")
def export_csv():
    """Download every contact as CSV; logged."""
    body = csv_io.export_csv()
    record(current_user, "members.export", "contacts")
    db.session.commit()
    return Response(
        body,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename=clustermeet-contacts.csv"},
    )
