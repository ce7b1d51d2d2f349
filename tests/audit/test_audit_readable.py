"""The audit log reads as words: actions, a short device name, couples found by name."""

from __future__ import annotations

from datetime import datetime

import pytest

from practice.audit.labels import ACTION_LABELS, action_label, device
from practice.audit.models import AuditEvent
from practice.audit.services import ACTIONS
from practice.extensions import db
from tests.factories import make_counselor, make_couple

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
WINDOWS_EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51"
)
MAC_FIREFOX = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0"
MAC_SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15"
)


@pytest.mark.parametrize(
    ("agent", "shown"),
    [
        (IPHONE, "Safari on iPhone"),
        (ANDROID_CHROME, "Chrome on Android"),
        (WINDOWS_EDGE, "Edge on Windows"),
        (MAC_FIREFOX, "Firefox on Mac"),
        (MAC_SAFARI, "Safari on Mac"),
        ("Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36", "Chrome on Linux"),
        ("curl/8.5.0", "curl"),
        ("python-requests/2.31", "python-requests"),
        ("", ""),
        (None, ""),
    ],
)
def test_device_is_a_short_description(agent, shown):
    assert device(agent) == shown


def test_every_action_has_words_and_unknown_codes_read_as_words():
    assert set(ACTIONS) == set(ACTION_LABELS)
    assert all(label and "." not in label and "_" not in label for label in ACTION_LABELS.values())
    assert action_label("couple.view") == "Opened a couple's page"
    assert action_label("reminder.email_sent") == "Reminder email sent"


@pytest.fixture
def events_for_two_couples(app, counselor):
    with app.app_context():
        other = make_counselor(email="other@example.org", name="Dr. Other")
        mine = make_couple(counselor, ("Yusuf Haddad", "Miriam Levi"))
        theirs = make_couple(other, ("Noa Cohen", "Sam Baker"))
        for couple, agent in ((mine, IPHONE), (theirs, WINDOWS_EDGE)):
            db.session.add(
                AuditEvent(
                    action="couple.view",
                    at=datetime(2026, 5, 1, 12),
                    couple_id=couple.id,
                    actor_counselor_id=couple.counselor_id,
                    actor_kind="counselor",
                    ip_address="203.0.113.7",
                    user_agent=agent,
                )
            )
        db.session.add(
            AuditEvent(
                action="couple.delete",
                at=datetime(2026, 5, 2),
                couple_id=999,
                actor_kind="counselor",
                actor_counselor_id=other.id,
            )
        )
        db.session.commit()
        return mine.id, theirs.id


def test_the_log_shows_words_names_and_devices(signed_in, events_for_two_couples):
    mine, theirs = events_for_two_couples
    page = signed_in.get("/audit/").get_data(as_text=True)
    assert "<td>Opened a couple&#39;s page</td>" in page and "<td>Deleted a couple</td>" in page
    assert f'<bdi>Yusuf Haddad &amp; Miriam Levi</bdi> <span class="muted">#{mine}</span>' in page
    assert "Safari on iPhone" in page and "Edge on Windows" in page
    assert "AppleWebKit" not in page  # the full string is in the CSV export only
    assert '#999 <span class="muted">(deleted)</span>' in page
    assert '<option value="couple.view">Opened a couple&#39;s page</option>' in page


@pytest.mark.parametrize("typed", ["miriam", "MIRIAM", " Levi ", "Yusuf Haddad"])
def test_filter_by_a_partners_name(signed_in, events_for_two_couples, typed):
    page = signed_in.get("/audit/", query_string={"couple": typed}).get_data(as_text=True)
    assert "1 event<" in page and "Yusuf Haddad" in page and "Noa Cohen" not in page
    assert f'value="{typed}"' in page  # what was typed stays in the box


def test_filter_by_number_still_works_for_deleted_couples(signed_in, events_for_two_couples):
    mine, _theirs = events_for_two_couples
    for typed in ("999", "#999"):
        page = signed_in.get("/audit/", query_string={"couple": typed}).get_data(as_text=True)
        assert "1 event<" in page and "<td>Deleted a couple</td>" in page
    page = signed_in.get("/audit/", query_string={"couple": f"#{mine}"}).get_data(as_text=True)
    assert "1 event<" in page and "Yusuf Haddad" in page


@pytest.mark.parametrize("typed", ["%", "_", "nobody", "<script>alert(1)</script>", "يوسف"])
def test_a_name_that_matches_nothing_finds_nothing(signed_in, events_for_two_couples, typed):
    response = signed_in.get("/audit/", query_string={"couple": typed})
    assert response.status_code == 200
    assert "No events match these filters." in response.get_data(as_text=True)
    assert "<script>alert(1)" not in response.get_data(as_text=True)
