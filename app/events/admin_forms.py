"""Forms of the organisers' event pages; times are typed in Brussels local time."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.db import DB_INT_MAX, DB_INT_MIN
from app.events.forms import YES_NO_LABELS, answers_from, with_questions  # noqa: F401
from app.events.labels import (  # noqa: F401 (re-exported for the views)
    AUDIENCE_LABELS,
    KIND_LABELS,
    QUESTION_KIND_LABELS,
    REGISTRATION_STATUS_LABELS,
)
from app.events.models import Audience, EventKind, QuestionKind, RegistrationStatus
from app.forms import DateField, IntegerField, MultiCheckboxField
from app.members.labels import LANGUAGE_LABELS, choices
from app.timezone import LocalTimeError, to_form, to_utc

#: The HTML datetime-local format (seconds are not asked for).
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"

#: Kinds hosted by a member, for which the host organisation is asked.
HOSTED_KINDS = (EventKind.CIRCLEMEET, EventKind.SITE_VISIT)


#: Dates outside these years are typing mistakes (and would overflow when shifted).
MIN_YEAR, MAX_YEAR = 2000, 2100


class LocalDateTimeField(DateTimeLocalField):
    """A datetime-local input whose data is converted to aware UTC by `utc_data`."""

    def __init__(self, label=None, validators=None, **kwargs):
        # Browsers send minutes, or seconds when a step is set; the first format renders.
        formats = [LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        super().__init__(label, validators, format=formats, **kwargs)

    def pre_validate(self, form):
        """Refuse dates outside the accepted years and local times that do not exist in Brussels."""
        if self.data is not None:
            if not MIN_YEAR <= self.data.year <= MAX_YEAR:
                raise ValidationError(_l("Give a date between %(start)d and %(end)d.",
                                         start=MIN_YEAR, end=MAX_YEAR))
            try:
                to_utc(self.data)
            except LocalTimeError as error:
                raise ValidationError(error.message) from None

    def set_utc(self, value: datetime | None) -> None:
        """Fill the field from a stored UTC datetime."""
        self.data = to_form(value)

    @property
    def utc_data(self) -> datetime | None:
        """Return the entered Brussels time as an aware UTC datetime, or None."""
        return to_utc(self.data) if self.data is not None else None


def _text_data(form: FlaskForm, names: tuple[str, ...]) -> dict:
    return {name: (getattr(form, name).data or "").strip() for name in names}


# Fields checked by an inline validator carry no Optional(): it would stop the chain when empty.


class EventForm(FlaskForm):
    """Edit an event: kind, titles, descriptions, times, place, audience, registration rules."""

    kind = SelectField(_l("Kind"), choices=choices(KIND_LABELS))
    title_fr = StringField(_l("Title (French)"), validators=[Length(max=200)])
    title_nl = StringField(_l("Title (Dutch)"), validators=[Optional(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=200)])
    description_fr = TextAreaField(_l("Description (French)"),
                                   validators=[Optional(), Length(max=10000)])
    description_nl = TextAreaField(_l("Description (Dutch)"),
                                   validators=[Optional(), Length(max=10000)])
    description_en = TextAreaField(_l("Description (English)"),
                                   validators=[Optional(), Length(max=10000)])
    starts_at = LocalDateTimeField(_l("Starts (Brussels time)"), validators=[InputRequired()])
    ends_at = LocalDateTimeField(_l("Ends (Brussels time)"), validators=[InputRequired()])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    host_organisation_id = SelectField(_l("Host organisation (circlemeets and visits)"),
                                       coerce=int, default=0)
    sector_ids = MultiCheckboxField(_l("Sectors concerned"), coerce=int, validators=[Optional()])
    audience = SelectField(_l("Audience"), choices=choices(AUDIENCE_LABELS),
                           default=Audience.PUBLIC.value)
    capacity = IntegerField(_l("Capacity (empty for no limit)"),
                            validators=[Optional(), NumberRange(min=1, max=100000)])
    registration_opens_at = LocalDateTimeField(_l("Registrations open (Brussels time)"),
                                               validators=[Optional()])
    registration_closes_at = LocalDateTimeField(_l("Registrations close (Brussels time)"),
                                                validators=[Optional()])
    requires_approval = BooleanField(_l("Registrations need an organiser's approval"))
    confirm_by_link = BooleanField(
        _l("Public event with limited places: hold a place only once the person confirms "
           "their address by the link we mail (recommended)"), default=True)
    offer_hours = IntegerField(
        _l("With approval: hours a place offered from the waiting list is held for the "
           "person to take it (empty: until you decide)"),
        validators=[Optional(), NumberRange(min=1, max=24 * 60)])
    submit = SubmitField(_l("Save"))

    TEXT_FIELDS = ("title_fr", "title_nl", "title_en", "description_fr", "description_nl",
                   "description_en", "venue", "address")

    def validate_title_fr(self, field):
        """Require a title in at least one language."""
        if not any((getattr(self, f"title_{lang}").data or "").strip() for lang in LANGUAGE_LABELS):
            raise ValidationError(_l("Give a title in at least one language."))

    def validate_ends_at(self, field):
        """Require the end after the start."""
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must be after the start."))

    def validate_registration_closes_at(self, field):
        """Require registrations to close after they open and before the event ends."""
        if field.data and self.ends_at.data and field.data > self.ends_at.data:
            raise ValidationError(_l("Registrations must close before the event ends."))
        opens = self.registration_opens_at.data
        if field.data and opens and field.data <= opens:
            raise ValidationError(_l("Registrations must close after they open."))

    def fill_from(self, event) -> None:
        """Fill the fields from an existing event (on GET)."""
        for name in self.TEXT_FIELDS:
            getattr(self, name).data = getattr(event, name)
        self.kind.data = event.kind.value
        self.audience.data = event.audience.value
        self.starts_at.set_utc(event.starts_at)
        self.ends_at.set_utc(event.ends_at)
        self.registration_opens_at.set_utc(event.registration_opens_at)
        self.registration_closes_at.set_utc(event.registration_closes_at)
        self.host_organisation_id.data = event.host_organisation_id or 0
        self.sector_ids.data = [s.id for s in event.sectors]
        self.capacity.data = event.capacity
        self.requires_approval.data = event.requires_approval
        self.confirm_by_link.data = event.confirm_by_link
        self.offer_hours.data = event.offer_hours

    def to_data(self) -> dict:
        """Return plain values for admin_services.save_event (times in UTC)."""
        data = _text_data(self, self.TEXT_FIELDS)
        kind = EventKind(self.kind.data)
        data.update(
            kind=kind,
            audience=Audience(self.audience.data),
            starts_at=self.starts_at.utc_data,
            ends_at=self.ends_at.utc_data,
            registration_opens_at=self.registration_opens_at.utc_data,
            registration_closes_at=self.registration_closes_at.utc_data,
            host_organisation_id=(self.host_organisation_id.data or None)
            if kind in HOSTED_KINDS else None,
            sector_ids=list(self.sector_ids.data or []),
            capacity=self.capacity.data,
            requires_approval=bool(self.requires_approval.data),
            confirm_by_link=bool(self.confirm_by_link.data),
            offer_hours=self.offer_hours.data,
        )
        return data


#: Kinds of question answered from a list of options (the options textarea).
OPTION_KINDS = (QuestionKind.CHOICE.value, QuestionKind.MULTIPLE.value)


class QuestionForm(FlaskForm):
    """Edit a registration question: kind, wording per language, options, bounds, condition."""

    kind = SelectField(_l("Kind of answer"), choices=choices(QUESTION_KIND_LABELS))
    label_fr = StringField(_l("Question (French)"), validators=[Length(max=200)])
    label_nl = StringField(_l("Question (Dutch)"), validators=[Optional(), Length(max=200)])
    label_en = StringField(_l("Question (English)"), validators=[Optional(), Length(max=200)])
    choices = TextAreaField(_l("Options, one per line (choice questions)"),
                            validators=[Length(max=4000)])
    min_value = IntegerField(_l("Smallest number allowed (number questions)"),
                             validators=[Optional(), NumberRange(DB_INT_MIN, DB_INT_MAX)])
    max_value = IntegerField(_l("Largest number allowed (number questions)"),
                             validators=[Optional(), NumberRange(DB_INT_MIN, DB_INT_MAX)])
    required = BooleanField(_l("An answer is required"))
    condition = MultiCheckboxField(
        _l("Ask only when the answer to another question is one of these (none: always ask)"))
    submit = SubmitField(_l("Save"))

    def set_conditions(self, event, question, language: str) -> None:
        """Offer as conditions the answers of the event's other unconditional option questions."""
        if question is not None and any(q.condition_question_id == question.id
                                        for q in event.questions):
            self.condition.description = _l("Other questions are asked only for some answers "
                                             "to this one, so it is always asked.")
            triggers = []
        else:
            triggers = [q for q in event.questions
                        if q is not question and q.condition_question_id is None
                        and q.option_values]
        self.condition.choices = [
            (f"{q.id}:{value}", f"{q.label(language)} — {YES_NO_LABELS.get(value, value)}"
             if q.kind == QuestionKind.YES_NO else f"{q.label(language)} — {value}")
            for q in triggers for value in q.option_values]
        if question is not None and not self.is_submitted():
            self.condition.data = [f"{question.condition_question_id}:{value}"
                                   for value in question.condition_value_list]

    def validate_label_fr(self, field):
        """Require the question in at least one language."""
        if not any((getattr(self, f"label_{lang}").data or "").strip() for lang in LANGUAGE_LABELS):
            raise ValidationError(_l("Give the question in at least one language."))

    def validate_choices(self, field):
        """Require at least one option for a choice question."""
        options = [line for line in (field.data or "").splitlines() if line.strip()]
        if self.kind.data in OPTION_KINDS and not options:
            raise ValidationError(_l("A choice question needs at least one option."))

    def validate_max_value(self, field):
        """Refuse bounds the wrong way round."""
        if (field.data is not None and self.min_value.data is not None
                and field.data < self.min_value.data):
            raise ValidationError(_l("The largest number is smaller than the smallest."))

    def validate_condition(self, field):
        """Take the answers of one question only."""
        if len({value.split(":", 1)[0] for value in field.data or []}) > 1:
            raise ValidationError(_l("Pick answers of one question only."))

    def to_data(self) -> dict:
        """Return plain values for admin_services.save_question."""
        data = _text_data(self, ("label_fr", "label_nl", "label_en"))
        kind = QuestionKind(self.kind.data)
        options = [line.strip() for line in (self.choices.data or "").splitlines() if line.strip()]
        picked = [value.split(":", 1) for value in self.condition.data or []]
        number = kind == QuestionKind.NUMBER
        data.update(kind=kind, required=bool(self.required.data),
                    choices="\n".join(options) if kind.value in OPTION_KINDS else "",
                    min_value=self.min_value.data if number else None,
                    max_value=self.max_value.data if number else None,
                    condition_question_id=int(picked[0][0]) if picked else None,
                    condition_values="\n".join(value for _id, value in picked))
        return data


