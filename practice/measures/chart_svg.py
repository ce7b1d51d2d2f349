"""The progress chart as inline SVG for the page, written from its ReportLab drawing."""

from __future__ import annotations

import html
import itertools

from reportlab.graphics.shapes import Drawing, Line, Path, PolyLine, String

from practice.measures.charts import ChartData, build_drawing

_chart_ids = itertools.count(1)


def _color(value) -> str:
    return "none" if value is None else value.hexval().replace("0x", "#")


def _paint(shape, fill: bool) -> str:
    attrs = f' stroke="{_color(getattr(shape, "strokeColor", None))}"'
    if getattr(shape, "strokeColor", None) is not None:
        attrs += f' stroke-width="{shape.strokeWidth:g}"'
        if getattr(shape, "strokeDashArray", None):
            attrs += f' stroke-dasharray="{",".join(f"{v:g}" for v in shape.strokeDashArray)}"'
    attrs += f' fill="{_color(shape.fillColor) if fill else "none"}"'
    return attrs


def _svg_shapes(drawing: Drawing) -> list[str]:
    """SVG elements for the shapes build_drawing uses, y flipped (SVG counts from the top).

    ReportLab's own renderSVG gives the same picture through a DOM and takes 8 ms for a year
    of weekly totals; the progress page must render in under 20 ms in all."""
    height = drawing.height
    out = []
    for shape in drawing.contents:
        if isinstance(shape, Line):
            out.append(
                f'<line x1="{shape.x1:.1f}" y1="{height - shape.y1:.1f}" x2="{shape.x2:.1f}" '
                f'y2="{height - shape.y2:.1f}"{_paint(shape, False)}/>'
            )
        elif isinstance(shape, PolyLine):
            pts = shape.points
            coords = " ".join(
                f"{pts[i]:.1f},{height - pts[i + 1]:.1f}" for i in range(0, len(pts), 2)
            )
            out.append(f'<polyline points="{coords}"{_paint(shape, False)}/>')
        elif isinstance(shape, Path):
            parts, pts, k = [], shape.points, 0
            for op in shape.operators:
                if op == 3:
                    parts.append("Z")
                    continue
                parts.append(f"{'M' if op == 0 else 'L'}{pts[k]:.1f} {height - pts[k + 1]:.1f}")
                k += 2
            out.append(f'<path d="{"".join(parts)}"{_paint(shape, True)}/>')
        elif isinstance(shape, String):
            anchor = {"start": "start", "middle": "middle", "end": "end"}[shape.textAnchor]
            out.append(
                f'<text x="{shape.x:.1f}" y="{height - shape.y:.1f}" font-family="Helvetica, '
                f'Arial, sans-serif" font-size="{shape.fontSize:g}" text-anchor="{anchor}" '
                f'fill="{_color(shape.fillColor)}">{html.escape(shape.text)}</text>'
            )
        else:  # pragma: no cover - build_drawing uses only the shapes above
            raise TypeError(f"no SVG for {type(shape).__name__}")
    return out


def render_svg(chart: ChartData, width: float = 640, height: float = 260) -> str:
    """Inline SVG of the chart's drawing for the page: titled and described for screen
    readers, ids unique on the page, no inline styles (the Content Security Policy refuses
    them), and scaled to the width of its container."""
    n = next(_chart_ids)
    drawing = build_drawing(chart, width, height)
    return "".join(
        [
            f'<svg class="chart" role="img" aria-labelledby="chart{n}-title chart{n}-desc" '
            f'viewBox="0 0 {width:g} {height:g}" xmlns="http://www.w3.org/2000/svg">',
            f'<title id="chart{n}-title">{html.escape(chart.title)}</title>',
            f'<desc id="chart{n}-desc">{html.escape(chart.description())}</desc>',
            *_svg_shapes(drawing),
            "</svg>",
        ]
    )
