"""The progress chart: one ReportLab drawing, rendered to SVG for the page and placed as is
in PDFs. Plain data in (no Flask, no database).

Both partners' totals over time, the cutoff as a line, the gap between the partners as a
shaded bar on every occasion both answered, and the sessions marked on the time axis. The
partners differ by line style and marker as well as colour, so the chart reads in grey and
for people who do not tell the colours apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, Path, PolyLine, String
from reportlab.lib import colors

# Partner 1: solid line, round markers, dark blue. Partner 2: dashed line, square markers,
# dark orange. Both pass 4.5:1 against white.
STYLES: tuple[dict[str, Any], ...] = (
    {
        "color": colors.HexColor("#1f4e79"),
        "dash": None,
        "marker": "circle",
        "name": "solid line, circles",
    },
    {
        "color": colors.HexColor("#a04000"),
        "dash": [6, 3],
        "marker": "square",
        "name": "dashed line, squares",
    },
)
CUTOFF_COLOR = colors.HexColor("#b00020")
GAP_COLOR = colors.HexColor("#c9c9c9")
AXIS_COLOR = colors.HexColor("#555555")
SESSION_COLOR = colors.HexColor("#2e7d32")
FONT = "Helvetica"


@dataclass
class ChartLine:
    """One partner's totals, oldest first."""

    name: str
    points: list[tuple[date, float]]


@dataclass
class ChartData:
    title: str
    y_min: float
    y_max: float
    start: date
    end: date
    lines: list[ChartLine]
    cutoff: float | None = None
    cutoff_label: str = ""
    sessions: list[date] = field(default_factory=list)

    def description(self) -> str:
        """What a screen reader hears: the shape of the data in one paragraph."""
        parts = [f"{self.title}, from {self.start:%d %b %Y} to {self.end:%d %b %Y}."]
        for line, style in zip(self.lines, STYLES, strict=False):
            if not line.points:
                parts.append(f"{line.name} has no totals yet.")
                continue
            first, last = line.points[0][1], line.points[-1][1]
            parts.append(
                f"{line.name} ({style['name']}): {len(line.points)} totals, from {first:g} "
                f"to {last:g}, lowest {min(v for _d, v in line.points):g}."
            )
        if self.cutoff is not None:
            parts.append(f"The cutoff is drawn at {self.cutoff:g}.")
        if self.sessions:
            parts.append(f"{len(self.sessions)} sessions are marked on the time axis.")
        parts.append("The table beside the chart lists every total and the gap.")
        return " ".join(parts)


