"""Online backups of a SQLite database with SQLite's own backup API.

The copy is one consistent snapshot even while the app writes: the whole database is
copied in a single step inside one read transaction (WAL lets writers carry on meanwhile).
Copying in several steps would restart whenever another process writes, and might never
finish on a busy server.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL


class BackupError(Exception):
    """A reason the backup cannot be made, for the person running it."""


POSTGRES_HINT = (
    "This database is PostgreSQL; `backup` copies SQLite files only. Use pg_dump instead:\n"
    '  pg_dump --format=custom --file=practice-$(date +%F).dump "$DATABASE_URL"\n'
    "and restore with pg_restore (see Backups in the README)."
)


@dataclass
class BackupSummary:
    path: Path
    size_bytes: int
    tables: int
    rows: int

    def line(self) -> str:
        return (
            f"Backed up {self.tables} tables, {self.rows:,} rows, "
            f"{self.size_bytes / 1024:,.0f} KiB to {self.path}"
        )


def sqlite_file(url: URL) -> Path:
    """The database file behind a SQLAlchemy URL, or BackupError explaining why not."""
    if url.get_backend_name() == "postgresql":
        raise BackupError(POSTGRES_HINT)
    if url.get_backend_name() != "sqlite":
        raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported.")
    if not url.database or url.database == ":memory:":
        raise BackupError("This SQLite database lives in memory; there is no file to back up.")
    return Path(url.database)


def backup_sqlite(
    source: Path, target: Path, report: Callable[[str], None] = lambda message: None
) -> BackupSummary:
    """Copy `source` to the new file `target` (owner-only permissions) and check the copy."""
    if not source.exists():
        raise BackupError(f"There is no database at {source}.")
    if target.exists():
        raise BackupError(f"{target} already exists. Choose a new file name.")
    if target.resolve().parent == source.resolve().parent and target.name == source.name:
        raise BackupError("The backup must not be the database itself.")
    partial = target.with_name(target.name + ".partial")
    # The copy holds clinical notes: nobody but the owner may read it, from the first byte.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        with _connect(source) as from_db, _connect(partial) as to_db:
            pages = from_db.execute("PRAGMA page_count").fetchone()[0]
            page_size = from_db.execute("PRAGMA page_size").fetchone()[0]
            report(f"Copying {source} ({pages:,} pages, {pages * page_size / 1024:,.0f} KiB)…")
            from_db.backup(
                to_db,
                pages=-1,
                progress=lambda _status, remaining, total: report(
                    f"  copied {total - remaining:,} of {total:,} pages"
                ),
            )
            # One self-contained file: no -wal file needed next to the copy.
            to_db.execute("PRAGMA journal_mode=DELETE")
            report("Checking the copy…")
            check = to_db.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"The copy failed its integrity check: {check}")
            tables, rows = _count(to_db)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupSummary(target, target.stat().st_size, tables, rows)


class _connect:
    """A sqlite3 connection that is closed (not just committed) on leaving the block."""

    def __init__(self, path: Path):
        self.connection = sqlite3.connect(path, timeout=15)

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc) -> None:
        self.connection.close()


def _count(connection: sqlite3.Connection) -> tuple[int, int]:
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    rows = 0
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'
        # Table names come from the copy's own catalogue, quoted as identifiers.
        rows += connection.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]  # nosec B608
    return len(names), rows
