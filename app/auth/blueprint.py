"""The blueprints of the login and account pages and of the accounts admin."""

from flask import Blueprint

from app.auth.access import role_pages
from app.auth.models import Role

bp = Blueprint("auth", __name__, url_prefix="/auth")

#: Accounts and their roles: administrators only.
users_bp = Blueprint("users", __name__, url_prefix="/admin/users")
role_pages(users_bp, Role.ADMINISTRATOR)
