"""Help, unknown subcommands, and refusing requests Slack did not sign."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from bot.playground.slack_payloads import slash_command
from storage.models import Tool
from tests.conftest import BOB, Patchbay


def test_help_lists_every_subcommand_with_an_example(patchbay: Patchbay) -> None:
    for text in ("", "help"):
        reply = patchbay.command(text, user=BOB)
        body = str(reply.json["blocks"])
        for usage in ("tool add [NAME]", "tools [category", "tool NAME", "help"):
            assert f"/patchbay {usage}" in body
        assert "/patchbay tool add HubSpot" in body


def test_unknown_subcommand_suggests_the_closest(patchbay: Patchbay) -> None:
    reply = patchbay.command("tols", user=BOB)
    assert "Did you mean `/patchbay tools" in reply.text
    assert "/patchbay help" in reply.text


def _tool_add_body(patchbay: Patchbay) -> bytes:
    body, _ = slash_command(
        command="/patchbay",
        text="tool add X",
        user_id=BOB,
        channel_id="C1",
        response_url=patchbay.slack.response_url(),
        trigger_id="1.2.3",
    )
    return body


def test_unsigned_wrongly_signed_and_stale_requests_get_401(patchbay: Patchbay) -> None:
    body = _tool_add_body(patchbay)
    kind = "application/x-www-form-urlencoded"
    assert patchbay.post(body, kind, signed=False).status == 401
    assert patchbay.post(body, kind, timestamp=int(time.time()) - 301).status == 401
    forged = patchbay.post(
        body,
        kind,
        headers={"X-Slack-Signature": "v0=" + "0" * 64, "X-Slack-Request-Timestamp": str(int(time.time()))},
        signed=False,
    )
    assert forged.status == 401
    assert patchbay.slack.calls_to("views.open") == []
    with patchbay.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Tool)) == 0


def test_healthz_reports_the_database(patchbay: Patchbay) -> None:
    import json
    import urllib.request

    with urllib.request.urlopen(patchbay.app_url.replace("/slack/events", "/healthz")) as response:
        assert json.loads(response.read())["database"] == "ok"
