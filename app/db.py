"""Declarative base, the UTC datetime column type and shared helpers."""

from datetime import UTC, datetime
from functools import cache

from sqlalchemy import DateTime, MetaData, bindparam, event, select, text
from sqlalchemy import Enum as SAEnum
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Session, registry
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.types import TypeDecorator

from config import SQLITE_SYNC_LEVELS

#: The range of the database's integer columns (PostgreSQL's INTEGER, SQLite's too): an id
#: beyond it is no row, and PostgreSQL refuses the query.
DB_INT_MIN, DB_INT_MAX = -(2**31), 2**31 - 1

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def tune_sqlite(engine: Engine, synchronous: str) -> None:
    """Open every connection to a SQLite file in WAL mode at the given `synchronous` level.

    In the default rollback journal a commit syncs the file two or three times and keeps
    readers out meanwhile; with WAL, readers go on during a write and a commit appends to
    the log (measured: a registration post 3.1 ms of CPU instead of 3.8 to 5.3, its wall time
    3.2 ms instead of 5 to 10). An in-memory database keeps its own journal.
    """
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return
    if synchronous not in SQLITE_SYNC_LEVELS:  # an override skips config.py's check
        raise ValueError(f"SQLITE_SYNCHRONOUS must be NORMAL or FULL, not {synchronous!r}")

    @event.listens_for(engine, "connect")
    def _pragmas(connection, _record) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {synchronous}")
        cursor.close()


def utc_now() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Store datetimes in UTC and always return timezone-aware UTC datetimes.

    SQLite keeps no offset and returns naive values; PostgreSQL returns them in
    the session time zone. Both come back as aware UTC here, and naive values
    are refused on the way in so no local time is ever stored by mistake.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes and store aware ones in UTC."""
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetimes are not stored; give a timezone-aware one")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return a stored datetime as aware UTC, whatever the database gave back."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base of every model, with stable constraint names for migrations."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


def enum_type(enum_cls: type, name: str | None = None) -> "SAEnum":
    """Store a Python enum by its values as a portable VARCHAR (no native enum type).

    `name` keeps the type's name (the class name in lower case by default) when a class is
    renamed, so the migrations see no change.
    """
    return SAEnum(
        enum_cls,
        name=name or enum_cls.__name__.lower(),
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


@cache
def _locked_columns(model) -> tuple[tuple[str, ...], object]:
    """Return a model's attribute keys and the SELECT ... FOR UPDATE of their columns by id.

    A plain Core statement, built once per model: cheaper than an ORM refresh, and it runs
    while the lock is held.
    """
    attributes = sa_inspect(model).column_attrs
    table = model.__table__
    return (tuple(attribute.key for attribute in attributes),
            select(*(attribute.columns[0] for attribute in attributes))
            .where(table.c.id == bindparam("id")).with_for_update())


#: Execution options of a statement that only takes a lock (SQLite's no-op UPDATE): watchers of
#: changes (the public page cache) may ignore it.
LOCK_ONLY = {"lock_only": True}


def lock_row(session: Session, obj, *, columns_only: bool = False):
    """Take the row lock of a model object for the rest of the transaction; return it reloaded.

    PostgreSQL locks the row (SELECT ... FOR UPDATE). SQLite has no row locks: a no-op UPDATE
    takes the database's write lock first (pysqlite opens the transaction at the first write,
    so this acts as BEGIN IMMEDIATE and no earlier read can go stale). The reload
    (populate_existing) picks up what a transaction that held the lock meanwhile changed.
    With ``columns_only`` only the row's own columns are read again, and the relationships
    already loaded are kept: for a caller that checked them before taking the lock.
    """
    model = type(obj)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"UPDATE {model.__table__.name} SET id = id WHERE id = :id"),
                        {"id": obj.id}, execution_options=LOCK_ONLY)
    if columns_only:
        keys, statement = _locked_columns(model)
        row = session.execute(statement, {"id": obj.id}).one()
        for key, value in zip(keys, row, strict=True):
            set_committed_value(obj, key, value)
        return obj
    return session.execute(
        select(model).where(model.id == obj.id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()
