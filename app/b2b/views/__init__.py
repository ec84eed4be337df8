"""B2B pages: importing the modules registers their routes on the blueprint."""

from app.b2b.blueprint import bp
from app.b2b.views import (  # noqa: F401
    agenda,
    event_day,
    participants,
    portal,
    printouts,
    problem_file,
    publication,
    review,
    runs,
    setup,
)

__all__ = ["bp"]
