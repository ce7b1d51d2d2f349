"""Measures (questionnaires with a total), the counselor's requests for them, and answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.extensions import Model
from practice.measures.format import MeasureDefinition
from practice.timeutil import utcnow

if TYPE_CHECKING:
    from practice.couples.models import Couple, Partner

CADENCES = {
    "once": "Once",
    "weekly": "Every week",
    "before_session": "Before each session",
}


class Measure(Model):
    """A scale. Built-in ones come from seed/measures/ (counselor_id is NULL); a counselor's
    own short scales have counselor_id set and are visible only to them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    counselor_id: Mapped[int | None] = mapped_column(
        ForeignKey("counselor.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    # The newest version's number; answers point at the version they were given against.
    version: Mapped[int] = mapped_column(default=1)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]

    versions: Mapped[list[MeasureVersion]] = relationship(
        back_populates="measure",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="MeasureVersion.number",
    )

    def __repr__(self) -> str:
        return f"<Measure {self.slug}>"


class MeasureVersion(Model):
    """One wording of a measure, frozen once written: editing a scale adds a version."""

    __table_args__ = (UniqueConstraint("measure_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"))
    number: Mapped[int]
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    measure: Mapped[Measure] = relationship(back_populates="versions")

    @property
    def typed(self) -> MeasureDefinition:
        return MeasureDefinition.from_dict(self.definition)


class MeasureRequest(Model):
    """The counselor asks a couple for a measure: once, every week, or before each session."""

    __table_args__ = (
        CheckConstraint("cadence IN ('once', 'weekly', 'before_session')", name="cadence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"))
    cadence: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    stopped_at: Mapped[datetime | None]

    couple: Mapped[Couple] = relationship()
    measure: Mapped[Measure] = relationship()


class MeasureResponse(Model):
    """One partner's answers for one occasion of a request, with the total computed when
    they were given. Only the counselor sees it; never the other partner."""

    __table_args__ = (
        # Covering for the dashboard's flags (each partner's latest totals across a caseload)
        # and the progress page: read from the index alone, never the answers (migration 0014).
        Index(
            "ix_measure_response_couple_latest",
            "couple_id",
            "occasion",
            "measure_id",
            "partner_id",
            "total",
            "created_at",
        ),
        Index("ix_measure_response_request_partner", "request_id", "partner_id", "occasion"),
        # Covering for rebuilding a partner's series on a measure (practice.measures.series)
        # when they answer: with partner_id and measure_id indexed apart, SQLite read every
        # answer to the measure, the whole practice's (22 ms at scale 10; migration 0018).
        Index(
            "ix_measure_response_partner_measure",
            "partner_id",
            "measure_id",
            "occasion",
            "created_at",
            "total",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("measure_request.id", ondelete="CASCADE"))
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"))
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measure.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int] = mapped_column(
        ForeignKey("measure_version.id", ondelete="CASCADE"), index=True
    )
    # The date this answer is for: the request's start, the week's start, or the day before
    # the appointment. Both partners' answers for one occasion sit side by side on the chart.
    occasion: Mapped[date]
    # Item key -> the number chosen, or None when the partner skipped the item.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    total: Mapped[float | None] = mapped_column(Float)
    score_note: Mapped[str] = mapped_column(Text, default="")
    # One per rendered form: a double click or a resent POST stores one answer.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime | None]

    partner: Mapped[Partner] = relationship()
    version: Mapped[MeasureVersion] = relationship()


class MeasureSeries(Model):
    """Each partner's latest totals on a measure, kept up to date as answers are stored
    (practice.measures.series): the dashboard's flags read one row per partner and measure,
    with what they compare already worked out, instead of every answer of the last twelve
    weeks across the caseload (migration 0018). Which of them still count is decided when
    they are read: the twelve-week window moves with the day, the cutoffs with the scale.

    Derived from `measure_response` and rebuilt from it, never edited by hand; it lives in
    the same database under the same access rules as the answers themselves."""

    __table_args__ = (Index("ix_measure_series_couple_newest", "couple_id", "newest_occasion"),)

    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True
    )
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True
    )
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="CASCADE"))
    # [[occasion (ISO date), total], ...], oldest first: the newest answer with a total of
    # each of the partner's latest SERIES_LENGTH occasions.
    latest: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The last two of those occasions and their totals, as the flags compare them (a total
    # below the cutoff, a drop between the two); none while there are not that many.
    newest_occasion: Mapped[date | None]
    newest_total: Mapped[float | None] = mapped_column(Float)
    previous_occasion: Mapped[date | None]
    previous_total: Mapped[float | None] = mapped_column(Float)
    # The couple's: when the gap between the two partners' totals widened three times in a
    # row over their latest four shared occasions, the first of those four and the latest
    # gap (the same on both partners' rows); none otherwise.
    widening_since: Mapped[date | None]
    widening_gap: Mapped[float | None] = mapped_column(Float)
