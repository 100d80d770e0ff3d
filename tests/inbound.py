"""What the inbound edge tests share: a sink that counts any HTTP request, rows in every table,
and a log check for bodies and tracebacks."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.http import EVENTS_PATH, Wsgi
from storage.models import Base


class Sink:
    """A local HTTP listener: any request it receives is counted (used as a response_url)."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _record(self) -> None:
                sink.requests.append(f"{self.command} {self.path}")
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_PUT = _record

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def sink() -> Iterator[Sink]:
    listener = Sink()
    try:
        yield listener
    finally:
        listener.stop()


def row_counts(sessions: sessionmaker[Session]) -> dict[str, int]:
    """How many rows each table holds."""
    with sessions() as session:
        return {
            table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


def assert_clean_logs(caplog: pytest.LogCaptureFixture, *markers: str) -> None:
    """No traceback and none of `markers` (text only found in request bodies) in any log record."""
    for record in caplog.records:
        assert record.exc_info is None, f"traceback logged by {record.name}: {record.getMessage()}"
    text = caplog.text
    assert "Traceback" not in text
    for marker in markers:
        assert marker not in text, f"a request body reached the logs ({marker})"


class CountingReader(io.BytesIO):
    """A request body that remembers how many bytes were read from it."""

    taken = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk


def call(
    wsgi: Wsgi, body: bytes, headers: dict[str, str], *, declare_length: bool = True
) -> tuple[int, bytes, CountingReader]:
    """POST `body` to /slack/events by calling the WSGI app in-process: status, body, the input."""
    stream = CountingReader(body)
    environ: dict[str, object] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": EVENTS_PATH,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": stream,
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
    }
    if declare_length:
        environ["CONTENT_LENGTH"] = str(len(body))
    for name, value in headers.items():
        if name.lower() == "content-type":
            environ["CONTENT_TYPE"] = value
        else:
            environ["HTTP_" + name.upper().replace("-", "_")] = value
    started: list[str] = []

    def start_response(status: str, response_headers: list[tuple[str, str]], *exc: object) -> None:
        started.append(status)

    answer = b"".join(wsgi(environ, start_response))
    return int(started[0].split(" ", 1)[0]), answer, stream
