from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, CheckConstraint, String, event
from sqlalchemy.orm import Mapped, mapped_column

from practice.extensions import Model
from practice.timeutil import utcnow

ACTOR_KINDS = ("counselor", "partner_link", "system")


class AuditEvent(Model):
    """One thing that happened. Rows are only ever inserted: the database refuses changes.

    `couple_id` is deliberately not a foreign key, so the record outlives a deleted couple.
    Nothing here may hold a token, note text or a client's name.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        CheckConstraint("actor_kind IN ('counselor', 'partner_link', 'system')", name="actor_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_counselor_id: Mapped[int | None] = mapped_column(index=True)
    actor_kind: Mapped[str] = mapped_column(String(16), default="system")
    action: Mapped[str] = mapped_column(String(40), index=True)
    couple_id: Mapped[int | None] = mapped_column(index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None]
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(String(200), default="")

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action}>"


# The same guards as migration 0002, for databases built with create_all (the tests).
SQLITE_GUARDS = (
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
)
POSTGRES_GUARDS = (
    "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$",
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
)
for _statement in SQLITE_GUARDS:
    event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRES_GUARDS:
    event.listen(
        AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql")
    )
