"""Migration 0011 runs down and up over a practice with measure answers."""

from __future__ import annotations

from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select

from practice.extensions import db


def test_0011_goes_down_and_up_over_answers(app_config):
    from practice import create_app
    from practice.measures.models import MeasureResponse
    from practice.measures.scheduling import request_measure
    from tests.factories import make_counselor, make_couple
    from tests.measures.conftest import answer, csi_answers, load_measures

    app = create_app(app_config)
    with app.app_context():
        upgrade()
        couple = make_couple(make_counselor(email="m@example.org"))
        request_measure(couple, load_measures(), "once", date(2026, 9, 7))
        db.session.commit()
        answer(couple.partners[0], date(2026, 9, 7), csi_answers(12))
        db.session.remove()

        downgrade(revision="0010_outbound_email")
        upgrade()
        count = db.session.execute(select(func.count()).select_from(MeasureResponse)).scalar_one()
        assert count == 0  # the downgrade drops the answers' table; the way back rebuilds it
        db.session.remove()
        db.engine.dispose()
