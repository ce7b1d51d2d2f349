"""What a printed session summary or full record holds: plain data, dates already formatted.

What a copy may show is decided before these are filled (see practice.sessions.printouts);
``summary`` lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Answer:
    """One prompt of an exercise and what the partner answered (text, or list items)."""

    prompt: str
    text: str = ""
    items: list[str] = field(default_factory=list)


@dataclass
class PrintedEntry:
    """One entry a partner sent, as a copy may show it."""

    id: int
    partner: str
    written: str
    answers: list[Answer] = field(default_factory=list)
    note: str = ""
    rating: str = ""
    visibility: str = ""
    #: The partner chose "only my counselor" for the whole entry (counselor copy only).
    counselor_only: bool = False
    #: The "only my counselor will see this" box (counselor copy only).
    private_note: str = ""


@dataclass
class PartnerProgress:
    partner: str
    completion: str


@dataclass
class HomeworkRecord:
    """One assignment with its entries: reviewed in a session, or in the full record."""

    title: str
    due: str
    how_often: str
    progress: list[PartnerProgress] = field(default_factory=list)
    entries: list[PrintedEntry] = field(default_factory=list)
    remarks: str = ""
    status: str = ""
    assigned: str = ""
    goal: str = ""
    note: str = ""


@dataclass
class OpenHomework:
    """Homework still to do, for "Until next time"."""

    title: str
    due: str
    how_often: str
    goal: str = ""
    note: str = ""


@dataclass
class PersonalLink:
    """A partner's personal link (None: they have none that works; the counselor makes one)."""

    partner: str
    url: str | None


@dataclass
class SessionSummary:
    """One copy ('couple' or 'counselor') of one session, with dates already formatted."""

    copy: str
    couple_name: str
    partners: list[str]
    counselor: str
    starts_at: str
    format: str
    duration: str
    attendance: str
    focus: str = ""
    couple_summary: str = ""
    next_steps: str = ""
    next_appointment: str = ""
    private_notes: str = ""
    reviewed: list[HomeworkRecord] = field(default_factory=list)
    open_homework: list[OpenHomework] = field(default_factory=list)
    links: list[PersonalLink] = field(default_factory=list)
    # Progress charts (practice.measures.charts.ChartData: totals only), when this copy has them.
    progress: list = field(default_factory=list)

    @property
    def copy_label(self) -> str:
        return copy_label(self.copy, self.couple_name)


@dataclass
class PartnerDetails:
    name: str
    email: str = ""
    pronouns: str = ""


@dataclass
class CoupleRecord:
    """Everything kept about one couple, as the JSON export holds it, oldest first."""

    copy: str
    couple_name: str
    partners: list[PartnerDetails]
    counselor: str
    status: str = ""
    since: str = ""
    goals: str = ""
    homework: list[HomeworkRecord] = field(default_factory=list)
    sessions: list[SessionSummary] = field(default_factory=list)
    exported_at: str = ""
    progress: list = field(default_factory=list)  # as SessionSummary.progress

    @property
    def copy_label(self) -> str:
        return copy_label(self.copy, self.couple_name)


def copy_label(copy: str, couple_name: str) -> str:
    """Printed on every copy so nobody hands the counselor's copy to the couple by mistake."""
    if copy == "counselor":
        return "Counselor copy \u2014 contains private notes, not for the couple"
    return f"Copy for {couple_name}"
