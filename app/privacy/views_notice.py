"""The public privacy notice and the organisers' page that edits it."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import Role
from app.extensions import db
from app.i18n import current_language
from app.privacy import notice
from app.privacy.blueprint import bp
from app.privacy.settings_forms import NoticeForm
from app.web import organiser_pages

organiser_page = organiser_pages(bp, "/admin/privacy", role=Role.ADMINISTRATOR)


@bp.route("/privacy")
def notice_page():
    """Show the privacy notice in force, in the reader's language."""
    language = current_language()
    current = notice.get_current_notice()
    return render_template(
        "privacy/notice.html", blocks=notice.layout(notice.notice_text(language)),
        version=current.version if current else notice.DEFAULT_VERSION,
        saved_at=current.created_at if current else None)


@organiser_page("/notice", methods=["GET", "POST"])
def edit_notice():
    """Edit the notice's three texts; each save is a new version, shown from then on."""
    current = notice.get_current_notice()
    form = NoticeForm()
    if not form.is_submitted():
        for code in notice.NOTICE_LANGUAGES:
            form[f"text_{code}"].data = (current.text(code) if current
                                         else notice.default_text(code))
    if form.validate_on_submit():
        saved = notice.save_notice(
            {code: form[f"text_{code}"].data for code in notice.NOTICE_LANGUAGES},
            user=current_user)
        db.session.commit()
        flash(_("Privacy notice saved as version %(version)s.", version=saved.version),
              "success")
        return redirect(url_for(".edit_notice"))
    return render_template(
        "privacy/edit_notice.html", form=form, current=current,
        version=current.version if current else notice.DEFAULT_VERSION)
