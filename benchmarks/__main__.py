"""`python -m benchmarks [--only NAME ...] [--quick] [--markdown]`: run the figures, print a table."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from pathlib import Path

from benchmarks import figures  # noqa: F401  (registers every figure)
from benchmarks.lab import Lab
from benchmarks.registry import FIGURES, Figure, Row, render


def machine() -> str:
    memory = "?"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    system = " ".join(part for part in platform.uname() if part)
    return f"{system} | {os.cpu_count()} CPUs | {memory} RAM | Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    args.add_argument("--only", nargs="*", choices=sorted(FIGURES), help="run just these figures")
    args.add_argument("--list", action="store_true", help="list the figures and exit")
    args.add_argument("--rate", type=float, default=25.0, help="requests per second (default 25)")
    args.add_argument(
        "--requests", type=int, default=1000, help="measured requests per subject (default 1000)"
    )
    args.add_argument("--warmup", type=int, default=50, help="unmeasured requests first (default 50)")
    args.add_argument("--quick", action="store_true", help="a short run: 200 requests at 25/s")
    args.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args.add_argument(
        "--postgres",
        metavar="URL",
        default="",
        help="seed PostgreSQL (one schema per data set in this database) instead of SQLite files",
    )
    options = args.parse_args(argv)
    if options.list:
        for fig in FIGURES.values():
            print(f"{fig.name:<20} {fig.title}")
        return 0
    chosen = [FIGURES[name] for name in options.only] if options.only else list(FIGURES.values())
    requests = 200 if options.quick else options.requests
    print(machine(), file=sys.stderr)
    print(f"database: {'PostgreSQL' if options.postgres else 'SQLite'}", file=sys.stderr)
    results: list[tuple[Figure, list[Row]]] = []
    with tempfile.TemporaryDirectory(prefix="patchbay-bench-") as workdir:
        lab = Lab(
            Path(workdir),
            rate=options.rate,
            requests=requests,
            warmup=options.warmup,
            postgres=options.postgres,
        )
        try:
            for fig in chosen:
                print(f"running {fig.name}: {fig.title}", file=sys.stderr)
                results.append((fig, fig.run(lab)))
        finally:
            lab.close()
    print(render(results, markdown=options.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
