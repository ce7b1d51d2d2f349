"""One link per partner: issuing, renewing, finding and ending it, and the links of before."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import insert, select

from practice.extensions import db
from practice.homework import links as legacy_links
from practice.homework.models import Assignment, PartnerLink
from practice.partner import access
from practice.partner.models import PartnerAccess
from practice.timeutil import utcnow
from tests.factories import make_counselor, make_couple, make_exercise

SECRET = "test-secret-key"
GRACE = 14


def _issue(partner, days: int = 30):
    now = utcnow()
    return access.issue_access(
        partner, secret_key=SECRET, now=now, expires_at=now + timedelta(days=days)
    )


def test_token_is_256_bits_and_only_its_hash_is_stored(ctx):
    couple = make_couple(make_counselor())
    row, token = _issue(couple.partners[0])
    assert len(token) == 43 and access.well_formed(token)
    assert row.token_hash == access.hash_token(token) != token
    assert token not in {row.token_hash, str(row.id)}
    assert access.current_token(row, SECRET, utcnow()) == token
    found = access.find_access(token, utcnow())
    assert found.partner_id == couple.partners[0].id and found.couple_id == couple.id
    assert found.first_name == "Ana" and found.counselor_name == "Dr. Rivera"
    assert found.legacy_assignment_id is None


def test_tokens_differ_between_partners_and_keys(ctx):
    couple = make_couple(make_counselor())
    _, first = _issue(couple.partners[0])
    row, second = _issue(couple.partners[1])
    assert first != second
    assert access.current_token(row, "another-secret-key", utcnow()) is None


def test_a_new_link_kills_the_old_one_and_keeps_one_row(ctx):
    couple = make_couple(make_counselor())
    partner = couple.partners[0]
    _, old = _issue(partner)
    row, new = _issue(partner)
    assert old != new
    assert access.find_access(old, utcnow()) is None
    assert access.find_access(new, utcnow()).partner_id == partner.id
    count = db.session.execute(
        select(db.func.count())
        .select_from(PartnerAccess)
        .where(PartnerAccess.partner_id == partner.id)
    ).scalar_one()
    assert count == 1


@pytest.mark.parametrize("token", ["", "x", "a" * 43, "../../etc/passwd", "<script>", "é" * 43])
def test_unknown_and_malformed_tokens_find_nothing(ctx, token):
    make_couple(make_counselor())
    assert access.find_access(token, utcnow()) is None


def test_expired_link_finds_nothing(ctx):
    couple = make_couple(make_counselor())
    _, token = _issue(couple.partners[0], days=1)
    assert access.find_access(token, utcnow() + timedelta(days=2)) is None


def test_turned_off_link_finds_nothing_and_shows_no_token(ctx):
    couple = make_couple(make_counselor())
    row, token = _issue(couple.partners[0])
    assert access.turn_off(couple.partners[0].id, utcnow()) == 1
    db.session.refresh(row)
    assert access.find_access(token, utcnow()) is None
    assert access.current_token(row, SECRET, utcnow()) is None
    assert row.revoked_reason == "turned_off"


def test_ending_a_couple_ends_both_links_and_nobody_else(ctx):
    counselor = make_counselor()
    couple, other = make_couple(counselor), make_couple(counselor, ("Cleo", "Dev"))
    tokens = [_issue(p)[1] for p in couple.partners]
    other_token = _issue(other.partners[0])[1]
    assert access.end_for_couple(couple.id, utcnow()) == 2
    assert [access.find_access(t, utcnow()) for t in tokens] == [None, None]
    assert access.find_access(other_token, utcnow()) is not None


def test_closing_a_counselor_ends_their_links_only(ctx):
    mine, theirs = make_counselor(), make_counselor(name="Dr. Chen")
    token = _issue(make_couple(mine).partners[0])[1]
    other = _issue(make_couple(theirs).partners[1])[1]
    assert access.end_for_counselor(mine.id, utcnow()) == 1
    assert access.find_access(token, utcnow()) is None
    assert access.find_access(other, utcnow()) is not None


def test_archived_couple_or_inactive_counselor_finds_nothing_even_if_not_ended(ctx):
    counselor = make_counselor()
    couple = make_couple(counselor)
    token = _issue(couple.partners[0])[1]
    couple.status = "archived"
    db.session.flush()
    assert access.find_access(token, utcnow()) is None
    couple.status = "active"
    counselor.active = False
    db.session.flush()
    assert access.find_access(token, utcnow()) is None


def test_renewing_pushes_expiry_out_and_never_in(ctx):
    couple = make_couple(make_counselor())
    partner = couple.partners[0]
    today = utcnow().date()
    row = access.renew_for_homework(
        partner,
        due_date=today + timedelta(days=20),
        grace_days=GRACE,
        secret_key=SECRET,
        now=utcnow(),
    )
    token = access.current_token(row, SECRET, utcnow())
    later = access.expiry_for(today + timedelta(days=20), GRACE)
    assert row.expires_at == later
    same = access.renew_for_homework(
        partner,
        due_date=today + timedelta(days=2),
        grace_days=GRACE,
        secret_key=SECRET,
        now=utcnow(),
    )
    assert same.id == row.id and same.expires_at == later
    assert access.current_token(same, SECRET, utcnow()) == token  # the handout still works


def test_renewing_a_turned_off_link_makes_a_new_one(ctx):
    couple = make_couple(make_counselor())
    partner = couple.partners[0]
    row, old = _issue(partner)
    access.turn_off(partner.id, utcnow())
    db.session.refresh(row)
    renewed = access.renew_for_homework(
        partner, due_date=utcnow().date(), grace_days=GRACE, secret_key=SECRET, now=utcnow()
    )
    new = access.current_token(renewed, SECRET, utcnow())
    assert new and new != old
    assert access.find_access(old, utcnow()) is None


def _legacy_link(couple, partner, *, due_in_days: int = 7, status: str = "active"):
    """A per-assignment link as the app made them before one link per partner.

    The assignment is inserted with the columns it had then (a Core insert), so this also
    works on a database migrated only that far (tests/partner/test_migration.py)."""
    due_date = utcnow().date() + timedelta(days=due_in_days)
    assignment_id = db.session.execute(
        insert(Assignment.__table__)
        .values(
            couple_id=couple.id,
            exercise_id=make_exercise().id,
            title="Old homework",
            snapshot={"prompts": []},
            note="",
            due_date=due_date,
            frequency="once",
            status=status,
            created_at=utcnow(),
            review_remarks="",
        )
        .returning(Assignment.__table__.c.id)
    ).scalar_one()
    link = PartnerLink(
        assignment_id=assignment_id,
        partner=partner,
        expires_at=legacy_links.expiry_for(due_date, GRACE),
    )
    db.session.add(link)
    db.session.flush()
    token = legacy_links.issue(link, SECRET, utcnow())
    db.session.flush()
    return SimpleNamespace(id=assignment_id, due_date=due_date), link, token


def test_an_old_per_assignment_link_opens_the_partners_home(ctx):
    couple = make_couple(make_counselor())
    partner = couple.partners[1]
    _issue(partner)
    assignment, _, old = _legacy_link(couple, partner)
    found = access.find_access(old, utcnow())
    assert found.partner_id == partner.id and found.legacy_assignment_id == assignment.id


def test_old_links_die_when_expired_cancelled_turned_off_or_reissued(ctx):
    couple = make_couple(make_counselor())
    partner = couple.partners[0]
    _issue(partner)
    _, link, expired = _legacy_link(couple, partner, due_in_days=-30)
    assert access.find_access(expired, utcnow()) is None
    _, _, cancelled = _legacy_link(couple, partner, status="cancelled")
    assert access.find_access(cancelled, utcnow()) is None
    _, _, old = _legacy_link(couple, partner)
    _issue(partner)  # a new link: the handouts of before stop working too
    assert access.find_access(old, utcnow()) is None
    _, _, older = _legacy_link(couple, partner)
    access.turn_off(partner.id, utcnow())
    assert access.find_access(older, utcnow()) is None
