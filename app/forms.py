"""Form fields shared by every package's forms: dates within years a person can mean."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField as _DateField
from wtforms import ValidationError

#: Dates outside these years are typing mistakes or probes (year 1 overflows when shifted
#: to UTC, year 9999 when a day is added).
MIN_YEAR, MAX_YEAR = 1900, 2200


class DateField(_DateField):
    """A date input that refuses years outside MIN_YEAR..MAX_YEAR with a form error."""

    def pre_validate(self, form):
        """Refuse a date outside the accepted years."""
        if self.data is not None and not MIN_YEAR <= self.data.year <= MAX_YEAR:
            raise ValidationError(_l("Give a date between %(start)d and %(end)d.",
                                     start=MIN_YEAR, end=MAX_YEAR))
