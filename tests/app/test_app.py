"""The app factory's settings that are not any one feature's."""

from __future__ import annotations

from flask import request

from practice import create_app


def address_seen_by(app) -> str:
    """The client address the app sees for a request that came through one proxy."""

    @app.get("/_address")
    def address():
        return request.remote_addr

    address.public = True
    response = app.test_client().get(
        "/_address",
        headers={"X-Forwarded-For": "203.0.113.9"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    return response.get_data(as_text=True)


def test_client_address_from_a_trusted_proxy(app_config):
    assert address_seen_by(create_app({**app_config, "TRUSTED_PROXIES": 1})) == "203.0.113.9"


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(app_config):
    assert address_seen_by(create_app(app_config)) == "127.0.0.1"


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch, database_url):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second and len(first) >= 64
    assert (tmp_path / "inst" / "secret_key").stat().st_mode & 0o077 == 0


def test_sqlite_is_set_up_for_several_processes(app):
    from practice.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_postgres_urls_are_used_through_psycopg():
    from practice.config import normalize_database_url

    assert normalize_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_an_sqlite_too_old_for_the_migrations_is_refused_at_start(
    app_config, tmp_path, monkeypatch
):
    """The migrations drop columns natively (SQLite 3.35+): an older SQLite must stop the
    app at start with a clear message, not halfway through an upgrade."""
    import sqlite3

    import pytest

    from practice import create_app

    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.31.1")
    config = {**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"}
    with pytest.raises(RuntimeError, match=r"SQLite 3\.35 or newer is needed; .* 3\.31\.1"):
        create_app(config)
