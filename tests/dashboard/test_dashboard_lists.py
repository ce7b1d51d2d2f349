"""The dashboard lists what someone still has to do: homework both partners finished leaves
"Due this week"; each list shows its first lines and "Show all" opens the rest on its own
page; the feed shows what partners answered."""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from practice.dashboard import services as dashboard
from practice.extensions import db
from practice.homework.finished import expected_entries_sql, refresh_finished
from practice.homework.models import Assignment, Entry
from practice.homework.progress import expected_entries
from practice.timeutil import utcnow
from tests.factories import make_assignment, make_couple, make_exercise

_keys = itertools.count(1)


def add_entry(assignment, partner, **fields) -> Entry:
    entry = Entry(
        assignment_id=assignment.id,
        partner_id=partner.id,
        answers=fields.pop("answers", {}),
        submission_key=f"lists-{next(_keys):06d}",
        **fields,
    )
    db.session.add(entry)
    db.session.flush()
    refresh_finished([assignment.id])
    return entry


def stats(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'stat-number">(\d+)<', page)]


def test_homework_both_partners_finished_leaves_due_this_week(app, signed_in, counselor):
    with app.app_context():
        couple = make_couple(counselor, ("Yusuf Haddad", "Noa Cohen"))
        done, _ = make_assignment(couple, due_in_days=2)
        half, _ = make_assignment(couple, due_in_days=3, exercise=make_exercise(title="Half"))
        for partner in couple.partners:
            add_entry(done, partner)
        add_entry(half, couple.partners[0])
        db.session.commit()
        done_title = done.title
    page = signed_in.get("/").get_data(as_text=True)
    assert stats(page)[1] == 1  # due this week: only the half-done one
    due = page[page.index('id="due-heading"') : page.index('id="new-heading"')]
    assert "Half" in due and done_title not in due


def test_a_partner_sending_through_their_link_finishes_the_homework(
    app, client, signed_in, counselor
):
    with app.app_context():
        couple = make_couple(counselor, ("Ana Silva", "Ben Okafor"))
        assignment, tokens = make_assignment(couple, due_in_days=2)
        db.session.commit()
        assignment_id = assignment.id
        partner_ids = [p.id for p in couple.partners]
    for partner_id in partner_ids:
        form = client.get(f"/h/{tokens[partner_id]}").get_data(as_text=True)
        key = re.search(r'name="submission_key" value="([^"]+)"', form).group(1)
        data = {
            "submission_key": key,
            "n-three_things": "3",
            "a-touched_me": "Your tea",
            "visibility": "counselor",
        }
        assert client.post(f"/h/{tokens[partner_id]}", data=data).status_code == 200
    with app.app_context():
        assert db.session.get(Assignment, assignment_id).finished_at is not None
    page = signed_in.get("/").get_data(as_text=True)
    assert stats(page)[1] == 0 and "Ana Silva" not in page.split('id="due-heading"')[1][:400]


def test_a_later_due_date_can_unfinish_daily_homework(app, counselor):
    with app.app_context():
        couple = make_couple(counselor)
        assignment, _ = make_assignment(couple, due_in_days=1, frequency="daily")
        for partner in couple.partners:
            add_entry(assignment, partner)
        db.session.expire_all()
        assert db.session.get(Assignment, assignment.id).finished_at is not None
        from practice.homework.assigning import update_assignment

        update_assignment(assignment, date.today() + timedelta(days=5), "", 14)
        db.session.expire_all()
        assert db.session.get(Assignment, assignment.id).finished_at is None


CASES = [
    (frequency, times, assigned_days_before, due_in)
    for frequency, times in (
        ("once", None),
        ("daily", None),
        ("weekly", 1),
        ("weekly", 3),
        ("weekly", 7),
        ("weekly", None),
    )
    for assigned_days_before in (0, 1, 6, 13, 100)
    for due_in in (-70, -3, 0, 1, 6, 7, 8, 14, 29, 90)
]


