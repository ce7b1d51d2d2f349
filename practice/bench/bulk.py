"""Rows written in bulk: buffered per table, inserted in batches parents first, with ids we
choose (so children can point at parents without a round trip per row)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Column,
    ColumnDefault,
    Date,
    DateTime,
    MetaData,
    Table,
    Text,
    func,
    select,
    text,
)

from practice.auth.models import Counselor
from practice.couples.models import Couple, Partner
from practice.exercises.models import Exercise
from practice.extensions import db
from practice.homework.models import Assignment, Entry, PartnerLink
from practice.measures.models import MeasureRequest, MeasureResponse, MeasureSeries
from practice.partner.models import PartnerAccess
from practice.sessions.models import CounselingSession

BATCH_SIZE = 5_000
# Parents before children: rows are flushed in this order so foreign keys always hold.
TABLES: tuple[Table, ...] = (
    cast(Table, Counselor.__table__),
    cast(Table, Couple.__table__),
    cast(Table, Partner.__table__),
    cast(Table, CounselingSession.__table__),
    cast(Table, Assignment.__table__),
    cast(Table, PartnerLink.__table__),
    cast(Table, PartnerAccess.__table__),
    cast(Table, Entry.__table__),
    cast(Table, MeasureRequest.__table__),
    cast(Table, MeasureResponse.__table__),
    cast(Table, MeasureSeries.__table__),
)


class BulkWriter:
    """Buffers rows per table and inserts them in batches, parents first.

    On SQLite the rows skip SQLAlchemy's per-value type processing, which was most of the
    build time: JSON columns get text we serialized once per distinct value (answer sets and
    snapshots repeat), dates and times the exact text SQLAlchemy's SQLite types store
    ("YYYY-MM-DD HH:MM:SS.ffffff"). PostgreSQL gets the values through the column types.
    """

    def __init__(self, progress: Callable[[str], None] | None) -> None:
        self.sqlite = db.engine.dialect.name == "sqlite"
        self.targets = {t.name: self._insertable(t) for t in TABLES}
        self.temporal = {
            t.name: [c.name for c in t.columns if isinstance(c.type, Date | DateTime)]
            for t in TABLES
        }
        self._json_cache: dict[int, tuple[Any, str]] = {}
        self.buffers: dict[str, list[dict[str, Any]]] = {t.name: [] for t in TABLES}
        self.counts: dict[str, int] = {t.name: 0 for t in TABLES}
        self.progress = progress
        self.started = time.perf_counter()
        self.next_report = 100_000

    def _insertable(self, table: Table) -> Table:
        if not self.sqlite:
            return table
        return Table(table.name, MetaData(), *(_sqlite_column(c) for c in table.columns))

    def json(self, value: Any) -> Any:
        """A JSON column's value as this database's insert wants it."""
        if not self.sqlite:
            return value
        cached = self._json_cache.get(id(value))
        if cached is None or cached[0] is not value:
            cached = (value, json.dumps(value))
            self._json_cache[id(value)] = cached
        return cached[1]

    def add(self, table: Table, row: dict[str, Any]) -> None:
        buffer = self.buffers[table.name]
        buffer.append(row)
        if len(buffer) >= BATCH_SIZE:
            self.flush()

    @staticmethod
    def _format_temporal(rows: list[dict[str, Any]], names: list[str]) -> None:
        for row in rows:
            for name in names:
                value = row.get(name)  # a column the builder leaves out keeps its default
                if isinstance(value, datetime):
                    row[name] = value.isoformat(" ", "microseconds")
                elif value is not None:
                    row[name] = value.isoformat()

    def flush(self) -> None:
        for table in TABLES:
            buffer = self.buffers[table.name]
            if buffer:
                if self.sqlite:
                    self._format_temporal(buffer, self.temporal[table.name])
                db.session.execute(self.targets[table.name].insert(), buffer)
                self.counts[table.name] += len(buffer)
                buffer.clear()
        total = sum(self.counts.values())
        if self.progress and total >= self.next_report:
            elapsed = time.perf_counter() - self.started
            self.progress(
                f"  {total:>10,} rows  ({self.counts['entry']:,} entries)  "
                f"{total / max(elapsed, 1e-9):,.0f} rows/s"
            )
            self.next_report = (total // 100_000 + 1) * 100_000


def _sqlite_text(value: Any) -> Any:
    """What SQLAlchemy's SQLite JSON, Date and DateTime types would store for `value`."""
    if isinstance(value, datetime):
        return value.isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return None if value is None else json.dumps(value)


def _sqlite_column(column: Column) -> Column:
    """The column as the SQLite bulk insert sees it: JSON, dates and times as plain text we
    format ourselves, Python-side defaults kept (encoded the same way) for columns that the
    builder leaves out, such as ones added to the schema after it was written."""
    if not isinstance(column.type, JSON | Date | DateTime):
        # Python-side defaults here are ColumnDefaults (a scalar or a callable), never Sequences.
        default = cast(ColumnDefault, column.default).arg if column.default is not None else None
        return Column(column.name, column.type, default=default)
    if column.default is None:
        return Column(column.name, Text)
    arg = cast(ColumnDefault, column.default).arg
    if column.default.is_callable:
        return Column(column.name, Text, default=lambda context: _sqlite_text(arg(context)))
    return Column(column.name, Text, default=_sqlite_text(arg))


# Tables whose rows the builder numbers itself (the others are keyed by what they belong to).
NUMBERED = tuple(t for t in TABLES if "id" in t.c)


def next_ids() -> dict[str, int]:
    return {
        t.name: (db.session.execute(select(func.max(t.c.id))).scalar() or 0) + 1 for t in NUMBERED
    }


def take(ids: dict[str, int], table: str, count: int = 1) -> int:
    first = ids[table]
    ids[table] += count
    return first


def after_bulk_load() -> None:
    """PostgreSQL: move the id sequences past the ids we chose, and gather planner statistics
    (autovacuum would do the same within a minute of a real import). SQLite: nothing; a real
    SQLite install never runs ANALYZE either, so the benchmark does not flatter it."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in (*NUMBERED, cast(Table, Exercise.__table__)):
        # Built from SQL expressions: the table name is a bound value and a quoted identifier.
        highest = select(func.max(table.c.id)).scalar_subquery()
        db.session.execute(
            select(
                func.setval(
                    func.pg_get_serial_sequence(table.name, "id"), func.greatest(highest, 1)
                )
            )
        )
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
