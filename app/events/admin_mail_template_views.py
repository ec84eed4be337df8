"""Organisers' mail templates page: registration mails per event kind and language."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.events import mail_templates
from app.events.admin_forms import (
    KIND_LABELS,
    MAIL_KIND_LABELS,
    ConfirmForm,
    MailTemplateForm,
)
from app.events.admin_views import organiser_page
from app.events.models import EventKind
from app.extensions import db
from app.i18n import current_language, in_language
from app.members.labels import LANGUAGE_LABELS


def _chosen() -> tuple[str, str, str]:
    """Return the event kind, mail and language of the request (400 if not ones we know)."""
    kind = request.args.get("kind", EventKind.CIRCLEMEET.value)
    mail = request.args.get("mail", "confirmed")
    language = request.args.get("lang", "fr")
    if (kind not in {k.value for k in EventKind} or mail not in mail_templates.EDITABLE_KINDS
            or language not in LANGUAGE_LABELS):
        abort(400)
    return kind, mail, language


def _sample(kind: str, language: str) -> dict[str, str]:
    """Return the example values a preview fills the placeholders with."""
    with in_language(language):
        return {"name": "Marie Dubois", "title": str(KIND_LABELS[EventKind(kind)]),
                "when": "12.03.2027 18:00-20:00", "location": "Atelier Chêne, Anderlecht",
                "event_url": url_for("events.upcoming", _external=True),
                "manage_url": url_for("events.upcoming", _external=True) + "manage/…"}


@organiser_page("/mail-templates", methods=["GET", "POST"])
def admin_mail_templates():
    """Edit the text of one registration mail for an event kind and language, preview it."""
    kind, mail, language = _chosen()
    template = mail_templates.get_template(kind, mail, language)
    form = MailTemplateForm()
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            values = _sample(kind, language)
            preview = (mail_templates.fill(form.subject.data, values),
                       mail_templates.fill(form.body.data, values))
        else:
            mail_templates.save_template(kind, mail, language, subject=form.subject.data.strip(),
                                         body=form.body.data.strip())
            db.session.commit()
            flash(_("Mail text saved: the next mails of this kind use it."), "success")
            return redirect(url_for(".admin_mail_templates", kind=kind, mail=mail,
                                    lang=language))
    elif request.method == "GET" and template is not None:
        form.subject.data, form.body.data = template.subject, template.body
    return render_template(
        "events/admin/mail_templates.html", form=form, kind=kind, mail=mail, language=language,
        template=template, preview=preview, reset_form=ConfirmForm(),
        kinds=KIND_LABELS, mails=MAIL_KIND_LABELS, languages=LANGUAGE_LABELS,
        placeholders=mail_templates.PLACEHOLDERS, saved=mail_templates.get_templates(),
        lang=current_language()), 400 if form.errors else 200


@organiser_page("/mail-templates/reset", methods=["POST"])
def admin_reset_mail_template():
    """Go back to the built-in text of one mail."""
    kind, mail, language = _chosen()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if mail_templates.reset_template(kind, mail, language):
        db.session.commit()
        flash(_("Back to the built-in text."), "success")
    return redirect(url_for(".admin_mail_templates", kind=kind, mail=mail, lang=language))
