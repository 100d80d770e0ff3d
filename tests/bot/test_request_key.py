"""The key that makes two Slack requests the same request."""

from __future__ import annotations

from typing import Any

import pytest

from bot.middleware import request_key

VIEW = {"type": "view_submission", "user": {"id": "U1"}, "view": {"id": "V1", "callback_id": "propose"}}
CLICK = {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": "a", "action_ts": "1.2"}]}


def test_a_modal_is_keyed_by_its_view_callback_and_user_and_a_click_by_its_time() -> None:
    assert request_key(VIEW) == "view:V1:propose:U1"
    assert request_key({**VIEW, "user": {"id": "U2"}}) != request_key(VIEW)
    assert request_key(CLICK) == "action:1.2:U1:a"
    assert request_key({**CLICK, "actions": [{"action_id": "a", "action_ts": "1.3"}]}) != request_key(CLICK)
    assert request_key({"type": "event_callback", "event_id": "Ev1"}) == "event:Ev1"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"type": "view_submission", "user": "U1", "view": "V1"},
        {"type": "view_submission", "user": {"id": "U1"}, "view": {"id": 7}},
        {"type": "block_actions", "user": {"id": "U1"}, "actions": ["a"]},
        {"type": "block_actions", "user": None, "actions": None},
        {"type": "event_callback"},
        {"command": "/patchbay"},
    ],
)
def test_a_payload_without_what_makes_a_key_has_none_and_never_raises(body: dict[str, Any]) -> None:
    assert request_key(body) is None
