"""two-factor secrets sealed at rest: totp_secret becomes totp_secret_sealed

Revision ID: 0007_sealed_totp_secrets
Revises: 0006_unseen_by_partner
Create Date: 2026-11-22 02:40:00

A TOTP secret in the clear lets anyone holding a copy of the database (a backup, a dump)
make valid codes. practice.sealed encrypts it with AES-GCM under a key derived from
SECRET_KEY, which is not in the database, bound to the counselor's row. Sealed values need
a wider column, so a new column takes them and the clear one is dropped; secrets already
stored are sealed with the SECRET_KEY of the app running the migration (the one that will
read them). Downgrading opens them again.

Why not alter the column in place: SQLite can only change a column's type by rebuilding the
table, and rebuilding `counselor` means dropping a table that couples, audit events and
recovery codes point at, which foreign keys refuse. Adding a column and dropping one are
both native in SQLite 3.35+ (and in PostgreSQL).
"""

import sqlalchemy as sa
from alembic import op
from flask import current_app

from practice import sealed

revision = "0007_sealed_totp_secrets"
down_revision = "0006_unseen_by_partner"
branch_labels = None
depends_on = None


def _sealing(counselor_id: int) -> dict[str, str]:
    # The same settings as practice.auth.two_factor._sealing, written out: a migration must
    # keep working however the app's code changes later.
    return {
        "secret_key": current_app.config["SECRET_KEY"],
        "purpose": "totp",
        "bound_to": f"counselor:{counselor_id}",
    }


def _copy(source: str, target: str, change) -> None:
    counselor = sa.table(
        "counselor", sa.column("id", sa.Integer), sa.column(source, sa.String),
        sa.column(target, sa.String),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(counselor.c.id, counselor.c[source]).where(counselor.c[source].is_not(None))
    ).all()
    for counselor_id, value in rows:
        bind.execute(
            counselor.update()
            .where(counselor.c.id == counselor_id)
            .values({target: change(counselor_id, value)})
        )


def upgrade():
    op.add_column("counselor", sa.Column("totp_secret_sealed", sa.String(255), nullable=True))
    _copy(
        "totp_secret", "totp_secret_sealed",
        lambda counselor_id, plain: sealed.seal(plain, **_sealing(counselor_id)),
    )
    op.drop_column("counselor", "totp_secret")


def downgrade():
    op.add_column("counselor", sa.Column("totp_secret", sa.String(64), nullable=True))
    _copy(
        "totp_secret_sealed", "totp_secret",
        lambda counselor_id, stored: sealed.open_sealed(stored, **_sealing(counselor_id)),
    )
    op.drop_column("counselor", "totp_secret_sealed")
