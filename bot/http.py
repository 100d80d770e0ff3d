"""The HTTP front: Slack's requests on POST /slack/events, run reports on POST /runs, /healthz, /metrics."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy.orm import Session, sessionmaker

from bot import metrics as app_metrics
from bot import request_scope, run_intake
from bot.health import SLACK_TIMEOUT_SECONDS, Health

EVENTS_PATH = "/slack/events"
ROUTES = (EVENTS_PATH, "/healthz", "/metrics", run_intake.RUNS_PATH)
StartResponse = Callable[..., Any]
Wsgi = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _answer(start_response: StartResponse, status: str, body: bytes, content_type: str) -> list[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def make_wsgi(app: App, sessions: sessionmaker[Session]) -> Wsgi:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
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
            return runs(environ, start_response)
        return slack(environ, start_response)

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


class BackgroundServer:
    """The WSGI app served by waitress on a thread: for tests, the shell and benchmarks."""

    def __init__(self, wsgi: Callable[..., Iterable[bytes]], host: str = "127.0.0.1", port: int = 0) -> None:
        from waitress.server import create_server

        self._server = create_server(
            wsgi, host=host, port=port, threads=8, ident="patchbay", asyncore_loop_timeout=0.1
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

    def stop(self) -> None:
        self._stopping = True
        for channel in list(self._server._map.values()):  # type: ignore[union-attr]
            channel.close()
        self._server.task_dispatcher.shutdown()
        self._thread.join(timeout=5)
