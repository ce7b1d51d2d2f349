from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from practice.exercises.format import ExerciseContent
from practice.extensions import Model
from practice.timeutil import utcnow

CATEGORIES = {
    "communication": "Communication",
    "appreciation": "Appreciation",
    "quality-time": "Quality time",
    "vulnerability-and-trust": "Vulnerability and trust",
    "conflict": "Conflict",
    "growth-and-self-care": "Growth and self-care",
    "reflection": "Reflection",
}


class Exercise(Model):
    """A homework exercise. Built-in ones come from seed/ (counselor_id is NULL);
    a counselor's own have counselor_id set and are visible only to them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    counselor_id: Mapped[int | None] = mapped_column(
        ForeignKey("counselor.id", ondelete="CASCADE"), index=True
    )
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("exercise.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(40), index=True)
    goal: Mapped[str] = mapped_column(String(200))
    why: Mapped[str] = mapped_column(Text, default="")
    steps: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Each prompt as `practice.exercises.prompts.Prompt.to_json()` gives it.
    prompts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    frequency: Mapped[str] = mapped_column(String(80), default="")
    duration: Mapped[str] = mapped_column(String(80), default="")
    # Each source: {"file": "000_….txt", "title": "…"}
    sources: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # The names clinicians use for it ("I-messages", "time-out"), searched with the title.
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A typical sitting in minutes, for the library's length filter (None: not known).
    minutes: Mapped[int | None]
    # For the counselor only: when not to assign it (shown on the library and assign pages).
    not_for: Mapped[str] = mapped_column(Text, default="")
    # An optional extra: listed after the rest of the library.
    extra: Mapped[bool] = mapped_column(default=False)
    # Who does what: "speaker_listener" or "hurt_repairing" (format.ROLE_KINDS), or None.
    roles: Mapped[str | None] = mapped_column(String(20))
    # The schedule an assignment starts from (format.SCHEDULES), or None.
    schedule: Mapped[str | None] = mapped_column(String(16))
    # Search keys (search.normalize): names are title + aliases, text is goal + why + steps.
    search_names: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Hash of the seed file's content: re-seeding touches a row only when its file changed.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    # Set when a seed file is removed: hidden from the library, still readable by old homework.
    retired_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def is_builtin(self) -> bool:
        return self.counselor_id is None

    @property
    def category_label(self) -> str:
        return CATEGORIES.get(self.category, self.category)

    def snapshot(self) -> dict[str, Any]:
        """The exercise as it is now, copied into homework so later edits do not change it."""
        return ExerciseContent.of(self).to_json()

    def __repr__(self) -> str:
        return f"<Exercise {self.slug}>"
