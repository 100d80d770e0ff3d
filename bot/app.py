"""create_app(): wiring only."""

from __future__ import annotations

import logging
from concurrent.futures import Executor, ThreadPoolExecutor

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from sqlalchemy.orm import Session, sessionmaker

from bot import errors, listeners, metrics, middleware
from bot.clock import Clock
from bot.notify import Notifier, SlackSender
from bot.request_scope import ContextExecutor
from bot.roles import RoleDirectory
from bot.settings import Settings
from storage.db import make_engine, make_sessionmaker

LISTENER_THREADS = 32


def make_client(settings: Settings) -> WebClient:
    """A Web API client for SLACK_API_URL that retries 429s, 5xx and dropped connections."""
    return WebClient(
        token=settings.slack_bot_token or None,
        base_url=settings.api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=5),
            ServerErrorRetryHandler(max_retry_count=2),
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
    client = client or make_client(settings)
    sessions = sessions or make_sessionmaker(make_engine(settings.database_url))
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        token_verification_enabled=False,
        listener_executor=ContextExecutor(executor or ThreadPoolExecutor(max_workers=LISTENER_THREADS)),
        logger=logging.getLogger("patchbay.bolt"),
    )
    notifier = Notifier(sessions, SlackSender(client, settings.policy))
    middleware.install(
        app,
        notifier=notifier,
        sessions=sessions,
        clock=clock or Clock(),
        roles=RoleDirectory(settings, client),
        policy=settings.policy,
    )
    listeners.register(app)
    errors.register(app)
    app_metrics = metrics.Metrics()
    app_metrics.watch_queue(sessions)
    metrics.install(app, app_metrics)
    return app
