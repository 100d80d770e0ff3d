"""Socket Mode (`patchbay run`): the real Socket Mode client against a local endpoint.

The local Slack answers apps.connections.open with the URL of a local websocket server, which sends
envelopes as Slack does and reads the acknowledgements. The app is wired exactly as `patchbay run`
wires it (`bot.web.socket_mode.build_handler`).
"""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.app import create_app
from bot.clock import ManualClock
from bot.playground import slack_payloads
from bot.playground.executor import TrackingExecutor
from bot.playground.localslack import LocalSlack
from bot.playground.localsocket import Envelope, LocalSocketMode, OverSocket, SocketDriver, post_envelope
from bot.settings import Settings
from bot.web import logs
from bot.web.socket_mode import Answers, ack_payload, build_handler
from storage.models import AuditEvent, Tool
from tests import slack_corpus
from tests.bot import test_every_payload as every_payload
from tests.bot.test_cli import env_for, wait_for
from tests.bot.test_tools_e2e import HUBSPOT
from tests.conftest import ALICE, BOB, FRANK, Patchbay, assert_blocks_valid
from tests.inbound import assert_clean_logs

APP_TOKEN = "xapp-1-A0PATCHBAY-1-test"
PING_SECONDS = 2.0  # how soon the client notices a connection that went away without a close


def no_http(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    raise AssertionError("over Socket Mode nothing arrives by HTTP")


class SocketPatchbay(OverSocket, Patchbay):
    """The app under test over Socket Mode: each request is an envelope, each reply its ack."""

    last_envelope: Envelope


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"slack_app_token": APP_TOKEN, "slack_signing_secret": ""}


@pytest.fixture
def endpoint(slack: LocalSlack) -> Iterator[LocalSocketMode]:
    socket = LocalSocketMode().start().attach(slack)
    yield socket
    socket.stop()


@pytest.fixture
def over_socket(
    settings: Settings,
    slack: LocalSlack,
    sessions: sessionmaker[Session],
    clock: ManualClock,
    endpoint: LocalSocketMode,
) -> Iterator[SocketPatchbay]:
    executor = TrackingExecutor()
    app = create_app(settings, sessions=sessions, clock=clock, executor=executor)
    handler = build_handler(app, settings, ping_interval=PING_SECONDS)
    handler.connect()
    endpoint.wait_connections(1)
    driver = SocketPatchbay(
        app_url="", slack=slack, executor=executor, sessions=sessions, clock=clock, wsgi=no_http
    )
    driver.socket = endpoint
    yield driver
    executor.wait_idle()
    handler.client.auto_reconnect_enabled = False
    endpoint.drop()  # the client's reader returns at once instead of at its next receive timeout
    handler.close()
    executor.shutdown(wait=True)
    assert_blocks_valid(slack)


def tools(patchbay: Patchbay) -> int:
    with patchbay.sessions() as session:
        return session.scalar(select(func.count()).select_from(Tool)) or 0


def audit_actions(patchbay: Patchbay) -> list[str]:
    with patchbay.sessions() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def dms_to(slack: LocalSlack, user: str) -> list[str]:
    return [c.args["text"] for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == user]


