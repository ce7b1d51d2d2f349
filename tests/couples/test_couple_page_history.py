"""The couple page stays readable after years of homework: current homework in full with its
latest entries, older homework one line each; nothing is out of the counselor's reach."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from practice.extensions import db
from practice.homework import read
from practice.homework.models import Entry
from practice.partner import services as partner_services
from practice.timeutil import utcnow
from tests.factories import make_assignment, make_counselor, make_couple, make_exercise

_keys = iter(range(10**6))


def add_entry(assignment, partner, note: str, minutes_ago: int) -> Entry:
    entry = Entry(
        assignment_id=assignment.id,
        partner_id=partner.id,
        answers={},
        completion_note=note,
        submission_key=f"history-key-{next(_keys):08d}",
        created_at=utcnow() - timedelta(minutes=minutes_ago),
    )
    db.session.add(entry)
    return entry


def old_assignment(couple, exercise, weeks_ago: int, **fields):
    assignment, _ = make_assignment(couple, exercise, due_in_days=-7 * weeks_ago, **fields)
    assignment.reviewed_at = utcnow() - timedelta(weeks=weeks_ago)
    return assignment


def test_current_homework_in_full_older_on_lines_and_on_their_own_pages(app, signed_in, counselor):
    with app.app_context():
        couple = make_couple(counselor)
        exercise = make_exercise()
        current, _ = make_assignment(couple, exercise, due_in_days=3, note="Current one")
        ana = couple.partners[0]
        for n in range(read.LATEST_ENTRIES + 4):
            add_entry(current, ana, f"current note {n}", minutes_ago=100 - n)
        older = [old_assignment(couple, exercise, weeks) for weeks in range(4, 4 + 12)]
        add_entry(older[-1], ana, "the oldest homework's entry", minutes_ago=60 * 24 * 120)
        db.session.commit()
        couple_id, current_id, oldest_id = couple.id, current.id, older[-1].id

    page = signed_in.get(f"/couples/{couple_id}").get_data(as_text=True)
    # The latest entries of current homework, newest first; the rest one click away.
    shown = re.findall(r"current note (\d+)", page)
    newest = read.LATEST_ENTRIES + 3
    assert shown == [str(n) for n in range(newest, newest - read.LATEST_ENTRIES, -1)]
    total = read.LATEST_ENTRIES + 4
    assert f"Show all {total} entries" in page
    assert f'href="/homework/{current_id}"' in page
    # Older homework: counted, the latest few listed, every one reachable.
    assert "Older homework (12)" in page
    assert "the oldest homework&#39;s entry" not in page
    assert f'href="/couples/{couple_id}/homework"' in page

    whole = signed_in.get(f"/homework/{current_id}").get_data(as_text=True)
    assert re.findall(r"current note (\d+)", whole) == [str(n) for n in range(total - 1, -1, -1)]

    listing = signed_in.get(f"/couples/{couple_id}/homework").get_data(as_text=True)
    assert "13 assignments" in listing
    assert f'href="/homework/{oldest_id}"' in listing
    oldest = signed_in.get(f"/homework/{oldest_id}").get_data(as_text=True)
    assert "the oldest homework&#39;s entry" in oldest


def test_homework_list_pages_through_everything(app, signed_in, counselor):
    with app.app_context():
        couple = make_couple(counselor)
        exercise = make_exercise()
        ids = [old_assignment(couple, exercise, weeks).id for weeks in range(4, 4 + 30)]
        db.session.commit()
        couple_id = couple.id
    seen: list[int] = []
    page_number = 1
    while True:
        page = signed_in.get(f"/couples/{couple_id}/homework?page={page_number}")
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        seen += [int(n) for n in re.findall(r'<li id="assignment-(\d+)"', body)]
        if "Next page" not in body:
            break
        page_number += 1
    assert page_number == 2
    assert sorted(seen) == sorted(ids)
    # Past the end: an empty page, not an error.
    assert signed_in.get(f"/couples/{couple_id}/homework?page=99").status_code == 200


def test_entries_read_on_the_assignment_page_are_seen(app, signed_in, counselor):
    with app.app_context():
        couple = make_couple(counselor)
        exercise = make_exercise()
        assignment, _ = make_assignment(couple, exercise, due_in_days=3)
        for n in range(read.LATEST_ENTRIES + 2):
            add_entry(assignment, couple.partners[0], f"n{n}", minutes_ago=50 - n)
        db.session.commit()
        couple_id, assignment_id = couple.id, assignment.id

    signed_in.get(f"/couples/{couple_id}")
    with app.app_context():
        unseen = (
            db.session.execute(
                select(Entry.completion_note).where(
                    Entry.assignment_id == assignment_id, Entry.seen_at.is_(None)
                )
            )
            .scalars()
            .all()
        )
    # Only what the couple page showed is marked seen; the two older ones still wait.
    assert sorted(unseen) == ["n0", "n1"]
    signed_in.get(f"/homework/{assignment_id}")
    with app.app_context():
        assert (
            db.session.execute(
                select(Entry.id).where(
                    Entry.assignment_id == assignment_id, Entry.seen_at.is_(None)
                )
            ).first()
            is None
        )


def test_actions_on_older_homework_come_back_to_its_own_page(app, signed_in, counselor):
    with app.app_context():
        couple = make_couple(counselor)
        old = old_assignment(couple, make_exercise(), 10)
        db.session.commit()
        old_id = old.id
    response = signed_in.post(f"/homework/{old_id}/review", data={"remarks": "Talked it over"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/homework/{old_id}"


def test_other_counselors_cannot_open_the_new_pages(app, client, auth, counselor):
    with app.app_context():
        couple = make_couple(counselor)
        assignment, _ = make_assignment(couple, make_exercise())
        other = make_counselor(email="other@example.org")
        db.session.commit()
        couple_id, assignment_id, other_email = couple.id, assignment.id, other.email
    auth.login(other_email)
    assert client.get(f"/couples/{couple_id}/homework").status_code == 404
    assert client.get(f"/homework/{assignment_id}").status_code == 404


def test_when_shows_the_local_day_of_a_local_time(app):
    """04:00 on 4 December in Chicago is 10:00 UTC: the day shown is the 4th, not the 3rd
    (the time was once converted to the zone twice)."""
    from datetime import datetime

    from practice.formatting import when

    app.config["DEFAULT_TIMEZONE"] = "America/Chicago"
    with app.app_context():
        shown = when(datetime(2030, 12, 4, 10, 0))
    assert shown.startswith("Wed 4 Dec") and shown.endswith("04:00"), shown


def test_client_page_shows_the_latest_entries_and_all_on_request(app, client, counselor):
    with app.app_context():
        couple = make_couple(counselor)
        assignment, tokens = make_assignment(couple, make_exercise(), frequency="daily")
        ana = couple.partners[0]
        total = partner_services.HISTORY_SHOWN + 3
        for n in range(total):
            add_entry(assignment, ana, f"day {n} went fine", minutes_ago=10_000 - n)
        db.session.commit()
        path = f"/h/{tokens[ana.id]}"
    page = client.get(path).get_data(as_text=True)
    shown = [int(n) for n in re.findall(r"day (\d+) went fine", page)]
    assert shown == list(range(total - 1, total - 1 - partner_services.HISTORY_SHOWN, -1))
    assert f"Showing the latest {partner_services.HISTORY_SHOWN} of {total} entries" in page
    assert 'href="?all=1#history-heading"' in page
    everything = client.get(f"{path}?all=1").get_data(as_text=True)
    assert [int(n) for n in re.findall(r"day (\d+) went fine", everything)] == list(
        range(total - 1, -1, -1)
    )
    assert "Showing the latest" not in everything


def test_dashboard_lists_ten_lines_and_all_on_request(app, signed_in, counselor):
    from practice.dashboard.services import SHOWN

    with app.app_context():
        exercise = make_exercise()
        for n in range(SHOWN + 2):
            make_assignment(
                make_couple(counselor, (f"Dash{n:02d} Lee", f"Pat{n:02d} Ng")),
                exercise,
                due_in_days=2,
            )
        db.session.commit()
    page = signed_in.get("/").get_data(as_text=True)
    assert len(re.findall(r">Dash\d\d Lee &amp;", page)) == SHOWN
    assert f"Show all {SHOWN + 2}" in page
    assert 'href="/dashboard/due"' in page
    everything = signed_in.get("/dashboard/due").get_data(as_text=True)
    assert len(re.findall(r">Dash\d\d Lee &amp;", everything)) == SHOWN + 2


def test_couple_page_lists_the_latest_sessions_and_all_on_request(app, signed_in, counselor):
    from practice.sessions.models import CounselingSession
    from practice.sessions.services import SESSIONS_SHOWN

    with app.app_context():
        couple = make_couple(counselor)
        total = SESSIONS_SHOWN + 4
        ids = []
        for week in range(total):
            counseling_session = CounselingSession(
                couple=couple,
                starts_at=utcnow() - timedelta(weeks=total - week),
                duration_minutes=50,
                format="in_person",
                attendance="both",
                focus=f"Focus of week {week}",
            )
            db.session.add(counseling_session)
            db.session.flush()
            ids.append(counseling_session.id)
        db.session.commit()
        couple_id = couple.id
    page = signed_in.get(f"/couples/{couple_id}").get_data(as_text=True)
    shown = [int(n) for n in re.findall(r"Focus of week (\d+)", page)]
    assert shown == list(range(total - 1, total - 1 - SESSIONS_SHOWN, -1))
    assert f"Show all {total} sessions" in page
    everything = signed_in.get(f"/couples/{couple_id}?sessions=all").get_data(as_text=True)
    assert len(re.findall(r"Focus of week \d+", everything)) == total
    assert f'href="/sessions/{ids[0]}"' in everything
