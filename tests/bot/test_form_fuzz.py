"""Signed but malformed submissions of every modal, through the verified WSGI entry point.

Each starts from a submission the form accepts and breaks one thing: an element's shape, a value's
type, a missing block, an unknown block, the state, or the private_metadata. Every one must come
back as `response_action: errors` on the block it concerns (what concerns the whole form goes on
its first input), with no traceback, no 5xx, no Slack call and no row written.
"""

from __future__ import annotations

import copy
import json
import logging
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel

from bot.forms import ProposalMeta, ReviewRef, StepRef, TeardownRef, read_form
from bot.ids import Block, Callback
from bot.listeners.views.tools import OwnerForm
from bot.playground import slack_payloads as payloads
from bot.views.assessment import assessment_modal
from bot.views.flows import flow_modal
from bot.views.measures import measures_modal
from bot.views.proposals import proposal_modal
from bot.views.renewals import renew_modal, replace_modal
from bot.views.reviews import answer_modal
from bot.views.run_reports import connect_modal
from bot.views.settings import settings_modal
from bot.views.teardown import not_applicable_modal
from bot.views.thresholds import thresholds_modal
from bot.views.tools import owner_modal, tool_modal
from bot.views.workflow import change_modal, reason_modal, sandbox_modal, security_review_modal
from bot.web.signing import sign
from commands.assessment import AssessmentForm, AssessmentStart
from commands.fields import Form, validate_fields
from commands.flows import FlowDraft
from commands.lifecycle import Step
from commands.measures import MeasuresForm
from commands.policy import PERCENT_FIELDS, Policy, rate_of_percent
from commands.proposal_form import ProposalDraft
from commands.renewals import Reliance, RenewalView, RenewForm, ReplaceForm
from commands.review_answers import ReviewAnswer
from commands.review_items import CycleKind, Outcome, ReviewItem, Status
from commands.run_tokens import TokenStatus
from commands.security_review import ReasonForm, SandboxForm, ScopeChange, SecurityReviewForm
from commands.teardown import NotApplicableForm
from commands.thresholds import OWN, IntegrationThresholds, Threshold, ThresholdsForm
from commands.tools import ToolCard, ToolDraft
from commands.vocabulary import Category, State
from commands.workspace_policy import PolicyState
from tests.bot.test_workflow_e2e import ALL_CHECKS, PASSING_REVIEW
from tests.conftest import BOB, SECRET, Patchbay
from tests.factories import add_tool, proposal_values
from tests.inbound import assert_clean_logs, call, row_counts

SUBMISSIONS = 2_400
# Modals with no input at all (a confirmation): only their metadata can be broken, tested below.
NOTHING_TO_TYPE = {Callback.RUN_TOKEN.value}
MARKER = "FUZZTYPED"
NO_TOOL = 99


@dataclass(frozen=True)
class Modal:
    view: dict[str, Any]
    values: dict[str, Any]
    form: type[BaseModel]  # a Form, or the Policy the settings modal edits
    reads_meta: bool


def _thresholds() -> IntegrationThresholds:
    workspace = Policy()
    rules = [Threshold(name=name, value=getattr(workspace, name, 1440), own=False) for name in OWN]
    return IntegrationThresholds(integration_id=1, title="X", owner_id=BOB, rules=rules, timing_minutes=1440)


