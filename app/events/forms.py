"""Public forms: registration, answers on the management page, cancellation, new links."""

import functools

from flask_babel import format_number, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from app.auth.form_checks import HumanForm
from app.db import DB_INT_MAX, DB_INT_MIN
from app.events.labels import (  # noqa: F401
    ATTENDEE_STATUS_LABELS,
    AUDIENCE_LABELS,
    KIND_LABELS,
    YES_NO_LABELS,
)
from app.events.models import (
    Event,
    Question,
    QuestionKind,
    Registration,
)
from app.forms import IntegerField, MultiCheckboxField

STATUS_LABELS = ATTENDEE_STATUS_LABELS
#: Reasons a registration is refused, shown to the attendee.
REFUSAL_MESSAGES = {
    "closed": _l("Registration for this event is closed."),
    "not_open": _l("Registration for this event is not open yet."),
    "cancelled": _l("This event is cancelled."),
    "not_published": _l("This event is not open for registration."),
    "ended": _l("This event is over."),
    "email": _l("Please give a valid email address."),
    "consent": _l("Please accept the privacy notice."),
    "answers": _l("Please check your answers."),
}
LANGUAGE_CHOICES = [("fr", "Français"), ("nl", "Nederlands"), ("en", "English")]
ANSWER_ERRORS = {
    "required": _l("This answer is required."),
    "choice": _l("Please pick one of the options."),
    "yes_no": _l("Please answer yes or no."),
    "number": _l("Please give a whole number."),
    "range": _l("This number is outside the range allowed."),
}



class RegistrationForm(HumanForm):
    """Register without an account; question fields are added per event."""

    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    language = SelectField(_l("Language of the mails"), choices=LANGUAGE_CHOICES)
    consent = BooleanField(
        _l("I agree that the cluster keeps these details to organise the event, "
           "as described in its privacy notice."),
        validators=[DataRequired(message=_l("Please accept the privacy notice."))])
    submit = SubmitField(_l("Register"))


class AnswersForm(FlaskForm):
    """Change the answers to the event's questions."""

    submit = SubmitField(_l("Save my answers"))


class CancelForm(FlaskForm):
    """Cancel one's registration (a POST with CSRF; opening the link changes nothing)."""

    submit = SubmitField(_l("Cancel my registration"))


class ConfirmAddressForm(FlaskForm):
    """Confirm one's address and so one's registration (a POST: mail scanners only GET)."""

    submit = SubmitField(_l("Confirm my registration"))


class RenewLinkForm(FlaskForm):
    """Ask for a new personal link from the management page; the old ones stop working."""

    submit = SubmitField(_l("Send me a new link"))


class NewLinkForm(HumanForm):
    """Ask for a new personal link by address (the public "lost your link?" page)."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Send me a new link"))


def question_field_name(question_id: int) -> str:
    """Return the name of the form field holding the answer to a question."""
    return f"q_{question_id}"


class QuestionFields:
    """Validation of the question fields a form gets per event (mixed in before the form).

    A conditional question whose condition is not met is not asked: whatever was sent for
    it is ignored, errors included. When it is asked, a required one must be answered.
    """

    questions: list[Question] = []
    enforce_required = True

    def validate(self, extra_validators=None) -> bool:
        """Validate the form, then drop or require the conditional answers."""
        super().validate(extra_validators)
        given = {str(q.id): self[question_field_name(q.id)].data for q in self.questions}
        for question in self.questions:
            if question.condition_question_id is None:
                continue
            field = self[question_field_name(question.id)]
            if not question.asked_for(given):
                field.errors = []
                field.data = [] if question.kind == QuestionKind.MULTIPLE else None
            elif (question.required and self.enforce_required and not field.errors
                  and field.data in (None, "", [])):
                field.errors = [ANSWER_ERRORS["required"]]
        self._errors = None  # the errors dict is cached by WTForms
        return not self.errors


def question_field(question: Question, language: str, *, enforce_required: bool = True):
    """Return the unbound form field answering a question, in the reader's language."""
    label = question.label(language)
    extra = {"description": condition_note(question, language)}
    # A conditional question is required only when asked: QuestionFields.validate checks it.
    required = enforce_required and question.required and question.condition_question_id is None
    if question.kind == QuestionKind.NUMBER:
        return IntegerField(label, validators=[
            InputRequired(message=ANSWER_ERRORS["required"]) if required else Optional(),
            NumberRange(DB_INT_MIN if question.min_value is None else question.min_value,
                        DB_INT_MAX if question.max_value is None else question.max_value,
                        message=_range_message(question)),
        ], render_kw={k: v for k, v in (("min", question.min_value), ("max", question.max_value))
                      if v is not None}, **extra)
    validators = [DataRequired(message=ANSWER_ERRORS["required"]) if required else Optional()]
    if question.kind == QuestionKind.TEXT:
        return StringField(label, validators=[*validators, Length(max=2000)], **extra)
    if question.kind == QuestionKind.MULTIPLE:
        # No Optional(): it would wipe the refusal of an unknown option sent as blank.
        return MultiCheckboxField(label, validators=validators[:1] if required else [],
                                  choices=[(c, c) for c in question.choice_list], **extra)
    options = ([(c, c) for c in question.choice_list] if question.kind == QuestionKind.CHOICE
               else list(YES_NO_LABELS.items()))
    return SelectField(label, validators=validators, choices=[("", "—"), *options], **extra)


