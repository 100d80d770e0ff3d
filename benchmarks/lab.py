"""What the figures measure with: the local Slack, seeded databases, real server processes, and a
load generator that sends signed slash commands at a steady rate and times each acknowledgement."""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from benchmarks.seed import seed_proposals, seed_tools, settle
from bot.playground.localslack import DEFAULT_PEOPLE, LocalSlack
from bot.playground.slack_payloads import slash_command
from bot.web.signing import sign
from commands.vocabulary import OPEN_PROPOSAL
from storage.db import make_engine, migrate
from storage.models import Integration
from storage.repositories.integrations import RANK_ORDER

SECRET = "bench-signing-secret"
ROOT = Path(__file__).resolve().parent.parent
SETTLE_S = 0.5  # after a server listens, before its idle RSS is read (threads still starting)
KINDS = {
    "patchbay": ["-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port"],
    "bare": ["-m", "benchmarks.bare_app", "--port"],
    "bare-runs": ["-m", "benchmarks.bare_runs", "--port"],
    "floor": ["-m", "benchmarks.floor_app", "--port"],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def proc_kib(pid: int, field_name: str) -> int:
    """A /proc/PID/status memory field (VmRSS now, VmHWM the peak so far) in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    raise KeyError(field_name)


@dataclass
class Server:
    """One running server process."""

    kind: str
    process: subprocess.Popen[bytes]
    port: int
    idle_rss_kib: int = 0
    startup_s: float = 0.0
    loads: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def peak_kib(self) -> int:
        return proc_kib(self.process.pid, "VmHWM")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@dataclass
class LoadResult:
    """Client-side latency of each acknowledgement, in milliseconds."""

    latencies_ms: list[float]
    statuses: Counter[int] = field(default_factory=Counter)
    seconds: float = 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    @property
    def failures(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != 200)


class Lab:
    """Shared by all figures of one run; everything it starts, close() stops."""

    def __init__(self, workdir: Path, *, rate: float, requests: int, warmup: int, postgres: str = "") -> None:
        self.workdir = workdir
        self.rate, self.requests, self.warmup = rate, requests, warmup
        self.postgres = postgres
        self.slack = LocalSlack().start()
        self._databases: dict[tuple[int, int], str] = {}
        self._servers: dict[tuple[str, str], Server] = {}
        self._triggers = itertools.count(1)

    @property
    def backend(self) -> str:
        return "PostgreSQL" if self.postgres else "SQLite"

    # ---- databases -----------------------------------------------------------------------
    def database(self, *, tools: int, proposals: int = 0) -> str:
        """A migrated database holding `tools` tools and `proposals` integrations (made once per run).

        SQLite: a file in the work directory. PostgreSQL (`--postgres URL`): a schema of its own in
        that database, named by its contents and replaced each run.
        """
        key = (tools, proposals)
        if key not in self._databases:
            name = f"bench_t{tools}_p{proposals}"
            if self.postgres:
                admin = make_engine(self.postgres)
                with admin.begin() as connection:
                    connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")
                    connection.exec_driver_sql(f"CREATE SCHEMA {name}")
                admin.dispose()
                joiner = "&" if "?" in self.postgres else "?"
                url = f"{self.postgres}{joiner}options=-csearch_path%3D{name}"
            else:
                url = f"sqlite:///{self.workdir / f'{name}.db'}"
            migrate(url)
            engine = make_engine(url)
            seed_tools(engine, tools)
            seed_proposals(engine, proposals)
            settle(engine)
            engine.dispose()
            self._databases[key] = url
        return self._databases[key]

    # ---- servers -----------------------------------------------------------------------------
    def env(self, database_url: str) -> dict[str, str]:
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PATCHBAY_", "DATABASE_URL"))
        }
        env.update(
            SLACK_BOT_TOKEN="xoxb-bench",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=self.slack.api_url,
            DATABASE_URL=database_url,
            PATCHBAY_ADMINS=DEFAULT_PEOPLE[0].id,
        )
        return env

    def server(self, kind: str, *, tools: int = 1000, proposals: int = 0) -> Server:
        """A running `kind` server ("patchbay", "bare" or "floor"), started once per database and reused."""
        database = self._database_of(kind, tools=tools, proposals=proposals)
        key = (kind, database)
        if key not in self._servers:
            self._servers[key] = self.start(kind, database)
        return self._servers[key]

    def _database_of(self, kind: str, *, tools: int, proposals: int) -> str:
        if kind == "bare":
            return "sqlite:///unused.db"
        # The floor connects to the same database as patchbay, which loads the same driver.
        return self.database(tools=tools, proposals=proposals)

    def start(self, kind: str, database: str) -> Server:
        """Start a new `kind` server on `database`: timed from launch until it listens, and its RSS
        read then (before any request). The caller stops it, or `server()` keeps it for the run."""
        port = free_port()
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, *KINDS[kind], str(port)],
            env=self.env(database),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        server = Server(kind, process, port)
        _wait_listening(server)
        server.startup_s = time.perf_counter() - started
        time.sleep(SETTLE_S)
        server.idle_rss_kib = proc_kib(process.pid, "VmRSS")
        return server

    def fresh(self, kind: str, *, tools: int = 1000, proposals: int = 0) -> Server:
        """A new `kind` server, not shared with other figures (stop it when done)."""
        return self.start(kind, self._database_of(kind, tools=tools, proposals=proposals))

    # ---- load ----------------------------------------------------------------------------------
    def send(self, server: Server, text: str, user: str, trigger_id: str = "") -> tuple[int, float]:
        body, kind = slash_command(
            command="/patchbay",
            text=text,
            user_id=user,
            channel_id="C0BENCH",
            response_url=self.slack.response_url("bench"),
            trigger_id=trigger_id or f"{next(self._triggers)}.bench.trigger",
        )
        request = urllib.request.Request(
            server.url, data=body, headers={"Content-Type": kind, **sign(SECRET, body)}, method="POST"
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        return status, (time.perf_counter() - started) * 1000

    def load(self, server: Server, text: str | Sequence[str], *, requests: int | None = None) -> LoadResult:
        """Send `/patchbay TEXT` at `self.rate` per second (after a warm-up) and time each ack.

        `text` may be a sequence of texts, sent in turn (`show 1`, `show 2`, ...).
        """
        texts = [text] if isinstance(text, str) else list(text)
        self._steady(server, texts, self.warmup)
        result = self._steady(server, texts, requests or self.requests)
        server.loads += 1
        return result

    def _steady(self, server: Server, texts: list[str], count: int) -> LoadResult:
        users = [p.id for p in DEFAULT_PEOPLE]
        start = time.perf_counter() + 0.05

        def one(i: int) -> tuple[int, float]:
            delay = start + i / self.rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            return self.send(server, texts[i % len(texts)], users[i % len(users)])

        with ThreadPoolExecutor(max_workers=64) as pool:
            answers = list(pool.map(one, range(count)))
        result = LoadResult([ms for _, ms in answers], Counter(status for status, _ in answers))
        result.seconds = time.perf_counter() - start
        return result

    def burst(self, server: Server, text: str, count: int, *, wait: float = 10.0) -> tuple[list[float], int]:
        """Send `count` `/patchbay TEXT` commands at the same moment; for each, the milliseconds from
        sending it to the stand-in receiving the `views.open` with its trigger_id (the monotonic
        clock is shared by every process), and how many never opened a modal within `wait` s."""
        users = [p.id for p in DEFAULT_PEOPLE]
        triggers = [f"{next(self._triggers)}.burst.trigger" for _ in range(count)]
        sent: dict[str, float] = {}
        barrier = threading.Barrier(count)

        def one(i: int) -> int:
            barrier.wait()
            sent[triggers[i]] = time.monotonic()
            return self.send(server, text, users[i % len(users)], trigger_id=triggers[i])[0]

        with ThreadPoolExecutor(max_workers=count) as pool:
            statuses = list(pool.map(one, range(count)))
        deadline = time.monotonic() + wait
        opened: dict[str, float] = {}
        while len(opened) < count and time.monotonic() < deadline:
            opened = {
                str(c.args.get("trigger_id")): c.at
                for c in self.slack.calls_to("views.open")
                if c.args.get("trigger_id") in sent
            }
            time.sleep(0.02)
        assert all(status == 200 for status in statuses), statuses
        return [(opened[t] - sent[t]) * 1000 for t in triggers if t in opened], count - len(opened)

    def open_ids(self, *, tools: int, proposals: int, count: int) -> list[int]:
        """`count` ids of open proposals spread evenly over the seeded database's queue."""
        engine = make_engine(self.database(tools=tools, proposals=proposals))
        with engine.connect() as connection:
            ids = list(
                connection.scalars(
                    select(Integration.id)
                    .where(Integration.state.in_(sorted(s.value for s in OPEN_PROPOSAL)))
                    .order_by(*RANK_ORDER)
                )
            )
        engine.dispose()
        return [ids[k * (len(ids) - 1) // max(count - 1, 1)] for k in range(min(count, len(ids)))]

    def close(self) -> None:
        for server in self._servers.values():
            server.stop()
        self.slack.stop()


def _wait_listening(server: Server, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.kind} server exited with {server.process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.01)
    server.stop()
    raise RuntimeError(f"{server.kind} server did not start listening")
