"""The counselor's side: asking for the CSI-4 weekly, several weeks of answers (the clock moves),
the progress page with both lines, the cutoff, the gap and a data table; the CSV; own scales;
and nobody else's couple or scale."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time, timedelta

from practice.extensions import db
from practice.homework.models import Entry
from practice.measures import services
from practice.measures.chart_svg import render_svg
from practice.measures.charts import ChartData, ChartLine
from practice.measures.exports import CSV_HEADER
from practice.measures.flags import dashboard_flags
from practice.measures.models import MeasureRequest
from practice.measures.progress import week_start
from practice.measures.scheduling import request_measure, waiting_for
from tests.factories import make_assignment, make_counselor, make_couple
from tests.measures.conftest import answer, csi_answers, weekly_story

# Eight weeks ago, so the story sits inside the page's last-year window whatever today is.
START = week_start(date.today()) - timedelta(weeks=8)
ANA = [17, 16, 15, 14, 13, 12]  # falls below the cutoff of 13.5
BEN = [17, 17, 18, 18, 19, 19]  # the gap widens: 0, 1, 3, 4, 6, 7


def test_a_counselor_asks_weekly_and_sees_both_lines_the_cutoff_and_the_gap(signed_in, csi, couple):
    response = signed_in.post(
        f"/couples/{couple.id}/measures", data={"measure_id": csi.id, "cadence": "weekly"}
    )
    assert response.status_code == 302
    assert "asked every week" in signed_in.get(response.location).get_data(as_text=True)
    request = db.session.execute(db.select(MeasureRequest)).scalar_one()
    request.starts_on = START  # asked eight weeks ago: the clock moves through the weeks
    db.session.commit()
    ana, ben = couple.partners
    for week, (a, b) in enumerate(zip(ANA, BEN, strict=True)):
        day = START + timedelta(weeks=week, days=2)
        answer(ana, day, csi_answers(a))
        answer(ben, day, csi_answers(b))

    page = signed_in.get(f"/couples/{couple.id}/progress")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert '<svg class="chart" role="img"' in text
    assert "<title" in text and "<desc" in text and "Cutoff 13.5" in text
    assert "Ana Silva (solid line, circles): 6 totals, from 17 to 12" in text
    assert "Ben Okafor (dashed line, squares): 6 totals, from 17 to 19" in text
    assert "style=" not in text.split("<svg", 1)[1].split("</svg>", 1)[0]
    # The data table beside the chart: each week, both totals and the gap.
    assert "<td>12</td><td>19</td><td>7</td>" in text
    assert "no reliable-change figure" in text
    assert "Funk, J. L., &amp; Rogge, R. D. (2007)" in text


def test_the_chart_says_when_one_partner_never_answers(signed_in, csi, couple):
    weekly_story(couple, csi, [15, 14, 16], [None, None, None], start=START)
    text = signed_in.get(f"/couples/{couple.id}/progress").get_data(as_text=True)
    assert "<bdi>Ben Okafor</bdi> has not given a total yet: the chart shows one line." in text
    assert "Ben Okafor has no totals yet." in text  # in the chart's description too
    assert text.count("<polyline") == 1


def test_the_scores_download_as_csv(signed_in, csi, couple):
    weekly_story(couple, csi, [15, 14], [18, None], start=START)
    response = signed_in.get(f"/couples/{couple.id}/progress.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == CSV_HEADER
    assert [(r[2], r[4]) for r in rows[1:]] == [
        ("Ana Silva", "15"),
        ("Ben Okafor", "18"),
        ("Ana Silva", "14"),
    ]


def test_another_counselor_gets_404_everywhere(app, client, auth, csi, couple):
    other = make_counselor(email="other@example.org")
    db.session.commit()
    request = request_measure(couple, csi, "weekly", START)
    db.session.commit()
    auth.login(other.email)
    for url in (f"/couples/{couple.id}/progress", f"/couples/{couple.id}/progress.csv"):
        assert client.get(url).status_code == 404
    assert (
        client.post(
            f"/couples/{couple.id}/measures", data={"measure_id": csi.id, "cadence": "once"}
        ).status_code
        == 404
    )
    assert client.post(f"/couples/{couple.id}/measures/{request.id}/stop").status_code == 404


def test_own_scales_are_checked_beside_the_field_and_visible_only_to_their_owner(
    client, auth, signed_in, csi, couple
):
    bad = {
        "title": "Closeness",
        "items-0-text": "How close did you feel?",
        "items-0-min": "5",
        "items-0-max": "1",
        "items-0-low": "Distant",
        "items-0-high": "Close",
    }
    response = signed_in.post("/measures/new", data=bad)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Must be greater than min." in text and "How close did you feel?" in text

    good = {**bad, "items-0-min": "1", "items-0-max": "5"}
    assert signed_in.post("/measures/new", data=good).status_code == 302
    assert "Closeness" in signed_in.get("/measures/").get_data(as_text=True)
    own = [m for m in services.usable_measures(couple.counselor) if m.counselor_id][0]
    assert (
        signed_in.post(
            f"/couples/{couple.id}/measures", data={"measure_id": own.id, "cadence": "once"}
        ).status_code
        == 302
    )

    auth.logout()
    other = make_counselor(email="other@example.org")
    mine = make_couple(other)
    db.session.commit()
    auth.login(other.email)
    assert "Closeness" not in client.get("/measures/").get_data(as_text=True)
    assert client.get(f"/measures/{own.id}/edit").status_code == 404
    response = client.post(
        f"/couples/{mine.id}/measures", data={"measure_id": own.id, "cadence": "once"}
    )
    assert response.status_code == 400  # not one of this counselor's choices


def test_stopping_a_request_keeps_the_answers(signed_in, csi, couple):
    weekly_story(couple, csi, [15, 14], [16, 17], start=START)
    request = db.session.execute(db.select(MeasureRequest)).scalar_one()
    assert signed_in.post(f"/couples/{couple.id}/measures/{request.id}/stop").status_code == 302
    db.session.expire_all()
    assert request.stopped_at is not None
    assert waiting_for(couple.partners[0], date.today(), datetime.now()) == []
    assert "<polyline" in signed_in.get(f"/couples/{couple.id}/progress").get_data(as_text=True)


def test_the_chart_escapes_names_and_draws_both_styles():
    chart = ChartData(
        "T <b>",
        0,
        21,
        date(2026, 1, 5),
        date(2026, 3, 2),
        [
            ChartLine("<script>x</script>", [(date(2026, 1, 5), 10.0), (date(2026, 2, 2), 12.0)]),
            ChartLine("Zoë 🙂", [(date(2026, 1, 5), 15.0), (date(2026, 2, 2), 20.0)]),
        ],
        cutoff=13.5,
        sessions=[date(2026, 1, 19)],
    )
    svg = render_svg(chart)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "Zoë 🙂" in svg
    assert 'stroke-dasharray="6,3"' in svg  # partner 2 dashed; partner 1 solid
    assert svg.count("<polyline") == 2


def test_the_dashboard_flags_a_partner_below_the_cutoff_and_a_widening_gap(signed_in, csi, couple):
    weekly_story(couple, csi, ANA, BEN, start=START)
    text = signed_in.get("/").get_data(as_text=True)
    assert "Progress to look at" in text
    # The name isolated from the sentence, as a right-to-left name would need.
    assert (
        "<bdi>Ana</bdi>: 12 on Couples Satisfaction Index (CSI-4), below the cutoff of 13.5" in text
    )
    assert "widened three times in a row, to 7 points" in text
    assert "Ben:" not in text  # above the cutoff
    # The CSI-4 publishes no reliable-change figure: no drop is flagged, and the page says so.
    assert "fell from" not in text
    assert "its authors publish no reliable-change figure, so drops are not flagged" in text


def test_a_drop_larger_than_the_reliable_change_is_flagged(couple, ctx):
    items = [
        {"key": f"item_{n}", "text": f"Q{n}", "min": 0, "max": 10, "low": "no", "high": "yes"}
        for n in (1, 2)
    ]
    definition, _ = services.custom_definition("own-rc", "Own", items)
    # A scale that publishes a reliable-change figure of 4 points.
    from dataclasses import replace

    scale = services.create_custom_measure(couple.counselor, replace(definition, reliable_change=4))
    weekly_story(couple, scale, [None, None], [None, None], start=START)
    ana = couple.partners[0]
    for week, total in enumerate([18, 12]):
        answer(
            ana,
            START + timedelta(weeks=week, days=1),
            {"item-item_1": str(total // 2), "item-item_2": str(total - total // 2)},
        )
    flags = dashboard_flags(couple.counselor, date.today())
    (flag,) = flags.couples
    assert [str(line) for line in flag.drops] == [
        "Ana: Own fell from 18 to 12, more than its reliable change of 4"
    ]
    assert flags.no_reliable_change == []


def _week_table(page: str) -> list[list[str]]:
    """The "Week by week" table as text cells, one list per row."""
    table = page.split('id="weeks-heading"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_week_table_counts_each_entry_in_the_week_that_starts_on_its_monday(signed_in, couple):
    ana, ben = couple.partners
    assignment, _links = make_assignment(couple)
    monday = week_start(date.today()) - timedelta(weeks=3)
    entries = [
        (ana, monday - timedelta(days=1), time(23, 59), 1),  # the Sunday before
        (ana, monday, time(0, 1), 4),
        (ana, monday + timedelta(days=6), time(23, 59), 5),  # that week's Sunday
        (ben, monday + timedelta(days=3), time(12, 0), None),  # no rating given
        (ana, monday + timedelta(days=7), time(0, 0), 2),  # the next Monday
    ]
    for n, (partner, day, at, rating) in enumerate(entries):
        db.session.add(
            Entry(
                assignment_id=assignment.id,
                partner_id=partner.id,
                connection_rating=rating,
                submission_key=f"week-table-{n}",
                created_at=datetime.combine(day, at),
            )
        )
    db.session.commit()

    page = signed_in.get(f"/couples/{couple.id}/progress").get_data(as_text=True)

    def shown(day: date) -> str:
        text = f"{day:%a} {day.day} {day:%b}"
        return text if day.year == date.today().year else f"{text} {day.year}"

    # Week of, mean rating (Ana, Ben), entries (Ana, Ben).
    assert _week_table(page) == [
        [shown(monday - timedelta(weeks=1)), "1.0", "—", "1", "0"],
        [shown(monday), "4.5", "—", "2", "1"],
        [shown(monday + timedelta(weeks=1)), "2.0", "—", "1", "0"],
    ]
