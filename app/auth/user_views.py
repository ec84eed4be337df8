"""Administrators' pages: accounts, their roles and whether they may log in."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import queries, services, totp
from app.auth.blueprint import users_bp as bp
from app.auth.forms import ROLE_LABELS, UserEditForm, UserForm
from app.auth.models import Role
from app.extensions import db


@bp.get("/")
def users():
    """List every account with its role."""
    return render_template("auth/users.html", users=queries.get_users(),
                           role_labels=ROLE_LABELS)


@bp.route("/new", methods=["GET", "POST"])
def user_new():
    """Create an account with a role and a first password."""
    form = UserForm()
    if form.validate_on_submit():
        try:
            services.create_user(form.email.data, form.password.data,
                                 name=(form.name.data or "").strip(), role=Role(form.role.data))
        except services.AccountError as exc:
            field = form.email if str(exc).startswith("email") else form.password
            field.errors.append(_account_error(str(exc)))
        else:
            db.session.commit()
            flash(_("Account created."), "success")
            return redirect(url_for(".users"))
    return render_template("auth/user_form.html", form=form, user=None), \
        400 if form.errors else 200


def _account_error(message: str) -> str:
    if "exists already" in message:
        return _("An account with this email address exists already.")
    if "not an email" in message:
        return _("This is not an email address.")
    return _("This password is too common or too easy to guess.")


@bp.route("/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    """Change an account's name and role, close or reopen it, turn its second factor off."""
    user = queries.get_user(user_id) or abort(404)
    form = UserEditForm(obj=user, data={"role": user.role.value,
                                        "active": user.is_active_account})
    if form.validate_on_submit():
        role = Role(form.role.data)
        if user.id == current_user.id and (role != Role.ADMINISTRATOR or not form.active.data):
            # An administrator who demotes or closes their own account may lock everyone out.
            form.role.errors.append(_("You cannot remove your own administrator rights."))
        else:
            user.name = (form.name.data or "").strip()
            services.set_role(user, role)
            services.set_active(user, form.active.data)
            if form.reset_totp.data:
                totp.reset(user)
            db.session.commit()
            flash(_("Account saved."), "success")
            return redirect(url_for(".users"))
    return render_template("auth/user_form.html", form=form, user=user), \
        400 if form.errors else 200
