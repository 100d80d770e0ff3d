"""A short, bounded name for the listener a Slack request is for: the label in metrics and logs."""

from __future__ import annotations

from typing import Any

from bot.listeners.commands import SUBCOMMANDS
from bot.listeners.commands.router import match


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _command(body: dict[str, Any]) -> str:
    text = str(body.get("text") or "").strip()
    if not text:
        return f"{body['command']} help"
    found = match(SUBCOMMANDS, text)
    return f"{body['command']} {' '.join(found[0].words) if found else '?'}"


def listener_name(body: dict[str, Any]) -> str:
    """`/patchbay tools`, `view_submission:tool_add`, `block_actions:tool_edit`, `event:app_home_opened`."""
    if body.get("command"):
        return _command(body)
    kind = str(body.get("type") or "unknown")
    if kind in ("view_submission", "view_closed"):
        return f"{kind}:{_dict(body.get('view')).get('callback_id', '')}"
    if kind == "block_actions":
        actions = body.get("actions")
        first = _dict(actions[0]) if isinstance(actions, list) and actions else {}
        return f"{kind}:{first.get('action_id', '')}"
    if kind == "block_suggestion":
        return f"{kind}:{body.get('action_id', '')}"
    if kind in ("shortcut", "message_action"):
        return f"{kind}:{body.get('callback_id', '')}"
    if kind == "event_callback":
        return f"event:{_dict(body.get('event')).get('type', '')}"
    return kind
