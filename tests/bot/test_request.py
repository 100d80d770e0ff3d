"""The typed Request every listener reads, and the listener middleware that parses its input first."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import ManualClock
from bot.forms import STALE_BUTTON, STALE_FORM, UNREADABLE_ANSWER, FormValues, ProposalMeta, StepRef, ToolRef
from bot.middleware import ONCE_KEY, Values, button, form, form_values, metadata, parse
from bot.request import Request, keep, parsed, request_of
from bot.roles import RoleDirectory
from bot.scheduling.notify import Notifier, slack_sender
from bot.settings import Settings
from commands.errors import InvalidInput, PatchbayError
from commands.lifecycle import Step
from commands.policy import Policy
from commands.security_review import ReasonForm
from commands.vocabulary import State
from storage.models import IdempotencyKey
from tests.conftest import ALICE, BOB, START


@pytest.fixture
def request_(settings: Settings, sessions: sessionmaker[Session], clock: ManualClock) -> Request:
    client = WebClient(base_url=settings.api_url, token="xoxb-test")
    roles = RoleDirectory(settings, client)
    return Request(
        user=roles.actor(ALICE),
        now=START,
        policy=Policy(),
        default_policy=settings.policy,
        sessions=sessions,
        clock=clock,
        roles=roles,
        notifier=Notifier(sessions, slack_sender(settings, client)),
        runs_url="",
    )


def _context(request: Request | None = None) -> BoltContext:
    context = BoltContext()
    if request is not None:
        context["patchbay_request"] = request
    return context


def _run(middleware: Any, body: dict[str, Any], context: BoltContext) -> bool:
    """Run a listener middleware as Bolt does; whether it let the listener run."""
    called: list[bool] = []
    middleware(body=body, context=context, next=lambda: called.append(True))
    return called == [True]


def _click(value: str) -> dict[str, Any]:
    return {"type": "block_actions", "actions": [{"action_id": "x", "value": value}]}


def _submit(values: dict[str, Any], meta: str = "") -> dict[str, Any]:
    return {"type": "view_submission", "view": {"private_metadata": meta, "state": {"values": values}}}


def _text(value: str) -> dict[str, Any]:
    return {"v": {"type": "plain_text_input", "value": value}}


def test_the_request_is_read_through_one_typed_accessor(request_: Request) -> None:
    context = _context(request_)
    assert request_of(context) is request_
    assert request_of(context).actor.user_id == ALICE
    assert request_of(context).actor.is_admin
    assert request_of(context).actor_of(BOB).user_id == BOB
    assert not request_of(context).actor_of(BOB).is_admin
    with pytest.raises(LookupError, match="request middleware did not run"):
        request_of(_context())


def test_the_request_is_frozen_and_an_event_without_a_person_has_no_actor(request_: Request) -> None:
    with pytest.raises(AttributeError):
        request_.now = START  # type: ignore[misc]
    anonymous = dataclasses.replace(request_, user=None)
    with pytest.raises(LookupError, match="not made by a person"):
        _ = anonymous.actor


def test_a_button_value_is_parsed_before_the_listener_runs() -> None:
    context = _context()
    value = StepRef(integration_id=12, step=Step.APPROVE, state=State.AWAITING_APPROVAL).model_dump_json()
    assert _run(button(StepRef), _click(value), context)
    ref = parsed(context, StepRef)
    assert (ref.integration_id, ref.step, ref.state) == (12, Step.APPROVE, State.AWAITING_APPROVAL)


@pytest.mark.parametrize("value", ["not json", '{"tool_id": -3}', '{"tool_id": 1e40}', "[]", ""])
def test_a_garbled_button_is_refused_in_words_when_the_listener_asks_for_it(value: str) -> None:
    context = _context()
    assert _run(button(ToolRef), _click(value), context), "the listener still runs, so it acks first"
    with pytest.raises(PatchbayError) as refused:
        parsed(context, ToolRef)
    assert refused.value.message == STALE_BUTTON


def test_metadata_and_form_are_parsed_each_into_its_own_type() -> None:
    context = _context()
    meta = StepRef(integration_id=3, step=Step.REJECT, state=State.AWAITING_APPROVAL).model_dump_json()
    body = _submit({"reason": _text("  Duplicates #2  ")}, meta)
    assert _run(metadata(StepRef), body, context)
    assert _run(form(ReasonForm), body, context)
    assert parsed(context, StepRef).integration_id == 3
    assert parsed(context, ReasonForm).reason == "Duplicates #2"
    assert _run(metadata(ProposalMeta, empty="{}"), _submit({}), context)
    assert parsed(context, ProposalMeta) == ProposalMeta()


def test_a_bad_form_is_refused_at_its_blocks_and_a_stale_one_as_a_whole() -> None:
    context = _context()
    assert _run(form(ReasonForm), _submit({"reason": _text("")}), context)
    with pytest.raises(InvalidInput) as empty:
        parsed(context, ReasonForm)
    assert list(empty.value.errors) == ["reason"]
    number = {"v": {"type": "plain_text_input", "value": 5}}
    assert _run(form(ReasonForm), _submit({"reason": number}), context)
    with pytest.raises(InvalidInput) as unreadable:
        parsed(context, ReasonForm)
    assert unreadable.value.errors == {"reason": UNREADABLE_ANSWER}
    assert _run(metadata(StepRef), _submit({}, meta="{}"), context)
    with pytest.raises(InvalidInput) as stale:
        parsed(context, StepRef)
    assert stale.value.errors == {"form": STALE_FORM}


def test_rules_across_fields_join_the_field_errors_in_one_pass() -> None:
    context = _context()

    def rules(valid: Values) -> dict[str, str]:
        return {"reason": "Say more."} if len(valid.get("reason", "")) < 5 else {}

    assert _run(form(ReasonForm, rules=rules), _submit({"reason": _text("no")}), context)
    with pytest.raises(InvalidInput) as refused:
        parsed(context, ReasonForm)
    assert refused.value.errors == {"reason": "Say more."}


def test_a_database_check_reads_in_its_own_transaction_and_leaves_the_request_key_free(
    request_: Request, sessions: sessionmaker[Session]
) -> None:
    context = _context(request_)
    context[ONCE_KEY] = "view:V1:step_reason:U0ALICE01"
    seen: list[Values] = []

    def check(session: Session, valid: Values, _context: BoltContext) -> dict[str, str]:
        seen.append(valid)
        assert session.scalars(select(IdempotencyKey.key)).all() == [context[ONCE_KEY]]  # claimed
        return {}

    assert _run(form(ReasonForm, check=check), _submit({"reason": _text("Out of scope")}), context)
    assert parsed(context, ReasonForm).reason == "Out of scope"
    assert seen == [{"reason": "Out of scope"}]
    with sessions() as session:
        assert session.scalars(select(IdempotencyKey)).all() == []  # released: nothing was written
    assert context[ONCE_KEY] == "view:V1:step_reason:U0ALICE01"  # the listener's own write claims it
    assert "committed" not in context


def test_raw_form_values_for_a_use_case_that_validates_them_itself() -> None:
    context = _context()
    assert _run(form_values(), _submit({"caps": _text("5")}), context)
    assert parsed(context, FormValues) == {"caps": "5"}


def test_an_unexpected_failure_is_not_held_back_and_nothing_unparsed_is_handed_out() -> None:
    def broken(body: dict[str, Any], context: BoltContext) -> ToolRef:
        return ToolRef.model_validate(json.loads(body["missing"]))

    context = _context()
    with pytest.raises(KeyError):
        _run(parse(ToolRef, broken), _click("{}"), context)
    with pytest.raises(LookupError, match="no ToolRef was parsed"):
        parsed(context, ToolRef)
    keep(context, ToolRef, StepRef(integration_id=1, step=Step.APPROVE, state=State.AWAITING_APPROVAL))
    with pytest.raises(LookupError, match="no ToolRef was parsed"):
        parsed(context, ToolRef)
