"""Command-line tasks: `flask --app app <command>`."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask_migrate import upgrade

from practice.extensions import db


def prepare_database() -> None:
    """Bring the database to the newest migration and load the exercise library
    (what `python app.py` does on start). Exits with the problems if seed/ is invalid."""
    from practice.exercises.library import SeedError

    upgrade()
    try:
        result = load_library()
    except SeedError as error:
        db.session.rollback()
        raise SystemExit(_refusal(error)) from None
    click.echo(result.summary())


def load_library():
    """Sync the built-in exercises and measures from app.config["SEED_DIR"] and commit
    (both or neither: an invalid measure file leaves the exercises unloaded too)."""
    from practice.exercises.library import sync_library
    from practice.measures.library import MEASURES_FOLDER, sync_measures

    seed_dir = Path(current_app.config["SEED_DIR"])
    source_dir = current_app.config.get("SOURCE_DIR")
    result = LoadResult(
        sync_library(seed_dir, Path(source_dir) if source_dir else None),
        sync_measures(seed_dir / MEASURES_FOLDER),
    )
    db.session.commit()
    return result


@dataclass
class LoadResult:
    exercises: Any
    measures: Any

    def summary(self) -> str:
        return f"{self.exercises.summary()}\n{self.measures.summary()}"


def _refusal(error) -> str:
    lines = "\n".join(f"  {message}" for message in error.messages)
    return f"The exercise library or a measure is invalid; nothing was loaded:\n{lines}"


def init_app(app: Flask) -> None:
    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(path: Path) -> None:
        """Copy the SQLite database to PATH while the app keeps running."""
        from practice.backup import BackupError, backup_sqlite, sqlite_file

        try:
            summary = backup_sqlite(sqlite_file(db.engine.url), path, report=click.echo)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(summary.line())

    @app.cli.command("seed")
    def seed_command() -> None:
        """Load or update the exercise library from seed/ (safe to run again)."""
        from practice.exercises.library import SeedError

        try:
            result = load_library()
        except SeedError as error:
            db.session.rollback()
            raise click.ClickException(_refusal(error)) from None
        click.echo(result.summary())

    @app.cli.command("create-counselor")
    @click.option("--email", prompt=True, help="Sign-in email.")
    @click.option("--name", prompt=True, help="Name shown on pages and summaries.")
    @click.option("--admin/--no-admin", default=None, help="Practice administrator?")
    def create_counselor_command(email: str, name: str, admin: bool | None) -> None:
        """Add a counselor. The first one is the practice administrator."""
        from practice.auth import services

        first = not services.any_counselor_exists()
        password = getpass.getpass("Password (at least 12 characters): ")
        if getpass.getpass("Repeat password: ") != password:
            raise click.ClickException("The passwords do not match.")
        try:
            services.create_counselor(
                email=email,
                name=name,
                password=password,
                is_admin=first if admin is None else admin,
            )
        except services.AccountError as error:
            raise click.ClickException(error.message) from None
        db.session.commit()
        role = "administrator" if (first if admin is None else admin) else "counselor"
        click.echo(f"Created {role} {email}.")

    from practice.bench.command import bench_command

    app.cli.add_command(bench_command)
