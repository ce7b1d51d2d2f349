"""Couples counseling practice: homework, private client links and printed session summaries."""

from __future__ import annotations

import importlib
import os
from typing import Any

from flask import Blueprint, Flask, abort, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

# Every model is defined as soon as the package is: feature modules build some statements
# when they are imported, and a relationship names its target class by string.
import practice.models  # noqa: E402,F401,I001
from practice import keys, params, proxies
from practice.config import BASE_SETTINGS, settings_from_env
from practice.extensions import (
    csrf,
    db,
    limiter,
    login_manager,
    migrate,
    writer_transaction_asked,
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MIN_SQLITE = (3, 35)


class PracticeFlask(Flask):
    def log_exception(self, exc_info) -> None:
        """Unexpected errors are logged by class and code path only (log_redaction)."""
        from practice import log_redaction

        log_redaction.log_exception(self, exc_info)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app. `test_config` overrides settings from the environment."""
    app = PracticeFlask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        instance_path=os.environ.get("INSTANCE_PATH") or None,
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(BASE_SETTINGS)
    app.config.update(settings_from_env(app.instance_path))
    if test_config:
        app.config.update(test_config)
    keys.init_app(app)  # sessions and CSRF tokens signed with their own derived keys

    proxies.init_app(app)  # TRUSTED_PROXIES: X-Forwarded-* headers, and a warning without them

    register_extensions(app)
    params.init_app(app)  # before the blueprints add their `<int:...>` routes
    register_blueprints(app)
    from practice.auth import limits as sign_in_limits

    sign_in_limits.init_app(app)  # a sign-in body no person could type is refused first
    register_request_hooks(app)
    register_template_helpers(app)

    from practice import cli, errors, log_redaction, static_compression

    errors.init_app(app)
    static_compression.init_app(app)
    cli.init_app(app)
    log_redaction.install(app)
    return app


def register_extensions(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if uri.startswith("sqlite"):
        options.setdefault("connect_args", {}).setdefault("timeout", 15)
    else:
        options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=os.path.join(app.root_path, "..", "migrations"),
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.session_protection = "basic"

    from practice import jobs, mail

    mail.init_app(app)
    jobs.init_app(app)

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)


def configure_sqlite(engine: Engine) -> None:
    """Make SQLite safe for several server processes.

    WAL lets readers run beside one writer; the busy timeout makes a second writer wait
    instead of failing. Writes start with BEGIN IMMEDIATE: a deferred transaction that
    read first and then tries to write fails at once with "database is locked" when another
    process wrote in between, whatever the busy timeout. Reads (GET) stay deferred so they
    never queue behind a writer.
    """

    import sqlite3

    if sqlite3.sqlite_version_info < MIN_SQLITE:
        # Migrations drop columns natively (ALTER TABLE ... DROP COLUMN, SQLite 3.35).
        raise RuntimeError(
            f"SQLite {'.'.join(map(str, MIN_SQLITE))} or newer is needed; this Python has "
            f"{sqlite3.sqlite_version}. Use PostgreSQL (DATABASE_URL) or a newer Python build."
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every test
        # Take transaction control away from the sqlite3 module so we issue BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # SQLite's lower() folds ASCII only: searching "Ødeg" must find "Ødegård", as on PostgreSQL.
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _writing() else "BEGIN")


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


def _writing() -> bool:
    """True outside requests (CLI, migrations) and for requests that may change data."""
    from flask import has_request_context

    return (
        writer_transaction_asked()
        or not has_request_context()
        or request.method not in SAFE_METHODS
    )


# Each feature's routes live in these modules; importing one attaches its routes (and CLI
# commands) to the feature's blueprint `bp`, defined in the feature's __init__.py.
ROUTE_MODULES = (
    "practice.auth.views",
    "practice.auth.timeouts",
    "practice.auth.account",
    "practice.auth.team",
    "practice.dashboard.views",
    "practice.couples.views",
    "practice.exercises.views",
    "practice.homework.views",
    "practice.partner.views",
    "practice.partner.link_views",
    "practice.sessions.views",
    "practice.audit.views",
    "practice.settings.views",
    "practice.measures.views",
    "practice.measures.answering",
    "practice.passwords.views",
    "practice.reminders.views",
    "practice.reminders.cli",
    "practice.caseload.views",
    "practice.exports.views",
)


def register_blueprints(app: Flask) -> None:
    blueprints: list[Blueprint] = []
    for name in ROUTE_MODULES:
        blueprint = importlib.import_module(name.rsplit(".", 1)[0]).bp
        importlib.import_module(name)
        if blueprint not in blueprints:
            blueprints.append(blueprint)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    # The couple page's sections and the couple's record, in page order.
    from practice.couples import parts
    from practice.homework import couple_part as homework_part
    from practice.measures import couple_part as measures_part
    from practice.sessions import couple_part as sessions_part

    for part in (homework_part.PART, sessions_part.PART, measures_part.PART):
        parts.register(app, part)

    @app.get("/healthz")
    def healthz():
        """Liveness for load balancers and the benchmark's baseline. "degraded" while the
        shared rate-limit store does not answer (limits then count per process); the
        reason is in the log only."""
        return {"status": "ok" if limiter.check_store() else "degraded"}

    healthz.public = True  # type: ignore[attr-defined]


def register_request_hooks(app: Flask) -> None:
    from practice.auth.services import load_counselor

    @login_manager.user_loader
    def load_user(user_id: str):
        # After the database failed in this request, the page that says so renders signed
        # out: loading the counselor would need the database (errors.database_gone).
        if g.get("database_unavailable"):
            return None
        return load_counselor(user_id)

    @app.before_request
    def require_sign_in():
        """Deny by default: every view needs a signed-in counselor unless marked public."""
        if request.endpoint is None:
            return None  # 404/405 pages render without sign-in
        view = app.view_functions.get(request.endpoint)
        if request.endpoint == "static" or getattr(view, "public", False):
            return None
        if not current_user.is_authenticated:
            if request.method not in SAFE_METHODS:
                abort(401)
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return None

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'; form-action 'self'",
        )
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        # Nothing here is for search engines, and partner pages are capabilities: a link
        # that leaks into a public place must not be indexed (the pages carry the meta too).
        headers["X-Robots-Tag"] = "noindex, nofollow"
        if app.config.get("HTTPS"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static":
            # Every page here may carry client data: never keep it in a browser or proxy cache.
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response


def register_template_helpers(app: Flask) -> None:
    from practice import formatting

    app.jinja_env.filters.update(formatting.FILTERS)
    app.jinja_env.globals.update(formatting.GLOBALS)

    @app.context_processor
    def practice_globals():
        from practice.settings.services import practice_settings

        return {"practice_name": practice_settings().name}
