"""`flask --app app bench`: build a synthetic practice in a fresh database and measure it."""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import delete, text
from sqlalchemy.engine import make_url

from practice.bench import data, load, measure, report
from practice.bench import pages as bench_pages
from practice.config import normalize_database_url
from practice.extensions import db

# Fixed so the in-process app and the gunicorn workers accept the same session cookie.
BENCH_SECRET_KEY = "benchmark-only-secret-key-never-use-in-production"


def bench_database(instance_path: str, keep_as: Path | None = None) -> tuple[str, str]:
    """The URL of a fresh, empty benchmark database, and its kind.

    With `keep_as` (SQLite only, see --reuse) that file is used instead of instance/bench.db;
    the caller decides whether it is rebuilt.

    Refuses a PostgreSQL database whose name does not say it is for benchmarks or tests:
    the benchmark drops the whole schema first.
    """
    raw = os.environ.get("DATABASE_URL", "").strip()
    if raw:
        url = normalize_database_url(raw)
        parsed = make_url(url)
        if parsed.get_backend_name() != "postgresql":
            raise click.ClickException(
                "DATABASE_URL must be a PostgreSQL URL for the benchmark; unset it to "
                "benchmark SQLite (instance/bench.db)."
            )
        name = (parsed.database or "").lower()
        if "bench" not in name and "test" not in name:
            raise click.ClickException(
                f"Refusing to wipe database {parsed.database!r}: the benchmark drops its "
                "schema, so the database name must contain 'bench' or 'test'."
            )
        return url, "postgresql"
    path = keep_as or Path(instance_path) / "bench.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    if keep_as is None:
        _remove_sqlite(path)
    return f"sqlite:///{path}", "sqlite"


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def kept_database(instance_path: str, scale: float) -> tuple[Path, Path]:
    """The kept SQLite file for a scale, and the JSON beside it describing its build."""
    path = Path(instance_path) / f"bench-scale-{scale:g}.db"
    return path, path.with_name(path.name + ".build.json")


def _load_kept_build(sidecar: Path, shape: data.Shape) -> dict[str, Any] | None:
    """The recorded build of a kept database, if it is there and of this shape."""
    try:
        recorded = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if recorded.get("shape") != asdict(shape):
        return None
    return recorded


def _forget_measured_submissions(targets: data.Targets) -> None:
    """A reused database still holds the entries the last run's POSTs stored; remove them so
    every run measures the same history (built entries carry a "bench-" submission key)."""
    from practice.homework.models import Entry, PartnerLink

    link = db.session.get(PartnerLink, targets.link_id)
    if link is not None:
        db.session.execute(
            delete(Entry).where(
                Entry.assignment_id == link.assignment_id,
                Entry.partner_id == link.partner_id,
                Entry.submission_key.not_like("bench-%"),
            )
        )
        db.session.commit()


def _fresh_schema(kind: str) -> None:
    if kind == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade()


