"""full-record exports built in the background, kept a short while

Revision ID: 0015_record_exports
Revises: 0014_measure_flags_index
Create Date: 2026-11-30 03:40:00

A couple's full record of many sessions takes longer to lay out than a request should wait.
The counselor now asks for it; a worker builds it, reporting its progress on this row, and
stores the PDF here (any web host can serve it) until EXPORT_KEEP_MINUTES have passed, when
the PDF is deleted and the row says it expired.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_record_exports"
down_revision = "0014_measure_flags_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "record_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=False),
        sa.Column("counselor_id", sa.Integer(), nullable=False),
        sa.Column("copy", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("downloaded_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'ready', 'failed', 'expired')",
            name=op.f("ck_record_export_status"),
        ),
        sa.CheckConstraint("copy IN ('couple', 'counselor')", name=op.f("ck_record_export_copy")),
        sa.ForeignKeyConstraint(
            ["couple_id"], ["couple.id"], name=op.f("fk_record_export_couple_id_couple"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["counselor_id"], ["counselor.id"],
            name=op.f("fk_record_export_counselor_id_counselor"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_export")),
    )
    with op.batch_alter_table("record_export") as batch_op:
        batch_op.create_index("ix_record_export_couple_created", ["couple_id", "created_at"])
        batch_op.create_index(batch_op.f("ix_record_export_expires_at"), ["expires_at"])


def downgrade():
    with op.batch_alter_table("record_export") as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_export_expires_at"))
        batch_op.drop_index("ix_record_export_couple_created")
    op.drop_table("record_export")
