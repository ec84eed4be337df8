"""The period a dashboard or a report is shown for."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import ValidationError
from wtforms.validators import InputRequired

from app.forms import DateField

#: Longer periods are refused: the month-by-month chart would have no end.
MAX_DAYS = 366 * 10


class PeriodForm(FlaskForm):
    """From and to dates (both included), read from the query string."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[InputRequired()])
    end = DateField(_l("To"), validators=[InputRequired()])

    def validate_end(self, field):
        """Refuse a period that ends before it starts, or one too long to chart."""
        if self.start.data and field.data:
            if field.data < self.start.data:
                raise ValidationError(_l("The end comes before the start."))
            if (field.data - self.start.data).days > MAX_DAYS:
                raise ValidationError(_l("Choose a period of ten years at most."))
