"""Flask's signed session cookie, with its serializer built once per key instead of per request.

Flask's ``SecureCookieSessionInterface`` builds a new ``URLSafeTimedSerializer`` to open the
cookie and another to save it, on every request; each construction serialises a test value.
On an anonymous event page, whose form puts a new CSRF token in a new session, that was about
a twentieth of the request. The cookie itself (format, signature, salt, keys) is unchanged.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class KeptSerializerSessionInterface(SecureCookieSessionInterface):
    """The signed cookie session, reusing its serializer while the keys stay the same."""

    def __init__(self) -> None:
        # One assignment of a tuple: threads that race each build the same serializer.
        self._kept: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Return the serializer for the app's current secret key and fallbacks."""
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = self._kept
        if kept is not None and kept[0] == keys:
            return kept[1]
        serializer = super().get_signing_serializer(app)
        self._kept = (keys, serializer)
        return serializer
