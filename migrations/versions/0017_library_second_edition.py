"""library second edition: aliases, length, when not to assign, extras, roles, schedule

Revision ID: 0017_library_second_edition
Revises: 0016_assignment_finished
Create Date: 2026-11-30 03:00:00

Search gains a second key: `search_names` (title and aliases, normalized) is matched and
ranked before `search_text`, which is rewritten in the same normalized form (punctuation and
hyphens become spaces) by the next `flask seed` for the built-in exercises and here for the
counselors' own. `minutes` feeds the length filter; `not_for` is the counselor-only note on
when not to assign; `extra` lists an exercise after the rest; `roles` and `schedule` are the
exercise's role pairing and the schedule an assignment starts from.

Homework gains the role plan (`assignment.roles`: who takes the first role, fixed or
swapping) and three schedules (every other week, monthly, "when it happens"): the frequency
CHECK constraint is widened. PostgreSQL drops and re-creates it; SQLite cannot alter a
constraint, and rebuilding `assignment` would cascade-delete every entry through the foreign
keys, so its stored CREATE TABLE text is rewritten in place, the procedure SQLite documents
for loosening a CHECK (ALTER TABLE, section "Making Other Kinds Of Table Schema Changes").

All columns are added and dropped natively (SQLite 3.35+, PostgreSQL): rebuilding
`exercise` on SQLite would null the homework pointing at it through the foreign key.
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0017_library_second_edition"
down_revision = "0016_assignment_finished"
branch_labels = None
depends_on = None


def _normalize(text: str) -> str:
    # The same rule as practice.exercises.search.normalize, written out: a migration must
    # keep working however the app's code changes later.
    folded = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "")
    return re.sub(r"[\W_]+", " ", folded.replace("'", "")).strip()


OLD_FREQUENCIES = "frequency IN ('once', 'daily', 'weekly')"
NEW_FREQUENCIES = (
    "frequency IN ('once', 'daily', 'weekly', 'fortnightly', 'monthly', 'event')"
)


def _set_frequency_check(old: str, new: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
        bind.exec_driver_sql("PRAGMA writable_schema=ON")
        bind.execute(
            sa.text(
                "UPDATE sqlite_schema SET sql = replace(sql, :old, :new) "
                "WHERE type = 'table' AND name = 'assignment'"
            ),
            {"old": old, "new": new},
        )
        bind.exec_driver_sql(f"PRAGMA schema_version={int(version) + 1}")
        bind.exec_driver_sql("PRAGMA writable_schema=OFF")
    else:
        op.drop_constraint(op.f("ck_assignment_frequency"), "assignment", type_="check")
        op.create_check_constraint(op.f("ck_assignment_frequency"), "assignment", new)


def upgrade():
    op.add_column("assignment", sa.Column("roles", sa.JSON(), nullable=True))
    _set_frequency_check(OLD_FREQUENCIES, NEW_FREQUENCIES)
    op.add_column("exercise", sa.Column("aliases", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("exercise", sa.Column("minutes", sa.Integer(), nullable=True))
    op.add_column("exercise", sa.Column("not_for", sa.Text(), nullable=False, server_default=""))
    op.add_column(
        "exercise", sa.Column("extra", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("exercise", sa.Column("roles", sa.String(length=20), nullable=True))
    op.add_column("exercise", sa.Column("schedule", sa.String(length=16), nullable=True))
    op.add_column(
        "exercise", sa.Column("search_names", sa.Text(), nullable=False, server_default="")
    )
    exercise = sa.table(
        "exercise",
        sa.column("id", sa.Integer),
        sa.column("title", sa.String),
        sa.column("goal", sa.String),
        sa.column("why", sa.Text),
        sa.column("steps", sa.JSON),
        sa.column("aliases", sa.JSON),
        sa.column("search_names", sa.Text),
        sa.column("search_text", sa.Text),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            exercise.c.id, exercise.c.title, exercise.c.goal, exercise.c.why, exercise.c.steps
        )
    ).all()
    for row in rows:
        text = " ".join(_normalize(p) for p in [row.goal, row.why or "", *(row.steps or [])])
        bind.execute(
            exercise.update()
            .where(exercise.c.id == row.id)
            .values(aliases=[], search_names=f" {_normalize(row.title)} ", search_text=f" {text} ")
        )


def downgrade():
    # The older schedules that come closest: every other week and monthly become once a
    # week, "when it happens" becomes once.
    assignment = sa.table(
        "assignment", sa.column("frequency", sa.String), sa.column("times_per_week", sa.Integer)
    )
    op.execute(
        assignment.update()
        .where(assignment.c.frequency.in_(["fortnightly", "monthly"]))
        .values(frequency="weekly", times_per_week=1)
    )
    op.execute(
        assignment.update().where(assignment.c.frequency == "event").values(frequency="once")
    )
    _set_frequency_check(NEW_FREQUENCIES, OLD_FREQUENCIES)
    op.drop_column("assignment", "roles")
    # Native DROP COLUMN (SQLite 3.35+): rebuilding `exercise` would set the homework that
    # points at it to NULL through its foreign key.
    for column in ("search_names", "schedule", "roles", "extra", "not_for", "minutes", "aliases"):
        op.drop_column("exercise", column)
