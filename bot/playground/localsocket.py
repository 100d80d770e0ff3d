"""A local Socket Mode endpoint: a real websocket server on 127.0.0.1 that plays Slack's side.

The local Slack answers `apps.connections.open` with this server's `ws://` URL. On each connection
it says `hello`, then sends envelopes (`slash_commands`, `interactive`, `events_api`) and reads the
acknowledgements. An envelope not yet acknowledged is sent again after the app reconnects, as Slack
does, so tests can drop the connection mid-flow, lose an acknowledgement, or ask for a refresh
(`disconnect`). `SocketDriver` sends what Slack would and returns the acknowledgement in one line.

Only the tests use this module (it needs the `websockets` package from the dev extras); nothing
in the serving path imports it.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from bot.playground.driver import Reply, SlackDriver
from bot.playground.localslack import LocalSlack

ACK_TIMEOUT_SECONDS = 10.0
# Interactive payloads whose acknowledgement may carry an answer (Slack sets accepts_response_payload).
ANSWERED_IN_ACK = ("view_submission", "block_suggestion")


@dataclass
class Envelope:
    """One envelope, with every acknowledgement the app sent for it (None: an ack without payload)."""

    type: str
    payload: dict[str, Any]
    envelope_id: str
    accepts_response_payload: bool
    retry_attempt: int = 0
    retry_reason: str = ""
    sent: int = 0
    acks: list[dict[str, Any] | None] = field(default_factory=list)

    def message(self) -> str:
        body: dict[str, Any] = {
            "envelope_id": self.envelope_id,
            "type": self.type,
            "payload": self.payload,
            "accepts_response_payload": self.accepts_response_payload,
        }
        if self.type == "events_api":
            body["retry_attempt"] = self.retry_attempt
            body["retry_reason"] = self.retry_reason
        return json.dumps(body)


class LocalSocketMode:
    """The stand-in. `start()`, `attach(slack)`, then `deliver(...)` and read `envelopes`."""

    def __init__(self) -> None:
        self.envelopes: dict[str, Envelope] = {}
        self.connections_opened = 0
        self.tickets_issued = 0
        self._current: ServerConnection | None = None
        self._lost_acks: set[str] = set()
        self._ids = itertools.count(1)
        self._changed = threading.Condition(threading.RLock())
        self._server: Server | None = None

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self) -> LocalSocketMode:
        self._server = serve(
            self._serve, "127.0.0.1", 0, compression=None, ping_interval=None, close_timeout=1
        )
        threading.Thread(target=self._server.serve_forever, name="local-socket-mode", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server = None

    def attach(self, slack: LocalSlack) -> LocalSocketMode:
        """Make `slack` answer apps.connections.open with a URL to this endpoint."""
        slack.socket_url = self.issue_url
        return self

    def issue_url(self) -> str:
        assert self._server is not None, "start() first"
        port = self._server.socket.getsockname()[1]
        with self._changed:
            self.tickets_issued += 1
            return f"ws://127.0.0.1:{port}/link/?ticket=t{self.tickets_issued}"

    # ---- the connection --------------------------------------------------------------------
    def _serve(self, connection: ServerConnection) -> None:
        with self._changed:
            previous, self._current = self._current, connection
            self.connections_opened += 1
            connection.send(json.dumps(self._hello()))
            for envelope in self.envelopes.values():
                if not envelope.acks:  # sent before the drop, or while no one was connected
                    self._send(envelope, redelivery=envelope.sent > 0)
            self._changed.notify_all()
        if previous is not None:
            previous.close(1001, "replaced by a new connection")
        try:
            for message in connection:
                self._on_ack(connection, message)
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                if self._current is connection:
                    self._current = None
                self._changed.notify_all()

    def _hello(self) -> dict[str, Any]:
        return {
            "type": "hello",
            "num_connections": 1,
            "debug_info": {"host": "local-socket-mode", "approximate_connection_time": 3600},
            "connection_info": {"app_id": "A0PATCHBAY"},
        }

    def _send(self, envelope: Envelope, *, redelivery: bool) -> None:
        if redelivery:
            envelope.retry_attempt += 1
            envelope.retry_reason = "timeout"
        envelope.sent += 1
        assert self._current is not None
        self._current.send(envelope.message())

    def _on_ack(self, connection: ServerConnection, message: str | bytes) -> None:
        ack = json.loads(message)
        with self._changed:
            envelope = self.envelopes.get(str(ack.get("envelope_id")))
            if envelope is None:
                return
            lost = envelope.envelope_id in self._lost_acks
            if lost:
                self._lost_acks.discard(envelope.envelope_id)
                if self._current is connection:
                    self._current = None
            else:
                envelope.acks.append(ack.get("payload"))
                self._changed.notify_all()
        if lost:
            connection.close(1011, "dropped")

    # ---- test controls ---------------------------------------------------------------------
    def send(self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool = False) -> Envelope:
        """Send an envelope now, or as soon as the app is connected."""
        envelope = Envelope(kind, payload, f"env-{next(self._ids):06d}", accepts_response_payload)
        with self._changed:
            self.envelopes[envelope.envelope_id] = envelope
            if self._current is not None:
                self._send(envelope, redelivery=False)
        return envelope

    def redeliver(self, envelope: Envelope) -> None:
        """Send `envelope` again as Slack's retry does: same envelope_id, the next retry_attempt."""
        with self._changed:
            assert self._current is not None, "no connection"
            self._send(envelope, redelivery=True)

    def wait_ack(self, envelope: Envelope, count: int = 1, timeout: float = ACK_TIMEOUT_SECONDS) -> Any:
        """The payload of `envelope`'s `count`-th acknowledgement (None when it had none)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(envelope.acks) >= count, timeout=timeout):
                raise TimeoutError(f"no acknowledgement for {envelope.type} {envelope.envelope_id}")
            return envelope.acks[count - 1]

    def deliver(self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool = False) -> Any:
        """Send an envelope and return its acknowledgement's payload."""
        return self.wait_ack(self.send(kind, payload, accepts_response_payload=accepts_response_payload))

    def wait_connections(self, count: int, timeout: float = ACK_TIMEOUT_SECONDS) -> None:
        """Block until the app has opened `count` connections in all and one is open."""
        with self._changed:
            if not self._changed.wait_for(
                lambda: self.connections_opened >= count and self._current is not None, timeout=timeout
            ):
                raise TimeoutError(f"the app opened {self.connections_opened} connections, not {count}")

    def drop(self) -> None:
        """Close the open connection, as a network failure or a Slack deploy would."""
        with self._changed:
            current, self._current = self._current, None
        if current is not None:
            current.close(1011, "dropped")

    def lose_ack(self, envelope: Envelope) -> None:
        """The next acknowledgement of `envelope` is lost: the connection drops as it arrives."""
        with self._changed:
            self._lost_acks.add(envelope.envelope_id)

    def refresh(self) -> None:
        """Slack's warning that this connection is about to be replaced: a `disconnect` message."""
        with self._changed:
            assert self._current is not None, "no connection"
            self._current.send(
                json.dumps(
                    {
                        "type": "disconnect",
                        "reason": "refresh_requested",
                        "debug_info": {"host": "local-socket-mode"},
                    }
                )
            )

    def unacknowledged(self) -> list[Envelope]:
        with self._changed:
            return [e for e in self.envelopes.values() if not e.acks]


