"""(5) Peak memory (RSS) of an idle and a loaded bot process, next to the bare app."""

from __future__ import annotations

from benchmarks.lab import Lab
from benchmarks.registry import Row, figure


@figure("memory", "RSS of an idle and a loaded server process, patchbay vs a bare Bolt app")
def memory(lab: Lab) -> list[Row]:
    rows = []
    for subject, server in (
        ("patchbay (1,000 tools)", lab.server("patchbay")),
        ("bare Bolt app", lab.server("bare")),
    ):
        if server.loads == 0:  # reuse the load another figure already put on it
            lab.load(server, "tools")
        rows.append(Row(subject, "idle RSS", server.idle_rss_kib / 1024, "MiB", "ready, before any request"))
        rows.append(
            Row(subject, "loaded peak RSS", server.peak_kib() / 1024, "MiB", "VmHWM after the steady load")
        )
    return rows
