"""measures: scales with versions, requests to a couple, partners' answers; "include progress"

Revision ID: 0011_measures
Revises: 0010_outbound_email
Create Date: 2026-11-30 03:10:00

A measure (the CSI-4 from seed/measures/, or a counselor's own short scale) keeps every
wording it ever had as a version, and each answer points at the version it was given
against. A request asks a couple once, weekly or before each session; answers carry their
occasion (the date they count for), so both partners' totals line up on the progress chart.
The couple's copy of a session summary shows the chart only when the counselor ticks
"include progress" for that session.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_measures"
down_revision = "0010_outbound_email"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "measure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("counselor_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["counselor_id"],
            ["counselor.id"],
            name=op.f("fk_measure_counselor_id_counselor"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure")),
        sa.UniqueConstraint("slug", name=op.f("uq_measure_slug")),
    )
    op.create_index(op.f("ix_measure_counselor_id"), "measure", ["counselor_id"])
    op.create_table(
        "measure_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measure.id"],
            name=op.f("fk_measure_version_measure_id_measure"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_version")),
        sa.UniqueConstraint(
            "measure_id", "number", name=op.f("uq_measure_version_measure_id_number")
        ),
    )
    op.create_table(
        "measure_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("stopped_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "cadence IN ('once', 'weekly', 'before_session')",
            name=op.f("ck_measure_request_cadence"),
        ),
        sa.ForeignKeyConstraint(
            ["couple_id"],
            ["couple.id"],
            name=op.f("fk_measure_request_couple_id_couple"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measure.id"],
            name=op.f("fk_measure_request_measure_id_measure"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_request")),
    )
    op.create_index(op.f("ix_measure_request_couple_id"), "measure_request", ["couple_id"])
    op.create_table(
        "measure_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("occasion", sa.Date(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("total", sa.Float(), nullable=True),
        sa.Column("score_note", sa.Text(), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["couple_id"],
            ["couple.id"],
            name=op.f("fk_measure_response_couple_id_couple"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measure.id"],
            name=op.f("fk_measure_response_measure_id_measure"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_measure_response_partner_id_partner"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["measure_request.id"],
            name=op.f("fk_measure_response_request_id_measure_request"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["measure_version.id"],
            name=op.f("fk_measure_response_version_id_measure_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_response")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_measure_response_submission_key")),
    )
    op.create_index(
        "ix_measure_response_couple_occasion", "measure_response", ["couple_id", "occasion"]
    )
    op.create_index(
        "ix_measure_response_request_partner",
        "measure_response",
        ["request_id", "partner_id", "occasion"],
    )
    op.create_index(op.f("ix_measure_response_partner_id"), "measure_response", ["partner_id"])
    op.create_index(op.f("ix_measure_response_measure_id"), "measure_response", ["measure_id"])
    op.create_index(op.f("ix_measure_response_version_id"), "measure_response", ["version_id"])
    # Native ADD/DROP COLUMN (SQLite 3.35+): no table rebuild under the tables that point here.
    op.add_column(
        "counseling_session",
        sa.Column("include_progress", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade():
    op.drop_column("counseling_session", "include_progress")
    op.drop_table("measure_response")
    op.drop_table("measure_request")
    op.drop_table("measure_version")
    op.drop_index(op.f("ix_measure_counselor_id"), table_name="measure")
    op.drop_table("measure")
