"""What the organisers' B2B pages share: decorators, the clock, form numbers, runs, run errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from flask import abort, current_app, flash, request
from flask_babel import gettext as _

from app.auth.models import Role
from app.b2b.blueprint import bp
from app.b2b.models import B2BSession, ScheduleRun
from app.b2b.runs import RunError
from app.db import DB_INT_MAX, DB_INT_MIN, utc_now
from app.extensions import db
from app.web import organiser_pages

T = TypeVar("T")

#: Organisers' scheduling pages live under /b2b, their set-up pages under /admin/b2b.
organiser_page = organiser_pages(bp, "/b2b", role=Role.ORGANISER)
setup_page = organiser_pages(bp, "/admin/b2b", role=Role.ORGANISER)


def now() -> datetime:
    """Return the current time; tests inject a clock with the B2B_CLOCK setting."""
    clock = current_app.config.get("B2B_CLOCK")
    return clock() if clock else utc_now()


def form_int(name: str) -> int:
    """Return a whole number (within the database's range) from the posted form, or answer 400."""
    raw = request.form.get(name, "").strip()
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not DB_INT_MIN <= value <= DB_INT_MAX:
        abort(400, _("The field %(field)s must be a whole number.", field=name))
    return value


def get_run_or_404(run_id: int) -> tuple[ScheduleRun, B2BSession]:
    """Return a run and its session, or answer 404."""
    run = db.get_or_404(ScheduleRun, run_id)
    return run, db.session.get(B2BSession, run.session_id)


def flash_run_error(action: Callable[[], T]) -> T | None:
    """Call a run service; when it refuses, roll back, flash the reason and return None."""
    try:
        return action()
    except RunError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return None
