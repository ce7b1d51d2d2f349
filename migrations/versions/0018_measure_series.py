"""measure_series: each partner's latest totals on a measure, for the dashboard's flags

Revision ID: 0018_measure_series
Revises: 0017_library_second_edition
Create Date: 2026-11-30 10:00:00

The dashboard read every answer with a total from the last twelve weeks across the
counselor's active couples (about 2,400 rows for 100 couples answering weekly) and ranked
them on each visit: half of the page's time. The ranking is now kept, one row per partner
and measure, by practice.measures.series when an answer is stored, and filled in here for
the answers already given, with the same rule (a frozen copy: later changes to the app's
rule do not change what this migration did).

Rebuilding a partner's series reads their answers to one measure: an index on (partner_id,
measure_id, …) replaces the one on partner_id alone, its prefix. With the two columns indexed
apart, SQLite chose measure_id and read every answer to the measure in the practice.
"""

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
)


def _backfill() -> None:
    """Newest first per partner and measure: the first answer seen for an occasion is its
    newest, and SERIES_LENGTH occasions are kept, then written oldest first."""
    answers = op.get_bind().execute(
        sa.text(
            "SELECT partner_id, measure_id, couple_id, occasion, total FROM measure_response "
            "WHERE total IS NOT NULL "
            "ORDER BY partner_id, measure_id, occasion DESC, created_at DESC, id DESC"
        ).columns(occasion=sa.Date)
    )
    rows: list[dict] = []
    current = None
    for partner_id, measure_id, couple_id, occasion, total in answers:
        if (partner_id, measure_id) != current:
            current = (partner_id, measure_id)
            newest: dict[str, float] = {}
            rows.append(
                {
                    "partner_id": partner_id,
                    "measure_id": measure_id,
                    "couple_id": couple_id,
                    "latest": newest,
                    "newest_occasion": occasion,
                }
            )
        key = occasion.isoformat()
        if key not in newest and len(newest) < SERIES_LENGTH:
            newest[key] = float(total)
    for row in rows:
        row["latest"] = [[on, total] for on, total in reversed(row["latest"].items())]
    for start in range(0, len(rows), 1000):
        op.bulk_insert(_series, rows[start : start + 1000])


def upgrade():
    op.create_table(
        "measure_series",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=False),
        sa.Column("latest", sa.JSON(), nullable=False),
        sa.Column("newest_occasion", sa.Date(), nullable=True),
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
