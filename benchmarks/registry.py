"""Figures register themselves here; the runner calls them in order and prints their rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.lab import Lab


@dataclass(frozen=True)
class Row:
    """One measured number: what was measured, on which subject, and in which unit."""

    subject: str
    metric: str
    value: float
    unit: str
    note: str = ""


@dataclass(frozen=True)
class Figure:
    name: str
    title: str
    run: Callable[[Lab], list[Row]]


FIGURES: dict[str, Figure] = {}


def figure(name: str, title: str) -> Callable[[Callable[[Lab], list[Row]]], Callable[[Lab], list[Row]]]:
    """Register `run(lab) -> rows` as the figure `name`."""

    def register(run: Callable[[Lab], list[Row]]) -> Callable[[Lab], list[Row]]:
        if name in FIGURES:
            raise ValueError(f"figure {name!r} is registered twice")
        FIGURES[name] = Figure(name, title, run)
        return run

    return register


def render(results: list[tuple[Figure, list[Row]]], *, markdown: bool = False) -> str:
    """The rows of every figure as one aligned table (or a Markdown table)."""
    header = ("figure", "subject", "metric", "value", "unit", "note")
    body = [
        (fig.name, row.subject, row.metric, _number(row.value), row.unit, row.note)
        for fig, rows in results
        for row in rows
    ]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return "\n".join(lines + ["| " + " | ".join(cells) + " |" for cells in body])
    widths = [max(len(str(cells[i])) for cells in [header, *body]) for i in range(len(header))]
    fmt = "  ".join(f"{{:{'>' if i == 3 else '<'}{w}}}" for i, w in enumerate(widths))
    lines = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
    return "\n".join(line.rstrip() for line in lines + [fmt.format(*cells) for cells in body])


def _number(value: float) -> str:
    if value == int(value) and abs(value) >= 100:
        return f"{int(value):,}"
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.1f}"
