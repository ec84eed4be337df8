"""Forms of the privacy pages: the notice's texts, mail preferences, the unsubscribe button."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.privacy.notice import MAX_TEXT_LENGTH
from app.privacy.preferences import CATEGORY_LABELS, MailCategory

_TEXT_REQUIRED = _l("The notice cannot be empty.")


class NoticeForm(FlaskForm):
    """Edit the privacy notice in the three languages (saving makes a new version)."""

    text_fr = TextAreaField(_l("French"), validators=[
        DataRequired(message=_TEXT_REQUIRED), Length(max=MAX_TEXT_LENGTH)])
    text_nl = TextAreaField(_l("Dutch"), validators=[
        DataRequired(message=_TEXT_REQUIRED), Length(max=MAX_TEXT_LENGTH)])
    text_en = TextAreaField(_l("English"), validators=[
        DataRequired(message=_TEXT_REQUIRED), Length(max=MAX_TEXT_LENGTH)])
    submit = SubmitField(_l("Save as a new version"))


class PreferencesForm(FlaskForm):
    """Choose which optional mail to receive; essential mail is not listed."""

    reminders = BooleanField(CATEGORY_LABELS[MailCategory.REMINDERS])
    b2b_digest = BooleanField(CATEGORY_LABELS[MailCategory.B2B_DIGEST])
    news = BooleanField(CATEGORY_LABELS[MailCategory.NEWS])
    submit = SubmitField(_l("Save my choices"))

    def choices(self) -> dict[MailCategory, bool]:
        """Return the ticked state of each category."""
        return {category: bool(self[category.value].data) for category in MailCategory}