def envelope_for(body: bytes, content_type: str) -> tuple[str, dict[str, Any], bool]:
    """The envelope Slack would send over Socket Mode for an HTTP request body: kind, payload, answerable."""
    if "json" in content_type:
        return "events_api", json.loads(body), False
    form = dict(parse_qsl(body.decode(), keep_blank_values=True))
    if "payload" in form:
        payload = json.loads(form["payload"])
        return "interactive", payload, payload.get("type") in ANSWERED_IN_ACK
    return "slash_commands", form, True


def post_envelope(socket: LocalSocketMode, body: bytes, content_type: str) -> tuple[Envelope, Reply]:
    """Send what Slack would send over HTTP as an envelope instead; the acknowledgement is the reply."""
    kind, payload, answerable = envelope_for(body, content_type)
    envelope = socket.send(kind, payload, accepts_response_payload=answerable)
    acked = socket.wait_ack(envelope)
    return envelope, Reply(200, json.dumps(acked) if acked is not None else "")


class OverSocket:
    """A driver's `post` over Socket Mode: what Slack would send over HTTP goes as an envelope instead,
    and the acknowledgement is the reply."""

    socket: LocalSocketMode
    last_envelope: Envelope | None
    wait_idle: Callable[[], None]

    def post(self, body: bytes, content_type: str, **ignored: Any) -> Reply:
        """Signing and headers do not apply: the connection itself is authenticated."""
        self.last_envelope, reply = post_envelope(self.socket, body, content_type)
        self.wait_idle()
        return reply


class SocketDriver(OverSocket, SlackDriver):
    """SlackDriver over Socket Mode: `driver.command("help", user=BOB).json` is the ack's payload."""

    def __init__(self, *, socket: LocalSocketMode, **kwargs: Any) -> None:
        super().__init__(app_url="", secret="", **kwargs)
        self.socket = socket
        self.last_envelope = None