class ProgrammeItemForm(FlaskForm):
    """Edit one item of an event's programme."""

    starts_at = LocalDateTimeField(_l("Starts (Brussels time)"), validators=[InputRequired()])
    ends_at = LocalDateTimeField(_l("Ends (Brussels time)"), validators=[InputRequired()])
    title_fr = StringField(_l("Title (French)"), validators=[Length(max=200)])
    title_nl = StringField(_l("Title (Dutch)"), validators=[Optional(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=200)])
    location = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    check_in = BooleanField(_l("Check people in at this item (a visit of a study trip)"))
    submit = SubmitField(_l("Save"))

    def validate_title_fr(self, field):
        """Require a title in at least one language."""
        if not any((getattr(self, f"title_{lang}").data or "").strip() for lang in LANGUAGE_LABELS):
            raise ValidationError(_l("Give a title in at least one language."))

    def validate_ends_at(self, field):
        """Require the end after the start."""
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must be after the start."))

    def fill_from(self, item) -> None:
        """Fill the fields from an existing item (on GET)."""
        for name in ("title_fr", "title_nl", "title_en", "location", "check_in"):
            getattr(self, name).data = getattr(item, name)
        self.starts_at.set_utc(item.starts_at)
        self.ends_at.set_utc(item.ends_at)

    def to_data(self) -> dict:
        """Return plain values for admin_services.save_programme_item (times in UTC)."""
        data = _text_data(self, ("title_fr", "title_nl", "title_en", "location"))
        data.update(starts_at=self.starts_at.utc_data, ends_at=self.ends_at.utc_data,
                    check_in=bool(self.check_in.data))
        return data


