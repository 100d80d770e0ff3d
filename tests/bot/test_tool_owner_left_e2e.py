"""A tool whose owner left Slack, through the real app: the review sweep's check of owners flags it
once (however many replicas run it), admins see it on their App Home with Change owner, the stack map
and `patchbay export map` list it, the tool's history says so, and a new owner clears it."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import make_client
from bot.cli import export_map_file
from bot.scheduling.jobs import review_sweep
from bot.settings import Settings
from commands.graphviz import ImageFormat
from storage.models import AuditEvent, Tool
from tests.bot.test_home_e2e import open_home
from tests.conftest import ALICE, BOB, FRANK, START, Patchbay
from tests.factories import add_tool

NAME = "Old <CRM>"


def left_tools(patchbay: Patchbay) -> dict[str, bool]:
    with patchbay.sessions() as session:
        return {t.name: t.owner_left_at is not None for t in session.scalars(select(Tool).order_by(Tool.id))}


def flagged_events(patchbay: Patchbay) -> list[AuditEvent]:
    with patchbay.sessions() as session:
        query = select(AuditEvent).where(AuditEvent.action == "tool.owner_left")
        return list(session.scalars(query))


def owner_left(patchbay: Patchbay, settings: Settings) -> None:
    """Frank (owner of Old <CRM> and of Gone, retired) leaves; two replicas run the sweep at once."""
    add_tool(patchbay.sessions, NAME, owner=FRANK)
    add_tool(patchbay.sessions, "Asana", owner=BOB, category="project")
    gone = add_tool(patchbay.sessions, "Gone", owner=FRANK)
    with patchbay.sessions() as session, session.begin():
        tool = session.get(Tool, gone)
        assert tool is not None
        tool.retired_at = START
    patchbay.slack.people[FRANK].deleted = True
    sweeps = [review_sweep(settings=settings, sessions=patchbay.sessions, client=make_client(settings))]
    sweeps += [review_sweep(settings=settings, sessions=patchbay.sessions, client=make_client(settings))]
    threads = [threading.Thread(target=s.run, args=(START,)) for s in sweeps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sweeps[0].run(START)  # and once more later


def test_a_tool_whose_owner_left_is_flagged_once_and_listed_for_admins_until_it_has_a_new_owner(
    patchbay: Patchbay, settings: Settings
) -> None:
    owner_left(patchbay, settings)
    assert left_tools(patchbay) == {NAME: True, "Asana": False, "Gone": False}
    [event] = flagged_events(patchbay)
    assert (event.actor_id, event.after) == ("patchbay", {"owner_id": FRANK})

    home = open_home(patchbay, ALICE)["blocks"]
    shown = str(home)
    assert (
        "*Tools whose owner left Slack (1)*: give each a new owner with *Change owner* on its card." in shown
    )
    assert f"• *Old &lt;CRM&gt;* (owner <@{FRANK}>)  ·  `/patchbay tool Old &lt;CRM&gt;`" in shown
    assert "owner left" not in str(open_home(patchbay, BOB)["blocks"])  # admins only
    change: dict[str, Any] = next(
        b["accessory"] for b in home if b.get("accessory", {}).get("text", {}).get("text") == "Change owner"
    )
    history = str(patchbay.command(f"history {NAME}", user=BOB).json)
    assert "Patchbay flagged it: its owner left Slack" in history

    patchbay.click(change, user=BOB)  # not the owner, not an admin
    assert "or a Patchbay admin can change its owner" in str(patchbay.responses())
    patchbay.click(change, user=ALICE)
    modal = patchbay.last_view()
    assert patchbay.submit(modal, {"owner_id": FRANK}, user=ALICE).json["errors"] == {
        "owner_id": "They have left the workspace: pick someone who is still here."
    }
    assert left_tools(patchbay)[NAME] is True
    assert patchbay.submit(modal, {"owner_id": BOB}, user=ALICE).body == ""
    assert left_tools(patchbay)[NAME] is False
    assert "owner left" not in str(open_home(patchbay, ALICE)["blocks"])
    review_sweep(settings=settings, sessions=patchbay.sessions, client=make_client(settings)).run(START)
    assert len(flagged_events(patchbay)) == 1  # Bob is still here: nothing flagged again


def test_the_map_and_its_export_list_tools_whose_owner_left(
    patchbay: Patchbay, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    owner_left(patchbay, settings)
    assert export_map_file(settings, tmp_path / "map.dot", ImageFormat.DOT, None) == 0
    assert f"owner left Slack: Old <CRM> (owner {FRANK}): give it a new owner" in capsys.readouterr().out
    if shutil.which("dot") is None:
        pytest.skip("Graphviz (dot) is not installed: the map posted in Slack is not drawn")
    assert "Drawing the map" in patchbay.command("map", user=BOB, channel="C0STACK").text
    comment = patchbay.slack.calls_to("files.completeUploadExternal")[-1].args["initial_comment"]
    assert "*Tools whose owner left Slack (1)*" in comment and "• *Old &lt;CRM&gt;*" in comment
    patchbay.command("map Asana", user=BOB, channel="C0STACK")
    comment = patchbay.slack.calls_to("files.completeUploadExternal")[-1].args["initial_comment"]
    assert "owner left" not in comment  # a map around another tool does not list it
