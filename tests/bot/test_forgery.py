"""Forged, stale, replayed, junk and oversized requests to POST /slack/events, over real HTTP.

Every one is refused (401, 400 or 413) before anything reads it: no row changes, no Web API call,
no request of any kind to the response_url it names, no traceback and no body byte in the logs.
"""

from __future__ import annotations

import http.client
import json
import logging
import random
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pytest
from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_sdk import WebClient

from bot import errors
from bot.gate import MAX_BODY_BYTES, QuietRequestVerification
from bot.http import WAITRESS_BODY_LIMIT
from bot.signing import sign
from tests.conftest import BOB, SECRET, Patchbay
from tests.inbound import Sink, assert_clean_logs, call, row_counts, sink

FORM = "application/x-www-form-urlencoded"
MARKER = "FORGERYBODY"


@dataclass(frozen=True)
class Forgery:
    kind: str
    body: bytes
    headers: dict[str, str]
    expected: frozenset[int]


def _command(n: int, response_url: str, text: str = "tool add") -> bytes:
    form = {
        "team_id": "T0PATCHBAY",
        "channel_id": "C0GENERAL",
        "user_id": BOB,
        "command": "/patchbay",
        "text": f"{text} {MARKER}{n:05d}",
        "response_url": response_url,
        "trigger_id": f"{n}.1.trigger",
    }
    return urlencode(form).encode()


def _interaction(n: int, response_url: str) -> bytes:
    payload = {
        "type": "block_actions",
        "team": {"id": "T0PATCHBAY"},
        "user": {"id": BOB},
        "channel": {"id": "C0GENERAL"},
        "response_url": response_url,
        "actions": [{"action_id": "tool_retire", "value": '{"tool_id": 1}', "text": f"{MARKER}{n:05d}"}],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def _junk(rng: random.Random, n: int) -> bytes:
    shapes = [
        bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))) + MARKER.encode(),
        f"payload={MARKER}{n}{{not json".encode(),
        f"payload=%5B1%2C2%5D&x={MARKER}".encode(),
        f'[1, 2, "{MARKER}"]'.encode(),
        f'{{"type": "event_callback", "event": {MARKER}'.encode(),
        b"\xff\xfe\xfd" + MARKER.encode(),
        f"%%%{MARKER}%zz".encode(),
    ]
    return shapes[n % len(shapes)]


def forgeries(rng: random.Random, response_url: str, count: int) -> Iterator[Forgery]:
    """`count` refused requests, cycling through every way of getting it wrong."""
    unauthorised = frozenset({401})
    for n in range(count):
        now = int(time.time())
        body = _interaction(n, response_url) if n % 3 == 0 else _command(n, response_url)
        good = sign(SECRET, body, now)
        kind = n % 14
        if kind == 0:
            yield Forgery("unsigned", body, {}, unauthorised)
        elif kind == 1:
            digest = "v0=" + "".join(rng.choice("0123456789abcdef") for _ in range(64))
            yield Forgery("wrong signature", body, {**good, "X-Slack-Signature": digest}, unauthorised)
        elif kind == 2:
            old = now - 301 - rng.randrange(100_000)
            yield Forgery("stale", body, sign(SECRET, body, old), unauthorised)
        elif kind == 3:
            ahead = now + 301 + rng.randrange(100_000)
            yield Forgery("from the future", body, sign(SECRET, body, ahead), unauthorised)
        elif kind == 4:
            stamp = rng.choice(["abc", "", " ", "1e9", "-5", "0x10", "\u00b2\u00b3", str(now) + "x", "NaN"])
            yield Forgery(
                "non-numeric timestamp", body, {**good, "X-Slack-Request-Timestamp": stamp}, unauthorised
            )
        elif kind == 5:
            yield Forgery(
                "no timestamp", body, {"X-Slack-Signature": good["X-Slack-Signature"]}, unauthorised
            )
        elif kind == 6:
            headers = {"X-Slack-Request-Timestamp": good["X-Slack-Request-Timestamp"]}
            yield Forgery("no signature", body, headers, unauthorised)
        elif kind == 7:
            mangled = rng.choice(
                ["v1=", "V0=", "v0", "", "v0=" + "g" * 64, good["X-Slack-Signature"].upper()]
            )
            yield Forgery("malformed signature", body, {**good, "X-Slack-Signature": mangled}, unauthorised)
        elif kind == 8:
            replay = _command(n, response_url, text="tool retire Salesforce")
            yield Forgery("replayed with changed text", replay, good, unauthorised)
        elif kind == 9:
            junk = _junk(rng, n)
            yield Forgery("unsigned junk", junk, {}, unauthorised)
        elif kind == 10:
            junk = _junk(rng, n)
            yield Forgery("signed junk", junk, sign(SECRET, junk, now), frozenset({400}))
        elif kind == 11:
            junk = _junk(rng, n)
            yield Forgery("junk under a copied signature", junk, good, unauthorised)
        elif kind == 12:
            yield Forgery("other secret", body, sign("not-the-secret", body, now), unauthorised)
        else:
            yield Forgery(
                "signed with the body in the signature header",
                body,
                {**good, "X-Slack-Signature": body.decode()[:200]},
                unauthorised,
            )


