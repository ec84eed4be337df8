"""Forms of the outbox page: its filters (GET) and the retry button (POST, CSRF)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.validators import NumberRange, Optional

from app.forms import IntegerField
from app.mail.models import OutboxStatus

STATUS_LABELS = {
    OutboxStatus.PENDING: _l("Pending"),
    OutboxStatus.SENDING: _l("Sending"),
    OutboxStatus.SENT: _l("Sent"),
    OutboxStatus.FAILED: _l("Failed"),
}


class OutboxFilterForm(FlaskForm):
    """Filter the outbox by status and kind (a GET form: no CSRF)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()],
                         choices=[("", _l("All statuses"))]
                         + [(status.value, label) for status, label in STATUS_LABELS.items()])
    kind = SelectField(_l("Kind"), choices=[], validators=[Optional()])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=100_000)])


class RetryForm(FlaskForm):
    """Put a failed mail back in the queue."""

    submit = SubmitField(_l("Retry"))
