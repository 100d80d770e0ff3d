"""Building the payloads Slack sends: slash commands, block actions, view submissions, events.

Used by the shell and the tests to drive the real app exactly as Slack would.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from bot.ids import Field

TEAM = {"id": "T0PATCHBAY", "domain": "patchbay-local"}


def slash_command(
    *, command: str, text: str, user_id: str, channel_id: str, response_url: str, trigger_id: str
) -> tuple[bytes, str]:
    form = {
        "token": "legacy-token-unused",
        "team_id": TEAM["id"],
        "team_domain": TEAM["domain"],
        "channel_id": channel_id,
        "channel_name": "general",
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": "A0PATCHBAY",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    return urlencode(form).encode(), "application/x-www-form-urlencoded"


def interaction(payload: dict[str, Any]) -> tuple[bytes, str]:
    return urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"


def event(event_body: dict[str, Any], *, event_id: str) -> tuple[bytes, str]:
    body = {
        "token": "legacy-token-unused",
        "team_id": TEAM["id"],
        "api_app_id": "A0PATCHBAY",
        "event": event_body,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1700000000,
        "authorizations": [{"team_id": TEAM["id"], "user_id": "U0PATCHBOT", "is_bot": True}],
    }
    return json.dumps(body).encode(), "application/json"


def _user(user_id: str) -> dict[str, Any]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": TEAM["id"]}


def _action_ts(trigger_id: str) -> str:
    """Slack stamps every click with its own time; the trigger id is as unique."""
    return "1700000000." + trigger_id.split(".", 1)[0].rjust(6, "0")


def block_action(
    *,
    user_id: str,
    action: dict[str, Any],
    trigger_id: str,
    response_url: str | None,
    channel_id: str | None,
    message: dict[str, Any] | None,
    view: dict[str, Any] | None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": TEAM,
        "user": _user(user_id),
        "api_app_id": "A0PATCHBAY",
        "token": "legacy-token-unused",
        "trigger_id": trigger_id,
        "actions": [{"action_ts": _action_ts(trigger_id), **action}],
    }
    if response_url:
        payload["response_url"] = response_url
    if channel_id:
        payload["channel"] = {"id": channel_id, "name": "general"}
        payload["container"] = {
            "type": "message",
            "channel_id": channel_id,
            "message_ts": (message or {}).get("ts", ""),
        }
    if message is not None:
        payload["message"] = message
    if view is not None:
        payload["view"] = view
        payload["container"] = {"type": "view", "view_id": view.get("id")}
    return payload


def view_submission(
    *, user_id: str, view: dict[str, Any], values: dict[str, Any], trigger_id: str
) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": TEAM,
        "user": _user(user_id),
        "api_app_id": "A0PATCHBAY",
        "token": "legacy-token-unused",
        "trigger_id": trigger_id,
        "view": {**view, "state": {"values": fill_state(view, values)}},
    }


def block_suggestion(*, user_id: str, view: dict[str, Any], block_id: str, text: str) -> dict[str, Any]:
    block: dict[str, Any] = next((b for b in view.get("blocks", []) if b.get("block_id") == block_id), {})
    action_id = block.get("element", {}).get("action_id", Field.VALUE)
    return {
        "type": "block_suggestion",
        "team": TEAM,
        "user": _user(user_id),
        "api_app_id": "A0PATCHBAY",
        "token": "legacy-token-unused",
        "block_id": block_id,
        "action_id": action_id,
        "value": text,
        "view": view,
    }


def fill_state(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The `state.values` Slack would send for `values` typed into `view`'s inputs.

    Inputs left out keep their initial value, as they would in Slack.
    """
    state: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        block_id = block["block_id"]
        kind = element["type"]
        value = values.get(block_id, _initial(element))
        state[block_id] = {element["action_id"]: _element_state(kind, element, value)}
    return state


def _initial(element: dict[str, Any]) -> Any:
    kind = element["type"]
    if kind in ("static_select", "radio_buttons", "external_select"):
        option = element.get("initial_option")
        return option["value"] if option else None
    if kind in ("multi_static_select", "checkboxes", "multi_external_select"):
        return [o["value"] for o in element.get("initial_options") or []]
    if kind == "users_select":
        return element.get("initial_user")
    if kind == "multi_users_select":
        return element.get("initial_users") or []
    if kind == "datepicker":
        return element.get("initial_date")
    if kind == "conversations_select":
        return element.get("initial_conversation")
    return element.get("initial_value")


def _option(element: dict[str, Any], value: str) -> dict[str, Any]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group["options"])
    for option in options:
        if option["value"] == value:
            return option
    return {"text": {"type": "plain_text", "text": value}, "value": value}


def _element_state(kind: str, element: dict[str, Any], value: Any) -> dict[str, Any]:
    if kind in ("static_select", "radio_buttons", "external_select"):
        return {"type": kind, "selected_option": _option(element, value) if value else None}
    if kind in ("multi_static_select", "checkboxes", "multi_external_select"):
        return {"type": kind, "selected_options": [_option(element, v) for v in value or []]}
    if kind == "users_select":
        return {"type": kind, "selected_user": value}
    if kind == "multi_users_select":
        return {"type": kind, "selected_users": value or []}
    if kind == "conversations_select":
        return {"type": kind, "selected_conversation": value or None}
    if kind == "datepicker":
        return {"type": kind, "selected_date": value}
    return {"type": kind, "value": value}