def _range_message(question: Question) -> str:
    low, high = question.min_value, question.max_value
    if low is not None and high is not None:
        return gettext("Please give a number between %(min)s and %(max)s.",
                       min=format_number(low), max=format_number(high))
    if low is not None:
        return gettext("Please give a number of at least %(min)s.", min=format_number(low))
    if high is not None:
        return gettext("Please give a number of at most %(max)s.", max=format_number(high))
    return str(ANSWER_ERRORS["range"])


def condition_note(question: Question, language: str) -> str:
    """Say when a conditional question is to be answered (shown when scripts do not run)."""
    trigger = question.condition_question
    if trigger is None:
        return ""
    values = [str(YES_NO_LABELS[v]) if trigger.kind == QuestionKind.YES_NO else v
              for v in question.condition_value_list]
    return gettext("Answer only if your answer to “%(question)s” is: %(answers)s.",
                   question=trigger.label(language), answers=" / ".join(values))


def with_questions(base: type[FlaskForm], event: Event, language: str, *,
                   enforce_required: bool = True) -> type[FlaskForm]:
    """Return a subclass of ``base`` with one field per question of the event."""
    if not event.questions:  # most events: one class per form kind, made once
        return _without_questions(base, enforce_required)
    fields = {question_field_name(q.id): question_field(q, language,
                                                        enforce_required=enforce_required)
              for q in event.questions}
    return type(f"{base.__name__}ForEvent", (QuestionFields, base),
                {**fields, "questions": list(event.questions),
                 "enforce_required": enforce_required})


@functools.cache
def _without_questions(base: type[FlaskForm], enforce_required: bool) -> type[FlaskForm]:
    # WTForms collects a form class's fields when it is first used: a class made per
    # request paid that each time.
    return type(f"{base.__name__}ForEvent", (QuestionFields, base),
                {"questions": [], "enforce_required": enforce_required})


def make_registration_form(event: Event, language: str, **kwargs) -> RegistrationForm:
    """Build the registration form of an event, in the reader's language."""
    form = with_questions(RegistrationForm, event, language)(**kwargs)
    if not form.is_submitted():
        form.language.data = language
    return form


def make_answers_form(registration: Registration, language: str, **kwargs) -> AnswersForm:
    """Build the answers form of a registration, filled with the current answers."""
    form_class = with_questions(AnswersForm, registration.event, language)
    form = form_class(**kwargs)
    if not form.is_submitted():
        for question in registration.event.questions:
            form[question_field_name(question.id)].data = registration.answers.get(
                str(question.id), _BLANK.get(question.kind, ""))
    return form


#: The value of a question's field when it was not answered, when not text.
_BLANK = {QuestionKind.MULTIPLE: [], QuestionKind.NUMBER: None}


def answers_from(form: FlaskForm, event: Event) -> dict:
    """Read the question fields of a form as answers keyed by question id."""
    answers = {}
    for question in event.questions:
        value = form[question_field_name(question.id)].data
        answers[str(question.id)] = value.strip() if isinstance(value, str) else value
    return answers


def show_answer_errors(form: FlaskForm, errors: dict[str, str]) -> None:
    """Put the service's answer errors on the matching fields."""
    for question_id, code in errors.items():
        name = question_field_name(int(question_id))
        if name in form:
            form[name].errors = [*form[name].errors, ANSWER_ERRORS.get(code, code)]
