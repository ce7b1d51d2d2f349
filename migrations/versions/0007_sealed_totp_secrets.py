"""two-factor secrets sealed at rest: the column widens and clear secrets are sealed

Revision ID: 0007_sealed_totp_secrets
Revises: 0006_unseen_by_partner
Create Date: 2026-11-22 02:40:00

A TOTP secret in the clear lets anyone holding a copy of the database (a backup, a dump)
make valid codes. practice.sealed encrypts it with AES-GCM under a key derived from
SECRET_KEY, which is not in the database, bound to the counselor's row. Sealed values are
longer than 64 characters, so the column widens first. Secrets already stored are sealed
with the SECRET_KEY of the app running the migration (the same one that will read them);
downgrading opens them again.
"""

import sqlalchemy as sa
from alembic import op
from flask import current_app

from practice import sealed

revision = "0007_sealed_totp_secrets"
down_revision = "0006_unseen_by_partner"
branch_labels = None
depends_on = None

counselor = sa.table(
    "counselor", sa.column("id", sa.Integer), sa.column("totp_secret", sa.String)
)


def _sealing(counselor_id: int) -> dict[str, str]:
    # The same settings as practice.auth.two_factor._sealing, written out: a migration must
    # keep working however the app's code changes later.
    return {
        "secret_key": current_app.config["SECRET_KEY"],
        "purpose": "totp",
        "bound_to": f"counselor:{counselor_id}",
    }


def _rewrite(change) -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(counselor.c.id, counselor.c.totp_secret).where(
            counselor.c.totp_secret.is_not(None)
        )
    ).all()
    for counselor_id, stored in rows:
        new = change(counselor_id, stored)
        if new != stored:
            bind.execute(
                counselor.update().where(counselor.c.id == counselor_id).values(totp_secret=new)
            )


def upgrade():
    with op.batch_alter_table("counselor") as batch:
        batch.alter_column(
            "totp_secret", existing_type=sa.String(64), type_=sa.String(255),
            existing_nullable=True,
        )
    _rewrite(
        lambda counselor_id, stored: stored
        if sealed.is_sealed(stored)
        else sealed.seal(stored, **_sealing(counselor_id))
    )


def downgrade():
    _rewrite(
        lambda counselor_id, stored: sealed.open_sealed(stored, **_sealing(counselor_id))
        if sealed.is_sealed(stored)
        else stored
    )
    with op.batch_alter_table("counselor") as batch:
        batch.alter_column(
            "totp_secret", existing_type=sa.String(255), type_=sa.String(64),
            existing_nullable=True,
        )
