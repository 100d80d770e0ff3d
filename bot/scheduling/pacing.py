"""Pacing posts the way Slack asks: about one message a second to a channel, a few hundred a minute in all.

Waiting before posting costs less than a 429 storm: a sweep with many threads would otherwise spend
its retries on refusals and give up on owners it could have reached a second later.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Pacer:
    def __init__(
        self,
        *,
        per_minute: float,
        per_channel_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._gap = 60.0 / per_minute
        self._channel_gap = per_channel_seconds
        self._clock, self._sleep = clock, sleep
        self._next = 0.0
        self._next_in: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, channel: str) -> None:
        """Block until a post to `channel` fits both paces, and reserve that moment."""
        with self._lock:
            now = self._clock()
            at = max(now, self._next, self._next_in.get(channel, 0.0))
            self._next = at + self._gap
            self._next_in[channel] = at + self._channel_gap
        if at > now:
            self._sleep(at - now)
