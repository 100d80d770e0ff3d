"""(5) Memory (RSS) and start-up time of patchbay serve, next to a bare Bolt app and the floor: a
process importing exactly the libraries the serving path needs (`benchmarks/floor_app.py`)."""

from __future__ import annotations

from statistics import median

from benchmarks.lab import Lab
from benchmarks.registry import Row, figure

ROUNDS = 5  # fresh starts per subject, interleaved; the rows are their medians
TARGET = 1.15  # patchbay's idle RSS against the floor's
SUBJECTS = {
    "patchbay": "patchbay (1,000 tools)",
    "floor": "floor (its libraries only)",
    "bare": "bare Bolt app",
}


@figure("memory", "idle RSS and start-up of patchbay serve vs its libraries alone and a bare Bolt app")
def memory(lab: Lab) -> list[Row]:
    idle: dict[str, list[float]] = {kind: [] for kind in SUBJECTS}
    startup: dict[str, list[float]] = {kind: [] for kind in SUBJECTS}
    for _ in range(ROUNDS):
        for kind in SUBJECTS:
            server = lab.fresh(kind)
            idle[kind].append(server.idle_rss_kib / 1024)
            startup[kind].append(server.startup_s * 1000)
            server.stop()
    rss = {kind: median(values) for kind, values in idle.items()}
    start = {kind: median(values) for kind, values in startup.items()}
    rows = []
    for kind, subject in SUBJECTS.items():
        spread = f"{min(idle[kind]):.1f}-{max(idle[kind]):.1f}"
        rows.append(Row(subject, "idle RSS", rss[kind], "MiB", f"median of {ROUNDS} starts ({spread})"))
        rows.append(Row(subject, "start-up", start[kind], "ms", "launch until listening, median"))
    ratio = rss["patchbay"] / rss["floor"]
    verdict = "met" if ratio <= TARGET else "NOT met"
    rows.append(Row("patchbay / floor", "idle RSS ratio", ratio, "x", f"target <= {TARGET}x: {verdict}"))
    rows.append(Row("patchbay / floor", "start-up ratio", start["patchbay"] / start["floor"], "x"))
    rows.append(Row("patchbay / bare", "idle RSS ratio", rss["patchbay"] / rss["bare"], "x"))
    for kind in ("patchbay", "bare"):
        shared = lab.server(kind)
        if shared.loads == 0:  # reuse the load another figure already put on it
            lab.load(shared, "tools")
        rows.append(
            Row(
                SUBJECTS[kind],
                "loaded peak RSS",
                shared.peak_kib() / 1024,
                "MiB",
                "VmHWM after the steady load",
            )
        )
    return rows
