"""Migration 0010 over a practice with data: the wider schedules and the role plan come and
go without losing a single entry (SQLite's CHECK is rewritten in place, never rebuilt)."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from practice.extensions import db
from practice.homework.models import Assignment, Entry
from tests.factories import make_assignment, make_counselor, make_couple
from tests.test_migrations import schema_diff

BEFORE, THIS = "0016_assignment_finished", "0017_library_second_edition"


def test_schedules_and_roles_survive_down_and_up(app_config):
    from practice import create_app

    app = create_app(app_config)
    with app.app_context():
        upgrade()
        couple = make_couple(make_counselor(email="m@example.org"))
        monthly, _ = make_assignment(couple, frequency="monthly")
        monthly.roles = {"first": couple.partners[0].id, "mode": "swap"}
        event, _ = make_assignment(couple, frequency="event")
        db.session.add(
            Entry(
                assignment_id=monthly.id,
                partner_id=couple.partners[0].id,
                answers={"a": 1},
                submission_key="migration-0010-entry",
            )
        )
        db.session.commit()
        ids = (monthly.id, event.id)
        db.session.remove()

        downgrade(revision=BEFORE)
        rows = db.session.execute(
            db.text("SELECT frequency, times_per_week FROM assignment ORDER BY id")
        ).all()
        assert [tuple(r) for r in rows] == [("weekly", 1), ("once", None)]
        with pytest.raises(IntegrityError):  # the old rule is back
            db.session.execute(db.text("UPDATE assignment SET frequency = 'monthly'"))
        db.session.rollback()
        db.session.remove()

        upgrade()
        assert db.session.execute(select(func.count()).select_from(Entry)).scalar_one() == 1
        db.session.execute(
            db.text(f"UPDATE assignment SET frequency = 'event' WHERE id = {ids[0]}")
        )
        db.session.commit()
        with pytest.raises(IntegrityError):
            db.session.execute(db.text("UPDATE assignment SET frequency = 'yearly'"))
        db.session.rollback()
        assert db.session.get(Assignment, ids[0]).frequency == "event"
        db.session.remove()
        assert schema_diff() == []
        db.engine.dispose()
