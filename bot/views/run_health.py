"""Wording for run health: the line on a card, `/patchbay health` and `/patchbay health ID`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block as SlackBlock

from bot.text import escape
from bot.views.elements import context, section
from commands.run_health import Figures, Health

BARS = "▁▂▃▄▅▆▇█"
WINDOW_NAMES = {24: "24 hours", 7 * 24: "7 days", 30 * 24: "30 days"}
MAX_BOARD = 40


def sparkline(values: Sequence[float | None]) -> str:
    """One character per day: the day's success rate as a bar, `·` for a day without runs."""
    return "".join(
        "·" if v is None else BARS[min(len(BARS) - 1, int(v * (len(BARS) - 1) + 0.5))] for v in values
    )


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.0f}%"


def _ms(ms: int | None) -> str:
    if ms is None:
        return "-"
    if ms < 1000:
        return f"{ms} ms"
    if ms < 120_000:
        return f"{ms / 1000:.1f} s"
    return f"{ms / 60_000:.0f} min"


def _span(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def _last_success(health: Health, now: datetime) -> str:
    if health.last_success_at is None:
        return "no success reported yet"
    return f"last success {_span((now - health.last_success_at).total_seconds())} ago"


def _figures(f: Figures) -> str:
    records = "-" if f.records_per_run is None else f"{f.records_per_run:,.0f}"
    fresh = "-" if f.freshness_seconds is None else _span(f.freshness_seconds)
    return (
        f"{f.runs:,} runs  ·  {_pct(f.success_rate)} ok  ·  {_pct(f.error_rate)} errors  ·  "
        f"p50 {_ms(f.p50_ms)} / p95 {_ms(f.p95_ms)}  ·  {records} records/run  ·  freshness {fresh}"
    )


def health_line(health: Health, now: datetime) -> str:
    """The one line a card, the App Home or the living document shows."""
    if not health.reporting:
        return ":satellite_antenna: No run reports yet: the owner can *Connect run reports*."
    return (
        f":satellite_antenna: *Runs, 7 days*: {_figures(health.week)}  ·  {_last_success(health, now)}  ·  "
        f"`{sparkline(health.daily_success)}`"
    )


def health_card_blocks(health: Health, now: datetime) -> list[SlackBlock]:
    return [context(health_line(health, now))]


def health_board_blocks(board: Sequence[Health], now: datetime) -> list[SlackBlock]:
    """`/patchbay health`: live integrations, worst first."""
    if not board:
        return [section("*No live integrations yet.* Their run health shows here once they go live.")]
    lines = []
    for h in board[:MAX_BOARD]:
        week = h.week
        figures = (
            f"{_pct(week.error_rate)} errors of {week.runs:,} runs (7 days)  ·  {_last_success(h, now)}"
            if h.reporting
            else "no run reports yet"
        )
        spark = f"  `{sparkline(h.daily_success)}`" if h.reporting else ""
        lines.append(f"*#{h.integration_id} {escape(h.title)}*  ·  _{h.state.label}_  ·  {figures}{spark}")
    blocks: list[SlackBlock] = [section("*Run health*, worst first")]
    for start in range(0, len(lines), 10):
        blocks.append(section("\n".join(lines[start : start + 10])))
    if len(board) > MAX_BOARD:
        blocks.append(
            context(f"…and {len(board) - MAX_BOARD} more. `/patchbay health ID` shows one in full.")
        )
    else:
        blocks.append(context("`/patchbay health ID` shows one in full, with its failed runs."))
    return blocks


def health_detail_blocks(health: Health, now: datetime) -> list[SlackBlock]:
    """`/patchbay health ID`: 24 hours, 7 and 30 days, and the recent failed runs."""
    head = (
        f"*Run health of #{health.integration_id} {escape(health.title)}*  ·  _{health.state.label}_  ·  "
        f"owner <@{health.owner_id}>\n{_last_success(health, now)}  ·  last {len(health.daily_success)} days "
        f"`{sparkline(health.daily_success)}`"
    )
    windows = "\n".join(f"*{WINDOW_NAMES[f.hours]}*: {_figures(f)}" for f in health.windows)
    blocks: list[SlackBlock] = [section(head), section(windows)]
    if health.failed:
        failed = [
            f"`{run.finished_at:%Y-%m-%d %H:%M}` {escape(run.run_id)} _{run.status}_"
            + (f"  ·  {run.records:,} records" if run.records is not None else "")
            + (f"\n      > {escape(run.error)[:300]}" if run.error else "")
            for run in health.failed
        ]
        blocks.append(section("*Failed runs, newest first* (for manual review)\n" + "\n".join(failed)[:2900]))
    elif health.reporting:
        blocks.append(context("No failed runs among those kept."))
    else:
        blocks.append(context("No run reports yet: the owner can *Connect run reports* on the card."))
    return blocks


def quarter_line(runs: Figures) -> str:
    """The quarter's run figures in a review reply, so the decision rests on evidence."""
    if not runs.runs:
        return ":satellite_antenna: No runs reported this quarter."
    return f":satellite_antenna: *Runs this quarter*: {_figures(runs)}"


def figures_text(runs: Figures) -> str:
    """A week's run figures, or that none were reported."""
    return _figures(runs) if runs.runs else "No runs reported that week."
