"""Events pages: importing the view modules registers their routes on the blueprint."""

from app.events import admin_registration_views, admin_views, public_views  # noqa: F401
from app.events.blueprint import bp

__all__ = ["bp"]
