"""Measures fixtures: the built-in CSI-4 loaded, a couple, and partners answering over weeks."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from pathlib import Path

import pytest

from practice.config import BASE_SETTINGS
from practice.extensions import db
from practice.measures.library import MEASURES_FOLDER, sync_measures
from practice.measures.models import Measure
from practice.measures.scheduling import request_measure, waiting_for
from practice.measures.submission import submit_answers
from tests.factories import make_couple

MEASURE_DIR = Path(BASE_SETTINGS["SEED_DIR"]) / MEASURES_FOLDER
MONDAY = date(2026, 9, 7)


def load_measures() -> Measure:
    sync_measures(MEASURE_DIR)
    db.session.commit()
    return db.session.execute(db.select(Measure).filter_by(slug="csi-4")).scalar_one()


def csi_answers(total: int) -> dict[str, str]:
    """CSI-4 answers that add up to `total` (item 1 takes up to 6, the others up to 5)."""
    values, left = [], total
    for top in (6, 5, 5, 5):
        values.append(min(top, left))
        left -= values[-1]
    assert left == 0
    keys = ("happiness", "warm_comfortable", "rewarding", "satisfied")
    return {f"item-{key}": str(value) for key, value in zip(keys, values, strict=True)}


def answer(partner, day: date, form: dict[str, str], now=None):
    """The partner answers whatever is waiting for them on `day` (the clock moved there)."""
    from datetime import datetime

    now = now or datetime.combine(day, datetime.min.time()).replace(hour=9)
    waiting = waiting_for(partner, day, now)
    assert waiting, f"nothing waiting for {partner.display_name} on {day}"
    response, replaced = submit_answers(waiting[0], partner, form, secrets.token_urlsafe(16))
    db.session.commit()
    return response, replaced


@pytest.fixture
def csi(counselor, ctx):
    return load_measures()


@pytest.fixture
def couple(counselor, ctx):
    from practice.auth.models import Counselor

    owner = db.session.get(Counselor, counselor.id)
    couple = make_couple(owner, ("Ana Silva", "Ben Okafor"))
    db.session.commit()
    return couple


def weekly_story(couple, measure, ana_totals, ben_totals, start=MONDAY):
    """The counselor asks weekly on `start`; each week both partners answer (None: skips)."""
    request_measure(couple, measure, "weekly", start)
    db.session.commit()
    ana, ben = couple.partners
    for week, (a, b) in enumerate(zip(ana_totals, ben_totals, strict=True)):
        day = start + timedelta(weeks=week, days=1)
        if a is not None:
            answer(ana, day, csi_answers(a))
        if b is not None:
            answer(ben, day, csi_answers(b))