@click.command("bench")
@click.option(
    "--scale",
    type=click.FloatRange(min=0.0001),
    default=1.0,
    show_default=True,
    help="1 ≈ 144,000 entries (10 counselors × 100 couples); 10 gives every couple ten times "
    "the history (years of data); below 1 shrinks the number of couples.",
)
@click.option(
    "--requests",
    "requests_",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Timed requests per page, in process.",
)
@click.option(
    "--warmup",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Untimed requests per page first.",
)
@click.option(
    "--duration",
    type=click.IntRange(1, 120),
    default=10,
    show_default=True,
    help="Seconds of wrk per URL under gunicorn.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="JSON file to write (default bench-results/bench-<scale>-<db>-<time>.json).",
)
@click.option("--no-load", is_flag=True, help="Skip the gunicorn + wrk part.")
@click.option(
    "--reuse",
    is_flag=True,
    help="SQLite only: keep the built database as instance/bench-scale-<scale>.db and, when "
    "it is already there, measure it again instead of rebuilding (pending migrations are "
    "applied; the data keeps the dates of its build). For profiling between changes.",
)
@with_appcontext
def bench_command(
    scale: float,
    requests_: int,
    warmup: int,
    duration: int,
    out: Path | None,
    no_load: bool,
    reuse: bool = False,
) -> None:
    """Build a synthetic practice in a FRESH database and measure the pages.

    SQLite by default: instance/bench.db, deleted first. With DATABASE_URL set, that
    PostgreSQL database is WIPED (its public schema dropped and recreated): it is refused
    unless the database name contains "bench" or "test".
    """
    started = time.perf_counter()
    shape = data.shape_for_scale(scale)
    kept: tuple[Path, Path] | None = None
    recorded: dict[str, Any] | None = None
    if reuse:
        if os.environ.get("DATABASE_URL", "").strip():
            raise click.ClickException("--reuse keeps a SQLite file; unset DATABASE_URL.")
        kept = kept_database(current_app.instance_path, scale)
        recorded = _load_kept_build(kept[1], shape) if kept[0].exists() else None
        if recorded is None:
            _remove_sqlite(kept[0])
            kept[1].unlink(missing_ok=True)
    url, kind = bench_database(current_app.instance_path, kept[0] if kept else None)
    from practice import create_app
    from practice.auth.services import hash_password

    bench_app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": BENCH_SECRET_KEY,
            "WTF_CSRF_ENABLED": False,  # the POST measurement posts like a form would, no token
            "RATELIMIT_ENABLED": False,
        }
    )
    result: dict[str, Any] = {
        "benchmark": "flask --app app bench",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": report.git_commit(),
        "machine": report.machine(),
        "database": {"kind": kind, "name": make_url(url).database},
        "scale": scale,
    }
    with bench_app.app_context():
        try:
            if recorded is not None:
                click.echo(f"Reusing {make_url(url).database} (built {recorded['built_at']})")
                upgrade()
                targets = data.Targets(**recorded["targets"])
                _forget_measured_submissions(targets)
                result["build"] = {**recorded, "reused": True}
            else:
                click.echo(f"Fresh {kind} database: {make_url(url).database}")
                _fresh_schema(kind)
                click.echo(f"Building {data.describe(shape)} …")
                cpu = time.process_time()
                built = data.build(
                    shape,
                    password_hash=hash_password(bench_pages.BENCH_PASSWORD),
                    progress=click.echo,
                )
                result["build"] = {
                    **built.as_dict(),
                    "cpu_seconds": round(time.process_time() - cpu, 1),
                    "built_at": result["started_at"],
                }
                rows = sum(built.rows.values())
                click.echo(
                    f"Built {rows:,} rows ({built.rows['entry']:,} entries) in "
                    f"{built.seconds:.1f} s, {rows / built.seconds:,.0f} rows/s"
                )
                targets = built.targets
                if kept is not None:
                    kept[1].write_text(json.dumps(result["build"], indent=2), encoding="utf-8")
            ctx = bench_pages.prepare_context(targets)
            client = bench_app.test_client()
            bench_pages.sign_in(client, targets.counselor_email)
            click.echo(f"Measuring in process ({requests_} requests per page) …")
            pages = measure.measure_all(
                bench_app, client, ctx, requests=requests_, warmup=warmup, progress=click.echo
            )
            result["in_process"] = {
                "requests": requests_,
                "warmup": warmup,
                "pages": [vars(p) for p in pages],
            }
            from practice.bench.sweep import measure_sweep

            result["reminder_sweep"] = measure_sweep(click.echo)
            click.echo("The full record as a background job …")
            from practice.bench.export import measure_record_export

            result["record_export"] = measure_record_export(bench_app, client, targets.couple_id)
            cookie_name = bench_app.config["SESSION_COOKIE_NAME"]
            cookie = client.get_cookie(cookie_name)
        finally:
            db.session.remove()
            db.engine.dispose()

    if no_load:
        result["load"] = None
    else:
        click.echo(f"Under gunicorn with wrk ({duration} s per URL) …")
        link_page = bench_pages.PAGES_BY_KEY["link_get"]
        home_page = bench_pages.PAGES_BY_KEY["home"]
        load_targets = [load.Target("healthz", "/healthz", "/healthz", signed_in=False)]
        if bench_pages.available(bench_app, home_page, ctx):
            load_targets.append(load.Target("home", "Partner's home", home_page.url(ctx), False))
        if bench_pages.available(bench_app, link_page, ctx):
            load_targets.append(
                load.Target("link_get", "Client homework page", link_page.url(ctx), False)
            )
            # For reference: the same route with a well-formed token that opens nothing. One
            # indexed lookup and a 1 KB page: the floor of any page that reads the database.
            load_targets.append(
                load.Target(
                    "link_unknown",
                    "Unknown link (404 page)",
                    f"/h/{secrets.token_urlsafe(32)}",
                    False,
                    expect=404,
                )
            )
        load_targets.append(load.Target("dashboard", "Dashboard", "/", signed_in=True))
        result["load"] = load.run_load(
            database_url=url,
            secret_key=BENCH_SECRET_KEY,
            instance_path=bench_app.instance_path,
            cookie=f"{cookie_name}={cookie.value}" if cookie else "",
            targets=load_targets,
            duration=duration,
            progress=click.echo,
        )
        if not bench_pages.available(bench_app, link_page, ctx):
            result["load"]["targets"].insert(
                1,
                {
                    "key": "link_get",
                    "label": "Client link page",
                    "path": "/h/<token>",
                    "status": "not available",
                },
            )
        for row in result["load"]["targets"]:
            row["path"] = row["path"].replace(ctx.token, "<token>")
            if row["key"] == "link_unknown":
                row["path"] = "/h/<unknown token>"

    result["seconds_total"] = round(time.perf_counter() - started, 1)
    out = out or load.PROJECT_ROOT / "bench-results" / (
        f"bench-{scale:g}-{kind}-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
    )
    report.write_json(result, out)
    click.echo("")
    click.echo(report.render(result))
    click.echo(f"\nWrote {out}")
