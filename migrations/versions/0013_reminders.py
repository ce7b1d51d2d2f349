"""reminders: a rule per assignment, practice defaults, partner time zone and opt-out

Revision ID: 0013_reminders
Revises: 0012_password_reset
Create Date: 2026-11-30 03:10:00

Each assignment gets a reminder plan (none, the day before, on the due day, or a daily
nudge for recurring homework, at a local hour); the practice keeps its defaults and the
neutral subject line of its emails in one row. A partner may have a time zone (none: the
counselor's) and may opt out of reminders with one click (a table of their own, so the
partner table is left as it was). The sweep reads open homework by
due date; the partial index keeps that to current homework.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_reminders"
down_revision = "0012_password_reset"
branch_labels = None
depends_on = None

OPEN_HOMEWORK = "status = 'active' AND reviewed_at IS NULL"
RULES = "('none', 'day_before', 'due_day', 'daily_nudge')"


def upgrade():
    op.create_table(
        "reminder_plan",
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=16), nullable=False),
        sa.Column("local_hour", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"rule IN {RULES}", name=op.f("ck_reminder_plan_rule")),
        sa.CheckConstraint(
            "local_hour BETWEEN 8 AND 20", name=op.f("ck_reminder_plan_local_hour")
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignment.id"],
            name=op.f("fk_reminder_plan_assignment_id_assignment"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assignment_id", name=op.f("pk_reminder_plan")),
    )
    op.create_table(
        "reminder_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("default_rule", sa.String(length=16), nullable=False),
        sa.Column("default_hour", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("digest_enabled", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            f"default_rule IN {RULES}", name=op.f("ck_reminder_settings_default_rule")
        ),
        sa.CheckConstraint(
            "default_hour BETWEEN 8 AND 20", name=op.f("ck_reminder_settings_default_hour")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_settings")),
    )
    op.create_table(
        "reminder_preference",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("opted_out_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"],
            name=op.f("fk_reminder_preference_partner_id_partner"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("partner_id", name=op.f("pk_reminder_preference")),
    )
    op.create_index(
        "ix_assignment_open_due", "assignment", ["due_date"],
        sqlite_where=sa.text(OPEN_HOMEWORK), postgresql_where=sa.text(OPEN_HOMEWORK),
    )


def downgrade():
    op.drop_index("ix_assignment_open_due", table_name="assignment")
    op.drop_table("reminder_preference")
    op.drop_table("reminder_settings")
    op.drop_table("reminder_plan")
