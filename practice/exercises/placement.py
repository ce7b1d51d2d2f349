"""Roles and phases: which of an exercise's prompts one partner is asked in one entry.

A prompt may belong to a role (speaker or listener; the partner who was hurt or the one
repairing) and to a phase (once at the start, every time, or in the end-of-week review).
The assignment's role plan says who takes which role: fixed, or swapping with each entry.
Everything here is a plain function of its arguments, so the partner page, the couple page
and the tests share one answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from practice.exercises.limits import ROLE_KINDS, ROLES
from practice.exercises.prompts import Prompt

# Repeating homework asks its review questions on the last days before the due date.
REVIEW_WINDOW = timedelta(days=1)
REPEATING = frozenset({"daily", "weekly", "fortnightly", "monthly"})
ROLE_HINTS = {
    "speaker": "You talk about what is on your mind; your partner listens and reflects back.",
    "listener": "You listen fully, without fixing or defending, and then say back what you heard.",
    "hurt": "You say how it affected you; your partner listens and takes responsibility.",
    "repairing": "You listen, own your part without excuses, and work on repair.",
}


@dataclass(frozen=True)
class RolePlan:
    """Who takes which role: `first` takes the kind's first role (speaker, or the partner who
    was hurt); with `swap`, partners change roles with each entry they write."""

    first_partner_id: int
    swap: bool = False

    @classmethod
    def from_json(cls, data: Any) -> RolePlan | None:
        if not isinstance(data, dict) or not isinstance(data.get("first"), int):
            return None
        return cls(first_partner_id=data["first"], swap=data.get("mode") == "swap")

    def to_json(self) -> dict[str, Any]:
        return {"first": self.first_partner_id, "mode": "swap" if self.swap else "fixed"}


def role_for(
    kind: str | None, plan: RolePlan | None, partner_id: int, earlier_entries: int
) -> str | None:
    """This partner's role for their next entry, or None when the exercise has no roles or
    the assignment did not say (then every prompt is shown, each under its role's name)."""
    if kind not in ROLE_KINDS or plan is None:
        return None
    first, second = ROLE_KINDS[kind]
    takes_first = partner_id == plan.first_partner_id
    if plan.swap and earlier_entries % 2 == 1:
        takes_first = not takes_first
    return first if takes_first else second


def review_due(frequency: str, today: date, due_date: date, asked: bool = False) -> bool:
    """Whether the end-of-week review questions are asked now: always for one-off homework,
    on the last days before the due date for repeating and "when it happens" homework, or
    earlier when the partner asks for them."""
    if frequency not in REPEATING and frequency != "event":
        return True
    return asked or today >= due_date - REVIEW_WINDOW


def prompts_for_entry(
    prompts: Sequence[Prompt], *, role: str | None, first_entry: bool, review: bool
) -> list[Prompt]:
    """The prompts one entry asks, in their order."""
    return [
        prompt
        for prompt in prompts
        if (role is None or prompt.role in ("", role))
        and (prompt.phase != "start" or first_entry)
        and (prompt.phase != "review" or review)
    ]


def has_phase(prompts: Sequence[Prompt], phase: str) -> bool:
    return any(prompt.phase == phase for prompt in prompts)


def role_label(role: str | None) -> str:
    return ROLES.get(role or "", "")


@dataclass(frozen=True)
class RoleSetup:
    """Who takes which role, for a page to name: (partner id, name, role label) with the
    first role's holder first, and whether they swap with each entry."""

    holders: tuple[tuple[int, str, str], ...]
    swap: bool


def role_setup(
    kind: str | None, plan: RolePlan | None, names: Mapping[int, str]
) -> RoleSetup | None:
    """The role plan with the partners' names (`names`: id → name of the assigned partners),
    or None when the exercise has no roles, the assignment did not say, or its first partner
    is not among `names`."""
    if kind not in ROLE_KINDS or plan is None or plan.first_partner_id not in names:
        return None
    first, second = (ROLES[role].lower() for role in ROLE_KINDS[kind])
    holders = [(plan.first_partner_id, names[plan.first_partner_id], first)]
    holders += [(pid, name, second) for pid, name in names.items() if pid != plan.first_partner_id]
    return RoleSetup(tuple(holders), plan.swap)
