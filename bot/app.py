"""create_app(): wiring only."""

from __future__ import annotations

import logging
from concurrent.futures import Executor, ThreadPoolExecutor

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy.orm import Session, sessionmaker

from bot import errors, listeners, logs, metrics, middleware, run_intake
from bot.clock import Clock
from bot.gate import QuietRequestVerification
from bot.notify import Notifier, slack_sender
from bot.request_scope import ContextExecutor
from bot.retries import RepeatableConnectionErrors, RepeatableServerErrors
from bot.roles import RoleDirectory
from bot.settings import Settings
from bot.token_bucket import TokenBuckets
from commands.actor import Role
from storage.db import make_engine, make_sessionmaker

LISTENER_THREADS = 32


def make_client(settings: Settings) -> WebClient:
    """A Web API client for SLACK_API_URL: retries 429s, and 5xx or dropped connections except on posts."""
    return WebClient(
        token=settings.slack_bot_token or None,
        base_url=settings.api_url,
        timeout=10,
        retry_handlers=[
            RepeatableConnectionErrors(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=5),
            RepeatableServerErrors(max_retry_count=2),
        ],
    )


def create_app(
    settings: Settings,
    *,
    sessions: sessionmaker[Session] | None = None,
    clock: Clock | None = None,
    client: WebClient | None = None,
    executor: Executor | None = None,
) -> App:
    """Build the Bolt app with every listener, the request context and the error handler."""
    logs.mask_everywhere()
    client = client or make_client(settings)
    sessions = sessions or make_sessionmaker(make_engine(settings.database_url))
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        token_verification_enabled=False,
        # Bolt verifies again behind the HTTP gate, with a verifier that never logs a body.
        request_verification_enabled=False,
        before_authorize=QuietRequestVerification(settings.slack_signing_secret),
        # Payloads no listener takes go to the error handler, which answers 200 and logs ids only.
        raise_error_for_unhandled_request=True,
        listener_executor=ContextExecutor(executor or ThreadPoolExecutor(max_workers=LISTENER_THREADS)),
        logger=logging.getLogger("patchbay.bolt"),
    )
    clock = clock or Clock()
    roles = RoleDirectory(settings, client)
    notifier = Notifier(sessions, slack_sender(settings, client, admins=lambda: roles.members(Role.ADMIN)))
    middleware.install(
        app,
        notifier=notifier,
        sessions=sessions,
        clock=clock,
        roles=roles,
        policy=settings.policy,
        runs_url=settings.runs_url,
    )
    listeners.register(app)
    errors.register(app)
    app_metrics = metrics.Metrics()
    app_metrics.watch_queue(sessions)
    metrics.install(app, app_metrics)
    limits = TokenBuckets(
        rate=settings.patchbay_run_reports_per_minute / 60, burst=settings.patchbay_run_reports_burst
    )
    run_intake.attach(
        app,
        run_intake.RunIntake(
            sessions=sessions,
            clock=clock,
            metrics=app_metrics,
            limits=limits,
            policy=settings.policy,
            notifier=notifier,
        ),
    )
    return app
