"""(1) Ack latency next to a bare Bolt app acking a fixed string: `/patchbay tools` with 1,000 tools
and `/patchbay queue` with 5,000 proposals."""

from __future__ import annotations

from benchmarks.lab import Lab, LoadResult
from benchmarks.registry import Row, figure

TOOLS = 1000
PROPOSALS = 5000
TARGET_RATIO = 1.3


def _rows(subject: str, result: LoadResult) -> list[Row]:
    note = f"{result.rate:.1f} req/s achieved"
    if result.failures:
        note += f", {result.failures} non-200"
    return [
        Row(subject, "ack p50", result.percentile(50), "ms", note),
        Row(subject, "ack p99", result.percentile(99), "ms", f"n={len(result.latencies_ms)}"),
    ]


def _versus_bare(lab: Lab, subject: str, patchbay: LoadResult, text: str) -> list[Row]:
    bare = lab.load(lab.server("bare"), text)
    ratio = patchbay.percentile(99) / bare.percentile(99)
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    return [
        *_rows(subject, patchbay),
        *_rows("bare Bolt app", bare),
        Row("patchbay / bare", "p99 ratio", ratio, "x", f"target <= {TARGET_RATIO}x: {verdict}"),
    ]


@figure("ack-tools-1000", "/patchbay tools ack latency, 1,000 tools, vs a bare Bolt app")
def ack_latency(lab: Lab) -> list[Row]:
    patchbay = lab.load(lab.server("patchbay", tools=TOOLS), "tools")
    return _versus_bare(lab, f"patchbay ({TOOLS:,} tools)", patchbay, "tools")


@figure("ack-queue-5000", "/patchbay queue ack latency, 5,000 proposals, vs a bare Bolt app")
def ack_queue(lab: Lab) -> list[Row]:
    patchbay = lab.load(lab.server("patchbay", tools=TOOLS, proposals=PROPOSALS), "queue")
    return _versus_bare(lab, f"patchbay ({PROPOSALS:,} proposals)", patchbay, "queue")
