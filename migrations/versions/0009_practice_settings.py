"""the practice's details in one row: letterhead, crisis line, paper size, time zone

Revision ID: 0009_practice_settings
Revises: 0008_partner_access
Create Date: 2026-11-30 02:50:00

Until now the practice's name, paper size and default time zone came from environment
variables only, and there was nowhere for an address, a logo or a crisis line. The
administrator now edits them in the app. No row is written here: until one is saved the
app keeps answering from the environment, as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_practice_settings"
down_revision = "0008_partner_access"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "practice_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("website", sa.String(length=200), nullable=False),
        sa.Column("crisis_line", sa.String(length=300), nullable=False),
        sa.Column("paper_size", sa.String(length=10), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(length=20), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_settings")),
    )


def downgrade():
    op.drop_table("practice_settings")
