"""Forms of the members back-office."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.forms import DateField, DistinctSelectMultipleField, IntegerField, MultiCheckboxField
from app.members.labels import (
    BUSINESS_MODEL_LABELS,
    ITEM_KIND_LABELS,
    KIND_LABELS,
    LANGUAGE_LABELS,
    PARTNER_TYPE_LABELS,
    STATUS_LABELS,
    TAG_KIND_LABELS,
    choices,
)


class OrganisationForm(FlaskForm):
    """Edit an organisation: kind, status, contact details, sectors and business models."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=choices(KIND_LABELS))
    status = SelectField(
        _l("Membership status"), choices=[("", "—")] + choices(STATUS_LABELS), default=""
    )
    partner_type = SelectField(
        _l("Partner type"), choices=[("", "—")] + choices(PARTNER_TYPE_LABELS), default=""
    )
    is_company = BooleanField(_l("This is a company"), default=True)
    joined_on = DateField(_l("Joined on"), validators=[Optional()])
    left_on = DateField(_l("Left on"), validators=[Optional()])
    sector_ids = MultiCheckboxField(_l("Sectors"), coerce=int, validators=[Optional()])
    business_models = MultiCheckboxField(
        _l("Circular business models"),
        choices=choices(BUSINESS_MODEL_LABELS),
        validators=[Optional()],
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    commune = StringField(_l("Commune"), validators=[Optional(), Length(max=100)])
    website = StringField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])
    description_fr = TextAreaField(
        _l("Description (French)"), validators=[Optional(), Length(max=4000)]
    )
    description_nl = TextAreaField(
        _l("Description (Dutch)"), validators=[Optional(), Length(max=4000)]
    )
    description_en = TextAreaField(
        _l("Description (English)"), validators=[Optional(), Length(max=4000)]
    )
    submit = SubmitField(_l("Save"))

    def validate_status(self, field):
        """Require a membership status for a member."""
        if self.kind.data == "member" and not field.data:
            raise ValidationError(_l("A member needs a membership status."))

    def validate_partner_type(self, field):
        """Require a partner type for a partner."""
        if self.kind.data == "partner" and not field.data:
            raise ValidationError(_l("A partner needs a partner type."))

    def validate_left_on(self, field):
        """Refuse a leaving date before the joining date."""
        if field.data and self.joined_on.data and field.data < self.joined_on.data:
            raise ValidationError(_l("The leaving date is before the joining date."))

    def to_data(self) -> dict:
        """Return the organisation's values, empty choices as None."""
        data = {
            name: f.data for name, f in self._fields.items() if name not in {"submit", "csrf_token"}
        }
        data["status"] = data["status"] or None
        data["partner_type"] = data["partner_type"] or None
        return data


class PersonForm(FlaskForm):
    """Edit a contact person and their organisation."""

    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    job_title = StringField(_l("Job title"), validators=[Optional(), Length(max=120)])
    language = SelectField(_l("Preferred language"), choices=choices(LANGUAGE_LABELS))
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    organisation_name = StringField(
        _l("Organisation (free text, when not listed)"), validators=[Optional(), Length(max=200)]
    )
    consent_contact = BooleanField(_l("Agrees to be contacted by the cluster"))
    submit = SubmitField(_l("Save"))

    def to_data(self) -> dict:
        """Return the person's values, no organisation as None."""
        data = {
            name: f.data for name, f in self._fields.items() if name not in {"submit", "csrf_token"}
        }
        data["organisation_id"] = data["organisation_id"] or None
        return data


class ProfileItemForm(FlaskForm):
    """Add an offer or a need to an organisation's profile."""

    kind = SelectField(_l("Offer or need"), choices=choices(ITEM_KIND_LABELS))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    tag_ids = DistinctSelectMultipleField(_l("Tags"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Add"))


class TagForm(FlaskForm):
    """Edit a tag of the vocabulary (material, service, equipment or skill)."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=60)])
    kind = SelectField(_l("Kind"), choices=choices(TAG_KIND_LABELS))
    label_fr = StringField(_l("Label (French)"), validators=[DataRequired(), Length(max=120)])
    label_nl = StringField(_l("Label (Dutch)"), validators=[DataRequired(), Length(max=120)])
    label_en = StringField(_l("Label (English)"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("Save"))


class SectorForm(FlaskForm):
    """Edit a sector of the vocabulary."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    label_fr = StringField(_l("Label (French)"), validators=[DataRequired(), Length(max=120)])
    label_nl = StringField(_l("Label (Dutch)"), validators=[DataRequired(), Length(max=120)])
    label_en = StringField(_l("Label (English)"), validators=[DataRequired(), Length(max=120)])
    is_priority = BooleanField(_l("Priority sector"))
    position = IntegerField(_l("Position"), default=0,
                            validators=[Optional(), NumberRange(min=0, max=10000)])
    submit = SubmitField(_l("Save"))


class ImportUploadForm(FlaskForm):
    """Upload a CSV file of contacts to preview its import."""

    file = FileField(_l("CSV file"), validators=[FileRequired(), FileAllowed(["csv", "txt"])])
    submit = SubmitField(_l("Preview"))


class ImportConfirmForm(FlaskForm):
    """Confirm the import of a previewed CSV file (its content travels in the form)."""

    content = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Import"))


class DeleteForm(FlaskForm):
    """Confirm a deletion (a POST with CSRF)."""

    submit = SubmitField(_l("Delete"))
