"""Optional second factor: time-based one-time codes (RFC 6238) with pyotp."""

import pyotp

from app.auth.models import User
from app.db import utc_now
from app.extensions import db

#: Codes of the step before and after the current one are accepted (clock drift).
VALID_WINDOW = 1


def start_enrolment(user: User) -> str:
    """Give the account a new secret, not yet in force, and return it; flush only."""
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.flush()
    return user.totp_secret


def provisioning_uri(user: User, issuer: str) -> str:
    """Return the otpauth:// URI an authenticator app reads (as text or as a QR code)."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=issuer)


def _accept(user: User, code: str) -> bool:
    code = "".join(code.split())
    if not (user.totp_secret and code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now_step = totp.timecode(utc_now())
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if pyotp.utils.strings_equal(code, totp.generate_otp(step)):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False  # this code (or an older one) was used already
            user.totp_last_step = step
            return True
    return False


def confirm_enrolment(user: User, code: str) -> bool:
    """Turn the second factor on once a code from the new secret is right; flush only."""
    if user.has_totp or not _accept(user, code):
        return False
    user.totp_enabled_at = utc_now()
    db.session.flush()
    return True


def verify_code(user: User, code: str) -> bool:
    """Tell whether a login code is right and unused, remembering it as used; flush only."""
    if not user.has_totp or not _accept(user, code):
        return False
    db.session.flush()
    return True


def reset(user: User) -> None:
    """Turn the second factor off and forget the secret (recovery or by its owner)."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.flush()
