"""The `privacy_data` blueprint: data export and erasure (organisers and the person), audit log."""

from flask import Blueprint

from app.auth.models import Role
from app.web import organiser_pages

bp = Blueprint("privacy_data", __name__)

#: Organiser pages live under /admin/privacy; the person's pages under /privacy/data.
organiser_page = organiser_pages(bp, "/admin/privacy", role=Role.ORGANISER)
PERSON_PREFIX = "/privacy/data"
