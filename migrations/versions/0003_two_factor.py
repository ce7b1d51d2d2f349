"""two-factor sign-in: TOTP columns on counselor, recovery codes, practice settings

Revision ID: 0003_two_factor
Revises: 0002_audit
Create Date: 2026-11-22 11:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003_two_factor"
down_revision = "0002_audit"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("counselor", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_confirmed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))

    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counselor_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["counselor_id"],
            ["counselor.id"],
            name=op.f("fk_recovery_code_counselor_id_counselor"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recovery_code_counselor_id"), ["counselor_id"], unique=False
        )

    op.create_table(
        "practice_setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_practice_setting")),
    )


def downgrade():
    op.drop_table("practice_setting")
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_code_counselor_id"))
    op.drop_table("recovery_code")
    # Native DROP COLUMN (SQLite 3.35+), not a batch rebuild: rebuilding counselor means
    # dropping a table that couples point at, which their foreign keys refuse.
    for column in ("totp_last_step", "totp_confirmed_at", "totp_secret"):
        op.drop_column("counselor", column)
