"""The events blueprint, shared by the public and the organisers' pages."""

from flask import Blueprint

bp = Blueprint("events", __name__)


@bp.record_once
def _init_page_cache(state) -> None:
    from app.events import page_cache

    page_cache.init_app(state.app)
