"""Roles at the door of each page: who may open it, checked on every request."""

import re
from collections.abc import Callable
from functools import wraps

from flask import Blueprint, abort, request
from flask_login import current_user

from app.auth.models import Role
from app.auth.queries import is_assigned
from app.extensions import login_manager

#: The lowest role: pages every account may open (logout, its own password).
ANY_ACCOUNT = Role.CHECKIN

#: Blueprints whose every page is for one role (see `role_pages`).
_BLUEPRINT_ROLES: dict[str, Role] = {}

_PATH_PARAMETER = re.compile(r"<(?:[^:<>]+:)?(\w+)>")


def check_role(role: Role):
    """Let the current account in if its role includes `role`, or answer the refusal.

    Anonymous visitors go to the login page; a role too low gets the 403 page. Check-in staff
    reach an event's pages only for the events they are assigned to (the `event_id` of the
    URL). Returns None when the request may go on.
    """
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.role.includes(role):
        abort(403)
    if current_user.role == Role.CHECKIN:
        event_id = (request.view_args or {}).get("event_id")
        if event_id is not None and not is_assigned(current_user, event_id):
            abort(403)
    return None


def check_rule(rule: str, role: Role) -> None:
    """Refuse a check-in staff rule whose path names objects but no event."""
    parameters = set(_PATH_PARAMETER.findall(rule))
    if role == Role.CHECKIN and parameters and "event_id" not in parameters:
        # Staff are let in by event: a check-in page without one would open every event.
        raise ValueError(f"{rule}: a check-in staff page needs <event_id> in its rule")


def role_required(role: Role) -> Callable:
    """Declare the role a view needs and check it on each request (see `check_role`)."""
    if not isinstance(role, Role):
        raise TypeError(f"role_required needs a Role, not {role!r}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            refusal = check_role(role)
            return refusal if refusal is not None else view(*args, **kwargs)

        guarded.required_role = role
        return guarded

    return decorator


def role_pages(bp: Blueprint, role: Role) -> None:
    """Declare that every page of a blueprint needs `role`, checked before each request."""
    _BLUEPRINT_ROLES[bp.name] = role

    @bp.before_request
    def require_role():
        """Refuse the blueprint's pages to anonymous visitors and lower roles."""
        return check_role(role)


def blueprint_role(blueprint_name: str) -> Role | None:
    """Return the role every page of a blueprint needs (`role_pages`), or None."""
    return _BLUEPRINT_ROLES.get(blueprint_name)
