"""The HTTP front: Slack's requests on POST /slack/events, run reports on POST /runs, /healthz, /metrics.

`patchbay serve` serves all four; `patchbay run --http-port N` (Socket Mode, where Slack's requests
arrive over the socket) serves the same run reports, /healthz and /metrics, and no /slack/events.
"""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy.orm import Session, sessionmaker

from bot.web import metrics as app_metrics
from bot.web import request_scope, run_intake
from bot.web.gate import MAX_BODY_BYTES, UNREADABLE, BytesSignatureVerifier, Refusal, admit
from bot.web.health import SLACK_TIMEOUT_SECONDS, Health

log = logging.getLogger("patchbay.gate")
EVENTS_PATH = "/slack/events"
ROUTES = (EVENTS_PATH, "/healthz", "/metrics", run_intake.RUNS_PATH)
# waitress answers 413 to a body declared over the cap before reading any of it. The larger of the
# two caps: run reports take up to 2 MiB, and the gate holds Slack's bodies to its own 1 MiB (it
# checks the declared length first, and reads no further than its cap on a body passed on unread).
WAITRESS_BODY_LIMIT = max(MAX_BODY_BYTES, run_intake.MAX_BODY_BYTES)
SERVER_THREADS = 16
StartResponse = Callable[..., Any]
Wsgi = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _answer(start_response: StartResponse, status: str, body: bytes, content_type: str) -> list[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def make_wsgi(app: App, sessions: sessionmaker[Session], *, signing_secret: str) -> Wsgi:
    """HTTP mode: route the four paths; Slack's requests pass the gate before Bolt sees them, run
    reports do not."""
    return _front(app, sessions, events=_slack_events(app, signing_secret))


def make_socket_mode_wsgi(app: App, sessions: sessionmaker[Session]) -> Wsgi:
    """Socket Mode's HTTP port: run reports, /healthz and /metrics; Slack's requests use the socket."""
    return _front(app, sessions, events=None)


def _slack_events(app: App, signing_secret: str) -> Wsgi:
    """POST /slack/events: the gate, then Bolt."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    verifier = BytesSignatureVerifier(signing_secret)

    def events(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        admitted = admit(environ, verifier)
        if isinstance(admitted, Refusal):
            return _answer(start_response, admitted.status, admitted.reason.encode(), "text/plain")
        environ["wsgi.input"] = io.BytesIO(admitted)
        environ["CONTENT_LENGTH"] = str(len(admitted))
        try:
            return slack(environ, start_response)
        except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
            # Bolt reads a few fields while routing, before any listener or error handler runs: a
            # signed payload shaped unlike Slack's fails there. Its name only, never its text.
            log.warning("unreadable Slack payload: %s while routing it", type(exc).__name__)
            return _answer(start_response, UNREADABLE.status, UNREADABLE.reason.encode(), "text/plain")

    return events


def _front(app: App, sessions: sessionmaker[Session], *, events: Wsgi | None) -> Wsgi:
    metrics = app_metrics.of(app)
    probe = app_metrics.observed_client(app.client, timeout=SLACK_TIMEOUT_SECONDS)
    health = Health(sessions=sessions, slack=probe)
    runs = run_intake.of(app)

    def route(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == "/healthz" and method == "GET":
            code, report = health.report()
            status = "200 OK" if code == 200 else "503 Service Unavailable"
            return _answer(start_response, status, json.dumps(report).encode(), "application/json")
        if path == "/metrics" and method == "GET":
            return _answer(start_response, "200 OK", *metrics.render())
        if path == run_intake.RUNS_PATH and runs is not None:
            # Run reports carry their own Bearer token: they never pass the Slack gate.
            return runs(environ, start_response)
        if events is None or path != EVENTS_PATH or method != "POST":
            return _answer(start_response, "404 Not Found", b"not found", "text/plain")
        return events(environ, start_response)

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        token = request_scope.begin()
        path = environ.get("PATH_INFO", "")
        label = path if path in ROUTES else "other"

        def counted(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            metrics.http_responses.labels(label, status.split(" ", 1)[0]).inc()
            return start_response(status, headers, *exc_info)

        try:
            return route(environ, counted)
        finally:
            request_scope.end(token)

    return wsgi


def make_server(wsgi: Wsgi, host: str, port: int) -> Any:
    """The waitress server `patchbay serve` and `patchbay run --http-port` run (16 threads); call run()."""
    from waitress.server import create_server

    return create_server(
        wsgi,
        host=host,
        port=port,
        threads=SERVER_THREADS,
        ident="patchbay",
        max_request_body_size=WAITRESS_BODY_LIMIT,
    )


class BackgroundServer:
    """The WSGI app served by waitress on a thread: for tests, the shell and benchmarks."""

    def __init__(self, wsgi: Callable[..., Iterable[bytes]], host: str = "127.0.0.1", port: int = 0) -> None:
        from waitress.server import create_server

        # waitress reads asyncore_loop_timeout as a whole number of seconds (0.1 would become 0, a
        # select() that never waits: a busy loop). stop() wakes the loop itself, so 1 s costs nothing.
        self._server = create_server(
            wsgi,
            host=host,
            port=port,
            threads=8,
            ident="patchbay",
            asyncore_loop_timeout=1,
            max_request_body_size=WAITRESS_BODY_LIMIT,
        )
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="patchbay-http", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.effective_port}"  # type: ignore[union-attr]

    def _run(self) -> None:
        try:
            self._server.run()
        except OSError:
            # Closing the sockets from stop() interrupts the select() the loop is waiting in.
            if not self._stopping:
                raise

    @property
    def loop_timeout(self) -> float:
        """How long the server's select() waits when idle, as waitress took the setting."""
        return float(self._server.adj.asyncore_loop_timeout)

    def stop(self) -> None:
        self._stopping = True
        server = self._server

        def close_all() -> None:
            for channel in list(server._map.values()):  # type: ignore[union-attr]
                channel.close()

        try:
            server.trigger.pull_trigger(close_all)  # type: ignore[union-attr]  # runs in the loop, waking it
        except OSError:  # the loop already closed its trigger: close what is left from here
            close_all()
        self._thread.join(timeout=5)
        server.task_dispatcher.shutdown()
