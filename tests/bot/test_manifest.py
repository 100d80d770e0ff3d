"""manifest.yml against Slack's manifest schema and against the listeners the app registers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource

from bot.app import create_app
from bot.ids import Callback, Command, Event
from bot.settings import Settings
from tests.blockkit import REFERENCE

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = REFERENCE / "manifest-schema"
RAW = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"


def manifest() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


@pytest.mark.skipif(not SCHEMAS.exists(), reason="../shared/slack-reference is not present")
def test_manifest_is_valid_against_slacks_schema() -> None:
    root = json.loads((SCHEMAS / "manifest.schema.json").read_text())
    registry: Registry = Registry()
    for version in ("1.0.0", "2.0.0"):
        schema = json.loads((SCHEMAS / "schemas" / f"manifest.schema.{version}.json").read_text())
        registry = registry.with_resource(
            RAW + f"manifest.schema.{version}.json", Resource.from_contents(schema)
        )
    errors = list(Draft7Validator(root, registry=registry).iter_errors(manifest()))
    assert errors == [], [e.message for e in errors]


@pytest.mark.skipif(not SCHEMAS.exists(), reason="../shared/slack-reference is not present")
def test_schema_check_catches_a_broken_manifest() -> None:
    root = json.loads((SCHEMAS / "manifest.schema.json").read_text())
    registry: Registry = Registry()
    for version in ("1.0.0", "2.0.0"):
        schema = json.loads((SCHEMAS / "schemas" / f"manifest.schema.{version}.json").read_text())
        registry = registry.with_resource(
            RAW + f"manifest.schema.{version}.json", Resource.from_contents(schema)
        )
    broken = manifest()
    broken["features"]["slash_commands"][0]["command"] = "patchbay without slash"
    assert list(Draft7Validator(root, registry=registry).iter_errors(broken))


def _registered(kind: str) -> set[str]:
    settings = Settings(
        _env_file=None,
        slack_bot_token="xoxb-x",
        slack_signing_secret="s",  # type: ignore[call-arg]
        database_url="sqlite://",
    )
    app = create_app(settings)
    found: set[str] = set()
    for listener in app._listeners:
        for matcher in listener.matchers:
            func = getattr(matcher, "func", None)
            constraint = func.__closure__ if func is not None and func.__closure__ else ()
            for cell in constraint:
                value = cell.cell_contents
                if isinstance(value, str) and kind == "command" and value.startswith("/"):
                    found.add(value)
                if isinstance(value, str) and kind == "view" and value in {c.value for c in Callback}:
                    found.add(value)
                if isinstance(value, Event) and kind == "event":
                    found.add(value.value)
    return found


def test_every_manifest_command_has_a_listener_and_back() -> None:
    in_manifest = {c["command"] for c in manifest()["features"]["slash_commands"]}
    assert in_manifest == {c.value for c in Command}
    assert _registered("command") == in_manifest


def test_every_modal_callback_has_a_listener() -> None:
    assert _registered("view") == {c.value for c in Callback}


def test_shortcuts_in_manifest_match_callbacks() -> None:
    shortcuts = {s["callback_id"] for s in manifest()["features"].get("shortcuts", [])}
    assert shortcuts <= {c.value for c in Callback}


def test_every_subscribed_event_has_a_listener_and_back() -> None:
    subscribed = set(manifest()["settings"]["event_subscriptions"]["bot_events"])
    assert subscribed == {e.value for e in Event}
    assert _registered("event") == subscribed
    assert manifest()["features"]["app_home"]["home_tab_enabled"] is True