def _modals() -> list[Modal]:
    tool = ToolDraft.parse({"name": "HubSpot", "category": "crm", "owner_id": BOB})
    card = ToolCard(
        id=NO_TOOL,
        name="HubSpot",
        category=Category.CRM,
        owner_id=BOB,
        data_kinds=[],
        data_other="",
        integration_options=[],
        vendor_url="",
        monthly_cost=None,
        notes="",
        retired=False,
    )
    proposal = proposal_values(1, 2)
    step = StepRef(integration_id=1, step=Step.SUBMIT_REVIEW, state=State.SECURITY_REVIEW)
    item = ReviewItem(
        cycle_id=1,
        kind=next(iter(CycleKind)),
        integration_id=1,
        title="Deals to onboarding",
        purpose="p",
        flow="Salesforce -> Asana",
        state=State.LIVE,
        owner_id=BOB,
        due_on=date(2027, 2, 22),
        live_since=None,
        last_outcome=None,
        data_classes=[],
        status=next(iter(Status)),
        channel=None,
        ts=None,
        thread_ts=None,
        reminders_sent=0,
        sent_at=None,
        escalated=False,
        rotation_days=None,
    )
    flow = {
        "source_tool_id": "1",
        "target_tool_id": "2",
        "data": "Won deals",
        "mode": "manual",
        "times_per_week": "5",
        "minutes_each": "20",
    }
    measures = {"hours_saved_per_week": "2.5", "errors_avoided": "3", "freshness_minutes": "10"}
    answer = {"still_serves": "yes", "data_quality_ok": "yes"}
    scopes = {"scopes": "deals.read - read won deals", "data_classes": ["personal"]}
    renewal = RenewalView(
        notice_id=NO_TOOL,
        tool=card,
        renews_on=date(2027, 2, 2),
        days_left=60,
        reliance=Reliance(integrations=[], flows=[], people=[], hours_saved=0),
    )
    names, edit = {1: "Salesforce", 2: "Asana"}, ProposalMeta(integration_id=1)
    edited = ProposalDraft.parse({k: v for k, v in proposal.items() if v is not None})
    built = [
        (tool_modal(owner_id=BOB), {"name": "HubSpot", "category": "crm", "owner_id": BOB}, ToolDraft, False),
        (tool_modal(owner_id=BOB, draft=tool, tool_id=NO_TOOL), {}, ToolDraft, True),
        (owner_modal(tool=card), {Block.OWNER: BOB}, OwnerForm, True),
        (proposal_modal(owner_id=BOB), proposal, ProposalDraft, True),
        (proposal_modal(owner_id=BOB, draft=edited, tool_names=names, meta=edit), {}, ProposalDraft, True),
        (security_review_modal(step, title="X"), PASSING_REVIEW, SecurityReviewForm, True),
        (reason_modal(step, title="X"), {"reason": "Not needed any more"}, ReasonForm, True),
        (sandbox_modal(step, title="X"), {"checklist": ALL_CHECKS}, SandboxForm, True),
        (change_modal(step, title="X", scopes="", data_classes=[]), scopes, ScopeChange, True),
        (answer_modal(ReviewRef(cycle_id=1, outcome=Outcome.KEEP), item), answer, ReviewAnswer, True),
        (flow_modal(user_id=BOB), flow, FlowDraft, False),
        (measures_modal(integration_id=1, title="X"), measures, MeasuresForm, True),
        (
            settings_modal(PolicyState(policy=Policy(governance_channel="C0GOVERN"), version=0)),
            {},
            Policy,
            True,
        ),
        (
            thresholds_modal(_thresholds(), Policy()),
            {"alert_error_rate": "30", "alert_min_runs": "4", "auto_suspend": "on"},
            ThresholdsForm,
            True,
        ),
        (
            not_applicable_modal(TeardownRef(item_id=1), label="X"),
            {"reason": "No webhooks"},
            NotApplicableForm,
            True,
        ),
        (renew_modal(renewal, date(2028, 2, 2)), {"auto_renews": ["yes"]}, RenewForm, True),
        (replace_modal(renewal), {"successor_name": "Pipedrive"}, ReplaceForm, True),
        (
            assessment_modal(AssessmentStart(tool=card, data="Deals")),
            {"sends_to": ["2"]},
            AssessmentForm,
            True,
        ),
    ]
    return [Modal(view.to_dict(), values, form, meta) for view, values, form, meta in built]


def _inputs(view: dict[str, Any]) -> list[str]:
    return [str(b["block_id"]) for b in view["blocks"] if b["type"] == "input"]


def _parses(modal: Modal, payload: dict[str, Any]) -> None:
    """The unbroken submission is one the form accepts, so each break is the only fault."""
    values = read_form(payload["view"])
    values.pop(Block.CONFIRM_SIMILAR, None)
    if modal.form is OwnerForm:
        values = {Block.OWNER: values.get(Block.OWNER, "")}
    if issubclass(modal.form, Form):
        modal.form.parse(values)
    else:  # the settings modal shows rates as percentages
        rates = {name: rate_of_percent(values[name]) for name in PERCENT_FIELDS & set(values)}
        validate_fields(modal.form, {**values, **rates})


Break = Callable[[random.Random, dict[str, Any], Modal], str]


