"""Prometheus metrics, one registry per app: Slack requests and ack latency per listener, listener
errors, HTTP responses, every Web API call the app makes (with errors and 429s), and the queue's sizes.

To add a figure, add it to `Metrics.__init__` with `registry=self.registry` and update it where it
happens; a value read at scrape time (a queue's size) belongs in a custom collector registered here.
"""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.listener.listener_error_handler import ListenerErrorHandler
from slack_sdk import WebClient
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.middleware import KeptAck
from bot.web import request_scope
from bot.web.listener_names import listener_name
from commands.errors import PatchbayError
from commands.incidents import open_incidents
from commands.queue import queue_sizes
from storage.db import session_scope

log = logging.getLogger("patchbay.requests")
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)


class Metrics:
    """Every metric of one app, in its own registry (tests build many apps in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.slack_requests = Counter(
            "patchbay_slack_requests", "Requests from Slack, by listener", ["listener"], registry=r
        )
        self.ack_seconds = Histogram(
            "patchbay_ack_seconds",
            "From a Slack request's arrival until its acknowledgement was ready, by listener",
            ["listener"],
            buckets=ACK_BUCKETS,
            registry=r,
        )
        self.listener_errors = Counter(
            "patchbay_listener_errors",
            "Listener failures: 'refused' (a domain error told to the person) or 'unexpected'",
            ["listener", "kind"],
            registry=r,
        )
        self.http_responses = Counter(
            "patchbay_http_responses", "HTTP responses by path and status", ["path", "status"], registry=r
        )
        self.slack_api_calls = Counter(
            "patchbay_slack_api_calls",
            "Web API HTTP attempts (retries included) by method and HTTP status",
            ["method", "status"],
            registry=r,
        )
        self.slack_api_errors = Counter(
            "patchbay_slack_api_errors",
            "Web API attempts that failed, by method and error (Slack's code, http_NNN or exception)",
            ["method", "error"],
            registry=r,
        )
        self.slack_api_ratelimited = Counter(
            "patchbay_slack_api_ratelimited",
            "Web API attempts answered 429, by method",
            ["method"],
            registry=r,
        )

        self.run_reports = Counter(
            "patchbay_run_reports", "Runs received on POST /runs, stored or already stored", registry=r
        )
        self.run_reports_rejected = Counter(
            "patchbay_run_reports_rejected",
            "Requests to POST /runs refused, by reason (unauthorized, too_large, rate_limited, invalid)",
            ["reason"],
            registry=r,
        )

    def watch_queue(self, sessions: sessionmaker[Session]) -> None:
        """Report the queue's sizes, counted when /metrics is scraped."""
        self.registry.register(QueueCollector(sessions))

    def render(self) -> tuple[bytes, str]:
        """The exposition text and its content type, for GET /metrics."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class QueueCollector(Collector):
    """Gauges of the queue read at scrape time: one grouped COUNT by state per scrape.

    When the database cannot be read the gauges are left out of that scrape (and a warning logged),
    so /metrics keeps answering; /healthz reports the database itself.
    """

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def describe(self) -> list[GaugeMetricFamily]:
        return []  # read only at scrape time, never while registering

    def collect(self) -> list[GaugeMetricFamily]:
        try:
            with session_scope(self.sessions) as session:
                sizes = queue_sizes(session=session)
                incidents = open_incidents(session=session)
        except SQLAlchemyError as exc:
            log.warning("could not count the queue for /metrics: %s", type(exc).__name__)
            return []
        return [
            GaugeMetricFamily(
                "patchbay_open_proposals",
                "Open proposals: the queue, from proposed to awaiting approval",
                value=sizes.open_proposals,
            ),
            GaugeMetricFamily(
                "patchbay_integrations_in_flight",
                "Integrations approved but not yet live",
                value=sizes.in_flight,
            ),
            GaugeMetricFamily("patchbay_integrations_live", "Live integrations", value=sizes.live),
            GaugeMetricFamily("patchbay_incidents_open", "Open run-health incidents", value=incidents),
        ]


class SlackApiObserver(RetryHandler):
    """A retry handler that never retries: it sees every Web API attempt and counts it.

    Bolt copies the app client's retry handlers into each request's client, so this one sees the
    calls of every listener as well as the app's own.
    """

    def __init__(self, metrics: Metrics) -> None:
        super().__init__(max_retry_count=0)
        self.metrics = metrics

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        method = urlsplit(request.url).path.rsplit("/", 1)[-1] or "unknown"
        m = self.metrics
        if response is None:
            m.slack_api_calls.labels(method, "none").inc()
            m.slack_api_errors.labels(method, type(error).__name__ if error else "unknown").inc()
            return False
        m.slack_api_calls.labels(method, str(response.status_code)).inc()
        if response.status_code == 429:
            m.slack_api_ratelimited.labels(method).inc()
        if response.status_code >= 400:
            m.slack_api_errors.labels(method, f"http_{response.status_code}").inc()
        elif isinstance(response.body, dict) and response.body.get("ok") is False:
            m.slack_api_errors.labels(method, str(response.body.get("error") or "unknown")).inc()
        return False


class TimedAck(KeptAck):
    """KeptAck that reports the moment its first answer is set."""

    def __init__(self, on_ack: Callable[[], None]) -> None:
        self._on_ack = on_ack
        super().__init__()

    @property
    def response(self) -> BoltResponse | None:
        return self._kept

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        first = value is not None and self._kept is None
        if value is not None or self._kept is None:
            self._kept = value
        if first:
            self._on_ack()


class CountingErrorHandler(ListenerErrorHandler):
    """Counts a listener's failure, then hands it to the app's own error handler."""

    def __init__(self, inner: ListenerErrorHandler, metrics: Metrics) -> None:
        self.inner = inner
        self.metrics = metrics

    def handle(self, error: Exception, request: BoltRequest, response: BoltResponse | None) -> None:
        scope = request_scope.current()
        if isinstance(error, BoltUnhandledRequestError):
            kind = "unhandled"
        else:
            kind = "refused" if isinstance(error, PatchbayError) else "unexpected"
        self.metrics.listener_errors.labels(scope.listener if scope else "unknown", kind).inc()
        self.inner.handle(error=error, request=request, response=response)


_BY_APP: weakref.WeakKeyDictionary[App, Metrics] = weakref.WeakKeyDictionary()


def install(app: App, metrics: Metrics) -> None:
    """Count the app's requests, acks, listener errors and Web API calls into `metrics`."""
    app.client.retry_handlers = [SlackApiObserver(metrics), *app.client.retry_handlers]
    runner = app.listener_runner
    runner.listener_error_handler = CountingErrorHandler(runner.listener_error_handler, metrics)

    @app.middleware
    def measure(context: BoltContext, request: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse:
        scope = request_scope.ensure()
        scope.listener = listener_name(request.body)
        retry = request.headers.get("x-slack-retry-num", [""])[0]
        scope.slack_retry = retry and f"{retry}:{request.headers.get('x-slack-retry-reason', [''])[0]}"
        metrics.slack_requests.labels(scope.listener).inc()
        histogram = metrics.ack_seconds.labels(scope.listener)

        def acked() -> None:
            elapsed = time.perf_counter() - scope.started
            histogram.observe(elapsed)
            log.info("acked %s in %.1f ms", scope.listener, elapsed * 1000)

        context["ack"] = TimedAck(acked)
        context["request_id"] = scope.id
        return next()

    _BY_APP[app] = metrics


def of(app: App) -> Metrics:
    """The metrics attached to `app`; an app built without create_app() gets its own on first use."""
    if app not in _BY_APP:
        install(app, Metrics())
    return _BY_APP[app]


def observed_client(client: WebClient, **overrides: Any) -> WebClient:
    """A copy of `client` (same URL, token, headers) that only counts its calls and never retries."""
    observers: list[RetryHandler] = [h for h in client.retry_handlers if isinstance(h, SlackApiObserver)]
    options: dict[str, Any] = {"timeout": client.timeout, **overrides}
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        headers=client.headers,
        retry_handlers=observers,
        **options,
    )
