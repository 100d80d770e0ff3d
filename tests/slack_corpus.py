"""Every inbound payload sample in ../shared/slack-reference, rewritten to the test workspace's ids.

`corpus()` yields (name, kind, body) tuples, `kind` being "command", "interactive" or "events":
what any transport needs to deliver the sample (HTTP posts the body as form data or JSON; a Socket
Mode envelope carries the same payload under the matching envelope type).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from tests.blockkit import REFERENCE

BOLT = REFERENCE / "bolt-python-test-payloads"
JAVA = REFERENCE / "java-slack-sdk-json-logs"
NOT_INBOUND = ("__response.json", "__multi_response.json")  # what an app answers, not what it gets
TEAM, APP, USER, CHANNEL = "T0PATCHBAY", "A0PATCHBAY", "U0BOB0002", "C0GENERAL"
IDS = {"team_id": TEAM, "api_app_id": APP, "user_id": USER, "channel_id": CHANNEL}
NESTED = {"team": TEAM, "user": USER, "channel": CHANNEL}


def available() -> bool:
    return BOLT.is_dir() and JAVA.is_dir()


def _rewrite(value: Any, response_url: str) -> Any:
    """The same payload with the test workspace's team, app, user, channel and response_url."""
    if isinstance(value, list):
        return [_rewrite(item, response_url) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in IDS and isinstance(item, str):
            out[key] = IDS[key]
        elif key == "response_url" and isinstance(item, str):
            out[key] = response_url
        elif key in NESTED and isinstance(item, str):
            out[key] = NESTED[key]
        elif key in NESTED and isinstance(item, dict) and "id" in item:
            out[key] = {**_rewrite(item, response_url), "id": NESTED[key]}
        else:
            out[key] = _rewrite(item, response_url)
    return out


def _kind(payload: dict[str, Any]) -> str:
    if "command" in payload:
        return "command"
    if payload.get("type") in ("event_callback", "url_verification", "app_rate_limited"):
        return "events"
    return "interactive"


def _samples() -> Iterator[tuple[str, dict[str, Any] | str]]:
    for path in sorted(BOLT.glob("*.json")):
        if not path.name.endswith(NOT_INBOUND):
            yield f"bolt/{path.stem}", _load(path)
    for folder in ("app-backend", "events"):
        for path in sorted((JAVA / folder).rglob("*.json")):
            yield f"java/{path.relative_to(JAVA).with_suffix('')}", _load(path)


def _load(path: Path) -> dict[str, Any] | str:
    data = json.loads(path.read_text())
    return str(data["raw_body"]) if isinstance(data, dict) and "raw_body" in data else data


def _unblank(payload: dict[str, Any]) -> dict[str, Any]:
    """The Java samples are anonymised to "": put back what Slack always fills in."""
    if "event" in payload and not payload.get("type"):
        payload = {**payload, "type": "event_callback"}
    if "command" in payload and not payload["command"]:
        payload = {**payload, "command": "/patchbay"}
    return payload


def corpus(response_url: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(name, kind, payload) for each inbound sample, its ids rewritten to the test workspace's."""
    for name, sample in _samples():
        payload = dict(parse_qsl(sample, keep_blank_values=True)) if isinstance(sample, str) else sample
        payload = _unblank(_rewrite(payload, response_url))
        yield name, _kind(payload), payload


def http_body(kind: str, payload: dict[str, Any]) -> tuple[bytes, str]:
    """The body and content type Slack posts a payload of `kind` with."""
    if kind == "events":
        return json.dumps(payload).encode(), "application/json"
    if kind == "command":
        return urlencode(payload).encode(), "application/x-www-form-urlencoded"
    return urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"
