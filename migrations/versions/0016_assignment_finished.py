"""assignment.finished_at: when every assigned partner finished, for the dashboard

Revision ID: 0016_assignment_finished
Revises: 0015_record_exports
Create Date: 2026-11-30 03:35:00

The dashboard counted every open assignment's entries per partner on each visit to tell
finished homework apart. The answer is now kept on the assignment (practice.homework.finished
updates it when an entry arrives or a due date changes) and filled in here for the homework
already given, with the same rule written in SQL (a frozen copy: later changes to the app's
rule do not change what this migration did).
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_assignment_finished"
down_revision = "0015_record_exports"
branch_labels = None
depends_on = None

_DAYS = {
    "sqlite": "CAST(julianday(a.due_date) - julianday(date(a.created_at)) AS INTEGER)",
    "postgresql": "(a.due_date - CAST(a.created_at AS DATE))",
}
_NOW = {"sqlite": "CURRENT_TIMESTAMP", "postgresql": "(now() AT TIME ZONE 'utc')"}


def _backfill_sql(dialect: str) -> str:
    days = f"(CASE WHEN {_DAYS[dialect]} < 1 THEN 1 ELSE {_DAYS[dialect]} END)"
    per_week = (
        "(CASE WHEN coalesce(a.times_per_week, 1) < 1 THEN 1 "
        "ELSE coalesce(a.times_per_week, 1) END)"
    )
    expected = (
        f"(CASE WHEN a.frequency = 'daily' THEN {days} "
        f"WHEN a.frequency = 'weekly' THEN {per_week} * (({days} + 6) / 7) ELSE 1 END)"
    )
    capped = f"(CASE WHEN {expected} > 60 THEN 60 ELSE {expected} END)"
    return f"""
        UPDATE assignment SET finished_at = {_NOW[dialect]}
        WHERE id IN (
            SELECT a.id FROM assignment a
            WHERE NOT EXISTS (
                SELECT 1 FROM partner_link l
                WHERE l.assignment_id = a.id
                  AND (SELECT count(*) FROM entry e
                       WHERE e.assignment_id = l.assignment_id AND e.partner_id = l.partner_id)
                      < {capped}
            )
        )
    """


# Plain ADD/DROP COLUMN, native in SQLite 3.35+ and PostgreSQL: a batch rebuild of
# `assignment` would trip the foreign keys of the entries and links pointing at it.
def upgrade():
    op.add_column("assignment", sa.Column("finished_at", sa.DateTime(), nullable=True))
    op.execute(_backfill_sql(op.get_bind().dialect.name))


def downgrade():
    op.drop_column("assignment", "finished_at")