def card_button(patchbay: Patchbay, name: str, action_id: str, *, user: str) -> dict[str, Any]:
    card = patchbay.command(f"tool {name}", user=user).json
    return next(
        e
        for b in card["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action_id
    )


def test_the_app_opens_its_socket_with_the_app_token_and_is_greeted(
    over_socket: SocketPatchbay, endpoint: LocalSocketMode
) -> None:
    assert len(over_socket.slack.calls_to("apps.connections.open")) == 1
    assert endpoint.connections_opened == 1 and endpoint.unacknowledged() == []


def test_a_slash_command_is_answered_in_its_acknowledgement(over_socket: SocketPatchbay) -> None:
    reply = over_socket.command("help", user=BOB)
    ack = reply.json
    assert ack.get("response_type", "ephemeral") == "ephemeral"
    assert "/patchbay tool add [NAME]" in str(ack["blocks"]) and ack["text"]
    assert over_socket.last_envelope.type == "slash_commands"
    assert over_socket.last_envelope.accepts_response_payload is True
    assert over_socket.responses() == []  # the answer travelled in the ack, not through response_url


def test_a_modal_is_opened_refused_at_its_fields_then_saved_once(over_socket: SocketPatchbay) -> None:
    reply = over_socket.command("tool add HubSpot", user=ALICE)
    assert reply.body == ""  # acknowledged with no payload; the modal went through views.open
    opened = over_socket.slack.calls_to("views.open")
    assert len(opened) == 1 and over_socket.last_view()["callback_id"] == "tool_add"

    bad = over_socket.submit(over_socket.last_view(), {**HUBSPOT, "monthly_cost": "-5"}, user=ALICE)
    assert bad.json["response_action"] == "errors"
    assert "negative" in bad.json["errors"]["monthly_cost"]
    assert over_socket.last_envelope.accepts_response_payload is True
    assert tools(over_socket) == 0

    good = over_socket.submit(over_socket.last_view(), HUBSPOT, user=ALICE)
    assert good.body == ""  # the modal closes
    assert tools(over_socket) == 1 and audit_actions(over_socket) == ["tool.registered"]
    assert len(dms_to(over_socket.slack, ALICE)) == 1


def test_a_button_changes_state_and_refuses_who_may_not(over_socket: SocketPatchbay) -> None:
    over_socket.open_and_submit("tool add", HUBSPOT, user=BOB)
    retire = card_button(over_socket, "HubSpot", "tool_retire", user=FRANK)
    refused = over_socket.click(retire, user=FRANK)
    assert refused.status == 200 and over_socket.last_envelope.type == "interactive"
    assert f"<@{BOB}>" in over_socket.responses()[-1]["text"]

    over_socket.click(retire, user=ALICE)
    with over_socket.sessions() as session:
        assert session.scalars(select(Tool)).one().retired_at is not None
    assert audit_actions(over_socket) == ["tool.registered", "tool.retired"]


def test_opening_the_home_tab_publishes_the_dashboard(over_socket: SocketPatchbay) -> None:
    reply = over_socket.event({"type": "app_home_opened", "user": FRANK, "channel": "D0HOME", "tab": "home"})
    assert reply.body == "" and over_socket.last_envelope.type == "events_api"
    assert over_socket.slack.home[FRANK]["type"] == "home"
    assert len(over_socket.slack.calls_to("views.publish")) == 1


def test_a_redelivered_envelope_is_answered_as_before_and_acted_on_once(
    over_socket: SocketPatchbay, endpoint: LocalSocketMode
) -> None:
    over_socket.event({"type": "app_home_opened", "user": FRANK, "channel": "D0HOME", "tab": "home"})
    home = over_socket.last_envelope
    endpoint.redeliver(home)
    assert endpoint.wait_ack(home, count=2) is None
    assert (home.retry_attempt, home.retry_reason) == (1, "timeout")
    over_socket.wait_idle()
    assert len(over_socket.slack.calls_to("views.publish")) == 1

    over_socket.command("tool add", user=ALICE)
    bad = over_socket.submit(over_socket.last_view(), {**HUBSPOT, "vendor_url": "nope"}, user=ALICE)
    endpoint.redeliver(over_socket.last_envelope)
    assert endpoint.wait_ack(over_socket.last_envelope, count=2) == bad.json  # the same field errors
    over_socket.submit(over_socket.last_view(), HUBSPOT, user=ALICE)
    endpoint.redeliver(over_socket.last_envelope)
    assert endpoint.wait_ack(over_socket.last_envelope, count=2) is None
    over_socket.wait_idle()
    assert tools(over_socket) == 1 and len(dms_to(over_socket.slack, ALICE)) == 1


def test_an_acknowledgement_lost_with_the_connection_is_redelivered_after_reconnecting_and_acted_on_once(
    over_socket: SocketPatchbay, endpoint: LocalSocketMode
) -> None:
    over_socket.command("tool add", user=ALICE)
    submission = over_socket.last_view()
    envelope = endpoint.send(*_submission(submission, HUBSPOT, user=ALICE))
    endpoint.lose_ack(envelope)
    assert endpoint.wait_ack(envelope) is None  # the first ack was lost; this one follows the reconnect
    assert envelope.sent >= 2 and endpoint.connections_opened >= 2
    assert len(over_socket.slack.calls_to("apps.connections.open")) >= 2
    over_socket.wait_idle()
    assert tools(over_socket) == 1 and len(dms_to(over_socket.slack, ALICE)) == 1
    assert over_socket.command("tool HubSpot", user=BOB).json["blocks"]  # the new connection carries on


def test_a_connection_dropped_mid_flow_reconnects_and_nothing_is_lost_or_doubled(
    over_socket: SocketPatchbay, endpoint: LocalSocketMode
) -> None:
    over_socket.command("tool add", user=ALICE)
    view = over_socket.last_view()
    endpoint.drop()
    envelope = endpoint.send(*_submission(view, HUBSPOT, user=ALICE))  # sent while down
    endpoint.wait_connections(2)
    assert endpoint.wait_ack(envelope) is None
    assert len(over_socket.slack.calls_to("apps.connections.open")) >= 2
    over_socket.wait_idle()
    assert tools(over_socket) == 1 and len(dms_to(over_socket.slack, ALICE)) == 1
    assert endpoint.unacknowledged() == []


def test_a_refresh_warning_makes_the_app_move_to_a_new_connection(
    over_socket: SocketPatchbay, endpoint: LocalSocketMode
) -> None:
    endpoint.refresh()
    endpoint.wait_connections(2)
    assert len(over_socket.slack.calls_to("apps.connections.open")) >= 2
    assert "/patchbay tool add [NAME]" in str(over_socket.command("help", user=BOB).json["blocks"])
    assert endpoint.unacknowledged() == []


def test_every_envelope_is_acknowledged_even_those_no_listener_wants_and_no_payload_is_logged(
    over_socket: SocketPatchbay, endpoint: LocalSocketMode, caplog: pytest.LogCaptureFixture
) -> None:
    typed = "secret plans for the merger"
    ignored = [
        ("events_api", _event({"type": "message", "user": BOB, "text": typed})),
        ("events_api", _event({"type": "app_home_opened", "user": BOB, "tab": "messages"})),
        ("interactive", {"type": "block_actions", "user": {"id": BOB}, "actions": [{"action_id": "theirs"}]}),
        ("interactive", {"type": "view_closed", "user": {"id": BOB}, "view": {"callback_id": "x"}}),
        ("interactive", {"type": "some_future_kind", "user": {"id": BOB}, "text": typed}),
        ("slash_commands", {"command": "/not-ours", "text": typed, "user_id": BOB}),
        ("hello_from_the_future", {"text": typed}),
    ]
    with caplog.at_level(logging.DEBUG):
        for kind, payload in ignored:
            endpoint.deliver(kind, payload)
        over_socket.wait_idle()
    assert endpoint.unacknowledged() == []
    assert typed not in caplog.text


def test_each_envelope_is_logged_under_its_own_request_id(
    over_socket: SocketPatchbay, caplog: pytest.LogCaptureFixture
) -> None:
    stream = io.StringIO()
    handler = logs.make_handler("json", stream)
    requests = logging.getLogger("patchbay.requests")
    requests.addHandler(handler)
    caplog.set_level(logging.INFO, logger="patchbay.requests")
    try:
        for _ in range(12):  # more than the client's worker threads, so threads are reused
            over_socket.command("help", user=BOB)
    finally:
        requests.removeHandler(handler)
    acked = [json.loads(line) for line in stream.getvalue().splitlines() if '"acked ' in line]
    assert len(acked) == 12 and all(a["listener"] == "/patchbay help" for a in acked)
    assert len({a["request_id"] for a in acked}) == 12


def _event(event: dict[str, Any]) -> dict[str, Any]:
    return {"type": "event_callback", "team_id": "T0PATCHBAY", "event_id": "Ev0IGNORED", "event": event}


def _submission(view: dict[str, Any], values: dict[str, Any], *, user: str) -> tuple[str, dict[str, Any]]:
    payload = slack_payloads.view_submission(user_id=user, view=view, values=values, trigger_id="9.1.trigger")
    return "interactive", payload


def test_patchbay_run_answers_over_socket_mode(
    slack: LocalSlack, endpoint: LocalSocketMode, database_url: str, tmp_path: Path
) -> None:
    env = {
        **env_for(slack, tmp_path / "unused.db"),
        "DATABASE_URL": database_url,
        "SLACK_APP_TOKEN": APP_TOKEN,
    }
    del env["SLACK_SIGNING_SECRET"]
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", "--no-scheduler"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        endpoint.wait_connections(1, timeout=30)
        driver = SocketDriver(socket=endpoint, slack=slack)
        assert "/patchbay tool add [NAME]" in str(driver.command("help", user=BOB).json["blocks"])
        driver.event({"type": "app_home_opened", "user": BOB, "channel": "D0HOME", "tab": "home"})
        wait_for(lambda: BOB in slack.home)
        assert len(slack.calls_to("views.publish")) == 1 and slack.home[BOB]["type"] == "home"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert "Traceback" not in output and APP_TOKEN not in output


def test_the_serving_path_never_imports_the_local_endpoint() -> None:
    probe = (
        "import sys, bot.cli; "
        "print(sorted(m for m in sys.modules if m.startswith(('websockets', 'bot.playground'))))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_redelivery_arriving_while_the_first_is_still_running_waits_for_its_answer() -> None:
    answers = Answers()
    started, release = threading.Event(), threading.Event()
    runs: list[str] = []

    def slow() -> dict[str, Any]:
        runs.append("ran")
        started.set()
        release.wait(timeout=10)
        return {"response_action": "clear"}

    first: list[tuple[Any, bool]] = []
    worker = threading.Thread(target=lambda: first.append(answers.once("env-1", slow)))
    worker.start()
    started.wait(timeout=10)
    second: list[tuple[Any, bool]] = []
    waiting = threading.Thread(target=lambda: second.append(answers.once("env-1", slow)))
    waiting.start()
    release.set()
    worker.join(timeout=10)
    waiting.join(timeout=10)
    assert runs == ["ran"]
    assert first == [({"response_action": "clear"}, True)]
    assert second == [({"response_action": "clear"}, False)]


def test_only_recent_envelopes_are_remembered() -> None:
    answers = Answers(limit=2)
    for envelope_id in ("a", "b", "c"):
        answers.once(envelope_id, lambda: None)
    assert answers.once("c", lambda: {"text": "again"}) == (None, False)
    assert answers.once("a", lambda: {"text": "again"}) == ({"text": "again"}, True)


def test_what_bolt_answered_becomes_the_acknowledgement_payload() -> None:
    json_type = "application/json;charset=utf-8"
    assert ack_payload(200, '{"response_action": "clear"}', json_type) == {"response_action": "clear"}
    assert ack_payload(200, "Saved.", "text/plain;charset=utf-8") == {"text": "Saved."}
    assert ack_payload(200, "", "text/plain") is None
    assert ack_payload(404, '{"error": "unhandled request"}', json_type) is None
    assert ack_payload(200, "[1, 2]", json_type) is None


@pytest.mark.skipif(not slack_corpus.available(), reason="../shared/slack-reference is not present")
def test_every_inbound_payload_is_acknowledged_quickly_over_socket_mode(
    over_socket: SocketPatchbay, caplog: pytest.LogCaptureFixture
) -> None:
    """The samples the HTTP test sends, as Slack's envelopes: each acknowledged within 3 s, no traceback."""
    caplog.set_level(logging.DEBUG)
    response_url = over_socket.slack.response_url("corpus")
    samples = list(slack_corpus.corpus(response_url)) + every_payload.extra(response_url)
    sent = 0
    for name, kind, payload in samples:
        if payload.get("type") == "url_verification":
            continue  # Slack only sends the URL check to an HTTP request URL
        body, content_type = slack_corpus.http_body(kind, payload)
        started = time.monotonic()
        envelope, reply = post_envelope(over_socket.socket, body, content_type)
        elapsed = time.monotonic() - started
        assert envelope.acks, name
        assert elapsed < every_payload.SLACK_TIMEOUT_SECONDS, (name, elapsed)
        if payload.get("type") == "block_suggestion" and payload.get("action_id") == "nope":
            assert reply.json == {"options": []}, name
        sent += 1
    over_socket.wait_idle()
    assert sent == sum(payload.get("type") != "url_verification" for _, _, payload in samples) > 30
    assert_clean_logs(caplog, every_payload.PERSON_TYPED)
