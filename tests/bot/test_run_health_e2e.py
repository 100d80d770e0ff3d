"""Run health on the card, `/patchbay health` worst first and `/patchbay health ID` in full."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.jobs import run_prune
from bot.settings import Settings
from storage.models import AuditEvent, Run, RunHour
from tests.bot.runs_client import connect, post_runs, run, runs_url
from tests.conftest import BOB, START, Patchbay
from tests.factories import add_proposal, add_tool, set_state


def live(patchbay: Patchbay, title: str) -> int:
    source, target = add_tool(patchbay.sessions, f"{title} A"), add_tool(patchbay.sessions, f"{title} B")
    integration_id = add_proposal(patchbay.sessions, source, target, title=title)
    set_state(patchbay.sessions, integration_id, "live")
    return integration_id


def text_of(blocks: list[dict[str, object]]) -> str:
    return str(blocks)


def test_health_lists_live_integrations_worst_first_and_shows_one_with_its_failed_runs(
    patchbay: Patchbay, settings: Settings
) -> None:
    flaky, steady, silent = (
        live(patchbay, "Flaky sync"),
        live(patchbay, "Steady sync"),
        live(patchbay, "Silent sync"),
    )
    url = runs_url(patchbay)
    flaky_runs = [
        run(
            f"f{i}",
            "error" if i < 4 else "success",
            at=START - timedelta(hours=i * 5),
            seconds=4,
            error="<!channel> boom & bust" if i < 4 else "",
            source_event_at=(START - timedelta(hours=i * 5, minutes=2)).isoformat(),
        )
        for i in range(10)
    ]
    assert post_runs(url, {"runs": flaky_runs}, token=connect(patchbay, flaky, user=BOB)).status == 200
    steady_runs = [run(f"s{i}", at=START - timedelta(hours=i), seconds=0.2) for i in range(10)]
    assert post_runs(url, {"runs": steady_runs}, token=connect(patchbay, steady, user=BOB)).status == 200

    board = text_of(patchbay.command("health", user=BOB).json["blocks"])
    assert board.index("Flaky sync") < board.index("Steady sync") < board.index("Silent sync")
    assert "40% errors of 10 runs (7 days)" in board and "0% errors of 10 runs (7 days)" in board
    assert "last success 20 h ago" in board and "last success 0 s ago" in board
    assert "no run reports yet" in board

    detail = text_of(patchbay.command(f"health {flaky}", user=BOB).json["blocks"])
    assert "*24 hours*: 5 runs  ·  20% ok  ·  80% errors" in detail
    assert (
        "*7 days*: 10 runs  ·  60% ok  ·  40% errors  ·  p50 3.8 s / p95 3.8 s  ·  10 records/run" in detail
    )
    assert "freshness 2 min" in detail
    assert "Failed runs, newest first" in detail and "f0 _error_" in detail
    assert "&lt;!channel&gt; boom &amp; bust" in detail and "<!channel>" not in detail
    assert "No run reports yet" in text_of(patchbay.command(f"health {silent}", user=BOB).json["blocks"])

    card = text_of(patchbay.command(f"show {steady}", user=BOB).json["blocks"])
    assert ":satellite_antenna: *Runs, 7 days*: 10 runs  ·  100% ok  ·  0% errors  ·  p50 197 ms" in card
    assert "No run reports yet" in text_of(patchbay.command(f"show {silent}", user=BOB).json["blocks"])

    patchbay.event({"type": "app_home_opened", "user": BOB, "tab": "home"})
    patchbay.wait_idle()
    home = str(patchbay.slack.home[BOB])
    assert ":satellite_antenna: *Runs, 7 days*: 10 runs  ·  60% ok  ·  40% errors" in home
    doc = str(patchbay.command(f"doc {flaky}", user=BOB).json["blocks"])
    assert "*Run health, 7 days*: 10 runs, 60% ok, 4 errors, last success 2026-11-23 14:00 UTC" in doc

    # A month later the daily job prunes the raw runs; the rollups and the audit log stay.
    with patchbay.sessions() as session:
        audit_before = session.scalar(select(func.count()).select_from(AuditEvent))
    result = run_prune(settings=settings, sessions=patchbay.sessions)(START + timedelta(days=31))
    assert result.pruned == 20  # type: ignore[attr-defined]
    with patchbay.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Run)) == 0
        assert session.scalar(select(func.sum(RunHour.runs))) == 20
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == audit_before
    detail = text_of(patchbay.command(f"health {flaky}", user=BOB).json["blocks"])
    assert "*7 days*: 10 runs" in detail and "No failed runs among those kept" in detail
