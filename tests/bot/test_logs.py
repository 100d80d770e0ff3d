"""Structured logs: one JSON object per line, with the Slack request's id, never a token or a body."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.driver import SlackDriver
from bot.localslack import LocalSlack
from bot.logs import make_handler, redact
from tests.bot.test_cli import SECRET, Served, env_for
from tests.conftest import BOB, Patchbay


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = make_handler("json", stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, str]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_a_failing_listener_logs_json_with_the_request_id_from_its_own_thread(
    patchbay: Patchbay, json_logs: io.StringIO
) -> None:
    patchbay.slack.fail("views.open", error="expired_trigger_id")
    patchbay.command("tool add Zendesk", user=BOB)
    patchbay.command("tools", user=BOB)
    entries = lines(json_logs)
    failure = next(e for e in entries if e["logger"] == "patchbay.errors")
    assert failure["level"] == "ERROR" and "expired_trigger_id" in failure["exception"]
    assert failure["listener"] == "/patchbay tool add" and len(failure["request_id"]) == 12
    acks = [e for e in entries if e["logger"] == "patchbay.requests"]
    assert [e["listener"] for e in acks] == ["/patchbay tool add", "/patchbay tools"]
    assert acks[0]["request_id"] == failure["request_id"] != acks[1]["request_id"]
    text = json_logs.getvalue()
    assert "xoxb-test-token" not in text and ".trigger" not in text and "/response/" not in text


def test_tokens_are_masked_whoever_logs_them() -> None:
    assert redact("sent xoxb-1234-abcd and xapp-1-A0-99") == "sent xoxb-*** and xapp-***"


def test_serve_writes_json_lines_when_asked(tmp_path: Path) -> None:
    slack = LocalSlack().start()
    server = Served(env_for(slack, tmp_path / "p.db", PATCHBAY_LOG_FORMAT="json"), tmp_path)
    try:
        url = f"http://127.0.0.1:{server.port}/slack/events"
        driver = SlackDriver(app_url=url, secret=SECRET, slack=slack)
        assert driver.command("help", user=BOB, channel="C0LOGS").status == 200
        assert server.process.stdout is not None
        lines: list[str] = []

        def read_until_acked() -> None:  # the acked line may follow the response by a moment
            assert server.process.stdout is not None
            for line in server.process.stdout:
                lines.append(line)
                if '"/patchbay help"' in line:
                    return

        reader = threading.Thread(target=read_until_acked, daemon=True)
        reader.start()
        reader.join(timeout=15)
    finally:
        server.stop()
        slack.stop()
    entries = [json.loads(line) for line in lines if line.strip()]
    assert any(e.get("listener") == "/patchbay help" and e.get("request_id") for e in entries)
    assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
