"""Every payload Slack may send is answered 2xx within Slack's 3 s, over HTTP, without a traceback.

The samples are Slack's own (bolt-python's test payloads and the Java SDK's samples in
../shared/slack-reference), plus the kinds no sample covers; most have no listener in Patchbay.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest

from bot import slack_payloads as payloads
from tests import slack_corpus
from tests.conftest import BOB, Patchbay
from tests.inbound import assert_clean_logs

SLACK_TIMEOUT_SECONDS = 3.0
PERSON_TYPED = "PERSONTYPEDTEXT"


def extra(response_url: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Kinds Slack may send that the reference samples leave out."""
    team = payloads.TEAM
    user = {"id": BOB}
    unknown_event = payloads.event({"type": "reaction_added"}, event_id="Ev1")[0]
    typed = {"type": "message", "channel_type": "im", "text": PERSON_TYPED, "user": BOB}
    suggestion = {"type": "block_suggestion", "team": team, "user": user, "action_id": "nope"}
    rate_limited = {"type": "app_rate_limited", "team_id": team["id"], "minute_rate_limited": 1700000000}
    return [
        ("app_rate_limited", "events", {**rate_limited, "api_app_id": "A0PATCHBAY", "token": "t"}),
        ("unknown event", "events", json.loads(unknown_event)),
        ("message.im", "events", json.loads(payloads.event(typed, event_id="Ev2")[0])),
        ("block_suggestion for an unknown action", "interactive", {**suggestion, "value": PERSON_TYPED}),
        (
            "legacy attachment action",
            "interactive",
            {
                "type": "interactive_message",
                "team": team,
                "user": user,
                "callback_id": "legacy",
                "actions": [{"name": "x", "value": PERSON_TYPED}],
                "response_url": response_url,
            },
        ),
        ("unknown interaction type", "interactive", {"type": "brand_new_kind", "team": team, "user": user}),
        (
            "global shortcut",
            "interactive",
            {"type": "shortcut", "team": team, "user": user, "callback_id": "nope", "trigger_id": "1.2.3"},
        ),
        (
            "view_closed",
            "interactive",
            {"type": "view_closed", "team": team, "user": user, "view": {"callback_id": "propose"}},
        ),
    ]


@pytest.mark.skipif(not slack_corpus.available(), reason="../shared/slack-reference is not present")
def test_every_inbound_payload_is_answered_2xx_quickly_over_http(
    patchbay: Patchbay, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response_url = patchbay.slack.response_url("corpus")
    samples = list(slack_corpus.corpus(response_url)) + extra(response_url)
    kinds = {payload.get("type") or "command" for _, _, payload in samples}
    assert {"event_callback", "url_verification", "block_actions", "view_closed", "message_action"} <= kinds
    for name, kind, payload in samples:
        body, content_type = slack_corpus.http_body(kind, payload)
        started = time.monotonic()
        reply = patchbay.post(body, content_type)
        elapsed = time.monotonic() - started
        assert 200 <= reply.status < 300, (name, reply.status, reply.body)
        assert elapsed < SLACK_TIMEOUT_SECONDS, (name, elapsed)
        if payload.get("type") == "url_verification":
            assert reply.body == payload["challenge"] or reply.json.get("challenge") == payload["challenge"]
        if payload.get("type") == "block_suggestion" and payload.get("action_id") == "nope":
            assert reply.json == {"options": []}
    assert_clean_logs(caplog, PERSON_TYPED)
    unhandled = [r.getMessage() for r in caplog.records if r.getMessage().startswith("no listener for")]
    assert any("event:reaction_added team=T0PATCHBAY" in line for line in unhandled)
