"""The HTTP front: Slack's requests on POST /slack/events, and GET /healthz."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

EVENTS_PATH = "/slack/events"
StartResponse = Callable[..., Any]


def make_wsgi(
    app: App, sessions: sessionmaker[Session]
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def healthz() -> tuple[str, dict[str, str]]:
        try:
            with sessions() as session:
                session.execute(text("SELECT 1"))
            return "200 OK", {"status": "ok", "database": "ok"}
        except Exception as exc:  # the probe reports, it never raises
            return "503 Service Unavailable", {"status": "degraded", "database": type(exc).__name__}

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") == "GET":
            status, report = healthz()
            body = json.dumps(report).encode()
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        return slack(environ, start_response)

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
