"""Migrations and models agree: `flask db upgrade` from empty gives exactly the models' schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from practice.extensions import db


def test_single_head(app):
    with app.app_context():
        migrate = app.extensions["migrate"]
        config = migrate.migrate.get_config(migrate.directory)
        heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several Alembic heads, merge or re-chain them: {heads}"


def schema_diff() -> list:
    """What the migrated database's schema lacks or has beyond the models (empty: agree)."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return compare_metadata(context, db.metadata)


def test_upgrade_from_empty_matches_models(app_config):
    from practice import create_app

    app = create_app(app_config)  # no create_all: the migrations build everything
    with app.app_context():
        upgrade()
        diff = schema_diff()
        db.engine.dispose()
    assert diff == [], diff


def test_every_migration_runs_down_and_up_over_a_practice_with_data(app_config):
    """Migrations must work on a database that has couples, homework and entries pointing at
    counselors, not only on an empty one: on SQLite a migration that rebuilds a table other
    tables point at fails on the foreign keys (0007 once did, and 0003's downgrade)."""
    from sqlalchemy import func, select

    from practice import create_app
    from practice.couples.models import Couple
    from practice.homework.models import Entry
    from tests.factories import make_assignment, make_counselor, make_couple

    app = create_app(app_config)
    with app.app_context():
        upgrade()
        counselor = make_counselor(email="data@example.org")
        couple = make_couple(counselor)
        assignment, _ = make_assignment(couple)
        db.session.add(
            Entry(
                assignment_id=assignment.id,
                partner_id=couple.partners[0].id,
                answers={},
                submission_key="migration-data-0001",
            )
        )
        db.session.commit()
        db.session.remove()

        downgrade(revision="0001")
        upgrade()

        assert db.session.execute(select(func.count()).select_from(Couple)).scalar_one() == 1
        assert db.session.execute(select(func.count()).select_from(Entry)).scalar_one() == 1
        db.session.remove()
        diff = schema_diff()
        db.engine.dispose()
    assert diff == [], diff
