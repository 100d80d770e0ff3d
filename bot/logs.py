"""Logging: plain text or one JSON object per line (PATCHBAY_LOG_FORMAT), each with the request id.

Only the message and a few named fields are written: never a request body. Anything shaped like a
Slack token is masked before it leaves the process, whatever logged it.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

from bot import request_scope

TOKEN = re.compile(r"\b(xox[abeoprs]|xapp)-[A-Za-z0-9-]+")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def redact(text: str) -> str:
    return TOKEN.sub(lambda m: m.group(1) + "-***", text)


class RequestFields(logging.Filter):
    """Adds `request_id`, `listener` and `slack_retry` of the current Slack request to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        scope = request_scope.current()
        record.request_id = scope.id if scope else "-"
        record.listener = scope.listener if scope else ""
        record.slack_retry = scope.slack_retry if scope else ""
        return True


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ("request_id", "listener", "slack_retry"):
            value = getattr(record, name, "")
            if value and value != "-":
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, default=str))


def make_handler(log_format: str, stream: object = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.addFilter(RequestFields())
    handler.setFormatter(JsonFormatter() if log_format == "json" else RedactingFormatter(TEXT_FORMAT))
    return handler


def configure(log_format: str, level: int = logging.INFO) -> None:
    """Replace the root logger's handlers with one that writes `log_format` ("text" or "json")."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(make_handler(log_format))
    root.setLevel(level)
    # Alembic says which migration context it chose every time the schema is checked; only its
    # warnings are worth a line.
    logging.getLogger("alembic").setLevel(logging.WARNING)
