"""Forms of the cluster's year: each refuses bad dates, reversed periods and unknown ids."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.cluster.labels import FOLLOW_UP_KIND_LABELS, OUTCOME_LABELS, STAGE_LABELS
from app.db import DB_INT_MAX
from app.extensions import db
from app.forms import DateField, IntegerField
from app.members.labels import KIND_LABELS, PARTNER_TYPE_LABELS, choices
from app.members.models import Organisation, Person, Sector


def _id_or_none(value):
    """Read a chosen id; anything else is None (the field then says what is wrong)."""
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return -1


def _enum_or_none(value):
    return value or None


class IdSelectField(SelectField):
    """A choice among rows by id that says plainly when the id is unknown."""

    unknown_message = _l("Choose a known organisation from the list.")

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=_id_or_none, **kwargs)

    def pre_validate(self, form):
        """Refuse an id that is not among the choices with a clear message."""
        if self.data is not None and self.data not in {value for value, _ in self.choices}:
            raise ValidationError(self.unknown_message)


class PersonSelectField(IdSelectField):
    """A choice among people (optional)."""

    unknown_message = _l("Choose a known person from the list.")


class _Ordered:
    """Check that one date field is not before another (a period ending before it starts)."""

    def __init__(self, earlier: str, message):
        self.earlier = earlier
        self.message = message

    def __call__(self, form, field):
        earlier = form[self.earlier].data
        if field.data is not None and earlier is not None and field.data < earlier:
            raise ValidationError(self.message)


ENDS_BEFORE = _l("The end comes before the start.")


class _WithOrganisation(FlaskForm):
    organisation_id = IdSelectField(_l("Organisation"), validators=[DataRequired()])
    submit = SubmitField(_l("Save"), render_kw={"data-order": "last"})

    def load_choices(self) -> None:
        """Fill the organisation (and person) choices from the database, one query each."""
        rows = db.session.execute(select(Organisation.id, Organisation.name)
                                  .order_by(Organisation.name)).all()
        options = [(None, "—")] + [(i, name) for i, name in rows]
        for name in ("organisation_id", "to_organisation_id"):
            if name in self:
                self[name].choices = options
        if "person_id" in self:
            people = db.session.execute(
                select(Person.id, Person.first_name, Person.last_name, Organisation.name)
                .join(Organisation, Organisation.id == Person.organisation_id)
                .order_by(Organisation.name, Person.last_name)).all()
            self.person_id.choices = [(None, "—")] + [
                (i, f"{org} — {first} {last}".strip()) for i, first, last, org in people]
        if "sector_id" in self:
            sectors = db.session.execute(select(Sector.id, Sector.code)
                                         .order_by(Sector.position)).all()
            self.sector_id.choices = [(None, "—")] + [(i, code) for i, code in sectors]


class MembershipForm(_WithOrganisation):
    """One stretch of membership or partnership of an organisation."""

    kind = SelectField(_l("Kind"), choices=choices(KIND_LABELS))
    candidate_since = DateField(_l("Candidate since"), validators=[Optional()])
    member_since = DateField(
        _l("Member (or partner) since"),
        validators=[Optional(), _Ordered("candidate_since",
                                         _l("Membership starts after the candidacy."))])
    left_on = DateField(_l("Left on"), validators=[Optional()])
    left_reason = StringField(_l("Reason for leaving"), validators=[Optional(), Length(max=300)])
    partner_type = SelectField(_l("Partner type"), coerce=_enum_or_none,
                               choices=[("", "—")] + choices(PARTNER_TYPE_LABELS), default="")

    def validate(self, extra_validators=None) -> bool:
        """Ask for a start, and refuse a departure before it (blank fields run no validator)."""
        if not super().validate(extra_validators):
            return False
        start = self.member_since.data or self.candidate_since.data
        if start is None:
            self.member_since.errors.append(_l("Give the candidacy or membership start."))
            return False
        if self.left_on.data is not None and self.left_on.data < start:
            self.left_on.errors.append(ENDS_BEFORE)
            return False
        return True


class BoardSeatForm(_WithOrganisation):
    """A seat on the advisory board."""

    starts_on = DateField(_l("Start"), validators=[InputRequired()])
    ends_on = DateField(_l("End"), validators=[Optional(), _Ordered("starts_on", ENDS_BEFORE)])
    co_opted = BooleanField(_l("Co-opted"))


class FollowUpForm(_WithOrganisation):
    """A follow-up of a member."""

    kind = SelectField(_l("Kind"), choices=choices(FOLLOW_UP_KIND_LABELS))
    held_on = DateField(_l("Date"), validators=[InputRequired()])
    person_id = PersonSelectField(_l("Person"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


class AdviceForm(_WithOrganisation):
    """A simple advice."""

    held_on = DateField(_l("Date"), validators=[InputRequired()])
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    person_id = PersonSelectField(_l("Person"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


class IntroductionForm(_WithOrganisation):
    """An introduction: who, whom (a known organisation or an outside contact), why, outcome."""

    held_on = DateField(_l("Date"), validators=[InputRequired()])
    to_organisation_id = IdSelectField(_l("Introduced to (member or partner)"),
                                       validators=[Optional()])
    outside_contact = StringField(_l("…or an outside contact"),
                                  validators=[Optional(), Length(max=200)])
    reason = TextAreaField(_l("Why"), validators=[Optional(), Length(max=5000)])
    outcome = SelectField(_l("Outcome"), choices=choices(OUTCOME_LABELS))
    outcome_on = DateField(_l("Outcome known on"),
                           validators=[Optional(), _Ordered("held_on", ENDS_BEFORE)])

    def validate(self, extra_validators=None) -> bool:
        """Ask for exactly one other side, never the organisation itself."""
        if not super().validate(extra_validators):
            return False
        to, outside = self.to_organisation_id.data, (self.outside_contact.data or "").strip()
        if (to is None) == (not outside):
            self.outside_contact.errors.append(
                _l("Give either a known organisation or an outside contact."))
            return False
        if to is not None and to == self.organisation_id.data:
            self.to_organisation_id.errors.append(
                _l("An organisation is not introduced to itself."))
            return False
        return True


class ProjectForm(_WithOrganisation):
    """A member's project."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    sector_id = IdSelectField(_l("Sector"), validators=[Optional()])
    stage = SelectField(_l("Stage"), choices=choices(STAGE_LABELS))
    started_on = DateField(_l("Started on"), validators=[InputRequired()])
    break_even = BooleanField(_l("Break-even reached"))
    jobs_created = IntegerField(_l("Jobs created"), default=0,
                                validators=[InputRequired(), NumberRange(min=0, max=DB_INT_MAX)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


_PERCENT = [Optional(), NumberRange(min=0, max=100)]


class CommunicationForm(FlaskForm):
    """Communication figures of one period."""

    starts_on = DateField(_l("From"), validators=[InputRequired()])
    ends_on = DateField(_l("To"), validators=[InputRequired(), _Ordered("starts_on", ENDS_BEFORE)])
    website_visitors = IntegerField(_l("Website unique visitors"),
                                    validators=[Optional(), NumberRange(min=0, max=DB_INT_MAX)])
    open_rate_fr = IntegerField(_l("Newsletter open rate, French (%)"), validators=_PERCENT)
    open_rate_nl = IntegerField(_l("Newsletter open rate, Dutch (%)"), validators=_PERCENT)
    open_rate_en = IntegerField(_l("Newsletter open rate, English (%)"), validators=_PERCENT)
    social_posts = IntegerField(_l("Social media posts"),
                                validators=[Optional(), NumberRange(min=0, max=DB_INT_MAX)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save"))

    def load_choices(self) -> None:
        """Nothing to load: no choice comes from the database."""


class DeleteForm(FlaskForm):
    """Delete one row (a button with its CSRF token)."""


class AcceptForm(FlaskForm):
    """Accept a proposed introduction between two organisations."""

    a_id = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=DB_INT_MAX)])
    b_id = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=DB_INT_MAX)])
