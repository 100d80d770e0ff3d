"""POST /runs: run reports from the platforms, authorised by a per-integration Bearer token."""

from __future__ import annotations

import json
import logging
import weakref
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from slack_bolt import App
from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.scheduling.notify import Notifier
from bot.web.metrics import Metrics
from bot.web.token_bucket import TokenBuckets
from commands.policy import Policy
from commands.run_alerts import apply_alerts, check_alerts
from commands.run_reports import IngestResult, RunReport, field_errors, ingest_runs, parse_batch
from commands.run_tokens import Intake, admit, hash_token, intake_of
from commands.stray_reports import report_from_retired
from storage.db import bound_session, connection_scope

RUNS_PATH = "/runs"
MAX_BODY_BYTES = 2 * 1024 * 1024
StartResponse = Callable[..., Any]
log = logging.getLogger("patchbay.runs")


def _json(
    start_response: StartResponse, status: str, payload: dict[str, Any], *extra: tuple[str, str]
) -> list[bytes]:
    return _answer(start_response, status, json.dumps(payload).encode(), *extra)


def _answer(start_response: StartResponse, status: str, body: bytes, *extra: tuple[str, str]) -> list[bytes]:
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *extra]
    start_response(status, headers)
    return [body]


class RunIntake:
    """Authenticates, limits, validates and stores run reports; never logs a body or a token."""

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        clock: Clock,
        metrics: Metrics,
        limits: TokenBuckets,
        policy: Policy,
        notifier: Notifier,
    ) -> None:
        self.sessions, self.clock, self.metrics, self.limits = sessions, clock, metrics, limits
        self.policy, self.notifier = policy, notifier

    def _refuse(
        self,
        start_response: StartResponse,
        status: str,
        reason: str,
        payload: dict[str, Any],
        *extra: tuple[str, str],
    ) -> list[bytes]:
        self.metrics.run_reports_rejected.labels(reason).inc()
        return _json(start_response, status, {"error": reason, **payload}, *extra)

    def accept(self, integration_id: int, reports: Sequence[RunReport]) -> IngestResult:
        """Store authenticated runs, check the alert thresholds, and tell Slack what opened or closed."""
        now = self.clock.now()
        with connection_scope(self.sessions) as connection:
            intake = intake_of(connection=connection, integration_id=integration_id)
            result, changed = self._store(connection, intake, reports, now)
        if changed:
            self.notifier.deliver(now)
        return result

    def _store(
        self, connection: Connection, intake: Intake, reports: Sequence[RunReport], now: datetime
    ) -> tuple[IngestResult, int]:
        """The runs and the incidents they open or close, in the caller's transaction."""
        result = ingest_runs(
            connection=connection, integration_id=intake.integration_id, reports=reports, now=now
        )
        if not result.accepted:
            return result, 0
        check = check_alerts(connection=connection, intake=intake, defaults=self.policy)
        if not check.due:
            return result, 0
        with bound_session(self.sessions, connection) as session:
            return result, apply_alerts(session=session, check=check, now=now)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return _json(
                start_response, "405 Method Not Allowed", {"error": "method_not_allowed"}, ("Allow", "POST")
            )
        scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return self._refuse(
                start_response,
                "401 Unauthorized",
                "unauthorized",
                {"message": "Send Authorization: Bearer <token>."},
                ("WWW-Authenticate", "Bearer"),
            )
        # One transaction a request, on a Core connection: the token is looked up, and the runs stored
        # and checked against the alert thresholds, together; a Session joins it only when an incident
        # opens or closes. Slack is told what changed only after it commits.
        now = self.clock.now()
        with connection_scope(self.sessions) as connection:
            answer, changed = self._admit(connection, token, environ, start_response, now)
        if changed:
            self.notifier.deliver(now)
        return answer

    def _admit(
        self,
        connection: Connection,
        token: str,
        environ: dict[str, Any],
        start_response: StartResponse,
        now: datetime,
    ) -> tuple[list[bytes], int]:
        intake = admit(connection=connection, token=token)
        if intake is None:
            # A retired integration's token: something still runs; its owner and the channel hear of it.
            with bound_session(self.sessions, connection) as session:
                retired = report_from_retired(session=session, token=token, now=now)
            if retired is not None:
                log.warning("a run report arrived for retired #%s: something is still running", retired)
            return self._refuse(
                start_response,
                "401 Unauthorized",
                "unauthorized",
                {"message": "Unknown, rotated or revoked token."},
                ("WWW-Authenticate", "Bearer"),
            ), int(retired is not None)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            return self._refuse(
                start_response,
                "413 Content Too Large",
                "too_large",
                {"message": f"At most {MAX_BODY_BYTES} bytes."},
            ), 0
        wait = self.limits.take(hash_token(token))
        if wait:
            return self._refuse(
                start_response,
                "429 Too Many Requests",
                "rate_limited",
                {"retry_after": wait},
                ("Retry-After", str(wait)),
            ), 0
        raw = environ["wsgi.input"].read(min(length, MAX_BODY_BYTES + 1)) if length else b""
        try:
            payload = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return self._refuse(
                start_response, "400 Bad Request", "invalid", {"fields": {"body": "not a JSON object"}}
            ), 0
        try:
            batch = parse_batch(payload)
        except ValidationError as exc:
            return self._refuse(
                start_response, "422 Unprocessable Entity", "invalid", {"fields": field_errors(exc)}
            ), 0
        result, changed = self._store(connection, intake, batch.runs, now)
        self.metrics.run_reports.inc(len(batch.runs))
        log.debug(
            "runs for #%s: %s stored, %s already stored",
            intake.integration_id,
            result.accepted,
            result.duplicates,
        )
        return _answer(start_response, "200 OK", result.model_dump_json().encode()), changed


_BY_APP: weakref.WeakKeyDictionary[App, RunIntake] = weakref.WeakKeyDictionary()


def attach(app: App, intake: RunIntake) -> None:
    _BY_APP[app] = intake


def of(app: App) -> RunIntake | None:
    """The run intake create_app() attached to `app`, if any."""
    return _BY_APP.get(app)
