"""The floor: the bare Bolt app of `bare_app.py`, plus exactly the libraries `patchbay serve` needs
to serve (and nothing of Patchbay's own), so the memory figure can say how much of patchbay's RSS
is the libraries and how much is Patchbay.

    python -m benchmarks.floor_app --port 3002   (SLACK_*, as bare_app, and DATABASE_URL)

`tests/test_layers.py` checks that every library the serving path loads at start is one of these
or something they load themselves.
"""

from __future__ import annotations

import argparse
import importlib
import os

import waitress
from slack_bolt.adapter.wsgi import SlackRequestHandler

from benchmarks.bare_app import create_bare_app

# What `patchbay serve` imports at start: Bolt and its Web API client, the WSGI server, the ORM, the
# settings and models, the scheduler (the review sweep and outbox), the metrics. The database driver
# (sqlite3 or psycopg) comes from DATABASE_URL below.
FLOOR = (
    "slack_bolt",
    "slack_bolt.adapter.wsgi",
    "slack_sdk",
    "waitress",
    "sqlalchemy",
    "sqlalchemy.orm",
    "pydantic",
    "pydantic_settings",
    "apscheduler.schedulers.background",
    "apscheduler.triggers.cron",
    "apscheduler.triggers.interval",
    "prometheus_client",
)


def load_floor(database_url: str) -> None:
    """Import the floor's libraries and connect once, which loads the URL's database driver."""
    for name in FLOOR:
        importlib.import_module(name)
    from sqlalchemy import create_engine

    engine = create_engine(database_url)
    engine.connect().close()


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--port", type=int, required=True)
    port = args.parse_args().port
    load_floor(os.environ["DATABASE_URL"])
    waitress.serve(SlackRequestHandler(create_bare_app()), host="127.0.0.1", port=port, threads=16)


if __name__ == "__main__":
    main()