def test_the_sql_rule_gives_the_same_expected_entries_as_python(app, counselor):
    """Every combination of frequency, start and due date: the database's count equals the
    one the couple page shows (progress.expected_entries)."""
    with app.app_context():
        couple = make_couple(counselor)
        now = datetime(2026, 6, 15, 23, 30)  # late evening: the date part must be used
        rows = []
        for frequency, times, before, due_in in CASES:
            created = now - timedelta(days=before)
            rows.append(
                Assignment(
                    couple_id=couple.id,
                    title="t",
                    snapshot={},
                    frequency=frequency,
                    times_per_week=times,
                    created_at=created,
                    due_date=now.date() + timedelta(days=due_in),
                    status="active",
                )
            )
        db.session.add_all(rows)
        db.session.flush()
        in_sql = dict(
            db.session.execute(
                select(Assignment.id, expected_entries_sql()).where(
                    Assignment.couple_id == couple.id
                )
            ).all()
        )
        for row in rows:
            python = expected_entries(
                row.frequency, row.times_per_week, row.created_at.date(), row.due_date
            )
            assert in_sql[row.id] == python, (
                row.frequency,
                row.times_per_week,
                row.created_at,
                row.due_date,
            )


def test_open_homework_is_split_at_today_within_the_window(app, counselor):
    """Overdue from OVERDUE_WINDOW_DAYS ago to yesterday, due from today to six days ahead,
    soonest first in each list (one statement reads both; the split is made in Python)."""
    with app.app_context():
        exercise = make_exercise()
        couple = make_couple(counselor)
        for days in (
            7,
            6,
            0,
            -1,
            -dashboard.OVERDUE_WINDOW_DAYS,
            -dashboard.OVERDUE_WINDOW_DAYS - 1,
        ):
            make_assignment(couple, exercise, due_in_days=days)
        db.session.commit()
        today = utcnow().date()
        board = dashboard.build_dashboard(counselor, today)
        ahead = [(item.due_date - today).days for item in board.due_this_week]
        behind = [(item.due_date - today).days for item in board.overdue]
        assert (ahead, board.due_count) == ([0, 6], 2)
        assert (behind, board.overdue_count) == ([-dashboard.OVERDUE_WINDOW_DAYS, -1], 2)
        assert dashboard.homework_list(counselor, today, "due") == board.due_this_week
        assert dashboard.homework_list(counselor, today, "overdue") == board.overdue


@pytest.mark.parametrize(
    ("kind", "path", "heading"),
    [
        ("overdue", "/dashboard/overdue", "Overdue"),
        ("due", "/dashboard/due", "Due this week"),
    ],
)
def test_show_all_opens_its_own_page(app, signed_in, counselor, kind, path, heading):
    total = dashboard.SHOWN + 3
    with app.app_context():
        exercise = make_exercise()
        for n in range(total):
            couple = make_couple(counselor, (f"Person{n:02d} Lee", f"Other{n:02d} Ng"))
            make_assignment(couple, exercise, due_in_days=-2 if kind == "overdue" else 2)
        db.session.commit()
    page = signed_in.get("/").get_data(as_text=True)
    assert len(re.findall(r"<bdi>Person\d\d Lee &amp;", page)) == dashboard.SHOWN
    assert f'<a href="{path}">Show all {total}</a>' in page
    everything = signed_in.get(path).get_data(as_text=True)
    assert f'<h1>{heading} <span class="muted">({total})</span></h1>' in everything
    assert len(re.findall(r"<bdi>Person\d\d Lee &amp;", everything)) == total


def test_new_entries_show_all(app, signed_in, counselor):
    with app.app_context():
        exercise = make_exercise()
        for n in range(dashboard.SHOWN + 2):
            couple = make_couple(counselor, (f"Person{n:02d} Lee", f"Other{n:02d} Ng"))
            assignment, _ = make_assignment(couple, exercise, due_in_days=20)
            add_entry(assignment, couple.partners[0])
        db.session.commit()
    page = signed_in.get("/").get_data(as_text=True)
    assert f"Show all {dashboard.SHOWN + 2} couples" in page
    everything = signed_in.get("/dashboard/new").get_data(as_text=True)
    assert everything.count("1 new entry") == dashboard.SHOWN + 2


def test_recent_entries_show_the_answers_not_only_the_note(app, signed_in, counselor):
    with app.app_context():
        couple = make_couple(counselor, ("يوسف حداد", "נועה כהן"))
        exercise = make_exercise()
        assignment, _ = make_assignment(couple, exercise, due_in_days=20)
        prompts = exercise.snapshot()["prompts"]
        first = prompts[0]
        value = ["tea", "a walk"] if first["type"] == "list" else "حين أعددت لي الشاي"
        add_entry(
            assignment,
            couple.partners[0],
            answers={first["key"]: value},
            completion_note="It went well",
        )
        db.session.commit()
        label = first["label"]
    page = signed_in.get("/").get_data(as_text=True)
    feed = page[page.index('id="feed-heading"') :]
    assert f'<dt dir="auto">{label}</dt>' in feed
    assert ("tea · a walk" if isinstance(value, list) else value) in feed
    assert "How it went" in feed and "It went well" in feed
    assert "<bdi>يوسف حداد</bdi>" in feed


