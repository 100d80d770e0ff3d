"""Drive a running Patchbay the way Slack does: signed requests in, replies and Web API calls out."""

from __future__ import annotations

import itertools
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot import slack_payloads as payloads
from bot.localslack import LocalSlack
from bot.signing import sign


@dataclass
class Reply:
    """The HTTP answer the app gave to one request."""

    status: int
    body: str

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body) if self.body else {}

    @property
    def text(self) -> str:
        data = self.json if self.body.startswith("{") else {}
        return str(data.get("text", self.body))


class SlackDriver:
    """Sends what Slack would send to the app at `app_url`, signed with `secret`."""

    def __init__(
        self, *, app_url: str, secret: str, slack: LocalSlack, wait_idle: Callable[[], None] = lambda: None
    ) -> None:
        self.app_url = app_url
        self.secret = secret
        self.slack = slack
        self.wait_idle = wait_idle
        self._triggers = itertools.count(1)
        self._events = itertools.count(1)

    def trigger(self) -> str:
        return f"{next(self._triggers)}.1700000000.trigger"

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        signed: bool = True,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        all_headers = {"Content-Type": content_type, **(headers or {})}
        if signed:
            all_headers.update(sign(self.secret, body, timestamp))
        request = urllib.request.Request(self.app_url, data=body, headers=all_headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                reply = Reply(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            reply = Reply(error.code, error.read().decode())
        self.wait_idle()
        return reply

    def command(
        self, text: str, *, user: str, channel: str = "C0GENERAL", command: str = "/patchbay"
    ) -> Reply:
        body, kind = payloads.slash_command(
            command=command,
            text=text,
            user_id=user,
            channel_id=channel,
            response_url=self.slack.response_url("cmd"),
            trigger_id=self.trigger(),
        )
        return self.post(body, kind)

    def submit(
        self, view: dict[str, Any], values: dict[str, Any], *, user: str, retry: int | None = None
    ) -> Reply:
        payload = payloads.view_submission(user_id=user, view=view, values=values, trigger_id=self.trigger())
        return self.post(*payloads.interaction(payload), headers=_retry(retry))

    def click(
        self,
        action: dict[str, Any],
        *,
        user: str,
        channel: str | None = "C0GENERAL",
        message: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
        trigger: str | None = None,
        retry: int | None = None,
    ) -> Reply:
        """Press a button; the same `trigger` makes the same click (as when Slack delivers it again)."""
        payload = payloads.block_action(
            user_id=user,
            action=action,
            trigger_id=trigger or self.trigger(),
            response_url=None if view is not None else self.slack.response_url("act"),
            channel_id=None if view is not None else channel,
            message=message,
            view=view,
        )
        return self.post(*payloads.interaction(payload), headers=_retry(retry))

    def suggest(self, view: dict[str, Any], block_id: str, text: str, *, user: str) -> Reply:
        payload = payloads.block_suggestion(user_id=user, view=view, block_id=block_id, text=text)
        return self.post(*payloads.interaction(payload))

    def event(self, event: dict[str, Any], *, retry: int | None = None) -> Reply:
        body, kind = payloads.event(event, event_id=f"Ev{next(self._events):08d}")
        return self.post(body, kind, headers=_retry(retry))


def _retry(number: int | None) -> dict[str, str] | None:
    """The headers Slack adds when it delivers a request again."""
    return {"X-Slack-Retry-Num": str(number), "X-Slack-Retry-Reason": "http_timeout"} if number else None
