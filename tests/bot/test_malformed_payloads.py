"""Signed payloads shaped unlike Slack's: a short 400 or a clear line, never a traceback."""

from __future__ import annotations

import json
import logging

import pytest

from bot import slack_payloads as payloads
from bot.forms import STALE_BUTTON
from bot.ids import Action
from tests.conftest import BOB, Patchbay
from tests.inbound import assert_clean_logs

TEAM = {"id": "T0PATCHBAY"}


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "event_callback", "team_id": "T0PATCHBAY", "event": "app_home_opened"},
        {"type": "view_submission", "team": TEAM, "user": {"id": BOB}, "view": "propose"},
        {"type": "view_submission", "team": TEAM, "user": {"id": BOB}, "view": {"callback_id": "propose"}},
        {"type": "block_actions", "team": TEAM, "user": {"id": BOB}, "actions": "tool_edit"},
        {"type": "block_actions", "team": TEAM, "user": 5, "actions": [None]},
    ],
)
def test_signed_payloads_shaped_unlike_slacks_get_400(
    patchbay: Patchbay, caplog: pytest.LogCaptureFixture, payload: dict[str, object]
) -> None:
    caplog.set_level(logging.DEBUG)
    if payload["type"] == "event_callback":
        reply = patchbay.post(json.dumps(payload).encode(), "application/json")
    else:
        reply = patchbay.post(*payloads.interaction(payload))
    assert (reply.status, reply.body) == (400, "unreadable request")
    assert [c.method for c in patchbay.slack.calls if c.method != "auth.test"] == []
    assert_clean_logs(caplog)


@pytest.mark.parametrize("value", ["not json", '{"tool_id": -3}', '{"tool_id": 1e40}', "[]"])
def test_a_garbled_button_value_gets_a_clear_line(
    patchbay: Patchbay, caplog: pytest.LogCaptureFixture, value: str
) -> None:
    caplog.set_level(logging.DEBUG)
    reply = patchbay.click({"action_id": Action.TOOL_EDIT, "value": value, "type": "button"}, user=BOB)
    assert reply.status == 200
    assert [r["text"] for r in patchbay.responses()] == [STALE_BUTTON]
    assert_clean_logs(caplog)
