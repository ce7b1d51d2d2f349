"""measure answers: a covering index for the dashboard's progress flags

Revision ID: 0014_measure_flags_index
Revises: 0013_reminders
Create Date: 2026-11-30 03:40:00

The dashboard reads each partner's latest totals across a counselor's active couples. With
(couple_id, occasion) alone every matching answer was fetched from the table to read its
measure, partner, total and time: 75 ms at scale 10 on SQLite for a caseload of 90 couples
answering weekly. The wider index holds all of them, so the rows come from the index alone.
It replaces the narrower one, which is its prefix.
"""

from alembic import op

revision = "0014_measure_flags_index"
down_revision = "0013_reminders"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_measure_response_couple_latest",
        "measure_response",
        ["couple_id", "occasion", "measure_id", "partner_id", "total", "created_at"],
    )
    op.drop_index("ix_measure_response_couple_occasion", table_name="measure_response")


def downgrade():
    op.create_index(
        "ix_measure_response_couple_occasion", "measure_response", ["couple_id", "occasion"]
    )
    op.drop_index("ix_measure_response_couple_latest", table_name="measure_response")
