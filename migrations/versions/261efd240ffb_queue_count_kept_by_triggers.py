"""queue_count: reports per queue, category, kind and state, kept by triggers on report

The staff queue's counts per state read this table (a few dozen rows) instead of counting the reports. Triggers keep
it, so every way a report row changes is counted: the ORM, the bulk insert (COPY ... INSERT ... SELECT), the
privacy sweep's deletes, plain SQL.
- PostgreSQL: statement-level triggers with transition tables: one upsert per statement (a bulk insert of 10,000
  reports is one grouped upsert, not 10,000), the changed counts in key order (two transactions that change
  several counts lock them in the same order), and an update that changes none of the four columns writes nothing.
- SQLite: row-level triggers (SQLite has no statement-level ones); the update trigger fires only when one of the
  four columns changes.
The triggers are made before the backfill: on PostgreSQL CREATE TRIGGER locks report against writes until this
migration commits, so no report is counted twice or missed.

NOTE for later migrations: a SQLite batch_alter_table on report that recreates the table drops these triggers;
create them again there (TRIGGERS_SQLITE).

Revision ID: 261efd240ffb
Revises: bd1035f97d91
Create Date: 2026-12-02 01:45:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "261efd240ffb"
down_revision = "bd1035f97d91"
branch_labels = None
depends_on = None

KEYS = "queue_id, category_id, kind, state"

FUNCTION_PG = f"""
CREATE FUNCTION queue_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO queue_count AS c ({KEYS}, n)
        SELECT {KEYS}, count(*) FROM new_rows GROUP BY {KEYS} ORDER BY {KEYS}
        ON CONFLICT ({KEYS}) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO queue_count AS c ({KEYS}, n)
        SELECT {KEYS}, -count(*) FROM old_rows GROUP BY {KEYS} ORDER BY {KEYS}
        ON CONFLICT ({KEYS}) DO UPDATE SET n = c.n + excluded.n;
    ELSE
        INSERT INTO queue_count AS c ({KEYS}, n)
        SELECT {KEYS}, sum(d) FROM (
            SELECT {KEYS}, 1 AS d FROM new_rows UNION ALL SELECT {KEYS}, -1 AS d FROM old_rows
        ) AS changes GROUP BY {KEYS} HAVING sum(d) <> 0 ORDER BY {KEYS}
        ON CONFLICT ({KEYS}) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END $$
"""

TRIGGERS_PG = [
    "CREATE TRIGGER queue_count_insert AFTER INSERT ON report REFERENCING NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION queue_count_apply()",
    "CREATE TRIGGER queue_count_update AFTER UPDATE ON report REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION queue_count_apply()",
    "CREATE TRIGGER queue_count_delete AFTER DELETE ON report REFERENCING OLD TABLE AS old_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION queue_count_apply()",
]


def _add(row: str, sign: str) -> str:
    """SQLite: add one (sign +) or take one away (sign -) from the count of the NEW or OLD row."""
    match = " AND ".join(f"{k} = {row}.{k}" for k in KEYS.split(", "))
    values = ", ".join(f"{row}.{k}" for k in KEYS.split(", "))
    return (
        f"INSERT OR IGNORE INTO queue_count ({KEYS}, n) VALUES ({values}, 0); "
        f"UPDATE queue_count SET n = n {sign} 1 WHERE {match};"
    )


CHANGED = " OR ".join(f"OLD.{k} IS NOT NEW.{k}" for k in KEYS.split(", "))
TRIGGERS_SQLITE = [
    f"CREATE TRIGGER queue_count_insert AFTER INSERT ON report BEGIN {_add('NEW', '+')} END",
    f"CREATE TRIGGER queue_count_update AFTER UPDATE OF {KEYS} ON report WHEN {CHANGED}"
    f" BEGIN {_add('OLD', '-')} {_add('NEW', '+')} END",
    f"CREATE TRIGGER queue_count_delete AFTER DELETE ON report BEGIN {_add('OLD', '-')} END",
]


def upgrade():
    op.create_table(
        "queue_count",
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"], ["category.id"], name=op.f("fk_queue_count_category_id_category"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["queue_id"], ["queue.id"], name=op.f("fk_queue_count_queue_id_queue"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("queue_id", "category_id", "kind", "state", name=op.f("pk_queue_count")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION_PG)
        for trigger in TRIGGERS_PG:
            op.execute(trigger)
    else:
        for trigger in TRIGGERS_SQLITE:
            op.execute(trigger)
    op.execute(f"INSERT INTO queue_count ({KEYS}, n) SELECT {KEYS}, count(*) FROM report GROUP BY {KEYS}")


def downgrade():
    for name in ("queue_count_insert", "queue_count_update", "queue_count_delete"):
        op.execute(
            f"DROP TRIGGER {name} ON report" if op.get_bind().dialect.name == "postgresql" else f"DROP TRIGGER {name}"
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION queue_count_apply()")
    op.drop_table("queue_count")