class DuplicateForm(FlaskForm):
    """Ask for the date of the copy when duplicating an event."""

    starts_on = DateField(_l("Date of the new event"), validators=[InputRequired()])
    submit = SubmitField(_l("Duplicate as a draft"))

    def validate_starts_on(self, field):
        """Refuse a date outside the accepted years."""
        if field.data is not None and not MIN_YEAR <= field.data.year <= MAX_YEAR:
            raise ValidationError(_l("Give a date between %(start)d and %(end)d.",
                                     start=MIN_YEAR, end=MAX_YEAR))


class RegistrationForm(FlaskForm):
    """Add someone by hand."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=100)])
    organisation_name = StringField(_l("Organisation (when not known yet)"),
                                    validators=[Optional(), Length(max=200)])
    language = SelectField(_l("Language of the mails"), choices=choices(LANGUAGE_LABELS))
    submit = SubmitField(_l("Register"))

    def to_data(self) -> dict:
        """Return the person's plain values."""
        return {
            "email": self.email.data.strip(), "first_name": self.first_name.data.strip(),
            "last_name": self.last_name.data.strip(),
            "organisation": (self.organisation_name.data or "").strip(),
            "language": self.language.data,
        }


def make_registration_form(event, language: str) -> RegistrationForm:
    """Build the add-by-hand form with one optional field per question of the event."""
    form = with_questions(RegistrationForm, event, language, enforce_required=False)()
    # The questions come after the person's details, before the button.
    form._fields.move_to_end("submit")
    return form


