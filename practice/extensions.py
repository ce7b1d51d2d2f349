"""Extension objects, created unbound so any module can import them without a cycle."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, cast

from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import CursorResult, MetaData, Result
from sqlalchemy.orm import DeclarativeBase

from practice.ratelimit import Limits

# Stable constraint names, so Alembic revisions name the same things on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

if TYPE_CHECKING:
    # Flask-SQLAlchemy builds db.Model at run time, so a type checker cannot see it is a
    # class: to mypy it is our declarative Base (which it extends).
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limits(key_func=get_remote_address)


_writer_transaction: ContextVar[bool] = ContextVar("writer_transaction", default=False)


@contextmanager
def writer_transaction() -> Iterator[None]:
    """A transaction begun inside starts as a writer (on SQLite, BEGIN IMMEDIATE), even in a
    GET. For the few GET views that write (the audit of a read): a deferred transaction that
    reads first and then writes fails at once on SQLite when another writer committed in
    between, whatever the busy timeout; one begun as a writer waits its turn instead."""
    token = _writer_transaction.set(True)
    try:
        yield
    finally:
        _writer_transaction.reset(token)


def writer_transaction_asked() -> bool:
    return _writer_transaction.get()


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched. ``session.execute`` is typed as returning a
    plain Result, but for those statements it is a CursorResult, which has ``rowcount``."""
    return cast(CursorResult[Any], result).rowcount
