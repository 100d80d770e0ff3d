"""GET /metrics: requests and ack latency per listener, listener errors, Web API calls, 429s."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.app import create_app
from bot.http import BackgroundServer, make_wsgi
from bot.metrics import SlackApiObserver, of
from bot.settings import Settings
from storage.db import make_engine, make_sessionmaker, session_scope
from storage.models import Integration
from tests.bot.observe import scrape, value
from tests.bot.test_tools_e2e import HUBSPOT
from tests.conftest import ALICE, BOB, SECRET, Patchbay
from tests.factories import add_proposal, add_tool, proposal_values

API_ERRORS = "patchbay_slack_api_errors_total"
LISTENER_ERRORS = "patchbay_listener_errors_total"


def test_requests_and_ack_latency_are_counted_per_listener(patchbay: Patchbay) -> None:
    patchbay.command("tools", user=BOB)
    patchbay.command("tools crm", user=BOB)
    patchbay.command("help", user=BOB)
    patchbay.open_and_submit("tool add", HUBSPOT, user=ALICE)
    samples = scrape(patchbay.app_url)
    assert value(samples, "patchbay_slack_requests_total", listener="/patchbay tools") == 2
    assert value(samples, "patchbay_slack_requests_total", listener="/patchbay help") == 1
    assert value(samples, "patchbay_slack_requests_total", listener="view_submission:tool_add") == 1
    assert value(samples, "patchbay_ack_seconds_count", listener="/patchbay tools") == 2
    assert 0 < value(samples, "patchbay_ack_seconds_sum", listener="/patchbay tools") < 3
    assert value(samples, "patchbay_ack_seconds_bucket", listener="/patchbay tools", le="+Inf") == 2
    assert value(samples, "patchbay_http_responses_total", path="/slack/events", status="200") == 5
    assert value(samples, "patchbay_slack_api_calls_total", method="views.open", status="200") == 1
    assert value(samples, "patchbay_slack_api_calls_total", method="chat.postMessage", status="200") == 1


def test_unsigned_requests_and_unknown_paths_are_counted_by_status(patchbay: Patchbay) -> None:
    forged = patchbay.post(b"command=/patchbay", "application/x-www-form-urlencoded", signed=False)
    assert forged.status == 401
    samples = scrape(patchbay.app_url)
    assert value(samples, "patchbay_http_responses_total", path="/slack/events", status="401") == 1
    assert value(samples, "patchbay_slack_requests_total", listener="/patchbay help") == 0


def test_rate_limits_and_slack_errors_are_counted(patchbay: Patchbay) -> None:
    patchbay.slack.fail("chat.postMessage", status=429, retry_after=1)
    patchbay.open_and_submit("tool add", HUBSPOT, user=ALICE)
    assert patchbay.slack.messages[-1].text  # the confirmation got through on the retry
    patchbay.slack.fail("views.open", error="expired_trigger_id")
    patchbay.command("tool add Zendesk", user=BOB)
    samples = scrape(patchbay.app_url)
    assert value(samples, "patchbay_slack_api_ratelimited_total", method="chat.postMessage") == 1
    assert value(samples, "patchbay_slack_api_calls_total", method="chat.postMessage", status="429") == 1
    assert value(samples, "patchbay_slack_api_calls_total", method="chat.postMessage", status="200") == 1
    assert value(samples, API_ERRORS, method="chat.postMessage", error="http_429") == 1
    assert value(samples, API_ERRORS, method="views.open", error="expired_trigger_id") == 1
    assert value(samples, LISTENER_ERRORS, listener="/patchbay tool add", kind="unexpected") == 1


def test_a_refused_submission_counts_as_refused_not_unexpected(patchbay: Patchbay) -> None:
    patchbay.open_and_submit("tool add", HUBSPOT, user=ALICE)
    reply = patchbay.open_and_submit("tool add", HUBSPOT, user=ALICE)
    assert reply.json["response_action"] == "errors"
    samples = scrape(patchbay.app_url)
    assert value(samples, LISTENER_ERRORS, listener="view_submission:tool_add", kind="refused") == 1
    assert value(samples, "patchbay_ack_seconds_count", listener="view_submission:tool_add") == 2


def test_each_app_has_its_own_registry(settings: Settings) -> None:
    first, second = create_app(settings), create_app(settings)
    assert of(first).registry is not of(second).registry


def test_an_app_built_without_create_app_gets_metrics_on_first_use() -> None:
    from slack_bolt import App
    from slack_sdk import WebClient

    bare = App(client=WebClient(token="xoxb-bare"), signing_secret="s", token_verification_enabled=False)
    assert of(bare) is of(bare)
    assert isinstance(bare.client.retry_handlers[0], SlackApiObserver)


def test_queue_sizes_are_gauges_counted_at_scrape_time(patchbay: Patchbay) -> None:
    samples = scrape(patchbay.app_url)
    assert ("patchbay_open_proposals", frozenset()) in samples
    assert value(samples, "patchbay_open_proposals") == 0
    source, target = add_tool(patchbay.sessions, "Salesforce"), add_tool(patchbay.sessions, "Asana")
    ids = [add_proposal(patchbay.sessions, source, target, title=f"P{n}") for n in range(7)]
    reply = patchbay.open_and_submit(
        "propose", proposal_values(source, target, title="Typed in", data_kinds=["tickets"]), user=BOB
    )
    assert reply.body == ""
    with session_scope(patchbay.sessions) as session:
        for state, chosen in (("approved", ids[:2]), ("in_sandbox", ids[2:3]), ("live", ids[3:4])):
            session.execute(update(Integration).where(Integration.id.in_(chosen)).values(state=state))
    samples = scrape(patchbay.app_url)
    assert value(samples, "patchbay_open_proposals") == 4  # three seeded and the one typed in
    assert value(samples, "patchbay_integrations_in_flight") == 3
    assert value(samples, "patchbay_integrations_live") == 1


def test_metrics_still_answer_when_the_database_cannot_be_read(settings: Settings) -> None:
    broken: sessionmaker[Session] = make_sessionmaker(make_engine("sqlite:////nonexistent/dir/patchbay.db"))
    app = create_app(settings, sessions=broken)
    server = BackgroundServer(make_wsgi(app, broken, signing_secret=SECRET))
    try:
        samples = scrape(server.url + "/slack/events")
    finally:
        server.stop()
    assert ("patchbay_open_proposals", frozenset()) not in samples
    assert value(samples, "patchbay_http_responses_total", path="/metrics", status="200") == 0
