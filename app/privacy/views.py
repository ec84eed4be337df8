"""Privacy pages: importing the view modules registers their routes on the blueprint."""

from app.privacy import views_notice, views_preferences  # noqa: F401
from app.privacy.blueprint import bp

__all__ = ["bp"]
