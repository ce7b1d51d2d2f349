"""password reset links: one-time, for an hour, only their hash kept

Revision ID: 0012_password_reset
Revises: 0011_measures
Create Date: 2026-11-30 03:00:00

A counselor who forgot their password had no way back in. The administrator can now make a
one-time link for them (and, once email is set up, counselors can ask for one themselves).
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_password_reset"
down_revision = "0011_measures"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "password_reset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counselor_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("made_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["counselor_id"], ["counselor.id"],
            name=op.f("fk_password_reset_counselor_id_counselor"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["made_by_id"], ["counselor.id"],
            name=op.f("fk_password_reset_made_by_id_counselor"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_reset_token_hash")),
    )
    op.create_index(
        op.f("ix_password_reset_counselor_id"), "password_reset", ["counselor_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_password_reset_counselor_id"), table_name="password_reset")
    op.drop_table("password_reset")
