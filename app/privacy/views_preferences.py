"""Mail preferences opened by a signed link, and the one-click unsubscribe (RFC 8058).

The unsubscribe POST is what mail clients send on their own ("List-Unsubscribe=One-Click"):
no login, no cookie, no CSRF token, so it is exempt from CSRF (the token in the URL is the
proof). Its GET only shows a button, so link scanners that open every URL change nothing.
"""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.extensions import csrf, db
from app.privacy.blueprint import bp
from app.privacy.preferences import (
    CATEGORY_LABELS,
    MailCategory,
    load_preferences_token,
    load_unsubscribe_token,
    preferences_url,
    set_preferences,
)
from app.privacy.preferences import unsubscribe as stop_category
from app.privacy.settings_forms import PreferencesForm


@bp.route("/privacy/preferences/<token>", methods=["GET", "POST"])
def preferences(token: str):
    """Show and change which optional mail an address receives."""
    preference = load_preferences_token(token)  # a refused link raises LinkError (its page)
    form = PreferencesForm()
    if not form.is_submitted():
        for category in MailCategory:
            form[category.value].data = preference.accepts(category)
    if form.validate_on_submit():
        set_preferences(preference, form.choices())
        db.session.commit()
        flash(_("Your choices are saved."), "success")
        return redirect(url_for(".preferences", token=token))
    return render_template("privacy/preferences.html", form=form, preference=preference)


@bp.route("/unsubscribe/<token>", methods=["GET"])
def unsubscribe_confirm(token: str):
    """Ask to confirm with a button: opening the link alone changes nothing."""
    preference, category = load_unsubscribe_token(token)
    return render_template(
        "privacy/unsubscribe.html", preference=preference, done=False,
        category_label=CATEGORY_LABELS[category], already=not preference.accepts(category),
        preferences_link=preferences_url(preference))


@bp.route("/unsubscribe/<token>", methods=["POST"])
@csrf.exempt
def unsubscribe(token: str):
    """Stop one category of optional mail (the one-click POST of RFC 8058, or the button)."""
    preference, category = load_unsubscribe_token(token)
    stop_category(preference, category)
    db.session.commit()
    return render_template(
        "privacy/unsubscribe.html", preference=preference, done=True,
        category_label=CATEGORY_LABELS[category],
        preferences_link=preferences_url(preference))

