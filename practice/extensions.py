"""Extension objects, created unbound so any module can import them without a cycle."""

from __future__ import annotations

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


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched. ``session.execute`` is typed as returning a
    plain Result, but for those statements it is a CursorResult, which has ``rowcount``."""
    return cast(CursorResult[Any], result).rowcount
