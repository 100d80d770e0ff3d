"""Which Web API calls the client may repeat on its own.

A 429 means Slack did not take the call, so repeating it is always safe. A 5xx or a dropped
connection may come after Slack took it: repeating a post then posts it twice. Posts are never
repeated blindly; the caller records them as uncertain and looks before posting again.
"""

from __future__ import annotations

from http.client import HTTPException
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest

NOT_REPEATABLE = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.scheduleMessage",
        "chat.meMessage",
        "files.completeUploadExternal",
    }
)


def _repeatable(request: HttpRequest) -> bool:
    return request.url.rsplit("/", 1)[-1].split("?", 1)[0] not in NOT_REPEATABLE


class RepeatableServerErrors(ServerErrorRetryHandler):
    """Retries 5xx only for calls that are safe to make twice."""

    def _can_retry(self, *, request: HttpRequest, **kwargs: Any) -> bool:
        return _repeatable(request) and super()._can_retry(request=request, **kwargs)


class RepeatableConnectionErrors(ConnectionErrorRetryHandler):
    """Retries dropped connections only for calls that are safe to make twice."""

    def _can_retry(self, *, request: HttpRequest, **kwargs: Any) -> bool:
        return _repeatable(request) and super()._can_retry(request=request, **kwargs)


def may_have_landed(error: BaseException) -> bool:
    """Slack may have taken the call: it answered 5xx, or the connection failed after sending."""
    if isinstance(error, SlackApiError):
        return int(getattr(error.response, "status_code", 0) or 0) >= 500
    return isinstance(error, OSError | HTTPException)
