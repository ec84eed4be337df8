"""Forms of the B2B set-up, participant and feedback pages."""

from __future__ import annotations

from flask_babel import format_datetime, format_time
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.auth.form_checks import HumanForm
from app.b2b.labels import participant_label
from app.b2b.models import MeetingFeedback, MeetingOutcome, SessionStatus
from app.b2b.services import MAX_MEETINGS_LIMIT, MAX_MIN_MEETINGS, ItemData
from app.events.admin_forms import LocalDateTimeField
from app.forms import DateField, DistinctSelectMultipleField, IntegerField, MultiCheckboxField
from app.members.models import LANGUAGES

LANGUAGE_LABELS = {"fr": _l("French"), "nl": _l("Dutch"), "en": _l("English"),
                   "de": _l("German")}
PRIORITY_LABELS = {1: _l("Could meet"), 2: _l("Should meet"), 3: _l("Must meet")}
STATUS_LABELS = {"draft": _l("Draft"), "open": _l("Open"), "published": _l("Published"),
                 "closed": _l("Closed")}
REQUEST_STATUS_LABELS = {"pending": _l("Pending"), "accepted": _l("Accepted"),
                         "declined": _l("Declined"), "withdrawn": _l("Withdrawn")}
#: Languages a participant may say they speak (ISO 639-1).
PROFILE_LANGUAGES = (*LANGUAGES, "de")


class SessionForm(FlaskForm):
    """Edit a B2B session: its event, title, status and matchmaking settings."""

    event_id = SelectField(_l("Event"), coerce=int)
    title_fr = StringField(_l("Title (French)"), validators=[Optional(), Length(max=200)])
    title_nl = StringField(_l("Title (Dutch)"), validators=[Optional(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=200)])
    status = SelectField(_l("Status"), choices=[(s.value, STATUS_LABELS[s.value])
                                                for s in SessionStatus])
    open_to_guests = BooleanField(_l("Open to guests from outside the cluster"), default=True)
    requires_acceptance = BooleanField(
        _l("A request needs the other side's acceptance before it is scheduled"))
    max_meetings_default = IntegerField(_l("Meetings per participant at most (default)"),
                                        validators=[Optional(), NumberRange(
                                            min=0, max=MAX_MEETINGS_LIMIT)])
    min_meetings = IntegerField(_l("Meetings everyone should get (0: no minimum)"), default=0,
                                validators=[Optional(), NumberRange(min=0, max=MAX_MIN_MEETINGS)])
    # Typed in Brussels time; a time skipped by the clock change is refused by the field.
    profile_deadline_at = LocalDateTimeField(_l("Profiles deadline"), validators=[Optional()])
    request_deadline_at = LocalDateTimeField(_l("Requests deadline"), validators=[Optional()])
    outcome_survey_months = IntegerField(
        _l("Months after the event before the outcomes survey is mailed"), default=6,
        validators=[Optional(), NumberRange(min=1, max=60)])
    submit = SubmitField(_l("Save"))


class SlotPlanForm(FlaskForm):
    """Create a session's slots from a daily time range, a slot length and an optional break."""

    first_day = DateField(_l("First day"), validators=[DataRequired()])
    last_day = DateField(_l("Last day (several days)"), validators=[Optional()])
    start = TimeField(_l("Start"), validators=[DataRequired()])
    end = TimeField(_l("End"), validators=[DataRequired()])
    slot_minutes = SelectField(_l("Slot length"), coerce=int,
                               choices=[(15, "15 min"), (20, "20 min"), (30, "30 min")],
                               default=20)
    break_start = TimeField(_l("Break from (lunch)"), validators=[Optional()])
    break_end = TimeField(_l("Break until"), validators=[Optional()])
    submit = SubmitField(_l("Generate the slots"))

    def validate_last_day(self, field):
        """Refuse a last day before the first one or more than two weeks after it."""
        if field.data and self.first_day.data and field.data < self.first_day.data:
            raise ValidationError(_l("The last day cannot be before the first."))
        if field.data and self.first_day.data and (field.data - self.first_day.data).days > 14:
            raise ValidationError(_l("A session lasts two weeks at most."))

    def validate(self, extra_validators=None):
        """Validate the fields, then require both ends of the break or neither.

        Checked on the whole form: a blank end stops its own field's validators (Optional), so
        a `validate_break_end` never saw the end that was missing.
        """
        valid = super().validate(extra_validators)
        if (self.break_start.data is None) != (self.break_end.data is None):
            self.break_end.errors = [*self.break_end.errors,
                                     _l("Give both ends of the break, or neither.")]
            return False
        return valid


