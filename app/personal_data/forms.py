"""Forms of the data pages: the erasure confirmation and the audit log's filters."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SubmitField
from wtforms.validators import DataRequired, NumberRange, Optional

from app.forms import DateField, IntegerField


class EraseForm(FlaskForm):
    """Erase a person's data, once the consequences were read and ticked."""

    confirm = BooleanField(_l("I understand that this cannot be undone"),
                           validators=[DataRequired(_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Erase the data"))


class AuditFilterForm(FlaskForm):
    """Filter the audit log by action and by day (a GET form: no CSRF)."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), choices=[], validate_choice=True, validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=100_000)])