def _element(payload: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(iter(payload["view"]["state"]["values"][block_id].values()))  # type: ignore[no-any-return]


def _pick(rng: random.Random, payload: dict[str, Any], kinds: tuple[str, ...]) -> str | None:
    found = [b for b in payload["view"]["state"]["values"] if _element(payload, b).get("type") in kinds]
    return rng.choice(found) if found else None


MULTI = ("multi_static_select", "multi_external_select", "checkboxes")
SINGLE = ("static_select", "external_select", "radio_buttons")
TEXT = ("plain_text_input", "url_text_input", "number_input")
JUNK = [None, 5, 2.5, True, [], {}, [None], {"value": None}, "text", ["a", 1]]


def break_multi(rng: random.Random, payload: dict[str, Any], modal: Modal) -> str:
    block = _pick(rng, payload, MULTI) or _pick(rng, payload, SINGLE + TEXT)
    if block is None:
        return break_user(rng, payload, modal)
    element = _element(payload, block)
    if element["type"] in MULTI:
        element["selected_options"] = rng.choice(
            [
                [None],
                [{"text": {"type": "plain_text", "text": MARKER}}],
                "deals",
                [{"value": 7}],
                {"value": "x"},
            ]
        )
    else:
        element.update(selected_option=[None], value=[MARKER])
    return block


def break_single(rng: random.Random, payload: dict[str, Any], modal: Modal) -> str:
    block = _pick(rng, payload, SINGLE) or _pick(rng, payload, TEXT)
    if block is None:
        return break_user(rng, payload, modal)
    element = _element(payload, block)
    if element["type"] in SINGLE:
        element["selected_option"] = rng.choice(
            [{"text": {"type": "plain_text", "text": MARKER}}, ["x"], {"value": 5}, "crm", {"value": None}]
        )
    else:
        element["value"] = rng.choice([1, True, [MARKER], {"t": MARKER}])
    return block


def break_text(rng: random.Random, payload: dict[str, Any], modal: Modal) -> str:
    block = _pick(rng, payload, TEXT) or _pick(rng, payload, SINGLE + MULTI)
    if block is None:
        return break_user(rng, payload, modal)
    element = _element(payload, block)
    element["value"] = rng.choice([12345, 4.5, False, [MARKER], {"text": MARKER}])
    element.setdefault("selected_option", {"value": 1})
    element["selected_option"] = {"value": 1}
    element["selected_options"] = [None]
    return block


def break_user(rng: random.Random, payload: dict[str, Any], modal: Modal) -> str:
    block = _pick(rng, payload, ("users_select", "multi_users_select"))
    if block is None:
        return break_element(rng, payload, modal)
    element = _element(payload, block)
    element["selected_user"] = rng.choice([42, ["U1"], {"id": "U1"}])
    element["selected_users"] = [None]
    return block


def break_element(rng: random.Random, payload: dict[str, Any], modal: Modal) -> str:
    values = payload["view"]["state"]["values"]
    block = rng.choice(list(values))
    shape = rng.randrange(3)
    if shape == 0:
        values[block] = {next(iter(values[block])): rng.choice([*JUNK[:6], "text"])}
    elif shape == 1:
        values[block] = rng.choice([{}, [], "x", None])
    else:
        values[block] = {**values[block], "second": {"type": "plain_text_input", "value": MARKER}}
    return block


def break_missing(rng: random.Random, payload: dict[str, Any], modal: Modal) -> str:
    required = [b for b in payload["view"]["state"]["values"] if modal.form.model_fields[b].is_required()]
    if not required:
        return break_element(rng, payload, modal)
    block = rng.choice(required)
    del payload["view"]["state"]["values"][block]
    return block


def break_unknown_block(rng: random.Random, payload: dict[str, Any], modal: Modal) -> str:
    name = rng.choice(["zz_unknown", "title ", "__proto__", "0", MARKER])
    payload["view"]["state"]["values"][name] = {"a": {"type": "plain_text_input", "value": MARKER}}
    return _inputs(payload["view"])[0]


def break_state(rng: random.Random, payload: dict[str, Any], modal: Modal) -> str:
    view = payload["view"]
    shape = rng.randrange(4)
    if shape == 0:
        del view["state"]
    elif shape == 1:
        view["state"] = rng.choice([None, "x", [], 5])
    elif shape == 2:
        view["state"] = {"values": rng.choice([None, [], "x", 5])}
    else:
        view["state"] = {}
    return _inputs(view)[0]


BAD_META = [
    "not json",
    "{",
    "[]",
    "null",
    "5",
    '"text"',
    '{"tool_id": "abc", "integration_id": "abc", "cycle_id": "abc"}',
    '{"tool_id": -1, "integration_id": -1, "cycle_id": -1, "flow_id": -1}',
    '{"tool_id": 1e30, "integration_id": 100000000000000000000, "cycle_id": 1e30}',
    '{"tool_id": 0, "integration_id": 0, "cycle_id": 0, "step": "fly", "state": "gone", "outcome": "x"}',
    '{"tool_id": 999, "integration_id": 999, "cycle_id": 999, "step": "approve", "state": "proposed", '
    '"outcome": "keep"}',
]


def break_meta(rng: random.Random, payload: dict[str, Any], modal: Modal) -> str:
    view = payload["view"]
    if not modal.reads_meta:
        return break_state(rng, payload, modal)
    shape = rng.randrange(len(BAD_META) + 2)
    if shape == len(BAD_META):
        view.pop("private_metadata", None)
        if modal.form is ProposalDraft:  # none at all reads as a new proposal: make it a bad one
            view["private_metadata"] = 7
    elif shape == len(BAD_META) + 1:
        view["private_metadata"] = rng.choice([5, None, ["x"], {"tool_id": 1}])
        if modal.form is ProposalDraft and view["private_metadata"] is None:
            view["private_metadata"] = "{"
    else:
        view["private_metadata"] = BAD_META[shape]
    return _inputs(view)[0]


BREAKS: list[Break] = [
    break_multi,
    break_single,
    break_text,
    break_user,
    break_element,
    break_missing,
    break_unknown_block,
    break_state,
    break_meta,
]


def test_thousands_of_malformed_submissions_get_field_errors_and_write_nothing(
    patchbay: Patchbay, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    rng = random.Random(4)
    # The proposal's tools exist, so a broken field is the submission's only fault (the tool forms
    # name one that does not: a break they ignore, like an unknown block, must not save an edit).
    assert [add_tool(patchbay.sessions, "Salesforce"), add_tool(patchbay.sessions, "Asana")] == [1, 2]
    modals = _modals()
    assert {m.view["callback_id"] for m in modals} == {c.value for c in Callback} - NOTHING_TO_TYPE
    baselines = []
    for modal in modals:
        payload = payloads.view_submission(
            user_id=BOB, view=modal.view, values=modal.values, trigger_id="1.2.3"
        )
        _parses(modal, payload)
        baselines.append((modal, payload))
    cases = []
    for n in range(SUBMISSIONS):
        modal, baseline = baselines[n % len(baselines)]
        payload = copy.deepcopy(baseline)
        breaker = BREAKS[(n // len(baselines)) % len(BREAKS)]
        cases.append((modal, breaker, breaker(rng, payload, modal), payload))

    def submit(case: tuple[Modal, Break, str, dict[str, Any]]) -> tuple[int, bytes]:
        body, content_type = payloads.interaction(case[3])
        status, answer, _ = call(patchbay.wsgi, body, {"Content-Type": content_type, **sign(SECRET, body)})
        return status, answer

    before = row_counts(patchbay.sessions)
    with ThreadPoolExecutor(max_workers=8) as pool:  # Bolt polls for the ack: overlap the waits
        answers = list(pool.map(submit, cases))
    seen: dict[str, int] = {}
    for (modal, breaker, expected, payload), (status, answer) in zip(cases, answers, strict=True):
        where = (modal.view["callback_id"], breaker.__name__, payload["view"].get("state"), answer)
        assert status == 200, where
        assert answer, where
        reply = json.loads(answer)
        assert reply.get("response_action") == "errors", where
        assert set(reply["errors"]) == {expected}, where
        seen[breaker.__name__] = seen.get(breaker.__name__, 0) + 1
    patchbay.wait_idle()
    assert set(seen) == {b.__name__ for b in BREAKS}
    assert row_counts(patchbay.sessions) == before
    # Nothing was said to Slack (Bolt's own auth.test, made once per app, aside).
    assert [c.method for c in patchbay.slack.calls if c.method != "auth.test"] == []
    assert_clean_logs(caplog, MARKER)


def test_a_confirmation_with_broken_metadata_is_refused_and_writes_nothing(patchbay: Patchbay) -> None:
    before = row_counts(patchbay.sessions)
    for meta in ["{", "", '{"integration_id": -1}', '{"integration_id": "x"}', "null"]:
        status_ = TokenStatus(integration_id=1, title="X", connected=False)
        view = {
            **connect_modal(status_, runs_url="https://patchbay.test/runs").to_dict(),
            "private_metadata": meta,
        }
        payload = payloads.view_submission(user_id=BOB, view=view, values={}, trigger_id="1.2.3")
        body, content_type = payloads.interaction(payload)
        status, answer, _ = call(patchbay.wsgi, body, {"Content-Type": content_type, **sign(SECRET, body)})
        assert status == 200 and b"token" not in answer, (meta, answer)
    patchbay.wait_idle()
    assert row_counts(patchbay.sessions) == before
