"""Logging: plain text or one JSON object per line (PATCHBAY_LOG_FORMAT), each with the request id.

Only the message and a few named fields are written: never a request body. Every secret shape
`commands.secrets` knows (Slack tokens and webhooks, AWS, GitHub, Stripe and Google keys, private
keys, bearer tokens, passwords in URLs), raw or URL-encoded, is masked in the message, its arguments
and the exception text of every record, whoever logged it and whichever handler writes it.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from bot import request_scope
from commands.secrets import redact

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
LOGGERS = ("", "patchbay", "slack_bolt", "slack_sdk", "waitress", "alembic", "apscheduler", "sqlalchemy")
_PLAIN = logging.Formatter()


def mask(record: logging.LogRecord) -> logging.LogRecord:
    """Mask secrets in `record` in place: message and arguments (merged), exception and stack text."""
    if getattr(record, "secrets_masked", False):
        return record
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # a logging call whose arguments do not fit its format
        message = f"{record.msg} {record.args}"
    record.msg, record.args = redact(message), None
    if record.exc_info:
        record.exc_text = record.exc_text or _PLAIN.formatException(record.exc_info)
        record.exc_info = None
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    record.secrets_masked = True
    return record


class SecretMask(logging.Filter):
    """The one log filter: on every handler, it masks each record before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask(record)
        return True


MASK = SecretMask()


def mask_everywhere() -> None:
    """Mask every record as it is created, and put the filter on every handler there is now.

    Masking at creation covers handlers a library adds later (Alembic, APScheduler, waitress).
    """
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "masks_secrets", False):

        def masked(*args: Any, **kwargs: Any) -> logging.LogRecord:
            return mask(factory(*args, **kwargs))

        masked.masks_secrets = True  # type: ignore[attr-defined]
        logging.setLogRecordFactory(masked)
    for name in LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if MASK not in handler.filters:
                handler.addFilter(MASK)


class RequestFields(logging.Filter):
    """Adds `request_id`, `listener` and `slack_retry` of the current Slack request to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        scope = request_scope.current()
        record.request_id = scope.id if scope else "-"
        record.listener = scope.listener if scope else ""
        record.slack_retry = scope.slack_retry if scope else ""
        return True


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
            record.exc_text = record.exc_text or self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, default=str)


def make_handler(log_format: str, stream: object = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.addFilter(MASK)
    handler.addFilter(RequestFields())
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    return handler


def configure(log_format: str, level: int = logging.INFO) -> None:
    """Replace the root logger's handlers with one that writes `log_format` ("text" or "json")."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(make_handler(log_format))
    root.setLevel(level)
    mask_everywhere()
    # Alembic says which migration context it chose every time the schema is checked; only its
    # warnings are worth a line.
    logging.getLogger("alembic").setLevel(logging.WARNING)
