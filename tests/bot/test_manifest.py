"""manifest.yml and manifest.http.yml against Slack's manifest schema and the listeners the app registers."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from slack_bolt import App

from bot.app import create_app
from bot.ids import Action, Callback, Command, Event
from bot.settings import Settings
from tests.blockkit import REFERENCE

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = REFERENCE / "manifest-schema"
RAW = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"


MANIFESTS = ("manifest.yml", "manifest.http.yml")
EVENTS_URL = "https://YOUR-HOST/slack/events"


def manifest(name: str = "manifest.yml") -> dict[str, Any]:
    return yaml.safe_load((ROOT / name).read_text())


def schema_errors(document: dict[str, Any]) -> list[str]:
    if not SCHEMAS.exists():
        pytest.skip("../shared/slack-reference is not present: manifests are not schema-checked")
    root = json.loads((SCHEMAS / "manifest.schema.json").read_text())
    registry: Registry = Registry()
    for version in ("1.0.0", "2.0.0"):
        schema = json.loads((SCHEMAS / "schemas" / f"manifest.schema.{version}.json").read_text())
        registry = registry.with_resource(
            RAW + f"manifest.schema.{version}.json", Resource.from_contents(schema)
        )
    return [e.message for e in Draft7Validator(root, registry=registry).iter_errors(document)]


@pytest.mark.parametrize("name", MANIFESTS)
def test_manifest_is_valid_against_slacks_schema(name: str) -> None:
    assert schema_errors(manifest(name)) == []


def test_schema_check_catches_a_broken_manifest() -> None:
    broken = manifest()
    broken["features"]["slash_commands"][0]["command"] = "patchbay without slash"
    assert schema_errors(broken)


def test_the_http_manifest_sends_everything_to_slack_events_and_is_otherwise_the_same_app() -> None:
    http, socket = manifest("manifest.http.yml"), manifest()
    settings = http["settings"]
    assert settings["socket_mode_enabled"] is False
    assert settings["event_subscriptions"]["request_url"] == EVENTS_URL  # without it no App Home
    assert settings["interactivity"]["request_url"] == EVENTS_URL
    assert settings["interactivity"]["message_menu_options_url"] == EVENTS_URL
    assert [c["url"] for c in http["features"]["slash_commands"]] == [EVENTS_URL]
    del settings["event_subscriptions"]["request_url"]
    del settings["interactivity"]["request_url"], settings["interactivity"]["message_menu_options_url"]
    for command in http["features"]["slash_commands"]:
        del command["url"]
    settings["socket_mode_enabled"] = True
    assert http == socket


@functools.cache
def _app() -> App:
    settings = Settings(
        _env_file=None,
        slack_bot_token="xoxb-x",
        slack_signing_secret="s",  # type: ignore[call-arg]
        database_url="sqlite://",
    )
    return create_app(settings)


def _registered(kind: str) -> set[str]:
    app = _app()
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


@pytest.mark.parametrize("name", MANIFESTS)
def test_every_manifest_command_has_a_listener_and_back(name: str) -> None:
    in_manifest = {c["command"] for c in manifest(name)["features"]["slash_commands"]}
    assert in_manifest == {c.value for c in Command}
    assert _registered("command") == in_manifest


def test_every_modal_callback_has_a_listener() -> None:
    assert _registered("view") == {c.value for c in Callback}


def _answers_shortcut(callback_id: str, kind: str) -> bool:
    from slack_bolt.request import BoltRequest
    from slack_bolt.response import BoltResponse

    app = _app()
    body = {"type": kind, "callback_id": callback_id, "team": {"id": "T1"}, "user": {"id": "U1"}}
    request = BoltRequest(body=body, mode="socket_mode")
    return any(listener.matches(req=request, resp=BoltResponse(status=200)) for listener in app._listeners)


def test_shortcuts_in_manifest_are_exactly_those_the_app_answers() -> None:
    declared = manifest()["features"].get("shortcuts", [])
    for shortcut in declared:
        assert _answers_shortcut(shortcut["callback_id"], shortcut["type"]), shortcut
    candidates = {c.value for c in Callback} | {a.value for a in Action}
    kinds = ("shortcut", "message_action")
    answered = {c for c in candidates for kind in kinds if _answers_shortcut(c, kind)}
    assert answered == {s["callback_id"] for s in declared}


@pytest.mark.parametrize("name", MANIFESTS)
def test_every_subscribed_event_has_a_listener_and_back(name: str) -> None:
    subscribed = set(manifest(name)["settings"]["event_subscriptions"]["bot_events"])
    assert subscribed == {e.value for e in Event}
    assert _registered("event") == subscribed
    assert manifest(name)["features"]["app_home"]["home_tab_enabled"] is True
