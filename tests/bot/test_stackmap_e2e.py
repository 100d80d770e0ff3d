"""The stack map's retiring integrations and orphans: in Slack, in `patchbay export map`, on the App Home."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.cli import export_map_file
from bot.settings import Settings
from commands.graphviz import ImageFormat
from storage.db import session_scope
from storage.models import Integration, Tool
from tests.bot.test_home_e2e import open_home
from tests.conftest import ALICE, BOB, START, Patchbay
from tests.factories import add_proposal, add_tool, set_state

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) is not installed")


def stack(patchbay: Patchbay) -> None:
    """#1 live, #2 retiring, #3 approved into a retired tool, #4 live but its owner left, #5 a proposal
    into the retired tool (a proposal is not an orphan)."""
    ids = {name: add_tool(patchbay.sessions, name) for name in ("Salesforce", "Asana", "Stripe", "Old <CRM>")}
    pairs = [("Salesforce", "Asana"), ("Salesforce", "Stripe"), ("Asana", "Old <CRM>"), ("Stripe", "Asana")]
    for n, (source, target) in enumerate(pairs, start=1):
        add_proposal(patchbay.sessions, ids[source], ids[target], title=f"Sync {n} <x>")
    add_proposal(patchbay.sessions, ids["Stripe"], ids["Old <CRM>"], title="Sync 5")
    for integration_id, state in ((1, "live"), (2, "retiring"), (3, "approved"), (4, "live")):
        set_state(patchbay.sessions, integration_id, state)
    with session_scope(patchbay.sessions) as session:
        session.execute(update(Tool).where(Tool.name == "Old <CRM>").values(retired_at=START))
        session.execute(update(Integration).where(Integration.id == 4).values(orphaned_at=START))


@needs_dot
def test_the_map_draws_retiring_integrations_apart_and_lists_orphans_under_it(
    patchbay: Patchbay, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack(patchbay)
    reply = patchbay.command("map", user=BOB, channel="C0STACK")
    assert "Drawing the map" in reply.text
    comment = patchbay.slack.calls_to("files.completeUploadExternal")[-1].args["initial_comment"]
    assert "1 live integration, 1 proposal" in comment
    assert "1 retiring, 2 orphaned." in comment
    assert "*Orphaned integrations (2)*: retire them or give them a new home." in comment
    assert f"• #3 Sync 3 &lt;x&gt; (approved, owner <@{BOB}>): Old &lt;CRM&gt; is retired" in comment
    assert "• #4 Sync 4 &lt;x&gt; (live, owner" in comment and "its owner left Slack" in comment
    assert "#5" not in comment

    focused = patchbay.command("map Salesforce", user=BOB, channel="C0STACK")
    assert "Drawing the map" in focused.text
    comment = patchbay.slack.calls_to("files.completeUploadExternal")[-1].args["initial_comment"]
    assert "1 retiring" in comment and "Orphaned" not in comment  # none of its integrations is orphaned

    target = tmp_path / "map.dot"
    assert export_map_file(settings, target, ImageFormat.DOT, None) == 0
    dot = target.read_text()
    assert 'color="#8d6e63"' in dot and 'xlabel="RETIRING: #2 Sync 2 <x>"' in dot
    assert 'xlabel="ORPHANED: #3 Sync 3 <x>"' in dot and 'xlabel="ORPHANED: #4 Sync 4 <x>"' in dot
    assert "orphans [shape=plaintext" in dot
    assert "Orphaned integrations (2):\\l#3 Sync 3 <x> (approved): Old <CRM> is retired\\l" in dot
    printed = capsys.readouterr().out
    assert "orphaned: #3 Sync 3 <x> (approved): Old <CRM> is retired" in printed
    assert "orphaned: #4 Sync 4 <x> (live): its owner left Slack" in printed
    assert export_map_file(settings, tmp_path / "map.png", ImageFormat.PNG, None) == 0


def test_admins_see_orphans_on_their_app_home(patchbay: Patchbay) -> None:
    stack(patchbay)
    admin = str(open_home(patchbay, ALICE)["blocks"])
    assert "*Orphaned integrations (2)*" in admin
    assert "Old &lt;CRM&gt; is retired" in admin and "`/patchbay show 3`" in admin
    assert "Orphaned" not in str(open_home(patchbay, BOB)["blocks"])
    document = str(patchbay.command("doc 3", user=ALICE).json)
    assert ":warning: *Orphaned:* Old &lt;CRM&gt; is retired. Retire it, or give it a new home." in document
    assert "Old &lt;CRM&gt; (retired)" in document
