"""GET /healthz: can this replica reach its database and Slack?

The database is checked on every probe. Slack is checked with `auth.test`, at most once per
`slack_ttl` seconds however often the probe runs, with a short timeout and no retries.

* database ok, Slack ok   -> 200 {"status": "ok"}
* database ok, Slack not  -> 200 {"status": "degraded"}: the replica still answers Slack's requests
  (and restarting it would not bring Slack back), so load balancers keep it in rotation
* database not ok         -> 503 {"status": "down"}: take the replica out of rotation
* Patchbay uninstalled, or its bot token revoked (app_uninstalled, tokens_revoked)
                          -> 200 {"status": "degraded", "slack": "uninstalled" | "tokens_revoked"}
  until it is reinstalled: the first probe after a removal checks `auth.test` afresh, and once
  it succeeds again the removal is cleared (so is it by any command or click from the workspace)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from commands.installation import current_removal, record_reinstall
from storage.db import session_scope

SLACK_TTL_SECONDS = 30.0
SLACK_TIMEOUT_SECONDS = 3


class Health:
    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        slack: WebClient,
        slack_ttl: float = SLACK_TTL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessions = sessions
        self.slack = slack
        self.slack_ttl = slack_ttl
        self.monotonic = monotonic
        self._lock = threading.Lock()
        self._slack_state = ""
        self._slack_checked = float("-inf")
        self._removal_seen: tuple[str, datetime] | None = None

    def database(self) -> str:
        try:
            with self.sessions() as session:
                session.execute(text("SELECT 1"))
            return "ok"
        except Exception as exc:  # the probe reports, it never raises
            return type(exc).__name__

    def slack_state(self) -> str:
        """`ok`, or why Slack is unreachable; cached so probes never hammer Slack."""
        with self._lock:  # one check at a time; the others wait for its answer
            if self.monotonic() - self._slack_checked >= self.slack_ttl:
                self._slack_state = self._auth_test()
                self._slack_checked = self.monotonic()
            return self._slack_state

    def _auth_test(self) -> str:
        try:
            self.slack.auth_test()
            return "ok"
        except SlackApiError as exc:
            return str(exc.response.get("error") or f"http_{exc.response.status_code}")
        except Exception as exc:
            return type(exc).__name__

    def removal(self) -> str:
        """Why Patchbay may not post (`uninstalled`, `tokens_revoked`), or "" when it may."""
        with session_scope(self.sessions) as session:
            removal = current_removal(session=session)
        if removal is None:
            self._removal_seen = None
            return ""
        seen = (removal.team_id, removal.removed_at)
        if seen != self._removal_seen:
            with self._lock:  # check the token afresh: a cached "ok" predates the removal
                self._removal_seen = seen
                self._slack_checked = float("-inf")
        if self.slack_state() == "ok":
            with session_scope(self.sessions) as session:
                record_reinstall(session=session, team_id=None, now=datetime.now(UTC))
            self._removal_seen = None
            return ""
        return removal.reason.value

    def report(self) -> tuple[int, dict[str, str]]:
        """The HTTP status and the JSON body of one probe."""
        database = self.database()
        removal = self.removal() if database == "ok" else ""
        slack = removal or self.slack_state()
        if database != "ok":
            return 503, {"status": "down", "database": database, "slack": slack}
        return 200, {"status": "ok" if slack == "ok" else "degraded", "database": database, "slack": slack}
