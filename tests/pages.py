"""Fetch pages through the test client the way a visitor's browser asks for them."""

from flask_babel import refresh


def get_en(client, url: str):
    """GET a page in English.

    The test's app context is shared with the request, and Flask-Babel caches the locale
    on it; a service called before (in the default locale) would otherwise pin French.
    """
    refresh()
    return client.get(url, headers={"Accept-Language": "en"})
