"""outbound email: every link, reminder and digest as a row that is sent once

Revision ID: 0010_outbound_email
Revises: 0009_practice_settings
Create Date: 2026-11-30 03:00:00

Emails go out from background jobs. Each is a row with a unique key (kind, what it is
about, who, the scheduled moment), claimed by a conditional UPDATE before it is sent, so
two schedulers, two workers or a retry never send it twice (practice.mail.outbox). The
partial index holds only rows in flight, so the every-minute sweep reads what is pending,
not years of sent mail.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_outbound_email"
down_revision = "0009_practice_settings"
branch_labels = None
depends_on = None

IN_FLIGHT = "status IN ('pending', 'sending')"


def upgrade():
    op.create_table(
        "outbound_email",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("counselor_id", sa.Integer(), nullable=True),
        sa.Column("scheduled_for", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("failing_since", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'skipped', 'failed')",
            name=op.f("ck_outbound_email_status"),
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignment.id"],
            name=op.f("fk_outbound_email_assignment_id_assignment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["counselor_id"],
            ["counselor.id"],
            name=op.f("fk_outbound_email_counselor_id_counselor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["couple_id"],
            ["couple.id"],
            name=op.f("fk_outbound_email_couple_id_couple"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_outbound_email_partner_id_partner"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_email")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbound_email_dedupe_key")),
    )
    op.create_index(
        "ix_outbound_email_in_flight",
        "outbound_email",
        ["next_attempt_at"],
        sqlite_where=sa.text(IN_FLIGHT),
        postgresql_where=sa.text(IN_FLIGHT),
    )
    op.create_index(
        "ix_outbound_email_couple_created", "outbound_email", ["couple_id", "created_at"]
    )
    for column in ("partner_id", "assignment_id", "counselor_id"):
        op.create_index(f"ix_outbound_email_{column}", "outbound_email", [column])


def downgrade():
    op.drop_table("outbound_email")
