"""An account's own page: password change and the optional second factor."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from app.auth import services, totp
from app.auth.access import ANY_ACCOUNT, role_required
from app.auth.blueprint import bp
from app.auth.forms import (
    ROLE_LABELS,
    CodeForm,
    PasswordChangeForm,
    PasswordCheckForm,
    StartForm,
)
from app.auth.models import Role
from app.extensions import db


@bp.route("/account", methods=["GET", "POST"])
@role_required(ANY_ACCOUNT)
def account():
    """Change the password (the current one first); every other session ends."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("This is not your current password."))
        else:
            user = current_user._get_current_object()
            try:
                services.change_password(user, form.new.data)
            except services.AccountError:
                form.new.errors.append(_("This password is too common or too easy to guess."))
            else:
                db.session.commit()
                # The new session version ended every session; this browser keeps one.
                login_user(user)
                flash(_("Your password is changed; your other sessions are ended."), "success")
                return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form,
                           role_label=ROLE_LABELS[current_user.role])


@bp.get("/two-factor")
@role_required(Role.ADMINISTRATOR)
def two_factor():
    """Show the second factor: off, being set up (secret and URI), or on."""
    pending = current_user.totp_secret and not current_user.has_totp
    uri = totp.provisioning_uri(current_user, current_app.config["CLUSTER_NAME"]) \
        if pending else None
    return render_template("auth/two_factor.html", start_form=StartForm(),
                           code_form=CodeForm(), off_form=PasswordCheckForm(), uri=uri,
                           pending=pending)


@bp.post("/two-factor/start")
@role_required(Role.ADMINISTRATOR)
def two_factor_start():
    """Make a new secret to enrol in an authenticator app; it is in force once confirmed."""
    if StartForm().validate_on_submit() and not current_user.has_totp:
        totp.start_enrolment(current_user)
        db.session.commit()
    return redirect(url_for("auth.two_factor"))


@bp.post("/two-factor/confirm")
@role_required(Role.ADMINISTRATOR)
def two_factor_confirm():
    """Turn the second factor on once a code of the new secret is right."""
    form = CodeForm()
    if form.validate_on_submit() and totp.confirm_enrolment(current_user, form.code.data):
        db.session.commit()
        flash(_("The second factor is on: login will ask for a code."), "success")
        return redirect(url_for("auth.two_factor"))
    db.session.rollback()
    form.code.errors = [_("This code is wrong. Check the time of your phone and try again.")]
    uri = totp.provisioning_uri(current_user, current_app.config["CLUSTER_NAME"]) \
        if current_user.totp_secret else None
    return render_template("auth/two_factor.html", start_form=StartForm(), code_form=form,
                           off_form=PasswordCheckForm(), uri=uri,
                           pending=bool(current_user.totp_secret)), 400


@bp.post("/two-factor/off")
@role_required(Role.ADMINISTRATOR)
def two_factor_off():
    """Turn the second factor off, after the current password."""
    form = PasswordCheckForm()
    if form.validate_on_submit() and current_user.check_password(form.password.data):
        totp.reset(current_user)
        db.session.commit()
        flash(_("The second factor is off."), "info")
    else:
        flash(_("This is not your current password."), "danger")
    return redirect(url_for("auth.two_factor"))
