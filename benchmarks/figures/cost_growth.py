"""(3) Cost growth: `/patchbay tools`, `queue` and `show ID` ack latency at 500 and at 50,000
proposals (1,000 tools each). `show` cycles through 200 open proposals spread over the whole queue."""

from __future__ import annotations

from benchmarks.lab import Lab
from benchmarks.registry import Row, figure

SMALL, LARGE = 500, 50_000
TARGET_GROWTH = 1.5
SHOWN = 200


@figure("cost-growth", "tools, queue and show at 500 vs 50,000 proposals")
def cost_growth(lab: Lab) -> list[Row]:
    rows: list[Row] = []
    for name, texts in (
        ("tools", lambda _: ["tools"]),
        ("queue", lambda _: ["queue"]),
        ("show", lambda n: [f"show {i}" for i in lab.open_ids(tools=1000, proposals=n, count=SHOWN)]),
    ):
        results = {}
        for n in (SMALL, LARGE):
            results[n] = lab.load(lab.server("patchbay", tools=1000, proposals=n), texts(n))
            note = f"{results[n].rate:.1f} req/s"
            if results[n].failures:
                note += f", {results[n].failures} non-200"
            rows.append(Row(f"{name}, {n:,} proposals", "ack p50", results[n].percentile(50), "ms", note))
            rows.append(Row(f"{name}, {n:,} proposals", "ack p99", results[n].percentile(99), "ms", ""))
        p50 = results[LARGE].percentile(50) / results[SMALL].percentile(50)
        p99 = results[LARGE].percentile(99) / results[SMALL].percentile(99)
        verdict = "met" if max(p50, p99) <= TARGET_GROWTH else "NOT met"
        rows.append(Row(f"{name}: 50,000 / 500", "p50 growth", p50, "x", ""))
        rows.append(
            Row(f"{name}: 50,000 / 500", "p99 growth", p99, "x", f"target <= {TARGET_GROWTH}x: {verdict}")
        )
    return rows
