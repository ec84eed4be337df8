"""The session cookie's serializer is built once per key: same cookies, key rotation honoured."""

from flask import session

from app.session_cookie import KeptSerializerSessionInterface


def test_the_app_reuses_one_serializer_while_the_key_stays(app):
    interface = app.session_interface
    assert isinstance(interface, KeptSerializerSessionInterface)
    assert interface.get_signing_serializer(app) is interface.get_signing_serializer(app)


def test_a_new_key_gets_a_new_serializer_and_the_old_key_still_reads_as_fallback(app):
    interface = app.session_interface

    @app.route("/_test/session/set")
    def set_value():
        session["seen"] = "yes"
        return "set"

    @app.route("/_test/session/get")
    def get_value():
        return session.get("seen", "nothing")

    client = app.test_client()
    assert client.get("/_test/session/set").status_code == 200
    old = interface.get_signing_serializer(app)
    old_key = app.secret_key

    # Rotating the key: cookies signed with the old one still read while it is a fallback.
    app.secret_key = "a-new-key-for-this-test-only-0123456789"
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    assert interface.get_signing_serializer(app) is not old
    assert client.get("/_test/session/get").data == b"yes"

    # Without the fallback the old cookie is refused, as Flask's own interface does.
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert client.get("/_test/session/get").data == b"nothing"
