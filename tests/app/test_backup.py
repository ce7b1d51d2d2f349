"""`flask backup PATH`: a consistent online copy of SQLite, and a clear refusal on PostgreSQL."""

from __future__ import annotations

import sqlite3
import stat
import threading
import time
from datetime import datetime

import pytest

from practice import create_app
from practice.extensions import db
from tests.factories import make_counselor


@pytest.fixture
def sqlite_app(tmp_path, monkeypatch):
    """An app on a SQLite file, whatever TEST_DATABASE_URL says: backups are SQLite's."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    path = tmp_path / "practice.db"
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}
    )
    with app.app_context():
        db.create_all()
        counselor_id = make_counselor(email="c@example.org").id
        # Bulk, so the copy takes long enough for writes to land while it runs.
        db.session.execute(
            db.metadata.tables["audit_event"].insert(),
            [
                {
                    "action": "couple.view",
                    "actor_kind": "system",
                    "detail": "x" * 200,
                    "at": datetime(2026, 1, 1),
                }
                for _ in range(20000)
            ],
        )
        db.session.commit()
    yield app, path, counselor_id
    with app.app_context():
        db.engine.dispose()


def write_couples(path, counselor_id: int, stop: threading.Event, written: list[int]) -> None:
    """Another connection adding a couple and its two partners per transaction, nonstop."""
    connection = sqlite3.connect(path, timeout=15, isolation_level=None)
    connection.execute("PRAGMA busy_timeout=15000")
    while not stop.is_set():
        connection.execute("BEGIN IMMEDIATE")
        couple = connection.execute(
            "INSERT INTO couple (counselor_id, status, goals, created_at) "
            "VALUES (?, 'active', '', '2026-01-01 00:00:00')",
            (counselor_id,),
        ).lastrowid
        for position in (1, 2):
            connection.execute(
                "INSERT INTO partner (couple_id, position, display_name) VALUES (?, ?, 'P')",
                (couple, position),
            )
        connection.execute("COMMIT")
        written.append(couple)
    connection.close()


def test_backup_during_writes_is_a_consistent_copy(sqlite_app, tmp_path):
    app, path, counselor_id = sqlite_app
    target = tmp_path / "copies" / "backup.db"
    target.parent.mkdir()
    stop, written = threading.Event(), []
    writer = threading.Thread(target=write_couples, args=(path, counselor_id, stop, written))
    writer.start()
    try:
        while len(written) < 20:
            time.sleep(0.01)
        before = len(written)
        result = app.test_cli_runner().invoke(args=["backup", str(target)])
        during = len(written) - before
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert during > 0, "the writer was blocked while the backup ran"

    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    couples = copy.execute("SELECT count(*) FROM couple").fetchone()[0]
    partners = copy.execute("SELECT count(*) FROM partner").fetchone()[0]
    events = copy.execute("SELECT count(*) FROM audit_event").fetchone()[0]
    tables = copy.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchone()[0]
    copy.close()
    # A snapshot taken between two transactions: never a couple without both partners.
    assert couples >= 20 and partners == 2 * couples
    assert events == 20000

    lines = result.output.splitlines()
    assert lines[0].startswith(f"Copying {path} (")
    assert "Checking the copy…" in lines
    size_kib = f"{target.stat().st_size / 1024:,.0f} KiB"
    assert lines[-1] == (
        f"Backed up {tables} tables, {couples + partners + events + 1:,} rows, "
        f"{size_kib} to {target}"
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # clinical notes: owner only
    assert not target.with_name("backup.db.partial").exists()


def test_backup_refuses_to_overwrite(sqlite_app, tmp_path):
    app, _, _ = sqlite_app
    target = tmp_path / "existing.db"
    target.write_bytes(b"keep me")
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 1
    assert "already exists. Choose a new file name." in result.output
    assert target.read_bytes() == b"keep me"


def test_backup_refuses_postgresql_with_the_pg_dump_hint(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    # Nothing listens on port 9: the command must refuse before connecting.
    app = create_app(
        {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@127.0.0.1:9/none"}
    )
    target = tmp_path / "backup.db"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 1
    assert "This database is PostgreSQL" in result.output
    assert "pg_dump --format=custom" in result.output
    assert not target.exists()