class RevokeLinksForm(FlaskForm):
    """Revoke a person's personal links; ``send`` is "1" to mail them a new one."""

    send = HiddenField(validators=[AnyOf(["0", "1"])])


class MoveForm(FlaskForm):
    """Move a registration to confirmed or to the waiting list."""

    status = HiddenField(validators=[AnyOf([RegistrationStatus.CONFIRMED.value,
                                            RegistrationStatus.WAITLISTED.value])])


class NoShowForm(FlaskForm):
    """Set (1) or clear (0) a registration's no-show mark."""

    value = HiddenField(validators=[AnyOf(["1", "0"])])


class QuestionMoveForm(FlaskForm):
    """Move a registration question up or down."""

    direction = HiddenField(validators=[AnyOf(["up", "down"])])


class MessageForm(FlaskForm):
    """Write a message to every confirmed participant of an event."""

    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=20000)])
    submit = SubmitField(_l("Send to every confirmed participant"))


class ConfirmForm(FlaskForm):
    """A bare POST form: the CSRF token is all it carries."""

    submit = SubmitField(_l("Confirm"))


class ReminderTextForm(FlaskForm):
    """The organiser's reminder text per language (empty: the default sentence)."""

    reminder_text_fr = TextAreaField(_l("Reminder text in French"),
                                     validators=[Optional(), Length(max=5000)])
    reminder_text_nl = TextAreaField(_l("Reminder text in Dutch"),
                                     validators=[Optional(), Length(max=5000)])
    reminder_text_en = TextAreaField(_l("Reminder text in English"),
                                     validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save the reminder text"))

    LANGUAGES = ("fr", "nl", "en")

    def fill_from(self, event) -> None:
        """Fill the fields from the event (on GET)."""
        for language in self.LANGUAGES:
            getattr(self, f"reminder_text_{language}").data = getattr(
                event, f"reminder_text_{language}")

    def to_data(self) -> dict[str, str | None]:
        """Return the texts, None for an empty one."""
        return {f"reminder_text_{language}":
                (getattr(self, f"reminder_text_{language}").data or "").strip() or None
                for language in self.LANGUAGES}


#: The registration mails an organiser may rewrite, as the template page names them.
MAIL_KIND_LABELS = {
    "confirmed": _l("Registration confirmed"),
    "waitlisted": _l("Waiting list"),
    "promoted": _l("Place from the waiting list"),
    "reminder": _l("Reminder"),
    "cancelled": _l("Registration cancelled"),
}


class MailTemplateForm(FlaskForm):
    """The organiser's subject and text for one mail, event kind and language."""

    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=10000)])
    save = SubmitField(_l("Save"))
    preview = SubmitField(_l("Preview"))
