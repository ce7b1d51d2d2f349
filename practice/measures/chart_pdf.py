"""The progress chart in printed documents: heading, drawing, description and a table of the
latest totals."""

from __future__ import annotations

from datetime import date

from practice.measures.charts import ChartData, build_drawing

# The PDF frame is 170 mm wide on A4 (and a little more on Letter): the chart fits both.
PDF_WIDTH, PDF_HEIGHT = 470, 200
PDF_TABLE_ROWS = 12


def table_rows(chart: ChartData) -> list[tuple[date, list[float | None], float | None]]:
    """Each date, each partner's total on it, and the gap when both answered."""
    by_line = [dict(line.points) for line in chart.lines]
    rows = []
    for day in sorted({d for totals in by_line for d in totals}):
        totals = [totals.get(day) for totals in by_line]
        both = len(totals) == 2 and None not in totals
        rows.append((day, totals, abs(totals[0] - totals[1]) if both else None))  # type: ignore[operator]
    return rows


def pdf_flowables(charts: list[ChartData], level: int = 2) -> list:
    """The progress section of a printed document: per chart a heading, the drawing, a
    sentence describing it, and the latest totals as a table (totals only, never answers)."""
    from practice.pdf.base import heading, paragraph
    from practice.pdf.tables import data_table

    story: list = []
    for chart in charts:
        story.append(heading(chart.title, level))
        story.append(build_drawing(chart, PDF_WIDTH, PDF_HEIGHT))
        story.append(paragraph(chart.description(), "muted"))
        rows = table_rows(chart)
        shown = rows[-PDF_TABLE_ROWS:]
        story.append(
            data_table(
                ["Date", *(line.name for line in chart.lines), "Gap"],
                [
                    (
                        f"{day:%d %b %Y}",
                        *("—" if t is None else f"{t:g}" for t in totals),
                        "—" if gap is None else f"{gap:g}",
                    )
                    for day, totals, gap in shown
                ],
            )
        )
        if len(rows) > len(shown):
            story.append(paragraph(f"The latest {len(shown)} of {len(rows)} dates.", "muted"))
    return story
