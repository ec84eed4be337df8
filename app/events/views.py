"""Events pages: importing the view modules registers their routes on the blueprint."""

from app.events import (  # noqa: F401
    admin_figures_views,
    admin_mail_template_views,
    admin_registration_views,
    admin_reminder_views,
    admin_views,
    public_views,
    staff_views,
)
from app.events.blueprint import bp

__all__ = ["bp"]