class SlotForm(FlaskForm):
    """Add one meeting slot by hand."""

    day = DateField(_l("Day"), validators=[DataRequired()])
    start = TimeField(_l("Start"), validators=[DataRequired()])
    end = TimeField(_l("End"), validators=[DataRequired()])
    submit = SubmitField(_l("Add the slot"))


class TablesForm(FlaskForm):
    """Add a number of meeting tables in one go."""

    count = IntegerField(_l("Number of tables to add"), default=1,
                         validators=[DataRequired(), NumberRange(min=1, max=500)])
    location = StringField(_l("Location (room, hall)"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Add"))


class TableForm(FlaskForm):
    """Rename or move one meeting table."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save"))


class ParticipantSettingsForm(FlaskForm):
    """Set a participant's meeting cap, fixed stand and absence."""

    max_meetings = IntegerField(_l("Meetings at most (empty: the session's default)"),
                                validators=[Optional(), NumberRange(min=0, max=MAX_MEETINGS_LIMIT)])
    table_id = SelectField(_l("Fixed stand"), coerce=int)
    absent = BooleanField(_l("Absent"))
    submit = SubmitField(_l("Save"))


class PairForm(FlaskForm):
    """Name two participants for a pair rule (a meeting to force or to forbid)."""

    a = SelectField(_l("Participant"), validators=[DataRequired()])
    b = SelectField(_l("Meets"), validators=[DataRequired()])
    #: Lifts the language rule for a must-meet pair with no language in common.
    interpreter = BooleanField(_l("An interpreter will be present"))
    submit = SubmitField(_l("Add"))


class ImportForm(FlaskForm):
    """Upload a matchmaking problem file to import into a session."""

    file = FileField(_l("Problem file (b2b-problem/1 JSON)"), validators=[FileRequired()])
    submit = SubmitField(_l("Import"))


class ActionForm(FlaskForm):
    """A button that only needs CSRF protection."""

    next = HiddenField()


class JoinForm(HumanForm):
    """Take part in a session from one's registration link (trap field and pace checked)."""


class ItemForm(Form):
    """One offer or need of a participant's profile (a subform of ProfileForm)."""

    kind = SelectField(_l("Kind"), choices=[("offer", _l("Offer")), ("need", _l("Need"))])
    title = StringField(_l("Description"), validators=[Optional(), Length(max=200)])
    tags = DistinctSelectMultipleField(_l("Tags"), validators=[Optional()])


class ProfileForm(FlaskForm):
    """Let a participant describe themself: sectors, languages, text, offers and needs."""

    sectors = MultiCheckboxField(_l("Sectors"))
    languages = MultiCheckboxField(_l("Languages you speak"),
                                   choices=[(c, LANGUAGE_LABELS[c]) for c in PROFILE_LANGUAGES])
    description = TextAreaField(_l("About you"), validators=[Optional(), Length(max=2000)])
    items = FieldList(FormField(ItemForm), min_entries=0)
    unavailable = MultiCheckboxField(_l("Slots you cannot attend"))
    share_email = BooleanField(_l("The people I meet may see my e-mail address (in their "
                                  "calendar invitations and agenda)"))
    submit = SubmitField(_l("Save my profile"))


class RequestForm(FlaskForm):
    """Ask another participant for a meeting, with a priority and an optional message."""

    to = HiddenField(validators=[DataRequired(), Length(max=20)])
    priority = SelectField(_l("How much do you want this meeting?"), coerce=int,
                           choices=[(p, label) for p, label in PRIORITY_LABELS.items()],
                           default=2)
    message = TextAreaField(_l("Message (optional)"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Request a meeting"))


class MeetingAnswerForm(Form):
    """One meeting's answers; in FeedbackForm its fields are named m<id>-happened and so on."""

    happened = RadioField(choices=[("yes", _l("Yes")), ("no", _l("No"))])
    usefulness = RadioField(choices=[(str(n), str(n)) for n in range(1, 6)],
                            validators=[Optional()])
    outcome = SelectField(choices=[(o.value, o.value) for o in MeetingOutcome],
                          default=MeetingOutcome.NONE.value)
    # The service keeps the first 2000 characters, as the page's maxlength asks.
    comment = StringField(default="")

    @property
    def answered(self) -> bool:
        """Tell whether the participant said whether the meeting took place."""
        return bool(self.happened.raw_data)

    def validate(self, extra_validators=None) -> bool:
        """Validate an answered meeting; one left unanswered keeps its earlier feedback."""
        if not self.answered:
            return True
        return super().validate(extra_validators)


class ContactForm(FlaskForm):
    """Write to a participant one meets, through the app (their address stays hidden)."""

    message = TextAreaField(_l("Your message"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Send"))


class FeedbackForm(FlaskForm):
    """A participant's feedback: one MeetingAnswerForm per published meeting, added by id."""

    @classmethod
    def for_meetings(cls, meeting_ids, existing: dict[int, MeetingFeedback] | None = None
                     ) -> FeedbackForm:
        """Return the form for these published meetings, filled from `existing` feedback."""

        class Bound(cls):
            pass

        ids = set(meeting_ids)
        for meeting_id in sorted(ids):
            setattr(Bound, f"m{meeting_id}", FormField(MeetingAnswerForm))
        data = {f"m{meeting_id}": {
            "happened": "yes" if row.happened else "no",
            "usefulness": str(row.usefulness) if row.usefulness else None,
            "outcome": MeetingOutcome(row.outcome).value, "comment": row.comment,
        } for meeting_id, row in (existing or {}).items() if meeting_id in ids}
        return Bound(data=data)

    def meeting(self, meeting_id: int) -> MeetingAnswerForm:
        """Return the answers of one meeting."""
        return self[f"m{meeting_id}"].form

    def answers(self, meeting_id: int) -> dict | None:
        """Return one meeting's answers as save_feedback takes them, None when unanswered."""
        sub = self.meeting(meeting_id)
        if not sub.answered:
            return None
        return {"happened": sub.happened.data == "yes",
                "usefulness": int(sub.usefulness.data) if sub.usefulness.data else None,
                "outcome": MeetingOutcome(sub.outcome.data), "comment": sub.comment.data or ""}


#: Blank offer/need rows shown under a profile's items, to add new ones.
BLANK_ITEMS = 3


def make_pair_form(participants) -> PairForm:
    """Return the form that adds a pair, offering the session's participants by code."""
    form = PairForm(prefix="pair")
    choices = [(p.code, f"{p.code} · {participant_label(p)}") for p in participants]
    form.a.choices = choices
    form.b.choices = choices
    return form


def make_profile_form(participant, language: str, *, sectors, tags, post: bool = False
                      ) -> ProfileForm:
    """Return the profile form with its choices, pre-filled from the participant on GET."""
    if post:
        form = ProfileForm()
    else:
        form = ProfileForm(formdata=None, sectors=participant.sectors,
                           languages=participant.languages, description=participant.description,
                           share_email=participant.share_email,
                           unavailable=[str(s.id) for s in participant.unavailable])
        for item in participant.items:
            form.items.append_entry({"kind": str(item.kind), "title": item.title,
                                     "tags": [t.code for t in item.tags]})
        for _ in range(BLANK_ITEMS):
            form.items.append_entry({"kind": "need", "title": "", "tags": []})
    form.sectors.choices = [(s.code, s.label(language)) for s in sectors]
    tag_choices = sorted(((t.code, t.label(language)) for t in tags), key=lambda c: c[1].lower())
    for entry in form.items:
        entry.form.tags.choices = tag_choices
    form.unavailable.choices = [(str(s.id), slot_label(s)) for s in participant.session.slots]
    return form


def profile_values(form: ProfileForm, participant) -> dict:
    """Return the keyword arguments of services.update_profile from a valid form."""
    by_id = {str(s.id): s for s in participant.session.slots}
    return {
        "sectors": form.sectors.data or [],
        "languages": form.languages.data or [],
        "description": form.description.data or "",
        "items": [ItemData(entry.form.kind.data, entry.form.title.data or "",
                           tuple(entry.form.tags.data or ()))
                  for entry in form.items],
        "unavailable": [by_id[i] for i in (form.unavailable.data or []) if i in by_id],
        "share_email": bool(form.share_email.data),
    }


def slot_label(slot) -> str:
    """Return "S01 · Thu 20 May 14:00–14:20" in Brussels time and the current locale."""
    return (f"{slot.code} · {format_datetime(slot.starts_at, 'EEE d MMM HH:mm')}"
            f"–{format_time(slot.ends_at, 'HH:mm')}")


class OutcomeSurveyForm(FlaskForm):
    """The outcomes survey: the CSRF token; one radio group per meeting, read by the view."""