def build_drawing(chart: ChartData, width: float = 640, height: float = 260) -> Drawing:
    """The chart as a ReportLab drawing (a flowable in PDFs, SVG on the page)."""
    drawing = Drawing(width, height)
    left, right, bottom, top = 40, 12, 48, 14
    plot_w, plot_h = width - left - right, height - bottom - top
    span_days = max((chart.end - chart.start).days, 1)
    y_span = (chart.y_max - chart.y_min) or 1

    def x(day: date) -> float:
        return left + plot_w * (day - chart.start).days / span_days

    def y(value: float) -> float:
        return bottom + plot_h * (value - chart.y_min) / y_span

    # Axes and the value grid.
    for tick in _ticks(chart.y_min, chart.y_max):
        drawing.add(
            Line(
                left,
                y(tick),
                left + plot_w,
                y(tick),
                strokeColor=colors.HexColor("#e6e6e6"),
                strokeWidth=0.5,
            )
        )
        drawing.add(
            String(
                left - 4,
                y(tick) - 3,
                f"{tick:g}",
                fontName=FONT,
                fontSize=8,
                fillColor=AXIS_COLOR,
                textAnchor="end",
            )
        )
    drawing.add(Line(left, bottom, left + plot_w, bottom, strokeColor=AXIS_COLOR, strokeWidth=0.8))
    drawing.add(Line(left, bottom, left, bottom + plot_h, strokeColor=AXIS_COLOR, strokeWidth=0.8))
    for day in _date_ticks(chart.start, chart.end):
        drawing.add(
            Line(x(day), bottom, x(day), bottom - 3, strokeColor=AXIS_COLOR, strokeWidth=0.8)
        )
        drawing.add(
            String(
                x(day),
                bottom - 13,
                f"{day:%d %b}",
                fontName=FONT,
                fontSize=8,
                fillColor=AXIS_COLOR,
                textAnchor="middle",
            )
        )

    # Sessions: a small triangle under the axis and a faint line up the plot (one path each,
    # whatever the number of sessions: a year of weekly sessions draws as fast as one).
    shown = [day for day in chart.sessions if chart.start <= day <= chart.end]
    if shown:
        rules, marks = Path(), Path()
        for day in shown:
            rules.moveTo(x(day), bottom)
            rules.lineTo(x(day), bottom + plot_h)
            _triangle(marks, x(day), bottom - 22)
        drawing.add(_stroked(rules, SESSION_COLOR, 0.4, [1, 3]))
        drawing.add(_filled(marks, SESSION_COLOR))

    # The gap: a shaded bar between the two totals on each occasion both answered.
    if len(chart.lines) == 2:
        second = dict(chart.lines[1].points)
        bars = Path()
        for day, value in chart.lines[0].points:
            if day in second and second[day] != value:
                low, high = sorted((value, second[day]))
                _box(bars, x(day) - 2.5, y(low), 5, y(high) - y(low))
        drawing.add(_filled(bars, GAP_COLOR))

    if chart.cutoff is not None:
        drawing.add(
            Line(
                left,
                y(chart.cutoff),
                left + plot_w,
                y(chart.cutoff),
                strokeColor=CUTOFF_COLOR,
                strokeWidth=1,
                strokeDashArray=[2, 2],
            )
        )
        drawing.add(
            String(
                left + plot_w - 2,
                y(chart.cutoff) + 3,
                chart.cutoff_label or f"Cutoff {chart.cutoff:g}",
                fontName=FONT,
                fontSize=8,
                fillColor=CUTOFF_COLOR,
                textAnchor="end",
            )
        )

    for line, style in zip(chart.lines, STYLES, strict=False):
        coords = [c for day, value in line.points for c in (x(day), y(value))]
        if len(line.points) > 1:
            drawing.add(
                PolyLine(
                    coords,
                    strokeColor=style["color"],
                    strokeWidth=1.6,
                    strokeDashArray=style["dash"],
                )
            )
        if line.points:
            drawing.add(_markers(style, [(x(day), y(value)) for day, value in line.points]))

    # Legend under the axis labels.
    legend_x = left
    for line, style in zip(chart.lines, STYLES, strict=False):
        drawing.add(
            Line(
                legend_x,
                8,
                legend_x + 22,
                8,
                strokeColor=style["color"],
                strokeWidth=1.6,
                strokeDashArray=style["dash"],
            )
        )
        drawing.add(_markers(style, [(legend_x + 11, 8)]))
        label = line.name if line.points else f"{line.name} (no totals yet)"
        drawing.add(
            String(legend_x + 27, 5, label, fontName=FONT, fontSize=8, fillColor=colors.black)
        )
        legend_x += 40 + 5 * len(label)
    if chart.sessions:
        legend_mark = Path()
        _triangle(legend_mark, legend_x, 5)
        drawing.add(_filled(legend_mark, SESSION_COLOR))
        drawing.add(
            String(legend_x + 6, 5, "session", fontName=FONT, fontSize=8, fillColor=colors.black)
        )
    return drawing


def _stroked(path: Path, color, width: float, dash=None) -> Path:
    path.strokeColor, path.strokeWidth, path.strokeDashArray = color, width, dash
    path.fillColor = None
    return path


def _filled(path: Path, color) -> Path:
    path.fillColor, path.strokeColor = color, None
    return path


def _triangle(path: Path, cx: float, base: float) -> None:
    path.moveTo(cx - 3, base)
    path.lineTo(cx + 3, base)
    path.lineTo(cx, base + 5)
    path.closePath()


def _box(path: Path, x0: float, y0: float, w: float, h: float) -> None:
    path.moveTo(x0, y0)
    path.lineTo(x0 + w, y0)
    path.lineTo(x0 + w, y0 + h)
    path.lineTo(x0, y0 + h)
    path.closePath()


def _markers(style: dict, points: list[tuple[float, float]]) -> Path:
    """All of one partner's markers as one path: open circles for partner 1 (octagons at
    this size), filled squares for partner 2."""
    path = Path()
    for cx, cy in points:
        if style["marker"] == "circle":
            ring = [
                (3.0, 0.0),
                (2.1, 2.1),
                (0.0, 3.0),
                (-2.1, 2.1),
                (-3.0, 0.0),
                (-2.1, -2.1),
                (0.0, -3.0),
                (2.1, -2.1),
            ]
            path.moveTo(cx + ring[0][0], cy + ring[0][1])
            for dx, dy in ring[1:]:
                path.lineTo(cx + dx, cy + dy)
            path.closePath()
        else:
            _box(path, cx - 3, cy - 3, 6, 6)
    if style["marker"] == "circle":
        path.fillColor, path.strokeColor, path.strokeWidth = colors.white, style["color"], 1.4
    else:
        path.fillColor, path.strokeColor, path.strokeWidth = style["color"], style["color"], 1
    return path


def _ticks(low: float, high: float) -> list[float]:
    span = high - low
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100) if span / s <= 7)
    first = step * -(-low // step)
    ticks = []
    value = first
    while value <= high:
        ticks.append(value)
        value += step
    return ticks


def _date_ticks(start: date, end: date, count: int = 6) -> list[date]:
    span = (end - start).days
    if span <= 0:
        return [start]
    from datetime import timedelta

    step = max(span // (count - 1), 1)
    return [start + timedelta(days=step * n) for n in range(count) if step * n <= span]
