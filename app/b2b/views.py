"""B2B pages: importing the modules registers their routes on the blueprint."""

from app.b2b import participant_views, schedule_views, setup_views  # noqa: F401
from app.b2b.blueprint import bp

__all__ = ["bp"]
