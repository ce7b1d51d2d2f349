"""one link per partner: partner_access, made for every partner who has homework links

Revision ID: 0008_partner_access
Revises: 0007_sealed_totp_secrets
Create Date: 2026-11-30 03:00:00

Each partner gets one personal link that opens their home with every homework under it,
instead of one link per assignment. The table keeps one row per partner: the SHA-256 of the
token, when it was issued, until when it works, and whether (and why) it was turned off.

Data: every partner who already has per-assignment links gets their one link now, working
as long as the longest-lived of those links, so the couple page can show and print it at
once. The token is derived as the app derives it (practice.partner.access, written out here
so this migration keeps working however that code changes) under the SECRET_KEY of the app
running the migration. The per-assignment links are left as they are: the links already
handed out keep working until they expire, and now open the partner's home. Partners of
archived couples get a row that is already turned off.

Downgrading drops the table; per-assignment links made before it still work. Homework
assigned after the upgrade has no per-assignment token: the couple page of the older code
offers to make one.
"""

import base64
import hashlib
import hmac
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

revision = "0008_partner_access"
down_revision = "0007_sealed_totp_secrets"
branch_labels = None
depends_on = None


def _token_hash(secret_key: str, access_id: int, issued_at: datetime) -> str:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"practice:partner-links"
    ).derive(secret_key.encode("utf-8"))
    message = f"partner-access\x00{access_id}\x00{issued_at.isoformat(timespec='microseconds')}"
    token = (
        base64.urlsafe_b64encode(hmac.new(key, message.encode(), hashlib.sha256).digest())
        .rstrip(b"=")
        .decode("ascii")
    )
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def upgrade():
    op.create_table(
        "partner_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_reason", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "revoked_reason IS NULL OR revoked_reason IN "
            "('turned_off', 'archived', 'counselor_deactivated')",
            name=op.f("ck_partner_access_revoked_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_partner_access_partner_id_partner"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_access")),
        sa.UniqueConstraint("partner_id", name=op.f("uq_partner_access_partner_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_partner_access_token_hash")),
    )

    bind = op.get_bind()
    link = sa.table(
        "partner_link", sa.column("partner_id", sa.Integer), sa.column("expires_at", sa.DateTime)
    )
    partner = sa.table("partner", sa.column("id", sa.Integer), sa.column("couple_id", sa.Integer))
    couple = sa.table("couple", sa.column("id", sa.Integer), sa.column("status", sa.String))
    access = sa.table(
        "partner_access",
        sa.column("id", sa.Integer),
        sa.column("partner_id", sa.Integer),
        sa.column("token_hash", sa.String),
        sa.column("issued_at", sa.DateTime),
        sa.column("expires_at", sa.DateTime),
        sa.column("revoked_at", sa.DateTime),
        sa.column("revoked_reason", sa.String),
    )
    rows = bind.execute(
        sa.select(link.c.partner_id, sa.func.max(link.c.expires_at), couple.c.status)
        .join(partner, partner.c.id == link.c.partner_id)
        .join(couple, couple.c.id == partner.c.couple_id)
        .group_by(link.c.partner_id, couple.c.status)
        .order_by(link.c.partner_id)
    ).all()
    if not rows:
        return
    secret_key = current_app.config["SECRET_KEY"]
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for access_id, (partner_id, expires_at, status) in enumerate(rows, start=1):
        archived = status != "active"
        bind.execute(
            access.insert().values(
                id=access_id,
                partner_id=partner_id,
                token_hash=_token_hash(secret_key, access_id, now),
                issued_at=now,
                expires_at=expires_at,
                revoked_at=now if archived else None,
                revoked_reason="archived" if archived else None,
            )
        )
    if bind.dialect.name == "postgresql":  # explicit ids: move the sequence past them
        bind.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('partner_access', 'id'), "
                "(SELECT max(id) FROM partner_access))"
            )
        )


def downgrade():
    op.drop_table("partner_access")
