"""Socket Mode (`patchbay run`): Bolt's handler, answering every envelope once and logging no payload.

Slack redelivers an envelope whose acknowledgement it did not get (a dropped connection, a slow
answer). Each envelope is acknowledged whatever Bolt made of it (an ignored event, a listener that
failed), so Slack never counts a delivery as failed; an envelope seen again is answered with the
acknowledgement it got the first time instead of running its listener twice.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.socket_mode.internals import run_bolt_app
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot import request_scope
from bot.settings import Settings

log = logging.getLogger("patchbay.socket_mode")
# The client writes whole messages at DEBUG: this logger never goes below INFO, so no payload is logged.
client_log = logging.getLogger("patchbay.socket_mode.client")
client_log.setLevel(logging.INFO)
AckPayload = dict[str, Any] | None
REMEMBERED_ENVELOPES = 2000
PING_INTERVAL_SECONDS = 10.0


class Answers:
    """The acknowledgement of each recent envelope: computed once, given again on redelivery."""

    def __init__(self, limit: int = REMEMBERED_ENVELOPES) -> None:
        self.limit = limit
        self._answers: OrderedDict[str, Future[AckPayload]] = OrderedDict()
        self._lock = threading.Lock()

    def once(self, envelope_id: str, answer: Callable[[], AckPayload]) -> tuple[AckPayload, bool]:
        """The answer for `envelope_id` and whether it was computed now (False: a redelivery)."""
        with self._lock:
            known = self._answers.get(envelope_id)
            if known is None:
                mine: Future[AckPayload] = Future()
                self._answers[envelope_id] = mine
                while len(self._answers) > self.limit:
                    self._answers.popitem(last=False)
        if known is not None:
            return known.result(), False
        try:
            mine.set_result(answer())
        except BaseException as exc:
            mine.set_exception(exc)
            raise
        return mine.result(), True


def ack_payload(status: int, body: str, content_type: str) -> AckPayload:
    """What Bolt's response becomes in the acknowledgement: its JSON, or no payload."""
    if status != 200 or not body:
        return None
    if content_type.startswith("application/json"):
        loaded = json.loads(body)
        return loaded if isinstance(loaded, dict) else None
    return {"text": body}


class PatchbayHandler(SocketModeHandler):
    """Bolt's built-in Socket Mode handler; every envelope gets exactly one answer, and always one."""

    def __init__(self, app: App, app_token: str, *, ping_interval: float = PING_INTERVAL_SECONDS) -> None:
        super().__init__(app, app_token, logger=client_log, ping_interval=ping_interval)
        self.answers = Answers()

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        token = request_scope.begin()
        try:
            payload, first = self.answers.once(req.envelope_id, lambda: self._dispatch(req))
            if not first:
                log.info("envelope %s delivered again (%s): answered as before", req.envelope_id, req.type)
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id, payload=payload))
        finally:
            request_scope.end(token)

    def _dispatch(self, req: SocketModeRequest) -> AckPayload:
        try:
            response = run_bolt_app(self.app, req)
            if response.status != 200:
                log.info("acknowledged a %s envelope Bolt answered %s", req.type, response.status)
            content_type = response.headers.get("content-type", [""])[0]
            return ack_payload(response.status, response.body, content_type)
        except Exception as exc:
            error_id = uuid.uuid4().hex[:8]
            log.error("unexpected error %s in a %s envelope", error_id, req.type, exc_info=exc)
            return None


def build_handler(
    app: App, settings: Settings, *, ping_interval: float = PING_INTERVAL_SECONDS
) -> PatchbayHandler:
    """The Socket Mode handler `patchbay run` starts; it asks SLACK_API_URL for its socket URL."""
    return PatchbayHandler(app, settings.slack_app_token, ping_interval=ping_interval)
