"""Stored JSON snapshots of what a builder returns: `.to_dict()` of a view, or of each block.

A test compares the builder's output with `snapshots/NAME.json`. After a deliberate change to a
builder, rewrite the files with `PATCHBAY_UPDATE_SNAPSHOTS=1 pytest tests/bot/views` and review the
diff like any other change. A missing snapshot fails rather than being written silently.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("PATCHBAY_UPDATE_SNAPSHOTS") == "1"


def as_json(built: View | Sequence[Block]) -> Any:
    """The builder's output as Slack receives it."""
    if isinstance(built, View):
        return built.to_dict()
    return [block.to_dict() for block in built]


def matches_snapshot(name: str, built: View | Sequence[Block]) -> None:
    """Assert `built` equals the stored snapshot `name` (or rewrite it when updating)."""
    path = SNAPSHOTS / f"{name}.json"
    actual = as_json(built)
    if UPDATE:
        path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {path.name}: run with PATCHBAY_UPDATE_SNAPSHOTS=1 to write it"
    assert actual == json.loads(path.read_text(encoding="utf-8"))
