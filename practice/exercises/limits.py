"""What the exercise format allows: the longest texts, how many items, prompts' roles and
phases, how often homework is done, and the checks of what a partner writes."""

from __future__ import annotations

import re
from datetime import date

from practice.exercises.checks import CONTROL_CHARACTERS

# Longest text each field takes: the String columns' sizes, and sane bounds for the rest.
LIMITS = {
    "slug": 140,
    "title": 120,
    "category": 40,
    "goal": 200,
    "why": 5000,
    "step": 1000,
    "frequency": 80,
    "duration": 80,
    "prompt_key": 40,
    "prompt_label": 300,
    "prompt_help": 500,
    "scale_label": 60,
    "alias": 60,
    "not_for": 1000,
    "option": 160,
}
# How many items a list prompt asks for (seed files, the editor), and the most a partner may
# write in answer ("Add another item"): asked for three, someone may well have a fourth.
LIST_ITEMS = (1, 10)
MOST_LIST_ANSWERS = 20
# The longest answer a partner may write in one field.
ANSWER_LIMIT = 10_000
SCALE_POINTS = ("1", "2", "3", "4", "5")
I_PARTS = (("feel", "I feel"), ("when", "when"), ("because", "because"), ("need", "I need"))

PROMPT_KEY = re.compile(r"^[a-z0-9_]+$")

# Role pairings: an exercise's `roles`, and the two roles its prompts may belong to (the
# first is the one the assignment names: the speaker, or the partner who was hurt).
ROLE_KINDS = {
    "speaker_listener": ("speaker", "listener"),
    "hurt_repairing": ("hurt", "repairing"),
}
ROLES = {
    "speaker": "Speaker",
    "listener": "Listener",
    "hurt": "Hurt partner",
    "repairing": "Repairing partner",
}
# When a prompt is asked in homework that repeats ("every" when not said).
PHASES = {
    "start": "Once, at the start",
    "every": "Every time",
    "review": "In the end-of-week review",
}
# How often homework is done: an assignment's frequency, and an exercise's suggestion.
SCHEDULES = {
    "once": "Once",
    "daily": "Daily",
    "weekly": "Times a week",
    "fortnightly": "Every other week",
    "monthly": "Monthly",
    "event": "When it happens",
}
# The feeling words offered for the "I feel" part of an "I" statement (free text allowed).
FEELING_WORDS = (
    "hurt",
    "lonely",
    "overlooked",
    "worried",
    "anxious",
    "sad",
    "frustrated",
    "angry",
    "disappointed",
    "embarrassed",
    "overwhelmed",
    "tired",
    "scared",
    "confused",
    "jealous",
    "calm",
    "relieved",
    "grateful",
    "hopeful",
    "loved",
    "proud",
    "happy",
    "close",
    "safe",
)
# How many aliases, checklist options and grid rows; a timer's and a sitting's minutes.
ALIASES = (1, 12)
CHOICES = (2, 12)
GRID_ROWS = (2, 10)
TIMER_MINUTES = (1, 120)
SITTING_MINUTES = (1, 600)
TIME_OF_DAY = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2100, 12, 31)


def list_items_problem(value: object) -> str | None:
    """What is wrong with a list prompt's number of items, or None."""
    low, high = LIST_ITEMS
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return f"must be a whole number from {low} to {high}"
    return None


def answer_text_problem(value: str, limit: int = ANSWER_LIMIT) -> str | None:
    """What is wrong with a partner's written answer, in words for them, or None."""
    if len(value) > limit:
        return f"This is too long: keep it to {limit:,} characters or fewer."
    if CONTROL_CHARACTERS.search(value):
        return "Remove the invisible control characters from this text."
    return None
