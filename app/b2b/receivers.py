"""What B2B adds when events send a signal: the link from a registration to its session."""

from flask_babel import gettext as _

from app.b2b.queries import registration_b2b_url
from app.signals import Link, registration_links


@registration_links.connect
def b2b_link(registration, **_extra) -> Link | None:
    """Link a registration to its event's B2B session: the portal, or the page to join."""
    url = registration_b2b_url(registration)
    if url is None:
        return None
    return Link("b2b", _("B2B meetings: your profile and meeting requests"), url)
