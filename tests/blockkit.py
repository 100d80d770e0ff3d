"""Checks what the app sends against Slack's references in ../shared (skipped where absent)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "slack-reference"
SCHEMA_FILE = REFERENCE / "block-kit-json-schema" / "slack-block-kit.schema.json"


@functools.cache
def _schema() -> dict[str, Any] | None:
    if not SCHEMA_FILE.exists():
        return None
    return json.loads(SCHEMA_FILE.read_text())


@functools.cache
def _validator(definition: str | None) -> Draft202012Validator | None:
    schema = _schema()
    if schema is None:
        return None
    if definition is None:
        return Draft202012Validator(schema)
    wrapped = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{definition}"}
    return Draft202012Validator(wrapped)


def problems(kind: str, payload: Any) -> list[str]:
    """Schema violations of a view ("view") or a message's block list ("blocks")."""
    if kind == "view":
        definition = "home_view" if payload.get("type") == "home" else "modal_view"
        validator = _validator(definition)
        count = len(payload.get("blocks", []))
    else:
        validator = _validator(None)
        count = len(payload)
        if count > 50:
            return [f"a message may hold 50 blocks, this one has {count}"]
    if validator is None:
        return []
    found = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(payload)
    ]
    if kind == "view" and count > 100:
        found.append(f"a view may hold 100 blocks, this one has {count}")
    return found


def available() -> bool:
    return _schema() is not None
