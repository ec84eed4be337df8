"""Forms of the login, the account page, the second factor and the accounts admin."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.auth.models import Role
from app.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

ROLE_LABELS = {
    Role.ADMINISTRATOR: _l("Administrator"),
    Role.ORGANISER: _l("Organiser"),
    Role.CHECKIN: _l("Check-in staff"),
}


def _new_password_field(label):
    # No strip filter: every character of a password counts, spaces included.
    return PasswordField(label, validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)])


class LoginForm(FlaskForm):
    """Ask an account for its email address and password."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    remember = BooleanField(_l("Remember me"))
    submit = SubmitField(_l("Log in"))


class CodeForm(FlaskForm):
    """Ask for the six-digit code of the authenticator app."""

    code = StringField(_l("Code from your authenticator app"),
                       validators=[DataRequired(), Length(max=12)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField(_l("Confirm"))


class PasswordChangeForm(FlaskForm):
    """Ask for the current password and the new one, twice."""

    current = PasswordField(_l("Current password"),
                            validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    new = _new_password_field(_l("New password"))
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(), Length(max=MAX_PASSWORD_LENGTH),
        EqualTo("new", message=_l("The two new passwords differ."))])
    submit = SubmitField(_l("Change password"))


class PasswordCheckForm(FlaskForm):
    """Ask for the current password before turning the second factor off."""

    password = PasswordField(_l("Current password"),
                             validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    submit = SubmitField(_l("Turn off"))


class StartForm(FlaskForm):
    """A button that starts the set-up of the second factor."""

    submit = SubmitField(_l("Set up a second factor"))


def _role_choices():
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


class UserForm(FlaskForm):
    """Create an account: address, name, role and first password."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Role"), choices=_role_choices, default=Role.ORGANISER.value)
    password = _new_password_field(_l("Password"))
    submit = SubmitField(_l("Create account"))


class UserEditForm(FlaskForm):
    """Change an account's name, role and whether it may log in."""

    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Role"), choices=_role_choices)
    active = BooleanField(_l("May log in"))
    reset_totp = BooleanField(_l("Turn off its second factor"))
    submit = SubmitField(_l("Save"))
