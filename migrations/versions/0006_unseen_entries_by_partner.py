"""unseen-entries index by partner: the dashboard's new count starts from a counselor's partners

Revision ID: 0006_unseen_by_partner
Revises: 0005_entry_progress_index
Create Date: 2026-11-22 02:10:00

The dashboard counts entries the counselor has not seen. Reached through the assignments
(ix_entry_unseen on assignment_id, created_at), the count probed the index once for every
assignment the counselor ever gave: 12,000 at scale 10 of the benchmark, 2.4 ms on SQLite,
and on PostgreSQL a scan of every unseen entry in the practice (16.8 ms of the page's 34).
Each entry's partner belongs to the assignment's couple, so the count can start from the
counselor's couples' partners (200) instead: 0.34 ms on SQLite, 2.2 ms on PostgreSQL, and it
no longer grows with years of homework. Query plans are in the commit message.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_unseen_by_partner"
down_revision = "0005_entry_progress_index"
branch_labels = None
depends_on = None

UNSEEN_ENTRY = "seen_at IS NULL"


def upgrade():
    op.create_index(
        "ix_entry_unseen_partner", "entry", ["partner_id", "created_at"],
        sqlite_where=sa.text(UNSEEN_ENTRY), postgresql_where=sa.text(UNSEEN_ENTRY),
    )
    op.drop_index("ix_entry_unseen", table_name="entry")


def downgrade():
    op.create_index(
        "ix_entry_unseen", "entry", ["assignment_id", "created_at"],
        sqlite_where=sa.text(UNSEEN_ENTRY), postgresql_where=sa.text(UNSEEN_ENTRY),
    )
    op.drop_index("ix_entry_unseen_partner", table_name="entry")
