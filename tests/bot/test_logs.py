"""Structured logs: one JSON object per line, with the Slack request's id, never a token or a body."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from bot.driver import SlackDriver
from bot.localslack import LocalSlack
from bot.logs import LOGGERS, make_handler, mask_everywhere
from commands.secrets import redact
from tests.bot.test_cli import SECRET, Served, env_for
from tests.conftest import BOB, Patchbay
from tests.planted import SHAPES, needles


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


@pytest.mark.parametrize("kind", list(SHAPES))
def test_every_secret_shape_is_masked_raw_and_url_encoded(kind: str) -> None:
    secret = SHAPES[kind]
    for text in (f"sent {secret} then", quote(f'{{"text": "{secret}"}}'), quote_plus(f"text={secret}")):
        masked = redact(text)
        assert "[redacted]" in masked and not any(n in masked for n in needles()), (kind, masked)


def test_plain_text_is_left_alone() -> None:
    text = "Phone -> Phone Number | 50% off, AT&T, xoxb- and sk_live_ without a key"
    assert redact(text) == text


@pytest.mark.parametrize("name", [n or "root" for n in LOGGERS] + ["slack_bolt.App", "some.library"])
def test_every_logger_and_handler_masks_message_arguments_and_exceptions(name: str) -> None:
    """Whoever logs, and whatever handler writes it (even one added later), secrets are masked."""
    mask_everywhere()
    stream = io.StringIO()
    late = logging.StreamHandler(stream)  # a handler a library adds after start-up, with no filter
    late.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("" if name == "root" else name)
    logger.addHandler(late)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        body = (
            "token="
            + quote(SHAPES["Slack bot token"])
            + "&payload=%7B%22t%22%3A%22xoxp-2718281828-3141592653-PlAnTeDuSeRtOk%22%7D"
        )
        logger.info("verification failed, body: %s", body)
        logger.warning("key %s in %s", SHAPES["AWS access key"], {"url": SHAPES["password in a URL"]})
        logger.info(SHAPES["private key"])
        try:
            raise RuntimeError(f"Slack said no to {SHAPES['GitHub personal token']}")
        except RuntimeError:
            logger.exception("call failed with %s", SHAPES["Stripe live key"])
    finally:
        logger.removeHandler(late)
        logger.setLevel(level)
    written = stream.getvalue()
    assert written.count("[redacted]") >= 6 and "RuntimeError" in written
    assert not any(n in written for n in needles()), written


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
