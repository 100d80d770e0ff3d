"""Builder snapshots: the pure functions of bot/views called with plain data, their `.to_dict()`
compared with stored JSON, and each snapshot checked against Slack's Block Kit schema."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.forms import ReviewRef
from bot.views.assessment import assessment_modal, to_assess_blocks
from bot.views.flows import flow_modal
from bot.views.help import help_blocks
from bot.views.history import tool_history_blocks
from bot.views.home import TO_DO, home_view, to_do
from bot.views.renewals import renew_modal, renewal_blocks, renewals_list, replace_modal, replaced_blocks
from bot.views.reviews import answer_modal, answered_reply, orphan_card, review_reply, reviews_list
from bot.views.runbook import runbook_blocks
from bot.views.thresholds import thresholds_modal
from bot.views.tools import owner_modal, tool_card, tool_modal, tools_list
from commands.assessment import AssessmentStart
from commands.flows import FlowLine, FlowMode
from commands.history import HistoryEntry, ToolHistory
from commands.home import WAITING_STEPS, Home, MyIntegration, QueueLine, StackTotals, ToolLine, Waiting
from commands.impact import Link
from commands.lifecycle import Step
from commands.policy import Policy
from commands.renewals import (
    Answer,
    Reliance,
    RenewalLine,
    RenewalPage,
    RenewalView,
    Replacement,
    Seed,
    Stage,
)
from commands.review_answers import Answered
from commands.review_items import CycleKind, Outcome, ReviewItem, Status
from commands.review_status import StatusRow
from commands.runbook import Fallback, Phase, Runbook, RunbookNotice
from commands.stackmap import OrphanTool
from commands.thresholds import IntegrationThresholds, Threshold
from commands.tools import ToolCard, ToolPage
from commands.vocabulary import Category, DataClass, DataKind, IntegrationOption, Method, State
from tests.blockkit import available, problems
from tests.bot.views.snapshot import SNAPSHOTS, as_json, matches_snapshot

TODAY = date(2026, 11, 24)
# People's text with everything Slack would otherwise act on: it must come out escaped.
HOSTILE = "Q4 <!channel> & <@U0BOSS> > ops"

SALESFORCE = ToolCard(
    id=1,
    name="Salesforce",
    category=Category.CRM,
    owner_id="U0BOB0002",
    data_kinds=[DataKind.CONTACTS, DataKind.DEALS, DataKind.OTHER],
    data_other="Quotes & <forecasts>",
    integration_options=[IntegrationOption.REST_API, IntegrationOption.WEBHOOKS],
    vendor_url="https://www.salesforce.com",
    monthly_cost=Decimal("1500"),
    notes=HOSTILE,
    retired=False,
)


def _review(kind: CycleKind = CycleKind.REVIEW, *, live_since: date | None = date(2026, 5, 1)) -> ReviewItem:
    return ReviewItem(
        cycle_id=7,
        kind=kind,
        integration_id=12,
        title="Deals to invoices",
        purpose=HOSTILE,
        flow="Salesforce -> NetSuite",
        state=State.LIVE,
        owner_id="U0BOB0002",
        due_on=date(2026, 11, 20),
        live_since=live_since,
        last_outcome=None,
        data_classes=[DataClass.FINANCIAL],
        status=Status.SENT,
        channel="D0BOB",
        ts="1.000100",
        thread_ts="1.000001",
        reminders_sent=0,
        sent_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        escalated=False,
        rotation_days=90 if kind is CycleKind.ROTATION else None,
    )


HOME = Home(
    user_id="U0BOB0002",
    tools=[ToolLine(id=1, name="Salesforce", category=Category.CRM)],
    tools_total=1,
    integrations=[
        MyIntegration(
            id=12,
            title="Deals to invoices",
            state=State.LIVE,
            source_tool="Salesforce",
            target_tool="NetSuite",
            owner=True,
            next_review_on=date(2027, 2, 22),
            measures=[],
        )
    ],
    integrations_total=1,
    waiting=[Waiting(id=14, title="Tickets <& tasks>", step=Step.RECORD_SANDBOX)],
    waiting_total=1,
    queue=[QueueLine(rank=1, id=14, title="Tickets <& tasks>", score=12, state=State.PROPOSED)],
    totals=StackTotals(
        tools=1,
        live=1,
        in_flight=0,
        open_proposals=1,
        manual_hours=Decimal("6.5"),
        saved_hours=Decimal("4"),
        measured=0,
    ),
)

THRESHOLDS = IntegrationThresholds(
    integration_id=12,
    title=HOSTILE,
    owner_id="U0BOB0002",
    rules=[
        Threshold(name="alert_error_rate", value=0.125, own=True),
        Threshold(name="alert_min_runs", value=5, own=False),
        Threshold(name="expected_minutes", value=60, own=True),
        Threshold(name="alert_silence_factor", value=3, own=False),
        Threshold(name="alert_records_factor", value=10, own=False),
        Threshold(name="auto_suspend", value=False, own=True),
    ],
    timing_minutes=1440,
    version=2,
)
RUNBOOK = Runbook(
    integration_id=12,
    title=HOSTILE,
    owner_id="U0BOB0002",
    state=State.SUSPENDED,
    method=Method.ZAPIER,
    source_tool="Stripe & co",
    target_tool="<Xero>",
    runs_7d=22,
    failed_7d=22,
    fallbacks=[Fallback(data=HOSTILE, source_tool="Stripe", target_tool="Xero", done_by="U0FRANK06")],
    affected=["U0FRANK06"],
)
RENEWAL = RenewalView(
    notice_id=3,
    tool=SALESFORCE.model_copy(update={"renews_on": date(2027, 1, 23), "auto_renews": True}),
    renews_on=date(2027, 1, 23),
    days_left=60,
    reliance=Reliance(
        integrations=[
            Link(
                id=12,
                title=HOSTILE,
                state=State.LIVE,
                inbound=False,
                other_tool="NetSuite",
                owner_id="U0BOB0002",
                method=Method.ZAPIER,
                data_kinds=[DataKind.DEALS],
                data_classes=[DataClass.FINANCIAL],
            )
        ],
        flows=[
            FlowLine(
                id=4,
                source_tool_id=2,
                target_tool_id=1,
                source_tool="HubSpot",
                target_tool="Salesforce",
                data="Leads <hot>",
                data_kinds=[DataKind.LEADS],
                mode=FlowMode.MANUAL,
                integration_id=None,
                integration_state=None,
                times_per_week=Decimal(5),
                minutes_each=30,
                hours_per_week=Decimal("2.50"),
                done_by="U0FRANK06",
            )
        ],
        people=["U0FRANK06"],
        hours_saved=Decimal("3.00"),
    ),
)

CASES: dict[str, Callable[[], View | Sequence[Block]]] = {
    "tool_card_renewing": lambda: tool_card(
        SALESFORCE.model_copy(update={"renews_on": date(2027, 1, 23), "successor": "Pipe <drive>"})
    ),
    "assessment_modal": lambda: assessment_modal(AssessmentStart(tool=SALESFORCE, data="Contacts, Deals")),
    "to_assess": lambda: to_assess_blocks([SALESFORCE.model_copy(update={"id": n}) for n in range(1, 8)]),
    "renewal_dm": lambda: renewal_blocks(RENEWAL),
    "renewal_dm_answered": lambda: renewal_blocks(
        RENEWAL.model_copy(update={"answer": Answer.DROP, "answered_by": "U0ALICE01"})
    ),
    "renewal_dm_renewed_automatically": lambda: renewal_blocks(
        RENEWAL.model_copy(
            update={
                "stage": Stage.RENEWED,
                "days_left": -1,
                "answer": Answer.AUTO,
                "answered_by": "patchbay",
                "next_renews_on": date(2028, 1, 23),
            }
        )
    ),
    "renewal_dm_passed": lambda: renewal_blocks(
        RENEWAL.model_copy(update={"stage": Stage.PASSED, "days_left": -1})
    ),
    "tool_history_paged": lambda: tool_history_blocks(
        ToolHistory(
            tool_id=1,
            name=HOSTILE,
            retired=True,
            entries=[
                HistoryEntry(
                    at=datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
                    actor_id="U0BOB0002",
                    action="tool.registered",
                    note="",
                ),
                HistoryEntry(
                    at=datetime(2027, 2, 3, 9, 0, tzinfo=UTC),
                    actor_id="patchbay",
                    action="tool.renewed_automatically",
                    note="",
                    renews_on=date(2028, 2, 2),
                ),
                HistoryEntry(
                    at=datetime(2027, 2, 4, 9, 0, tzinfo=UTC),
                    actor_id="U0ALICE01",
                    action="tool.replaced",
                    note="",
                    successor=HOSTILE,
                ),
            ],
            total=83,
            page=2,
            pages=3,
        )
    ),
    "renew_modal": lambda: renew_modal(RENEWAL, date(2028, 1, 23)),
    "replace_modal": lambda: replace_modal(RENEWAL),
    "replaced": lambda: replaced_blocks(
        Replacement(
            tool=SALESFORCE,
            successor=SALESFORCE.model_copy(update={"id": 9, "name": "Pipe <drive>"}),
            registered=True,
            seeds=[Seed(integration_id=12, title=HOSTILE, other_tool="NetSuite", inbound=False)],
        )
    ),
    "renewals_list": lambda: renewals_list(
        RenewalPage(
            lines=[
                RenewalLine(
                    tool_id=1,
                    name=HOSTILE,
                    owner_id="U0BOB0002",
                    renews_on=date(2027, 1, 23),
                    auto_renews=True,
                    days_left=60,
                    successor="Pipe <drive>",
                )
            ],
            total=16,
            page=1,
            pages=2,
        )
    ),
    "tool_card": lambda: tool_card(SALESFORCE),
    "tool_card_retired": lambda: tool_card(SALESFORCE.model_copy(update={"retired": True, "notes": ""})),
    "tools_list": lambda: tools_list(
        ToolPage(tools=[SALESFORCE], total=21, page=1, pages=3), filter_text="crm"
    ),
    "tools_list_empty": lambda: tools_list(ToolPage(tools=[], total=0, page=1, pages=1), filter_text="<x>"),
    "tool_modal_new": lambda: tool_modal(owner_id="U0BOB0002", name="HubSpot"),
    "owner_modal": lambda: owner_modal(tool=SALESFORCE),
    "review_reply": lambda: review_reply(_review(), TODAY),
    "review_reply_rotation": lambda: review_reply(_review(CycleKind.ROTATION), TODAY),
    "answered_reply": lambda: answered_reply(
        Answered(item=_review(), outcome=Outcome.KEEP, by="U0BOB0002", next_review_on=date(2027, 2, 22))
    ),
    "answer_modal_keep": lambda: answer_modal(ReviewRef(cycle_id=7, outcome=Outcome.KEEP), _review()),
    "orphan_card": lambda: orphan_card(12, "Deals <to> invoices", "U0GONE001"),
    "reviews_list": lambda: reviews_list(
        [StatusRow(item=_review(), overdue=True), StatusRow(item=_review(live_since=None), overdue=False)],
        everyone=True,
    ),
    "flow_modal": lambda: flow_modal(user_id="U0BOB0002"),
    "help": lambda: help_blocks([("tools [filter]", "The registry.", "/patchbay tools crm")]),
    "home": lambda: home_view(HOME),
    "home_admin_tools_owner_left": lambda: home_view(
        HOME.model_copy(
            update={
                "orphan_tools": [
                    OrphanTool(id=n, name=f"{HOSTILE} {n}", owner_id="U0FRANK06") for n in range(1, 8)
                ]
            }
        )
    ),
    "thresholds_modal": lambda: thresholds_modal(THRESHOLDS, Policy()),
    "runbook_down": lambda: runbook_blocks(RUNBOOK, RunbookNotice(integration_id=12, phase=Phase.DOWN)) or [],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_builder_output_matches_its_snapshot(name: str) -> None:
    matches_snapshot(name, CASES[name]())


@pytest.mark.parametrize("name", sorted(CASES))
def test_snapshot_is_valid_block_kit(name: str) -> None:
    if not available():
        pytest.skip("Slack's Block Kit schema is not in ../shared/slack-reference")
    stored = json.loads((SNAPSHOTS / f"{name}.json").read_text(encoding="utf-8"))
    kind = "view" if isinstance(stored, dict) else "blocks"
    assert problems(kind, stored) == []


def test_every_snapshot_belongs_to_a_case() -> None:
    assert sorted(p.stem for p in SNAPSHOTS.glob("*.json")) == sorted(CASES)


def test_people_text_reaches_slack_escaped() -> None:
    text = json.dumps(as_json(tool_card(SALESFORCE)))
    assert "<!channel>" not in text and "<@U0BOSS>" not in text
    assert "Q4 &lt;!channel&gt; &amp; &lt;@U0BOSS&gt; &gt; ops" in text


def test_every_step_that_waits_on_someone_is_worded() -> None:
    assert set(TO_DO) == WAITING_STEPS
    assert [
        to_do(Waiting(id=1, title="x", teardown_left=2)),
        to_do(Waiting(id=1, title="x", review_due=TODAY)),
    ] == [
        "finish its teardown (2 left)",
        "review it (due 2026-11-24)",
    ]


def test_a_renewal_date_that_passed_unanswered_reads_as_passed_unless_it_renews_automatically() -> None:
    due = SALESFORCE.model_copy(update={"renews_on": date(2027, 1, 23)})

    def renewal(card: ToolCard, today: date) -> str:
        [line] = [
            part
            for part in tool_card(card, today=today)[0].to_dict()["text"]["text"].split("\n")
            if part.startswith("*Renewal:*")
        ]
        return line

    assert renewal(due, date(2027, 1, 23)) == "*Renewal:* renews on Jan 23, 2027"
    assert renewal(due, date(2027, 1, 24)) == "*Renewal:* renewal date Jan 23, 2027 passed without an answer"
    automatic = due.model_copy(update={"auto_renews": True})
    assert renewal(automatic, date(2027, 1, 24)) == "*Renewal:* renews automatically on Jan 23, 2027"