def test_the_dashboard_runs_the_same_statements_however_large(app, signed_in, counselor):
    from tests.dashboard.test_dashboard import build_practice, count_statements

    with app.app_context():
        build_practice(counselor, 1)
        db.session.commit()
    small = count_statements(app, signed_in, "/")
    with app.app_context():
        build_practice(db.session.merge(counselor), 25)
        db.session.commit()
    assert count_statements(app, signed_in, "/") == small


def test_progress_flags_show_the_first_couples_and_all_on_their_own_page(app, signed_in, counselor):
    from practice.measures.scheduling import request_measure
    from tests.measures.conftest import answer, csi_answers, load_measures

    total = dashboard.SHOWN + 3
    today = date.today()
    with app.app_context():
        csi = load_measures()
        for n in range(total):
            couple = make_couple(counselor, (f"Person{n:02d} Lee", f"Other{n:02d} Ng"))
            request_measure(couple, csi, "weekly", today - timedelta(days=today.weekday()))
            db.session.commit()
            answer(couple.partners[0], today, csi_answers(8))  # below the cutoff of 13.5
    flagged = r'<h3><a href="/couples/\d+/progress"><bdi>Person(\d\d) Lee &amp;'
    page = signed_in.get("/").get_data(as_text=True)
    # The first couples by name, and the way to the rest.
    assert re.findall(flagged, page) == [f"{n:02d}" for n in range(dashboard.SHOWN)]
    assert f'<a href="/dashboard/progress">Show all {total} couples</a>' in page
    everything = signed_in.get("/dashboard/progress").get_data(as_text=True)
    assert f'<h1>Progress to look at <span class="muted">({total})</span></h1>' in everything
    assert re.findall(flagged, everything) == [f"{n:02d}" for n in range(total)]
    assert everything.count("8 on Couples Satisfaction Index (CSI-4), below the cutoff") == total


def test_the_feed_shows_its_first_lines_and_the_rest_of_the_month_on_its_own_page(
    app, signed_in, counselor
):
    """The newest SHOWN entries on the dashboard, newest first; "Show more" opens the rest of
    the window on a page of its own, answers included. Another counselor's entries are on
    neither."""
    from tests.factories import make_counselor

    with app.app_context():
        couple = make_couple(counselor, ("Mira Shah", "Tom Berg"))
        assignment, _ = make_assignment(couple, due_in_days=20)
        now = datetime.now()
        for n in range(dashboard.SHOWN + 3):
            add_entry(
                assignment,
                couple.partners[n % 2],
                completion_note=f"Evening number {n:02d} 🌙",
                created_at=now - timedelta(hours=n + 1),
            )
        stranger = make_couple(make_counselor(email="other@example.org"), ("Secret Name", "X Y"))
        other, _ = make_assignment(stranger, due_in_days=20)
        add_entry(other, stranger.partners[0], completion_note="Not yours")
        db.session.commit()
    page = signed_in.get("/").get_data(as_text=True)
    feed = page[page.index('id="feed-heading"') :]
    shown = re.findall(r"Evening number (\d\d)", feed)
    assert shown == [f"{n:02d}" for n in range(dashboard.SHOWN)]  # newest first, SHOWN of them
    assert "Show more of the last 30 days" in feed
    everything = signed_in.get("/dashboard/recent").get_data(as_text=True)
    assert re.findall(r"Evening number (\d\d)", everything) == [
        f"{n:02d}" for n in range(dashboard.SHOWN + 3)
    ]
    assert "Every entry of the last 30 days" in everything
    assert "Secret Name" not in page + everything and "Not yours" not in page + everything


def test_the_feed_has_no_show_more_when_everything_is_shown(app, signed_in, counselor):
    with app.app_context():
        couple = make_couple(counselor, ("Mira Shah", "Tom Berg"))
        assignment, _ = make_assignment(couple, due_in_days=20)
        for n in range(dashboard.SHOWN):
            add_entry(assignment, couple.partners[n % 2], completion_note=f"Evening {n}")
        db.session.commit()
    page = signed_in.get("/").get_data(as_text=True)
    assert page.count("Evening ") == dashboard.SHOWN
    assert "/dashboard/recent" not in page
