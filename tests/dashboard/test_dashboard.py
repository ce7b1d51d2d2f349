"""The counselor's home page: counts, due and overdue homework, new entries, the feed."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import event

from practice.extensions import db
from practice.homework.finished import refresh_finished
from practice.homework.models import Entry
from practice.timeutil import utcnow
from tests.factories import make_assignment, make_counselor, make_couple, make_exercise

_keys = iter(range(10**6))


def add_entry(assignment, partner, **fields) -> Entry:
    entry = Entry(
        assignment_id=assignment.id,
        partner_id=partner.id,
        answers={"touched_me": "words"},
        submission_key=f"dash-key-{next(_keys):08d}",
        **fields,
    )
    db.session.add(entry)
    db.session.flush()
    refresh_finished([assignment.id])  # as the entry service does
    return entry


def build_practice(counselor, couples: int) -> None:
    exercise = make_exercise()
    for n in range(couples):
        couple = make_couple(counselor, (f"Ann{n} Lee", f"Bo{n} Ng"))
        due, _ = make_assignment(couple, exercise, due_in_days=3, note="")
        overdue, _ = make_assignment(couple, exercise, due_in_days=-2, note="")
        add_entry(due, couple.partners[0], completion_note=f"note{n}", private_note="hush")
        add_entry(overdue, couple.partners[1])


def test_empty_dashboard(signed_in):
    page = signed_in.get("/").get_data(as_text=True)
    assert "No couples yet" in page and "No entries yet" in page


def test_dashboard_shows_due_overdue_new_and_feed(app, signed_in, counselor):
    with app.app_context():
        build_practice(counselor, 2)
        other = make_counselor(email="someone@example.org")
        hidden = make_couple(other, ("Hidden Person", "Secret Partner"))
        assignment, _ = make_assignment(hidden, due_in_days=1)
        add_entry(assignment, hidden.partners[0])
        done, _ = make_assignment(
            make_couple(counselor, ("Done Dee", "Done Dan")), due_in_days=-1, partners=[]
        )
        db.session.commit()
    page = signed_in.get("/").get_data(as_text=True)
    stats = [int(n) for n in re.findall(r'stat-number">(\d+)<', page)]
    assert stats == [3, 2, 2, 4]  # couples, due this week, overdue, new entries
    assert "Ann0 Lee &amp; Bo0 Ng" in page and "Ann1 Lee" in page
    assert "Hidden" not in page and "Secret" not in page
    assert "Done Dee" not in page  # nobody was assigned: nothing to chase
    assert page.count("Private note") == 2 and "note1" in page
    assert "2 new entries" in page

    response = signed_in.post("/seen")
    assert response.status_code == 302
    page = signed_in.get("/").get_data(as_text=True)
    assert "No new entries since" in page and ">New<" not in page


def test_entries_read_on_the_couple_page_are_not_new(app, signed_in, counselor):
    with app.app_context():
        couple = make_couple(counselor)
        assignment, _ = make_assignment(couple)
        add_entry(assignment, couple.partners[0])
        db.session.commit()
        couple_id = couple.id
    assert "1 new entry" in signed_in.get("/").get_data(as_text=True)
    signed_in.get(f"/couples/{couple_id}")
    assert "No new entries" in signed_in.get("/").get_data(as_text=True)


def test_overdue_counts_only_unfinished_homework(app, signed_in, counselor):
    with app.app_context():
        couple = make_couple(counselor)
        finished, _ = make_assignment(couple, due_in_days=-1)
        for partner in couple.partners:
            add_entry(finished, partner)
        db.session.commit()
    page = signed_in.get("/").get_data(as_text=True)
    assert "Nothing overdue." in page


def count_statements(app, client, url: str) -> int:
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def test_query_count_does_not_grow_with_data(app, signed_in, counselor):
    with app.app_context():
        build_practice(counselor, 1)
        db.session.commit()
    small = count_statements(app, signed_in, "/")
    with app.app_context():
        build_practice(db.session.merge(counselor), 12)
        db.session.commit()
    assert count_statements(app, signed_in, "/") == small


def test_couple_page_query_count_does_not_grow_with_entries(app, signed_in, counselor):
    with app.app_context():
        couple = make_couple(counselor)
        assignment, _ = make_assignment(couple)
        add_entry(assignment, couple.partners[0])
        db.session.commit()
        couple_id = couple.id
    small = count_statements(app, signed_in, f"/couples/{couple_id}")
    with app.app_context():
        couple = db.session.get(type(couple), couple_id)
        for _ in range(5):
            more, _ = make_assignment(couple)
            for partner in couple.partners:
                add_entry(more, partner, created_at=utcnow() - timedelta(hours=1))
        db.session.commit()
    assert count_statements(app, signed_in, f"/couples/{couple_id}") == small
