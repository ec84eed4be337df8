"""URL helpers shared by the blueprints."""

from urllib.parse import urlsplit

from flask import current_app, url_for


def safe_next(target: str | None, default_endpoint: str = "main.index") -> str:
    """Keep redirects on this site: only local paths are followed."""
    if not target:
        return url_for(default_endpoint)
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for(default_endpoint)
    return target


def external_url(endpoint: str, **values) -> str:
    """Build an absolute URL from PUBLIC_URL, usable in mails and outside requests."""
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        return url_for(endpoint, _external=True, **values)
