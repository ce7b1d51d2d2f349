"""Small builders for test data. They add to the session and flush; tests commit if needed."""

from __future__ import annotations

import functools
import itertools

from practice.auth.models import Counselor
from practice.auth.services import hash_password
from practice.couples.models import Couple, Partner
from practice.extensions import db

TEST_PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


@functools.cache
def test_password_hash() -> str:
    """argon2 is deliberately slow: hash the shared test password once per run."""
    return hash_password(TEST_PASSWORD)


def make_counselor(
    *, email: str | None = None, name: str = "Dr. Rivera", is_admin: bool = False, **fields
) -> Counselor:
    counselor = Counselor(
        email=email or f"counselor{next(_numbers)}@example.org",
        name=name,
        password_hash=test_password_hash(),
        is_admin=is_admin,
        **fields,
    )
    db.session.add(counselor)
    db.session.flush()
    return counselor


def make_couple(
    counselor: Counselor,
    names: tuple[str, str] = ("Ana Silva", "Ben Okafor"),
    *,
    status: str = "active",
    goals: str = "",
) -> Couple:
    couple = Couple(counselor=counselor, status=status, goals=goals)
    for position, name in enumerate(names, start=1):
        couple.partners.append(Partner(position=position, display_name=name))
    db.session.add(couple)
    db.session.flush()
    return couple


def make_exercise(
    *,
    slug: str | None = None,
    title: str = "Write a gratitude list for each other",
    counselor=None,
    prompts: list | None = None,
    steps: list | None = None,
    **fields,
):
    """An exercise with one prompt of every type unless `prompts` is given."""
    from practice.exercises.models import Exercise

    number = next(_numbers)
    exercise = Exercise(
        slug=slug or f"exercise-{number}",
        counselor_id=counselor.id if counselor is not None else None,
        title=title,
        category=fields.pop("category", "appreciation"),
        goal=fields.pop("goal", "Notice what is good in each other."),
        why=fields.pop("why", ""),
        steps=steps if steps is not None else ["Sit together.", "Write separately."],
        prompts=prompts
        if prompts is not None
        else [
            {
                "key": "three_things",
                "type": "list",
                "label": "Three things you are grateful for",
                "items": 3,
            },
            {"key": "touched_me", "type": "text", "label": "What touched you most?"},
            {
                "key": "felt_appreciated",
                "type": "scale",
                "label": "How appreciated did you feel?",
                "low": "Not much",
                "high": "Deeply",
            },
            {"key": "again", "type": "yes_no", "label": "Would you do it again?"},
            {"key": "say_it", "type": "i_statement", "label": "Say one thing as an I statement"},
        ],
        search_text=title.lower(),
        **fields,
    )
    db.session.add(exercise)
    db.session.flush()
    return exercise


def make_assignment(couple: Couple, exercise=None, *, due_in_days: int = 7, **fields):
    """An active assignment for both partners (their links made with the app's SECRET_KEY).
    Returns (assignment, {partner_id: where the homework opens under that partner's link,
    '<token>/homework/<id>'}): tests open it as f"/h/{...}" as partners do from their home."""
    from datetime import timedelta

    from flask import current_app

    from practice.homework.assigning import create_assignment
    from practice.partner import access
    from practice.timeutil import utcnow

    exercise = exercise or make_exercise()
    assignment = create_assignment(
        couple=couple,
        exercise=exercise,
        partners=fields.pop("partners", couple.partners),
        due_date=fields.pop("due_date", utcnow().date() + timedelta(days=due_in_days)),
        frequency=fields.pop("frequency", "once"),
        times_per_week=fields.pop("times_per_week", None),
        note=fields.pop("note", "Take your time."),
        session_id=fields.pop("session_id", None),
        secret_key=current_app.config["SECRET_KEY"],
        grace_days=current_app.config["LINK_GRACE_DAYS"],
    )
    now = utcnow()
    tokens = {
        link.partner_id: (
            f"{access.token_for_partner(link.partner_id, current_app.config['SECRET_KEY'], now)}"
            f"/homework/{assignment.id}"
        )
        for link in assignment.links
    }
    return assignment, tokens


def enrol_two_factor(app, email: str, when) -> tuple[str, list[str]]:
    """Two-factor on for this counselor, straight in the database (committed); returns the
    secret in the clear and the recovery codes."""
    from sqlalchemy import select

    from practice.auth import two_factor

    with app.app_context():
        counselor = db.session.execute(
            select(Counselor).where(Counselor.email == email)
        ).scalar_one()
        two_factor.begin_enrolment(counselor)
        counselor.totp_confirmed_at = when
        codes = two_factor.new_recovery_codes(counselor)
        secret = two_factor.secret_of(counselor)
        db.session.commit()
    return secret, codes


def make_measure(counselor, title: str = "Closeness this week"):
    """A counselor's own one-question scale (1 to 5)."""
    from practice.measures import services

    definition, problems = services.custom_definition(
        services.new_custom_slug(),
        title,
        [
            {
                "key": "item_1",
                "text": "How close did you feel?",
                "min": 1,
                "max": 5,
                "low": "Distant",
                "high": "Close",
            }
        ],
    )
    assert definition is not None, problems
    return services.create_custom_measure(counselor, definition)


def make_partner_home_token(assignment, partner) -> str:
    """The partner's one link for this homework, issued as assigning issues it; returns the
    token of their home (/h/<token>)."""
    from flask import current_app

    from practice.partner import access
    from practice.timeutil import utcnow

    secret = current_app.config["SECRET_KEY"]
    access.renew_for_homework(
        partner, due_date=assignment.due_date, grace_days=14, secret_key=secret, now=utcnow()
    )
    return access.current_token(access.access_of(partner.id), secret, utcnow())
