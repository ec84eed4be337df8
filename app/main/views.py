"""Home page, language switch and the organisers' dashboard."""

from flask import Blueprint, abort, current_app, redirect, render_template, request, session

from app.auth.access import role_required
from app.auth.models import Role
from app.main import queries
from app.urls import safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """Show the public home page."""
    return render_template("main/index.html")


@bp.get("/lang/<code>")
def set_language(code: str):
    """Remember the chosen language for this browser session."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = code
    return redirect(safe_next(request.args.get("next")))


@bp.get("/admin/")
@role_required(Role.ORGANISER)
def dashboard():
    """Show the organisers' dashboard with the main counts."""
    return render_template("main/dashboard.html", counts=queries.get_dashboard_counts())
