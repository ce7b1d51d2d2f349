"""Command-line tasks: `flask --app app <command>`."""

from __future__ import annotations

import getpass

import click
from flask import Flask
from flask_migrate import upgrade

from practice.extensions import db


def prepare_database() -> None:
    """Bring the database to the newest migration (what `python app.py` does on start)."""
    upgrade()


def init_app(app: Flask) -> None:
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
                email=email, name=name, password=password, is_admin=first if admin is None else admin
            )
        except services.AccountError as error:
            raise click.ClickException(error.message) from None
        db.session.commit()
        role = "administrator" if (first if admin is None else admin) else "counselor"
        click.echo(f"Created {role} {email}.")
