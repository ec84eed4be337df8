"""Write the audit log: `record(actor, action, target)` in the caller's transaction."""

from app.audit.models import AuditEntry
from app.extensions import db

#: Actor labels of actions no organiser account made.
PERSON = "person"
COMMAND = "cli"


def target_of(target) -> str:
    """Return "table:id" for a model object, or the text given (a string target)."""
    if target is None:
        return ""
    if isinstance(target, str):
        return target[:100]
    table = getattr(target, "__tablename__", type(target).__name__.lower())
    return f"{table}:{target.id}"


def record(actor, action: str, target=None, detail: str = "") -> AuditEntry:
    """Add one audit row for `actor` (an account, or a label such as PERSON); flush only."""
    if actor is None or isinstance(actor, str):
        actor_id, label = None, actor or COMMAND
    else:
        actor_id, label = getattr(actor, "id", None), getattr(actor, "email", "") or str(actor)
    entry = AuditEntry(actor_id=actor_id, actor_label=label[:254], action=action[:60],
                       target=target_of(target), detail=detail[:300])
    db.session.add(entry)
    db.session.flush()
    return entry
