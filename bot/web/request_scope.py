"""What the current Slack request is: an id for the logs, when it started, which listener it is for.

The HTTP front opens a scope per request, and the Socket Mode handler one per envelope; the
metrics middleware names the listener. The listener
executor copies the scope into the thread that runs the listener, so its log lines carry the id too.
"""

from __future__ import annotations

import contextvars
import os
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Any


def _new_id() -> str:
    return os.urandom(6).hex()


@dataclass
class RequestScope:
    started: float = field(default_factory=time.perf_counter)
    id: str = field(default_factory=_new_id)
    listener: str = ""
    slack_retry: str = ""


_current: contextvars.ContextVar[RequestScope | None] = contextvars.ContextVar(
    "patchbay_request", default=None
)


def current() -> RequestScope | None:
    return _current.get()


def begin() -> contextvars.Token[RequestScope | None]:
    """Open a new scope on this thread; hand the token to end()."""
    return _current.set(RequestScope())


def end(token: contextvars.Token[RequestScope | None]) -> None:
    _current.reset(token)


def ensure() -> RequestScope:
    """The open scope, or a new one (a request dispatched to the app directly)."""
    scope = _current.get()
    if scope is None:
        scope = RequestScope()
        _current.set(scope)
    return scope


class ContextExecutor(Executor):
    """Runs each task in a copy of the submitting thread's context, on `inner`'s threads."""

    def __init__(self, inner: Executor) -> None:
        self.inner = inner

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return self.inner.submit(contextvars.copy_context().run, fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inner.shutdown(wait=wait, cancel_futures=cancel_futures)
