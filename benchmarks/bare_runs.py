"""The baseline of `runs-ingest`: a bare WSGI endpoint that checks a Bearer token and inserts the same
run rows `POST /runs` does, served by waitress as `patchbay serve` is (16 threads), on the same
engine settings (`storage.db.make_engine`: SQLite WAL and BEGIN IMMEDIATE, or a PostgreSQL pool).

Per request, in one transaction: look the token's hash up among the active tokens, then insert each
run with "insert, or do nothing if (integration, run_id) exists". The rows are patchbay's, to the
column (the hour, duration bucket and lag included), so the database's rollup trigger (migration
0012) counts them as it counts patchbay's: the database does the same work for both. No validation
beyond what a malformed body breaks, no alert check, no rate limit, no metrics, no log line.

    python -m benchmarks.bare_runs --port 3003   (DATABASE_URL)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from bot.web.http import make_server
from commands.durations import bucket_of
from storage.db import make_engine
from storage.models import IngestToken, Run

StartResponse = Callable[..., Any]


def _answer(start_response: StartResponse, status: str, payload: dict[str, Any]) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _row(integration_id: int, run: dict[str, Any], now: datetime) -> dict[str, Any]:
    started = datetime.fromisoformat(run["started_at"]).astimezone(UTC)
    finished = datetime.fromisoformat(run["finished_at"]).astimezone(UTC)
    source_at = run.get("source_event_at")
    source = datetime.fromisoformat(source_at).astimezone(UTC) if source_at else None
    duration_ms = int((finished - started).total_seconds() * 1000)
    return {
        "integration_id": integration_id,
        "run_id": run["run_id"],
        "status": run["status"],
        "started_at": started,
        "finished_at": finished,
        "duration_ms": duration_ms,
        "records": run.get("records"),
        "error": run.get("error", ""),
        "source_event_at": source,
        "received_at": now,
        "hour": finished.replace(minute=0, second=0, microsecond=0),
        "duration_bucket": bucket_of(duration_ms),
        "lag_seconds": int((finished - source).total_seconds()) if source else None,
    }


def create_bare_runs(engine: Engine) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    dialect: Any = postgresql if engine.dialect.name == "postgresql" else sqlite
    # Built once and sent with a parameter set per run (executemany), as a careful hand would write it.
    new_runs = dialect.insert(Run.__table__).on_conflict_do_nothing(
        index_elements=["integration_id", "run_id"]
    )
    by_hash = select(IngestToken.integration_id).where(
        IngestToken.token_hash == bindparam("token_hash"), IngestToken.revoked_at.is_(None)
    )

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/runs" or environ.get("REQUEST_METHOD") != "POST":
            return _answer(start_response, "404 Not Found", {"error": "not_found"})
        scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return _answer(start_response, "401 Unauthorized", {"error": "unauthorized"})
        length = int(environ.get("CONTENT_LENGTH") or 0)
        payload = json.loads(environ["wsgi.input"].read(length))
        runs = payload.get("runs", [payload])
        digest = hashlib.sha256(token.strip().encode()).hexdigest()
        now = datetime.now(UTC)
        with engine.begin() as connection:
            integration_id = connection.scalar(by_hash, {"token_hash": digest})
            if integration_id is None:
                return _answer(start_response, "401 Unauthorized", {"error": "unauthorized"})
            connection.execute(new_runs, [_row(integration_id, run, now) for run in runs])
        return _answer(start_response, "200 OK", {"received": len(runs)})

    return app


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--port", type=int, required=True)
    port = args.parse_args().port
    make_server(create_bare_runs(make_engine(os.environ["DATABASE_URL"])), "127.0.0.1", port).run()


if __name__ == "__main__":
    main()
