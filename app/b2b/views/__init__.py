"""B2B pages: importing the modules registers their routes on the blueprint."""

from app.b2b.blueprint import bp
from app.b2b.tokens import registration_b2b_url
from app.b2b.views import (  # noqa: F401
    agenda,
    event_day,
    portal,
    problem_file,
    publication,
    review,
    runs,
    setup,
)

__all__ = ["bp"]


@bp.app_context_processor
def b2b_links():
    """Let event pages link a registration to its B2B session."""
    return {"b2b_link": registration_b2b_url}
