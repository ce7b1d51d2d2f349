"""Homework from the counselor's side: assigning, links (hashed, expiring, revocable), ownership,
the couple page, and the whole flow from assigning to both partners' entries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from practice.extensions import db
from practice.homework import links
from practice.homework import progress as progress_of
from practice.homework.models import Assignment, Entry
from practice.sessions.models import CounselingSession
from practice.timeutil import utcnow
from tests.factories import make_assignment, make_counselor, make_couple, make_exercise


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def link_urls(page: str) -> list[str]:
    return re.findall(r'value="(http://localhost/h/[A-Za-z0-9_-]+)"', page)


@pytest.fixture
def setup(app, counselor):
    """A couple, the gratitude-list exercise, and ids."""
    with app.app_context():
        couple = make_couple(counselor)
        exercise = make_exercise(slug="gratitude-list")
        db.session.commit()
        return {
            "couple": couple.id,
            "partners": [p.id for p in couple.partners],
            "exercise": exercise.id,
        }


def assign(client, couple_id, **extra):
    data = {
        "exercises": "gratitude-list",
        "partners": "both",
        "due_date": (utcnow().date() + timedelta(days=7)).isoformat(),
        "frequency": "once",
        "times_per_week": "",
        "note": "Be kind 🌱",
        "session_id": "None",
    }
    data.update(extra)
    return client.post(f"/couples/{couple_id}/homework/new", data=data)


def test_whole_flow_assign_both_partners_submit_and_counselor_sees_it(app, signed_in, setup):
    response = assign(signed_in, setup["couple"])
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/couples/{setup['couple']}#assignment-")

    page = signed_in.get(f"/couples/{setup['couple']}").get_data(as_text=True)
    urls = link_urls(page)
    assert len(urls) == 2 and "Not started" in page
    homes = [url.removeprefix("http://localhost") for url in urls]
    # Each partner's link opens their home, and the homework opens from it.
    ana, ben = (
        re.search(
            r'href="(/h/[^"]+/homework/\d+)"', signed_in.get(home).get_data(as_text=True)
        ).group(1)
        for home in homes
    )

    for path, name, words in ((ana, "Ana", "Morning coffee"), (ben, "Ben", "Her laugh")):
        opened = signed_in.get(path)
        assert opened.status_code == 200
        body = opened.get_data(as_text=True)
        assert f"Hi <bdi>{name}</bdi>" in body and "Be kind 🌱" in body
        key = re.search(r'name="submission_key" value="([^"]+)"', body).group(1)
        saved = signed_in.post(
            path,
            data={
                "submission_key": key,
                "n-three_things": "3",
                "a-three_things-0": words,
                "a-felt_appreciated": "5",
                "completion_note": f"{name} felt close",
                "connection_rating": "4",
                "visibility": "partner",
            },
        )
        assert saved.status_code == 200
        assert "Your entry is saved" in saved.get_data(as_text=True)

    dashboard = signed_in.get("/").get_data(as_text=True)
    assert "Ana Silva" in dashboard and "Ben Okafor" in dashboard and "2 new entries" in dashboard

    page = signed_in.get(f"/couples/{setup['couple']}").get_data(as_text=True)
    assert "Morning coffee" in page and "Her laugh" in page
    assert "Ana felt close" in page and "Ben felt close" in page
    assert page.count("Completed") == 2 and page.count(">New<") == 2
    # Reading marked them seen: the next look shows nothing new.
    again = signed_in.get(f"/couples/{setup['couple']}").get_data(as_text=True)
    assert ">New<" not in again
    with app.app_context():
        assert (
            db.session.execute(
                select(func.count()).select_from(Entry).where(Entry.seen_at.is_(None))
            ).scalar_one()
            == 0
        )


def test_assign_one_partner_weekly_tied_to_a_session(app, signed_in, setup):
    with app.app_context():
        session = CounselingSession(couple_id=setup["couple"], starts_at=utcnow())
        db.session.add(session)
        db.session.commit()
        session_id = session.id
    form = signed_in.get(
        f"/couples/{setup['couple']}/homework/new?exercise=gratitude-list&session={session_id}"
    ).get_data(as_text=True)
    assert 'value="gratitude-list" id="exercises-gratitude-list" checked' in form
    assert f'<option selected value="{session_id}">' in form
    response = assign(
        signed_in,
        setup["couple"],
        partners=str(setup["partners"][1]),
        frequency="weekly",
        times_per_week="3",
        session_id=str(session_id),
    )
    assert response.status_code == 302
    with app.app_context():
        assignment = db.session.execute(select(Assignment)).scalar_one()
        assert assignment.session_id == session_id and assignment.times_per_week == 3
        assert [link.partner_id for link in assignment.links] == [setup["partners"][1]]
        progress = progress_of.assignment_progress([assignment])[assignment.id]
        assert list(progress) == [setup["partners"][1]]
        assert progress[setup["partners"][1]].expected == 3
        assert progress[setup["partners"][1]].status == "not_started"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"exercises": ""}, "Choose at least one exercise."),
        ({"exercises": "not-a-real-one"}, "is not a valid choice"),
        ({"due_date": ""}, "Enter a due date"),
        ({"due_date": "2001-01-01"}, "Choose today or a later date."),
        ({"frequency": "weekly", "times_per_week": ""}, "Enter how many times a week"),
        ({"frequency": "weekly", "times_per_week": "9"}, "Enter a number from 1 to 7."),
        ({"note": "n" * 5001}, "Keep this to 5,000 characters or fewer."),
        ({"note": "bad\x00byte"}, "Remove the invisible control characters"),
        ({"partners": "999999"}, "Not a valid choice"),
        ({"session_id": "424242"}, "Choose one of this couple&#39;s sessions."),
    ],
)
def test_assign_form_errors_keep_what_was_typed(app, signed_in, setup, extra, message):
    response = assign(signed_in, setup["couple"], **{"note": "Keep <this> note", **extra})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    if "note" not in extra:
        assert "Keep &lt;this&gt; note" in page
    with app.app_context():
        assert count(Assignment) == 0


def test_retired_and_other_counselors_exercises_cannot_be_assigned(app, signed_in, setup):
    with app.app_context():
        other = make_counselor(email="o@example.org")
        make_exercise(slug="theirs", counselor=other)
        make_exercise(slug="old", retired_at=utcnow())
        db.session.commit()
    for slug in ("theirs", "old"):
        assert assign(signed_in, setup["couple"], exercises=slug).status_code == 200
    with app.app_context():
        assert count(Assignment) == 0


def test_token_is_stored_only_as_a_hash(app, counselor):
    from practice.partner.models import PartnerAccess

    with app.app_context():
        assignment, tokens = make_assignment(make_couple(counselor))
        db.session.commit()
        for partner_id, path in tokens.items():
            token = path.split("/")[0]
            assert len(token) >= 43  # 256 bits, base64url
            row = db.session.execute(
                select(PartnerAccess).where(PartnerAccess.partner_id == partner_id)
            ).scalar_one()
            assert row.token_hash == links.hash_token(token) != token
        dump = "\n".join(
            str(row)
            for table in (
                "partner_access",
                "partner_link",
                "assignment",
                "entry",
                "couple",
                "partner",
            )
            for row in db.session.execute(text(f"SELECT * FROM {table}")).all()
        )
        for path in tokens.values():
            assert path.split("/")[0] not in dump


def test_expired_turned_off_and_new_links_get_the_kind_page(app, signed_in, counselor):
    with app.app_context():
        couple = make_couple(counselor)
        assignment, tokens = make_assignment(couple)
        db.session.commit()
        ana, ben = couple.partners[0].id, couple.partners[1].id
        couple_id = couple.id
    assert signed_in.get(f"/h/{tokens[ana]}").status_code == 200

    links_of = f"/couples/{couple_id}/partners"
    assert signed_in.post(f"{links_of}/{ana}/link/new").status_code == 302
    old = signed_in.get(f"/h/{tokens[ana]}")
    assert old.status_code == 404
    assert "ask your counselor for a new link" in old.get_data(as_text=True)
    page = signed_in.get(f"/couples/{couple_id}").get_data(as_text=True)
    new_url = [u for u in link_urls(page) if tokens[ben].split("/")[0] not in u][0]
    assert signed_in.get(new_url).status_code == 200

    assert signed_in.post(f"{links_of}/{ben}/link/off").status_code == 302
    assert signed_in.get(f"/h/{tokens[ben]}").status_code == 404
    couple_page = signed_in.get(f"/couples/{couple_id}").get_data(as_text=True)
    assert "The link was turned off" in couple_page

    with app.app_context():
        from practice.partner.models import PartnerAccess

        row = db.session.execute(
            select(PartnerAccess).where(PartnerAccess.partner_id == ana)
        ).scalar_one()
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    expired = signed_in.get(new_url)
    assert expired.status_code == 404
    body = expired.get_data(as_text=True)
    assert "Ana" not in body and "gratitude" not in body.lower()


def test_expiry_defaults_to_due_date_plus_grace_days(app, counselor):
    with app.app_context():
        assignment, _tokens = make_assignment(make_couple(counselor), due_in_days=3)
        db.session.commit()
        for link in assignment.links:
            assert link.expires_at.date() == assignment.due_date + timedelta(days=15)


def test_cancelled_homework_links_stop_working_entries_kept(app, signed_in, counselor):
    with app.app_context():
        couple = make_couple(counselor)
        assignment, tokens = make_assignment(couple)
        db.session.commit()
        assignment_id, token = assignment.id, next(iter(tokens.values()))
    signed_in.post(token_path(token), data={"a-touched_me": "hello", "submission_key": "k" * 32})
    assert signed_in.post(f"/homework/{assignment_id}/cancel").status_code == 302
    assert signed_in.get(token_path(token)).status_code == 404
    with app.app_context():
        assert count(Entry) == 1


def token_path(token: str) -> str:
    return f"/h/{token}"


def test_edit_due_date_moves_live_link_expiry_and_review(app, signed_in, counselor):
    with app.app_context():
        assignment, _tokens = make_assignment(make_couple(counselor))
        db.session.commit()
        assignment_id = assignment.id
    later = utcnow().date() + timedelta(days=30)
    response = signed_in.post(
        f"/homework/{assignment_id}/edit",
        data={"due_date": later.isoformat(), "note": "New note ✨"},
    )
    assert response.status_code == 302
    bad = signed_in.post(
        f"/homework/{assignment_id}/edit", data={"due_date": "not a date", "note": "Typed note"}
    )
    assert bad.status_code == 200 and "Typed note" in bad.get_data(as_text=True)
    reviewed = signed_in.post(f"/homework/{assignment_id}/review", data={"remarks": "Went well"})
    assert reviewed.status_code == 302
    with app.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        assert assignment.due_date == later and assignment.note == "New note ✨"
        assert assignment.reviewed_at is not None and assignment.review_remarks == "Went well"
        expiry = later + timedelta(days=15)
        assert all(link.expires_at.date() == expiry for link in assignment.links)


def test_snapshot_is_unaffected_by_library_edits(app, signed_in, counselor):
    with app.app_context():
        exercise = make_exercise(title="Original title", steps=["Original step."])
        assignment, tokens = make_assignment(make_couple(counselor), exercise)
        exercise.title = "Edited title"
        exercise.steps = ["Edited step."]
        exercise.prompts = [{"key": "other", "type": "text", "label": "Edited prompt"}]
        db.session.commit()
        token = next(iter(tokens.values()))
    page = signed_in.get(token_path(token)).get_data(as_text=True)
    assert "Original title" in page and "Original step." in page and "Three things" in page
    assert "Edited" not in page


def test_link_handout_pdf_has_link_and_qr(app, signed_in, counselor):
    from pypdf import PdfReader  # noqa: PLC0415 - only this test reads PDFs

    with app.app_context():
        couple = make_couple(counselor)
        assignment, tokens = make_assignment(couple)
        db.session.commit()
        ana = couple.partners[0].id
        couple_id = couple.id
    app.config["BASE_URL"] = "https://practice.example.org"
    handout = f"/couples/{couple_id}/partners/{ana}/link/handout.pdf"
    response = signed_in.get(handout)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    import io

    text_ = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    flat = re.sub(r"\s+", "", text_)
    assert f"https://practice.example.org/h/{tokens[ana].split('/')[0]}" in flat
    assert "For Ana" in text_
    signed_in.post(f"/couples/{couple_id}/partners/{ana}/link/off")
    assert signed_in.get(handout).status_code == 302


def test_other_counselor_gets_404_everywhere_and_nothing_changes(app, client, auth, counselor):
    with app.app_context():
        couple = make_couple(counselor)
        assignment, _tokens = make_assignment(couple)
        make_exercise(slug="gratitude-list")
        make_counselor(email="intruder@example.org", name="Dr. Intruder")
        db.session.commit()
        a, p, c = assignment.id, couple.partners[0].id, couple.id
        before = db.session.execute(
            text("SELECT id, token_hash, revoked_at, expires_at FROM partner_access ORDER BY id")
        ).all()
        status_before = db.session.get(Assignment, a).status
    auth.login("intruder@example.org")
    gets = [
        f"/couples/{c}/homework/new",
        f"/homework/{a}",
        f"/homework/{a}/edit",
        f"/couples/{c}/partners/{p}/link/handout.pdf",
        f"/couples/{c}/partners/{p}/link/new",
        f"/couples/{c}/partners/{p}/link/off",
    ]
    posts = [
        f"/couples/{c}/homework/new",
        f"/homework/{a}/edit",
        f"/homework/{a}/review",
        f"/homework/{a}/cancel",
        f"/couples/{c}/partners/{p}/link/new",
        f"/couples/{c}/partners/{p}/link/off",
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert (
            client.post(
                url,
                data={
                    "exercises": "gratitude-list",
                    "partners": "both",
                    "due_date": "2030-01-01",
                    "frequency": "once",
                    "remarks": "x",
                    "note": "x",
                },
            ).status_code
            == 404
        ), url
    with app.app_context():
        after = db.session.execute(
            text("SELECT id, token_hash, revoked_at, expires_at FROM partner_access ORDER BY id")
        ).all()
        assert after == before
        assert db.session.get(Assignment, a).status == status_before
        assert count(Assignment) == 1


def test_expected_entries():
    from datetime import date

    start = date(2025, 3, 3)
    assert progress_of.expected_entries("once", None, start, start + timedelta(days=10)) == 1
    assert progress_of.expected_entries("daily", None, start, start + timedelta(days=7)) == 7
    assert progress_of.expected_entries("daily", None, start, start) == 1
    assert progress_of.expected_entries("weekly", 3, start, start + timedelta(days=14)) == 6
    assert progress_of.expected_entries("weekly", 2, start, start + timedelta(days=3)) == 2
    assert progress_of.expected_entries("daily", None, start, start + timedelta(days=900)) == 60


def test_assignment_progress_counts_in_constant_queries(app, counselor):
    from sqlalchemy import event

    with app.app_context():
        couple = make_couple(counselor)
        exercise = make_exercise()
        made = [
            make_assignment(couple, exercise, frequency="daily", due_in_days=2)[0] for _ in range(5)
        ]
        for i, assignment in enumerate(made):
            for n in range(i % 3):
                db.session.add(
                    Entry(
                        assignment_id=assignment.id,
                        partner_id=couple.partners[0].id,
                        answers={},
                        submission_key=f"key-{i}-{n}-xxxxxxxxxxxxx",
                    )
                )
        db.session.commit()
        made = list(db.session.execute(select(Assignment).order_by(Assignment.id)).scalars())
        statements = []
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        progress = progress_of.assignment_progress(made)
        assert len(statements) == 1
        ana, ben = couple.partners[0].id, couple.partners[1].id
        assert progress[made[0].id][ana].status == "not_started"
        assert progress[made[1].id][ana].status == "in_progress"
        assert progress[made[2].id][ana].status == "completed"
        assert progress[made[2].id][ana].entry_count == 2
        assert progress[made[2].id][ben].entry_count == 0


def test_archived_couple_cannot_get_new_homework(app, signed_in, counselor):
    with app.app_context():
        couple = make_couple(counselor, status="archived")
        make_exercise(slug="gratitude-list")
        db.session.commit()
        couple_id = couple.id
    assert signed_in.get(f"/couples/{couple_id}/homework/new").status_code == 302
    assert assign(signed_in, couple_id).status_code == 302
    with app.app_context():
        assert count(Assignment) == 0
