"""Form fields shared by every package's forms: dates a person can mean, whole numbers the
database can hold, checkbox lists, and the length limit shown beside text fields."""

from babel.support import Translations
from flask import current_app
from flask_babel import format_number, get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import DateField as _DateField
from wtforms import HiddenField, PasswordField, SelectMultipleField, StringField, ValidationError
from wtforms import IntegerField as _IntegerField
from wtforms.i18n import messages_path
from wtforms.meta import DefaultMeta
from wtforms.validators import Length
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


class LengthHint:
    """A field's description followed by its length limit, translated when shown."""

    def __init__(self, description, limit: int):
        self.description = description
        self.limit = limit

    def __bool__(self) -> bool:
        return True

    def __str__(self) -> str:
        hint = gettext("%(count)s characters at most.", count=format_number(self.limit))
        return f"{self.description} {hint}" if self.description else hint

    def __html__(self) -> str:
        # The description was written by the programmer and shown as HTML before; the hint
        # is plain text.
        hint = escape(gettext("%(count)s characters at most.", count=format_number(self.limit)))
        if not self.description:
            return str(hint)
        return str(Markup(self.description) + Markup(" ") + hint)


def length_limit(field) -> int | None:
    """Return the maximum length a text field's Length validator allows, if any."""
    if not isinstance(field, StringField) or isinstance(field, HiddenField | PasswordField):
        return None
    limits = [v.max for v in field.validators if isinstance(v, Length) and v.max > 0]
    return min(limits) if limits else None


def _bind_field_with_limit(meta, form, unbound_field, options):
    field = unbound_field.bind(form=form, **options)
    limit = length_limit(field)
    if limit is not None:
        field.description = LengthHint(field.description, limit)
    return field


class _WTFormsMessages:
    """WTForms' own messages ("Not a valid integer value."...) in the request's language.

    Flask-WTF reads WTForms' catalogue from disk once per request; each language's is read
    here once per process.
    """

    def __init__(self) -> None:
        self.catalogues: dict[str, Translations] = {}

    def _catalogue(self) -> Translations:
        language = str(get_locale() or "en")
        catalogue = self.catalogues.get(language)
        if catalogue is None:
            catalogue = Translations.load(messages_path(), [language], domain="wtforms")
            self.catalogues[language] = catalogue
        return catalogue

    def gettext(self, string: str) -> str:
        """Translate one of WTForms' messages."""
        return self._catalogue().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Translate one of WTForms' messages that depends on a count."""
        return self._catalogue().ungettext(singular, plural, n)


_WTFORMS_MESSAGES = _WTFormsMessages()


def _get_translations(meta, form):
    if not current_app.config.get("WTF_I18N_ENABLED", True):
        return DefaultMeta.get_translations(meta, form)  # WTForms' English messages
    return _WTFORMS_MESSAGES


def read_wtforms_messages_once() -> None:
    """Make every form take WTForms' messages from catalogues read once per process."""
    FlaskForm.Meta.get_translations = _get_translations


def show_length_limits() -> None:
    """Make every text field of every form show its length limit beside it.

    The browser cuts a value at ``maxlength`` without a word; the hint goes in the field's
    description, which the shared form rendering (Bootstrap's ``render_field``) shows.
    """
    FlaskForm.Meta.bind_field = _bind_field_with_limit
