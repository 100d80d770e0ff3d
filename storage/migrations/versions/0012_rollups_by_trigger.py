"""The database counts each stored run into its hourly rollups, in the statement that stores it.

A run carries the hour it is counted in, its duration bucket and its freshness lag (worked out when
it arrives); a trigger on `runs` adds every row actually inserted to `run_hours` and
`run_durations`. A run already stored (ON CONFLICT DO NOTHING) inserts no row, so it is not counted
again, on any replica. SQLite runs the trigger for each row; PostgreSQL once per statement, over the
statement's new rows grouped by hour (one upsert per hour, in a fixed order). Runs stored before this
revision were counted when they arrived and keep NULL in the three new columns.

A later migration that rebuilds `runs` on SQLite (a batch "move and copy") drops the trigger and must
create it again; `tests/storage/test_rollup_triggers.py` fails if it is missing.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGER = "runs_count_in_rollups"
HOUR_COLUMNS = (
    "integration_id, hour, runs, successes, errors, partials, records, counted_runs, lag_seconds,"
    " lagged_runs, last_success_at"
)
SUMMED = ("runs", "successes", "errors", "partials", "records", "counted_runs", "lag_seconds", "lagged_runs")

SQLITE = f"""
CREATE TRIGGER {TRIGGER} AFTER INSERT ON runs
BEGIN
    INSERT INTO run_hours ({HOUR_COLUMNS})
    VALUES (
        NEW.integration_id, NEW.hour, 1,
        NEW.status = 'success', NEW.status = 'error', NEW.status = 'partial',
        coalesce(NEW.records, 0), NEW.records IS NOT NULL,
        coalesce(NEW.lag_seconds, 0), NEW.lag_seconds IS NOT NULL,
        CASE WHEN NEW.status = 'success' THEN NEW.finished_at END
    )
    ON CONFLICT (integration_id, hour) DO UPDATE SET
        {", ".join(f"{name} = {name} + excluded.{name}" for name in SUMMED)},
        last_success_at = CASE
            WHEN last_success_at IS NULL OR last_success_at < excluded.last_success_at
            THEN excluded.last_success_at ELSE last_success_at END;
    INSERT INTO run_durations (integration_id, hour, bucket, runs)
    VALUES (NEW.integration_id, NEW.hour, NEW.duration_bucket, 1)
    ON CONFLICT (integration_id, hour, bucket) DO UPDATE SET runs = runs + 1;
END
"""

POSTGRES_FUNCTION = f"""
CREATE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO run_hours AS h ({HOUR_COLUMNS})
    SELECT integration_id, hour, count(*),
           count(*) FILTER (WHERE status = 'success'),
           count(*) FILTER (WHERE status = 'error'),
           count(*) FILTER (WHERE status = 'partial'),
           coalesce(sum(records), 0), count(records),
           coalesce(sum(lag_seconds), 0), count(lag_seconds),
           max(finished_at) FILTER (WHERE status = 'success')
    FROM new_runs
    GROUP BY integration_id, hour
    ORDER BY integration_id, hour
    ON CONFLICT (integration_id, hour) DO UPDATE SET
        {", ".join(f"{name} = h.{name} + excluded.{name}" for name in SUMMED)},
        last_success_at = greatest(h.last_success_at, excluded.last_success_at);
    INSERT INTO run_durations AS d (integration_id, hour, bucket, runs)
    SELECT integration_id, hour, duration_bucket, count(*)
    FROM new_runs
    GROUP BY integration_id, hour, duration_bucket
    ORDER BY integration_id, hour, duration_bucket
    ON CONFLICT (integration_id, hour, bucket) DO UPDATE SET runs = d.runs + excluded.runs;
    RETURN NULL;
END
$$
"""

POSTGRES_TRIGGER = f"""
CREATE TRIGGER {TRIGGER} AFTER INSERT ON runs
REFERENCING NEW TABLE AS new_runs
FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()
"""


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("hour", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("duration_bucket", sa.Integer, nullable=True))
        batch.add_column(sa.Column("lag_seconds", sa.Integer, nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)
    else:
        op.execute(SQLITE)


def downgrade() -> None:
    op.execute(f"DROP TRIGGER {TRIGGER}" + (" ON runs" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION {TRIGGER}()")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("lag_seconds")
        batch.drop_column("duration_bucket")
        batch.drop_column("hour")
