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
