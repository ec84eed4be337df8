"""Form fields shared by every package's forms: dates a person can mean, whole numbers the
database can hold, checkbox lists."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField as _DateField
from wtforms import IntegerField as _IntegerField
from wtforms import SelectMultipleField, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.db import DB_INT_MAX, DB_INT_MIN

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


class DistinctSelectMultipleField(SelectMultipleField):
    """A multiple choice where a value sent twice counts once (else: a duplicate row, a 500)."""

    def process_formdata(self, valuelist):
        """Read the chosen values, each once."""
        super().process_formdata(list(dict.fromkeys(valuelist)))


class MultiCheckboxField(DistinctSelectMultipleField):
    """Show a multiple choice as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class IntegerField(_IntegerField):
    """A whole-number input that refuses numbers beyond the database's integers with a form error.

    Before any validator runs: WTForms' NumberRange turns the number into a float, which a
    number of a thousand digits overflows (a 500 instead of a form error).
    """

    def process_formdata(self, valuelist):
        """Read the number, refusing one the database could not hold."""
        super().process_formdata(valuelist)
        if self.data is not None and not DB_INT_MIN <= self.data <= DB_INT_MAX:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))
