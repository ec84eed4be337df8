"""Public forms: registration, answers on the management page, cancellation, new links."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.auth.form_checks import HumanForm
from app.events.labels import ATTENDEE_STATUS_LABELS, AUDIENCE_LABELS, KIND_LABELS  # noqa: F401
from app.events.models import (
    Event,
    QuestionKind,
    Registration,
)

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


def _with_questions(base: type[FlaskForm], event: Event, language: str) -> type[FlaskForm]:
    """Return a subclass of ``base`` with one field per question of the event."""
    fields = {}
    for question in event.questions:
        validators = [DataRequired(message=ANSWER_ERRORS["required"])] if question.required \
            else [Optional()]
        label = question.label(language)
        if question.kind == QuestionKind.TEXT:
            field = StringField(label, validators=[*validators, Length(max=2000)])
        elif question.kind == QuestionKind.CHOICE:
            field = SelectField(label, validators=validators,
                                choices=[("", "—")] + [(c, c) for c in question.choice_list])
        else:
            field = SelectField(label, validators=validators,
                                choices=[("", "—"), ("yes", _l("Yes")), ("no", _l("No"))])
        fields[question_field_name(question.id)] = field
    return type(f"{base.__name__}ForEvent", (base,), fields)


def make_registration_form(event: Event, language: str, **kwargs) -> RegistrationForm:
    """Build the registration form of an event, in the reader's language."""
    form = _with_questions(RegistrationForm, event, language)(**kwargs)
    if not form.is_submitted():
        form.language.data = language
    return form


def make_answers_form(registration: Registration, language: str, **kwargs) -> AnswersForm:
    """Build the answers form of a registration, filled with the current answers."""
    form_class = _with_questions(AnswersForm, registration.event, language)
    form = form_class(**kwargs)
    if not form.is_submitted():
        for question in registration.event.questions:
            form[question_field_name(question.id)].data = registration.answers.get(
                str(question.id), "")
    return form


def answers_from(form: FlaskForm, event: Event) -> dict[str, str]:
    """Read the question fields of a form as answers keyed by question id."""
    return {str(q.id): (form[question_field_name(q.id)].data or "").strip()
            for q in event.questions}


def show_answer_errors(form: FlaskForm, errors: dict[str, str]) -> None:
    """Put the service's answer errors on the matching fields."""
    for question_id, code in errors.items():
        name = question_field_name(int(question_id))
        if name in form:
            form[name].errors = [*form[name].errors, ANSWER_ERRORS.get(code, code)]
