"""What a person saw in Slack, as text: the acks and `response_url` replies to what they did, the
modals their actions opened, ephemerals shown to them and messages in their DM with the bot.

Built from the local Slack's recorded calls and the HTTP replies, in the order they happened; the
end-to-end fixture `patchbay` reads it with `said_to(user)` (the last thing) and `pop(user)` (the
oldest not yet read, errbot's `pop_message`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MODAL_CALLS = ("views.open", "views.push", "views.update")


@dataclass(frozen=True)
class Seen:
    """One thing shown to one person: `kind` is reply, ephemeral, dm or modal."""

    order: float
    kind: str
    text: str


def _texts(node: Any) -> Iterator[str]:
    """Every text object's text in a message, a block list or a view, in reading order."""
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
            yield node["text"]
            return
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)


def as_text(message: dict[str, Any]) -> str:
    """A message (`text` and `blocks`) or a view, as the lines a person reads."""
    message = {
        k: json.loads(v) if k in ("blocks", "view") and isinstance(v, str) else v for k, v in message.items()
    }
    if "view" in message:  # a modal: its title, its blocks, then its buttons
        view = message["view"]
        parts = [view.get("title"), view.get("blocks"), view.get("submit"), view.get("close")]
        return "\n".join(_texts(parts))
    lines = [str(message["text"])] if message.get("text") else []
    blocks = list(_texts(message.get("blocks") or []))
    if "errors" in message:  # a modal submission refused at its fields
        blocks = [f"{field}: {error}" for field, error in message["errors"].items()]
    return "\n".join(lines + [line for line in blocks if line not in lines])
