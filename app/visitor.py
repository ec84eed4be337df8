"""What a request tells about its visitor before any account is loaded."""

from flask import current_app, request, session
from flask_login import current_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE_DEFAULT


def nobody_logged_in() -> bool:
    """Tell, without loading an account, that this request comes from nobody logged in.

    Flask-Login finds a user only in the session ("_user_id") or in the remember-me cookie
    (the app has no request or header loader): with neither, the answer is sure. A first
    visit has neither, and is spared the account's loading (the hash of its address and
    browser that guards the session) on every page it views.
    """
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE_DEFAULT)
    return "_user_id" not in session and remember not in request.cookies


def someone_logged_in() -> bool:
    """Tell whether an account is logged in, loading it only when a cookie may name one."""
    return not nobody_logged_in() and getattr(current_user, "is_authenticated", False)
