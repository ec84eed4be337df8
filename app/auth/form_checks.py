"""Checks that a public form was filled in by a person: an empty trap field and a human pace.

A public form (registration, B2B sign-up, "send me a new link") carries two extra fields:

- a trap field that people never see (hidden by the ``cm-trap`` CSS class, skipped by the
  keyboard and screen readers) and that form-filling robots fill in;
- a signed time at which the form was shown: a form sent back within ``FORM_MIN_SECONDS``
  or after ``FORM_MAX_AGE_SECONDS`` (or without a valid time) is sent back with a gentle
  error and the values typed, and a fresh time, so a person simply sends it again.

The time check obeys ``FORM_TIMING_CHECK`` (off in the tests, as CSRF is, except in the tests
of the check itself); the trap field is always checked.
"""

import time

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, Signer
from wtforms import HiddenField, StringField
from wtforms.validators import Length

#: Why a form is sent back, as shown above it.
FORM_CHECK_MESSAGES = {
    "trap": _l("Please check the form and send it again."),
    "missing": _l("Please check the form and send it again."),
    "fast": _l("That was very quick! Please check the form and send it again."),
    "old": _l("This form was open for a long time. Please check it and send it again."),
}


def _signer() -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt="form-shown")


def form_stamp(now: float | None = None) -> str:
    """Return the signed time at which a form is shown."""
    return _signer().sign(str(int(now if now is not None else time.time()))).decode()


def stamp_problem(stamp: str | None, now: float | None = None) -> str | None:
    """Say what is wrong with a form's shown-at stamp ("missing", "fast", "old"), or None."""
    try:
        shown = int(_signer().unsign(stamp or "").decode())
    except (BadSignature, ValueError):
        return "missing"
    age = (now if now is not None else time.time()) - shown
    config = current_app.config
    if age < config["FORM_MIN_SECONDS"]:
        return "fast"
    if age > config["FORM_MAX_AGE_SECONDS"]:
        return "old"
    return None


class HumanForm(FlaskForm):
    """A public form that refuses robots: render ``website`` with ``trap_field`` (macro)."""

    #: The trap: a tempting name, hidden from people; anything typed in it refuses the form.
    website = StringField(_l("Leave this field empty"), validators=[Length(max=200)])
    #: The signed time the form was shown (rendered by hidden_tag()).
    shown_at = HiddenField(validators=[Length(max=200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form_check: str | None = None
        if not self.is_submitted():
            self.shown_at.data = form_stamp()

    def validate(self, extra_validators=None) -> bool:
        """Validate the fields, then the trap and the pace; keep typed values, renew the stamp."""
        valid = super().validate(extra_validators)
        if (self.website.data or "").strip():
            self.form_check = "trap"
        elif current_app.config["FORM_TIMING_CHECK"]:
            self.form_check = stamp_problem(self.shown_at.data)
        # The next attempt is timed from now (the page is shown again with the values typed).
        self.shown_at.data = form_stamp()
        if self.form_check is not None:
            self.form_errors.append(str(FORM_CHECK_MESSAGES[self.form_check]))
            return False
        return valid
