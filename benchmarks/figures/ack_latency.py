"""(1) `/patchbay tools` ack latency with 1,000 tools, next to a bare Bolt app acking a fixed string."""

from __future__ import annotations

from benchmarks.lab import Lab, LoadResult
from benchmarks.registry import Row, figure

TOOLS = 1000
TARGET_RATIO = 1.3


def _rows(subject: str, result: LoadResult) -> list[Row]:
    note = f"{result.rate:.1f} req/s achieved"
    if result.failures:
        note += f", {result.failures} non-200"
    return [
        Row(subject, "ack p50", result.percentile(50), "ms", note),
        Row(subject, "ack p99", result.percentile(99), "ms", f"n={len(result.latencies_ms)}"),
    ]


@figure("ack-tools-1000", "/patchbay tools ack latency, 1,000 tools, vs a bare Bolt app")
def ack_latency(lab: Lab) -> list[Row]:
    patchbay = lab.load(lab.server("patchbay", tools=TOOLS), "tools")
    bare = lab.load(lab.server("bare"), "tools")
    ratio = patchbay.percentile(99) / bare.percentile(99)
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    return [
        *_rows(f"patchbay ({TOOLS:,} tools)", patchbay),
        *_rows("bare Bolt app", bare),
        Row("patchbay / bare", "p99 ratio", ratio, "x", f"target <= {TARGET_RATIO}x: {verdict}"),
    ]
