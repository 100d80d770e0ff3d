"""(8) Run reports one `patchbay serve` process takes on `POST /runs`, next to a bare WSGI endpoint on
the same server stack that checks the Bearer token and inserts the same rows (`benchmarks/bare_runs.py`).

The load is open-loop: requests are due at fixed times (`rate` a second), each on a new TCP connection
(`Connection: close`, as a platform's webhook step would send it), spread over 200 live integrations
with a token each (so no token passes its default rate limit). Each step sends one second's worth of
unmeasured warm-up, then at least 1,000 measured requests (200 of batches; three seconds' worth at
the higher rates).
The rate steps up until a step fails twice running: p99 at or over 50 ms, fewer than 95% of the due
requests sent on time (the server holds every worker), or any answer other than 200. Single-run
posts and batches of 50 runs are stepped separately; rates are in reports (runs) a second.

Cost per report is the server process's CPU time (user + system, /proc/PID/stat) during the measured
requests, divided by the reports in them: the median over the steps both subjects were sent. On
PostgreSQL the database's own processes are not in it.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, update

from benchmarks.lab import Lab, Server
from benchmarks.registry import Row, figure
from storage.db import make_engine
from storage.models import IngestToken, Integration

INTEGRATIONS = 200
BATCH = 50
P99_LIMIT_MS = 50.0
ON_TIME = 0.95
TARGET_RATE = 500
TARGET_RATIO = 1.5
SINGLE_RATES = (50, 100, 150, 200, 250, 300, 400, 500, 600, 800, 1000)
BATCH_RATES = (1000, 2000, 4000, 6000, 8000, 12000, 16000)
MIN_REQUESTS = {1: 1000, BATCH: 200}  # measured requests per step, at the least
MEASURED_SECONDS = 3.0
WORKERS = 128
TICKS = os.sysconf("SC_CLK_TCK")


def _tokens(url: str) -> list[str]:
    """Every seeded integration made live with an ingest token of its own; the tokens, by integration."""
    engine = make_engine(url)
    now = datetime.now(UTC)
    tokens = [f"pbr_bench{i:04}" + "x" * 40 for i in range(INTEGRATIONS)]
    with engine.begin() as connection:
        connection.execute(update(Integration).values(state="live", live_at=now - timedelta(days=3)))
        ids = sorted(connection.scalars(select(Integration.id)))
        connection.execute(
            insert(IngestToken),
            [
                {
                    "integration_id": integration_id,
                    "token_hash": hashlib.sha256(token.encode()).hexdigest(),
                    "hint": token[:8],
                    "created_by": "U0BENCH",
                    "created_at": now,
                }
                for integration_id, token in zip(ids, tokens, strict=True)
            ],
        )
    engine.dispose()
    return tokens


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def _post(port: int, token: str, body: bytes) -> int:
    head = (
        f"POST /runs HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(head.encode() + body)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return int(answer[9:12])


@dataclass
class Step:
    reports_per_s: float
    latencies_ms: list[float]
    statuses: Counter[int]
    on_time: float
    achieved: float
    cpu_ms_per_report: float

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

    @property
    def failures(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != 200)

    @property
    def sustained(self) -> bool:
        return self.percentile(99) < P99_LIMIT_MS and self.on_time >= ON_TIME and not self.failures


class Load:
    """Open-loop POST /runs at a steady rate against one server."""

    def __init__(self, server: Server, tokens: list[str], batch: int) -> None:
        self.server, self.tokens, self.batch = server, tokens, batch
        self.sent = 0

    def _body(self, n: int) -> bytes:
        now = datetime.now(UTC)
        runs = []
        for k in range(self.batch):
            serial = n * self.batch + k
            failed = serial % 97 == 0  # a few errors, never enough to open an incident
            runs.append(
                {
                    "run_id": f"run-{serial}",
                    "status": "error" if failed else "success",
                    "started_at": (now - timedelta(seconds=4)).isoformat(),
                    "finished_at": now.isoformat(),
                    "records": 10 + serial % 7,
                    **({"error": "HubSpot answered 429 Too Many Requests"} if failed else {}),
                }
            )
        return json.dumps(runs[0] if self.batch == 1 else {"runs": runs}).encode()

    def _steady(self, requests_per_s: float, count: int) -> tuple[list[tuple[int, float, float]], float]:
        first = self.sent
        self.sent += count
        start = time.perf_counter() + 0.05

        def one(i: int) -> tuple[int, float, float]:
            due = start + i / requests_per_s
            body = self._body(first + i)
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            sent = time.perf_counter()
            status = _post(self.server.port, self.tokens[(first + i) % len(self.tokens)], body)
            return status, (time.perf_counter() - sent) * 1000, sent - due

        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            answers = list(pool.map(one, range(count)))
        return answers, time.perf_counter() - start

    def step(self, reports_per_s: float) -> Step:
        requests_per_s = reports_per_s / self.batch
        self._steady(requests_per_s, max(20, round(requests_per_s)))  # one second of warm-up
        count = max(MIN_REQUESTS[self.batch], round(requests_per_s * MEASURED_SECONDS))
        cpu = _cpu_seconds(self.server.process.pid)
        answers, seconds = self._steady(requests_per_s, count)
        cpu = _cpu_seconds(self.server.process.pid) - cpu
        return Step(
            reports_per_s=reports_per_s,
            latencies_ms=[ms for _, ms, _ in answers],
            statuses=Counter(status for status, _, _ in answers),
            on_time=sum(1 for _, _, late in answers if late < 0.01) / count,
            achieved=count * self.batch / seconds,
            cpu_ms_per_report=cpu * 1000 / (count * self.batch),
        )


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _climb(load: Load, rates: tuple[int, ...], log: Callable[[str], None]) -> list[Step]:
    """Step the rate up until a step fails twice in a row (a step that fails is sent once more: on a
    shared machine one burst of someone else's work can sink a single step)."""
    steps = []
    for rate in rates:
        for attempt in (1, 2):
            step = load.step(rate)
            steps.append(step)
            log(
                f"  {load.server.kind} x{load.batch} at {rate}/s (try {attempt}): "
                f"p50 {step.percentile(50):.1f} ms, p99 {step.percentile(99):.1f} ms, "
                f"on time {step.on_time:.0%}, {step.cpu_ms_per_report:.2f} ms CPU a report, "
                f"{step.failures} non-200"
            )
            if step.sustained:
                break
        if not step.sustained:
            break
    return steps


def _best(steps: list[Step]) -> Step | None:
    held = [s for s in steps if s.sustained]
    return held[-1] if held else None


def _subject_rows(label: str, steps: list[Step]) -> list[Row]:
    rows = [
        Row(
            label,
            f"at {s.reports_per_s:,.0f}/s",
            s.percentile(99),
            "ms p99",
            f"p50 {s.percentile(50):.1f} ms, {s.on_time:.0%} on time, "
            f"{s.cpu_ms_per_report:.2f} ms CPU/report" + (f", {s.failures} non-200" if s.failures else ""),
        )
        for s in steps
    ]
    best = _best(steps)
    rows.append(
        Row(
            label,
            "sustained",
            best.reports_per_s if best else 0,
            "reports/s",
            f"p50 {best.percentile(50):.1f} ms, p99 {best.percentile(99):.1f} ms" if best else "no step held",
        )
    )
    return rows


def _compare(mode: str, patchbay: list[Step], bare: list[Step]) -> list[Row]:
    best_patchbay, best_bare = _best(patchbay), _best(bare)
    rows = []
    # CPU per report hardly depends on the rate below saturation: compare the medians over every
    # step both subjects were sent at the same rate.
    rates = {s.reports_per_s for s in patchbay} & {s.reports_per_s for s in bare}
    if rates:
        ours = statistics.median(s.cpu_ms_per_report for s in patchbay if s.reports_per_s in rates)
        theirs = statistics.median(s.cpu_ms_per_report for s in bare if s.reports_per_s in rates)
        ratio = ours / theirs
        verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
        rows.append(
            Row(
                f"patchbay / bare, {mode}",
                "CPU per report",
                ratio,
                "x",
                f"{ours:.3f} vs {theirs:.3f} ms, median of {len(rates)} rates; "
                f"target <= {TARGET_RATIO}x: {verdict}",
            )
        )
    if best_patchbay and best_bare:
        rows.append(
            Row(
                f"patchbay / bare, {mode}",
                "sustained rate",
                best_patchbay.reports_per_s / best_bare.reports_per_s,
                "x",
                "higher is better",
            )
        )
    held = best_patchbay.reports_per_s if best_patchbay else 0
    verdict = "met" if held >= TARGET_RATE else "NOT met"
    rows.append(
        Row(f"patchbay, {mode}", "target 500/s", held, "reports/s", f"p99 < {P99_LIMIT_MS:.0f} ms: {verdict}")
    )
    return rows


@figure("runs-ingest", "POST /runs reports/s with p99 < 50 ms, vs a bare endpoint inserting the same rows")
def runs_ingest(lab: Lab) -> list[Row]:
    results: dict[tuple[str, int], list[Step]] = {}
    for n, kind in enumerate(("patchbay", "bare-runs")):
        for batch, rates in ((1, SINGLE_RATES), (BATCH, BATCH_RATES)):
            # A database of its own per subject and mode: each starts with no runs.
            url = lab.database(tools=20 + 2 * n + (batch > 1), proposals=INTEGRATIONS)
            tokens = _tokens(url)
            server = lab.start(kind, url)
            try:
                results[(kind, batch)] = _climb(Load(server, tokens, batch), rates, _log)
            finally:
                server.stop()
    rows = []
    for batch, mode in ((1, "single-run posts"), (BATCH, f"batches of {BATCH}")):
        patchbay, bare = results[("patchbay", batch)], results[("bare-runs", batch)]
        rows += _subject_rows(f"patchbay, {mode} ({lab.backend})", patchbay)
        rows += _subject_rows(f"bare endpoint, {mode}", bare)
        rows += _compare(mode, patchbay, bare)
    return rows
