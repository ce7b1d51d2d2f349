"""The partner's home through the test client: all homework listed, each opens under the
same link, privacy across homework of the same couple, wrong owner, old links, and the same
kind page for every link that does not work."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import current_app

from practice.extensions import db
from practice.homework.models import Entry
from practice.partner import access
from practice.timeutil import utcnow
from tests.factories import make_assignment, make_counselor, make_couple, make_exercise

PROMPTS = [{"key": "thought", "type": "text", "label": "What did you notice?"}]


def assign(couple, title: str, **fields):
    """Homework for the couple (both partners unless `partners`), as the counselor assigns it."""
    assignment, legacy = make_assignment(
        couple, make_exercise(title=title, prompts=PROMPTS), **fields
    )
    for link in assignment.links:
        access.renew_for_homework(
            link.partner,
            due_date=assignment.due_date,
            grace_days=14,
            secret_key=current_app.config["SECRET_KEY"],
            now=utcnow(),
        )
    return assignment, legacy


def token_of(partner) -> str:
    return access.current_token(
        access.access_of(partner.id), current_app.config["SECRET_KEY"], utcnow()
    )


def write(assignment, partner, text: str, visibility: str = "partner", private: str = ""):
    db.session.add(
        Entry(
            assignment_id=assignment.id,
            partner_id=partner.id,
            answers={"thought": text},
            visibility=visibility,
            private_note=private,
            submission_key=f"key-{assignment.id}-{partner.id}-{text[:20]}-{visibility}",
        )
    )
    db.session.flush()


@pytest.fixture
def practice(app):
    """A couple with three homework for both, one for Ana alone, and another couple."""
    with app.app_context():
        counselor = make_counselor()
        couple = make_couple(counselor)
        ana, ben = couple.partners
        talks = assign(couple, "Daily check-in", frequency="daily", due_in_days=10)[0]
        letters = assign(couple, "Love letters", frequency="weekly", times_per_week=3)[0]
        once = assign(couple, "Map of our week", due_in_days=3)[0]
        solo = assign(couple, "Ana's own", partners=[ana])[0]
        other = make_couple(counselor, ("Cleo Ray", "Dev Patel"))
        theirs = assign(other, "Someone else's homework")[0]
        db.session.commit()
        return {
            "ana": token_of(ana),
            "ben": token_of(ben),
            "cleo": token_of(other.partners[0]),
            "ids": {
                "talks": talks.id,
                "letters": letters.id,
                "once": once.id,
                "solo": solo.id,
                "theirs": theirs.id,
            },
            "ana_id": ana.id,
            "ben_id": ben.id,
        }


def test_home_lists_every_current_homework_with_due_date_and_progress(client, practice):
    page = client.get(f"/h/{practice['ana']}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Hi <bdi>Ana</bdi>" in text and "Dr. Rivera" in text
    for title in ("Daily check-in", "Love letters", "Map of our week", "Ana&#39;s own"):
        assert title in text
    assert "0 of 3 this week" in text and "Not started" in text
    assert "Someone else" not in text
    assert page.headers["Referrer-Policy"] == "no-referrer"
    # Ben was not given Ana's own homework.
    assert "Ana&#39;s own" not in client.get(f"/h/{practice['ben']}").get_data(as_text=True)


def test_each_homework_opens_under_the_same_link_and_saves(client, practice, app):
    home = client.get(f"/h/{practice['ana']}").get_data(as_text=True)
    paths = re.findall(r'href="(/h/[^"]+/homework/\d+)"', home)
    assert len(paths) == 4
    for path in paths:
        page = client.get(path)
        assert page.status_code == 200 and "All your homework" in page.get_data(as_text=True)
    path = f"/h/{practice['ana']}/homework/{practice['ids']['letters']}"
    form = {
        "submission_key": "k" * 32,
        "a-thought": "We wrote three letters",
        "visibility": "partner",
    }
    saved = client.post(path, data=form)
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert "Your entry is saved" in saved.get_data(as_text=True)
    again = client.post(path, data=form)  # a double submit stores one entry
    assert again.status_code == 200
    with app.app_context():
        assert db.session.query(Entry).count() == 1
    home = client.get(f"/h/{practice['ana']}").get_data(as_text=True)
    assert "1 of 3 this week" in home and "We wrote three letters" in home
    assert "We wrote three letters" in client.get(f"/h/{practice['ben']}").get_data(as_text=True)


def test_privacy_holds_across_homework_of_the_couple(client, practice, app):
    ids = practice["ids"]
    with app.app_context():
        from practice.couples.models import Partner
        from practice.homework.models import Assignment

        ana, ben = (db.session.get(Partner, practice[k]) for k in ("ana_id", "ben_id"))
        talks, letters = (db.session.get(Assignment, ids[k]) for k in ("talks", "letters"))
        write(talks, ben, "BEN-SHARED", "partner")
        write(talks, ben, "BEN-COUNSELOR-ONLY", "counselor")
        write(letters, ben, "BEN-AFTER-BOTH", "after_both", private="BEN-SAFETY-BOX")
        write(talks, ana, "ANA-OWN", "counselor")
        db.session.commit()
    home = client.get(f"/h/{practice['ana']}").get_data(as_text=True)
    assert "BEN-SHARED" in home and "ANA-OWN" in home
    for hidden in ("BEN-COUNSELOR-ONLY", "BEN-AFTER-BOTH", "BEN-SAFETY-BOX"):
        assert hidden not in home
    # Ana writing to another homework does not open Ben's "after both" entry.
    assert "BEN-AFTER-BOTH" not in client.get(
        f"/h/{practice['ana']}/homework/{ids['talks']}"
    ).get_data(as_text=True)
    assert "you will see once you send your own" in home
    client.post(
        f"/h/{practice['ana']}/homework/{ids['letters']}",
        data={"submission_key": "a" * 32, "a-thought": "mine", "visibility": "after_both"},
    )
    home = client.get(f"/h/{practice['ana']}").get_data(as_text=True)
    assert "BEN-AFTER-BOTH" in home and "BEN-SAFETY-BOX" not in home
    assert "BEN-COUNSELOR-ONLY" not in home
    ben_home = client.get(f"/h/{practice['ben']}").get_data(as_text=True)
    assert "ANA-OWN" not in ben_home


def _is_kind_gone_page(response) -> bool:
    text = response.get_data(as_text=True)
    return (
        response.status_code == 404
        and "This link does not work" in text
        and ("Traceback" not in text)
    )


def test_wrong_owner_is_the_same_kind_page_as_an_unknown_link(client, practice):
    ids = practice["ids"]
    unknown = client.get(f"/h/{'x' * 43}")
    assert _is_kind_gone_page(unknown)
    for path in (
        f"/h/{practice['ana']}/homework/{ids['theirs']}",  # another couple's
        f"/h/{practice['ben']}/homework/{ids['solo']}",  # the other partner's alone
        f"/h/{practice['ana']}/homework/999999",
        f"/h/{'x' * 43}/homework/{ids['talks']}",
    ):
        response = client.get(path)
        assert _is_kind_gone_page(response), path
        assert response.get_data() == unknown.get_data()
        assert _is_kind_gone_page(client.post(path, data={"a-thought": "x"})), path


def test_expired_turned_off_and_archived_links_get_the_kind_page(client, practice, app):
    with app.app_context():
        access.turn_off(practice["ben_id"], utcnow())
        row = access.access_of(practice["ana_id"])
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert _is_kind_gone_page(client.get(f"/h/{practice['ben']}"))
    assert _is_kind_gone_page(client.get(f"/h/{practice['ana']}"))
    assert client.get(f"/h/{practice['cleo']}").status_code == 200
    with app.app_context():
        from practice.couples.models import Couple

        couple = db.session.execute(db.select(Couple).where(Couple.id != 1)).scalars().first()
        access.end_for_couple(couple.id, utcnow())
        db.session.commit()
    assert _is_kind_gone_page(client.get(f"/h/{practice['cleo']}"))


def test_an_old_per_homework_link_opens_the_home_and_its_stale_form_still_saves(app, client):
    with app.app_context():
        couple = make_couple(make_counselor())
        assignment, legacy = assign(couple, "From before")
        ana = couple.partners[0]
        old = legacy[ana.id]
        db.session.commit()
        assignment_id, ana_id = assignment.id, ana.id
    home = client.get(f"/h/{old}")
    assert home.status_code == 200 and "From before" in home.get_data(as_text=True)
    # A page opened before the change posts its form to the old address: it is saved there.
    saved = client.post(
        f"/h/{old}",
        data={
            "submission_key": "s" * 32,
            "a-thought": "sent from an old tab",
            "visibility": "partner",
        },
    )
    assert "Your entry is saved" in saved.get_data(as_text=True)
    with app.app_context():
        entry = db.session.query(Entry).one()
        assert (entry.assignment_id, entry.partner_id) == (assignment_id, ana_id)


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "مرحبا بالعالم שלום 你好 🙂👩‍❤️‍👨",
        "x" * 40_000,
    ],
)
def test_payloads_and_any_script_are_shown_as_text(client, practice, app, text):
    with app.app_context():
        from practice.couples.models import Partner
        from practice.homework.models import Assignment

        ben = db.session.get(Partner, practice["ben_id"])
        write(db.session.get(Assignment, practice["ids"]["talks"]), ben, text, "partner")
        db.session.commit()
    page = client.get(f"/h/{practice['ana']}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<script>alert(1)" not in body and "<img src=x" not in body
    if text.startswith("م"):
        assert text in body


def test_history_shows_the_latest_entries_newest_first_and_all_on_request(client, practice, app):
    with app.app_context():
        from practice.couples.models import Partner
        from practice.homework.models import Assignment

        ben = db.session.get(Partner, practice["ben_id"])
        talks = db.session.get(Assignment, practice["ids"]["talks"])
        for number in range(12):
            db.session.add(
                Entry(
                    assignment_id=talks.id,
                    partner_id=ben.id,
                    answers={"thought": f"NOTE-{number:02d}"},
                    visibility="partner",
                    submission_key=f"history-{number}",
                    created_at=utcnow() - timedelta(hours=12 - number),
                )
            )
        db.session.commit()
    home = client.get(f"/h/{practice['ana']}").get_data(as_text=True)
    assert "Showing the latest 10 of 12 entries" in home
    assert "NOTE-01" not in home and home.index("NOTE-11") < home.index("NOTE-02")
    everything = client.get(f"/h/{practice['ana']}?all=1").get_data(as_text=True)
    assert all(f"NOTE-{n:02d}" in everything for n in range(12))
