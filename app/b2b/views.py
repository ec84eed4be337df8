"""B2B pages: importing the modules registers their routes on the blueprint."""

from app.b2b import participant_views, schedule_views, setup_views  # noqa: F401
from app.b2b.blueprint import bp
from app.b2b.queries import registration_b2b_url

__all__ = ["bp"]


@bp.app_context_processor
def b2b_links():
    """Let event pages link a registration to its B2B session."""
    return {"b2b_link": registration_b2b_url}
