"""The palette in app.css meets WCAG 2.2 AA contrast, checked numerically (no browser needed).

axe checks the colours that pages happen to show; this checks every pair the design system
promises, including states a test page may not render (warnings, info flashes, focus rings).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "practice" / "static" / "css" / "app.css"
TEXT_MINIMUM = 4.5  # WCAG 1.4.3, normal-size text
NON_TEXT_MINIMUM = 3.0  # WCAG 1.4.11, input borders and focus indicators


def _palette() -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\n\}", CSS.read_text(), re.S)
    assert root, "app.css has no :root block"
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})\b", root.group(1)))


def _promised_pairs() -> list[tuple[str, str]]:
    comment = re.search(r"contrast-pairs:(.*?)\*/", CSS.read_text(), re.S)
    assert comment, "app.css lists no contrast-pairs"
    return [tuple(pair.split("/")) for pair in comment.group(1).split()]


def relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("foreground,background", _promised_pairs())
def test_text_colours_meet_aa(foreground, background):
    palette = _palette()
    ratio = contrast(palette[foreground], palette[background])
    assert ratio >= TEXT_MINIMUM, f"--{foreground} on --{background} is {ratio:.2f}:1"


@pytest.mark.parametrize("background", ["card", "paper"])
def test_input_borders_and_focus_ring_are_visible(background):
    palette = _palette()
    for part in ("control", "focus", "accent"):
        ratio = contrast(palette[part], palette[background])
        assert ratio >= NON_TEXT_MINIMUM, f"--{part} on --{background} is {ratio:.2f}:1"
