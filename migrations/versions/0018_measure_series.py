"""measure_series: each partner's latest totals on a measure, for the dashboard's flags

Revision ID: 0018_measure_series
Revises: 0017_library_second_edition
Create Date: 2026-11-30 10:00:00

The dashboard read every answer with a total from the last twelve weeks across the
counselor's active couples (about 2,400 rows for 100 couples answering weekly) and ranked
them on each visit: half of the page's time. The ranking is now kept, one row per partner
and measure with the last two totals and the couple's widening gap picked out, by
practice.measures.series when an answer is stored, and filled in here for
the answers already given, with the same rule (a frozen copy: later changes to the app's
rule do not change what this migration did).

Rebuilding a partner's series reads their answers to one measure: an index on (partner_id,
measure_id, …) replaces the one on partner_id alone, its prefix. With the two columns indexed
apart, SQLite chose measure_id and read every answer to the measure in the practice.
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0018_measure_series"
down_revision = "0017_library_second_edition"
branch_labels = None
depends_on = None

SERIES_LENGTH = 6

_series = sa.table(
    "measure_series",
    sa.column("partner_id", sa.Integer),
    sa.column("measure_id", sa.Integer),
    sa.column("couple_id", sa.Integer),
    sa.column("latest", sa.JSON),
    sa.column("newest_occasion", sa.Date),
    sa.column("newest_total", sa.Float),
    sa.column("previous_occasion", sa.Date),
    sa.column("previous_total", sa.Float),
    sa.column("widening_since", sa.Date),
    sa.column("widening_gap", sa.Float),
)


def _backfill() -> None:
    """Newest first per partner and measure: the first answer seen for an occasion is its
    newest, and SERIES_LENGTH occasions are kept, written oldest first with the last two
    picked out; then each couple's widening gap from both partners' series."""
    answers = op.get_bind().execute(
        sa.text(
            "SELECT partner_id, measure_id, couple_id, occasion, total FROM measure_response "
            "WHERE total IS NOT NULL "
            "ORDER BY partner_id, measure_id, occasion DESC, created_at DESC, id DESC"
        ).columns(occasion=sa.Date)
    )
    newest: dict[tuple[int, int, int], dict[str, float]] = {}
    for partner_id, measure_id, couple_id, occasion, total in answers:
        kept = newest.setdefault((couple_id, measure_id, partner_id), {})
        if occasion.isoformat() not in kept and len(kept) < SERIES_LENGTH:
            kept[occasion.isoformat()] = float(total)
    rows = []
    by_couple: dict[tuple[int, int], list[dict]] = {}
    for (couple_id, measure_id, partner_id), kept in sorted(newest.items()):
        latest = [[on, total] for on, total in reversed(kept.items())]
        row = {
            "partner_id": partner_id,
            "measure_id": measure_id,
            "couple_id": couple_id,
            "latest": latest,
            "newest_occasion": _day(latest[-1][0]),
            "newest_total": latest[-1][1],
            "previous_occasion": _day(latest[-2][0]) if len(latest) > 1 else None,
            "previous_total": latest[-2][1] if len(latest) > 1 else None,
            "widening_since": None,
            "widening_gap": None,
        }
        rows.append(row)
        by_couple.setdefault((couple_id, measure_id), []).append(row)
    for pair in by_couple.values():
        if len(pair) == 2:
            a, b = dict(pair[0]["latest"]), dict(pair[1]["latest"])
            shared = sorted(set(a) & set(b))
            gaps = [abs(a[on] - b[on]) for on in shared]
            if len(gaps) >= 4 and gaps[-4] < gaps[-3] < gaps[-2] < gaps[-1]:
                for row in pair:
                    row["widening_since"], row["widening_gap"] = _day(shared[-4]), gaps[-1]
    for start in range(0, len(rows), 1000):
        op.bulk_insert(_series, rows[start : start + 1000])


def _day(iso: str) -> date:
    return date.fromisoformat(iso)


def upgrade():
    op.create_table(
        "measure_series",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=False),
        sa.Column("latest", sa.JSON(), nullable=False),
        sa.Column("newest_occasion", sa.Date(), nullable=True),
        sa.Column("newest_total", sa.Float(), nullable=True),
        sa.Column("previous_occasion", sa.Date(), nullable=True),
        sa.Column("previous_total", sa.Float(), nullable=True),
        sa.Column("widening_since", sa.Date(), nullable=True),
        sa.Column("widening_gap", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["couple_id"],
            ["couple.id"],
            name=op.f("fk_measure_series_couple_id_couple"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measure.id"],
            name=op.f("fk_measure_series_measure_id_measure"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_measure_series_partner_id_partner"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("partner_id", "measure_id", name=op.f("pk_measure_series")),
    )
    op.create_index(
        "ix_measure_series_couple_newest", "measure_series", ["couple_id", "newest_occasion"]
    )
    op.create_index(
        "ix_measure_response_partner_measure",
        "measure_response",
        ["partner_id", "measure_id", "occasion", "created_at", "total"],
    )
    op.drop_index("ix_measure_response_partner_id", table_name="measure_response")
    _backfill()


def downgrade():
    op.create_index("ix_measure_response_partner_id", "measure_response", ["partner_id"])
    op.drop_index("ix_measure_response_partner_measure", table_name="measure_response")
    op.drop_index("ix_measure_series_couple_newest", table_name="measure_series")
    op.drop_table("measure_series")
