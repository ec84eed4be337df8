"""Auth pages: importing the view modules registers their routes on the blueprints."""

from app.auth import account_views, login_views, user_views  # noqa: F401
from app.auth.blueprint import bp, users_bp

__all__ = ["bp", "users_bp"]