def _post(app_url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    parts = urlsplit(app_url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request("POST", parts.path, body=body, headers={"Content-Type": FORM, **headers})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _declared_only(app_url: str, headers: dict[str, str], declared: int) -> bytes:
    """Send headers declaring a `declared`-byte body, then only a few bytes; return the answer."""
    parts = urlsplit(app_url)
    lines = [f"POST {parts.path} HTTP/1.1", f"Host: {parts.hostname}", f"Content-Type: {FORM}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {declared}")
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=5) as conn:
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + MARKER.encode())
        return conn.recv(200)


def test_a_thousand_forged_requests_change_nothing_call_nothing_and_log_no_body(
    patchbay: Patchbay, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    rng = random.Random(11)
    before = row_counts(patchbay.sessions)
    statuses: dict[str, set[int]] = {}
    with sink() as listener:
        for forgery in forgeries(rng, listener.url, 1_050):
            status, answer = _post(patchbay.app_url, forgery.body, forgery.headers)
            statuses.setdefault(forgery.kind, set()).add(status)
            assert status in forgery.expected, (forgery.kind, status, answer)
            assert len(answer) < 100 and b"Traceback" not in answer
        for declared in (WAITRESS_BODY_LIMIT + 1, 50 * MAX_BODY_BYTES):
            for headers in ({}, sign(SECRET, b"x")):
                answer = _declared_only(patchbay.app_url, headers, declared)
                assert answer.startswith(b"HTTP/1.1 413") or answer.startswith(b"HTTP/1.1 401"), answer
        # Behind a server that passes the body on unread, the gate stops at the cap by itself.
        big = _command(0, listener.url) + b"&pad=" + b"a" * MAX_BODY_BYTES
        for declare_length in (True, False):
            status, _, stream = call(patchbay.wsgi, big, sign(SECRET, big), declare_length=declare_length)
            assert status == 413 and stream.taken <= MAX_BODY_BYTES + 1
            status, _, stream = call(patchbay.wsgi, big, {}, declare_length=declare_length)
            assert status == 401 and stream.taken == 0
        patchbay.wait_idle()
        assert listener.requests == []
    assert len(statuses) == 14
    assert row_counts(patchbay.sessions) == before
    assert patchbay.slack.calls == []
    assert any("refused a request" in r.getMessage() for r in caplog.records)  # the logs were captured
    assert_clean_logs(caplog, MARKER)

    # The same channel carries a genuine request through: the refusals above were the gate's doing.
    genuine = _command(1, patchbay.slack.response_url())
    assert _post(patchbay.app_url, genuine, sign(SECRET, genuine))[0] == 200
    patchbay.wait_idle()
    assert patchbay.slack.calls_to("views.open")


def test_the_error_handler_does_nothing_for_a_request_that_was_not_verified(
    patchbay: Patchbay, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with sink() as listener:
        body = {"type": "block_actions", "response_url": listener.url, "user": {"id": BOB}, "text": MARKER}
        client = WebClient(base_url=patchbay.slack.api_url)
        answer = errors.handle(
            ValueError("invalid literal for int()"), body, BoltResponse(status=500), client, BoltContext()
        )
        assert answer is not None and answer.status == 401 and answer.body == ""
        assert listener.requests == []
    assert patchbay.slack.calls == []
    assert_clean_logs(caplog, MARKER)


def test_bolts_own_check_refuses_without_logging_the_body(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    headers = {"x-slack-request-timestamp": str(int(time.time())), "x-slack-signature": "v0=" + "0" * 64}
    request = BoltRequest(body=f"command=/patchbay&text={MARKER}", headers=headers)

    def passed_on() -> BoltResponse:
        raise AssertionError("a forged request was passed on")

    answer = QuietRequestVerification(SECRET).process(
        req=request, resp=BoltResponse(status=200), next=passed_on
    )
    assert answer.status == 401
    assert any("Bolt refused" in r.getMessage() for r in caplog.records)
    assert_clean_logs(caplog, MARKER)


def test_sink_counts_what_it_receives() -> None:
    with sink() as listener:
        assert _post(listener.url, b"x", {})[0] == 200
        assert listener.requests == ["POST /hook"]
    assert isinstance(listener, Sink)
