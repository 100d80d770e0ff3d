"""Real HTTP POSTs to /runs on the running app, and connecting an integration's run reports."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from bot.web.http import EVENTS_PATH
from tests.conftest import Patchbay


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


def runs_url(patchbay: Patchbay) -> str:
    return patchbay.app_url.removesuffix(EVENTS_PATH) + "/runs"


def post_runs(url: str, payload: Any, *, token: str | None, raw: bytes | None = None) -> Answer:
    data = raw if raw is not None else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Answer(response.status, json.loads(response.read()), dict(response.headers))
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            answer = json.loads(body or b"{}")
        except ValueError:  # the server's own refusal (waitress's 413), not the intake's JSON
            answer = {"text": body.decode(errors="replace")}
        return Answer(error.code, answer, dict(error.headers))


def run(
    run_id: str, status: str = "success", *, at: datetime, seconds: float = 4, **extra: Any
) -> dict[str, Any]:
    """One run as a platform would report it, finishing at `at`."""
    return {
        "run_id": run_id,
        "status": status,
        "started_at": (at - timedelta(seconds=seconds)).isoformat(),
        "finished_at": at.isoformat(),
        "records": 10,
        **extra,
    }


def card_button(patchbay: Patchbay, integration_id: int, label: str, *, user: str) -> dict[str, Any]:
    blocks = patchbay.command(f"show {integration_id}", user=user).json["blocks"]
    found = [
        element
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("text", {}).get("text") == label
    ]
    assert found, f"no {label} button on #{integration_id}'s card"
    return found[0]


def connect(patchbay: Patchbay, integration_id: int, *, user: str) -> str:
    """Press Connect run reports, submit the form, and read the token from the modal shown once."""
    patchbay.click(card_button(patchbay, integration_id, "Connect run reports", user=user), user=user)
    reply = patchbay.submit(patchbay.last_view(), {}, user=user)
    assert reply.status == 200, reply.body
    view = reply.json["view"]
    text = view["blocks"][0]["text"]["text"]
    return text.split("```")[1]


def declared_only(url: str, token: str, declared: int) -> bytes:
    """Send headers declaring a `declared`-byte body and none of it; return the answer's start."""
    parts = urlsplit(url)
    head = (
        f"POST {parts.path} HTTP/1.1\r\nHost: {parts.hostname}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {declared}\r\n\r\n"
    )
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=5) as conn:
        conn.sendall(head.encode())
        return conn.recv(100)
