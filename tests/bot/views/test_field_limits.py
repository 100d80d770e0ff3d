"""Every modal input takes exactly what the pydantic field behind it accepts.

Each input's `max_length`, number bounds, options and optional flag are compared with the model that
validates its answer, so a modal can never again let a person type what the server then refuses. A
new modal must be listed here (the last test fails until it is).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel
from slack_sdk.models.views import View

import bot.views
from bot.forms import ProposalMeta, ReviewRef, StepRef, TeardownRef
from bot.views.assessment import assessment_modal
from bot.views.flows import flow_modal
from bot.views.limits import limits
from bot.views.measures import measures_modal
from bot.views.proposals import proposal_modal
from bot.views.renewals import renew_modal, replace_modal
from bot.views.reviews import answer_modal
from bot.views.settings import settings_modal
from bot.views.teardown import not_applicable_modal
from bot.views.thresholds import thresholds_modal
from bot.views.tools import owner_modal, tool_modal
from bot.views.workflow import change_modal, reason_modal, sandbox_modal, security_review_modal
from commands.assessment import AssessmentForm, AssessmentStart
from commands.flows import FlowDraft
from commands.lifecycle import Step
from commands.measures import MeasuresForm
from commands.policy import PERCENT_FIELDS, Policy
from commands.proposal_form import ProposalDraft
from commands.renewals import RenewForm, ReplaceForm
from commands.review_answers import ReviewAnswer
from commands.review_items import Outcome
from commands.security_review import ReasonForm, SandboxForm, ScopeChange, SecurityReviewForm
from commands.teardown import NotApplicableForm
from commands.thresholds import ThresholdsForm
from commands.tools import ToolDraft
from commands.vocabulary import State
from commands.workspace_policy import PolicyState
from tests.bot.views.test_builders import RENEWAL, SALESFORCE, THRESHOLDS, _review

STEP = StepRef(integration_id=12, step=Step.SUBMIT_REVIEW, state=State.SECURITY_REVIEW)

MODALS: dict[str, tuple[Callable[[], View], type[BaseModel]]] = {
    "tool_modal": (lambda: tool_modal(owner_id="U0BOB0002", name="HubSpot"), ToolDraft),
    "owner_modal": (lambda: owner_modal(tool=SALESFORCE), ToolDraft),
    "flow_modal": (lambda: flow_modal(user_id="U0BOB0002"), FlowDraft),
    "proposal_modal": (lambda: proposal_modal(owner_id="U0BOB0002", meta=ProposalMeta()), ProposalDraft),
    "measures_modal": (lambda: measures_modal(integration_id=12, title="Deals"), MeasuresForm),
    "not_applicable_modal": (
        lambda: not_applicable_modal(TeardownRef(item_id=3), label="x"),
        NotApplicableForm,
    ),
    "answer_modal": (
        lambda: answer_modal(ReviewRef(cycle_id=7, outcome=Outcome.RETIRE), _review()),
        ReviewAnswer,
    ),
    "security_review_modal": (lambda: security_review_modal(STEP, title="Deals"), SecurityReviewForm),
    "reason_modal": (lambda: reason_modal(STEP, title="Deals"), ReasonForm),
    "sandbox_modal": (lambda: sandbox_modal(STEP, title="Deals"), SandboxForm),
    "change_modal": (lambda: change_modal(STEP, title="Deals", scopes="", data_classes=()), ScopeChange),
    "settings_modal": (lambda: settings_modal(PolicyState(policy=Policy(), version=1)), Policy),
    "thresholds_modal": (lambda: thresholds_modal(THRESHOLDS, Policy()), ThresholdsForm),
    "renew_modal": (lambda: renew_modal(RENEWAL, date(2028, 1, 23)), RenewForm),
    "replace_modal": (lambda: replace_modal(RENEWAL), ReplaceForm),
    "assessment_modal": (
        lambda: assessment_modal(AssessmentStart(tool=SALESFORCE, data="Contacts, Deals")),
        AssessmentForm,
    ),
}
# Modals that show and ask nothing a person types.
WITHOUT_INPUTS = {"more_modal", "connect_modal", "token_modal", "already_saved_modal"}
# Inputs whose model leaves the length open: an id typed by hand (checked against the rows).
OPEN_LENGTH = {("flow_modal", "integration_id")}
# Inputs that are not a field of the model: a confirmation the listener reads itself.
NOT_FIELDS = {("proposal_modal", "confirm_similar")}
# Inputs deliberately stricter than their model: an integration's own minimum of runs is capped by
# the workspace's window, which the form's model cannot know.
CAPPED = {("thresholds_modal", "alert_min_runs")}
# Selects that offer fewer options than their model takes: a new tool's assessment asks how data moves
# by hand today, so it leaves out "automated".
NARROWED = {("assessment_modal", "mode")}
# Options the app words itself (scores 1 to 5 with their meanings, the sandbox checklist, a tick box).
OWN_OPTIONS = {"frequency", "impact", "feasibility", "checklist", "confirm_retire", "auto_renews"}


def _inputs(view: View) -> list[dict[str, Any]]:
    return [block for block in view.to_dict()["blocks"] if block["type"] == "input"]


def _number(value: str) -> Decimal:
    return Decimal(value)


@pytest.mark.parametrize("name", sorted(MODALS))
def test_each_input_takes_what_its_model_accepts(name: str) -> None:
    build, model = MODALS[name]
    inputs = _inputs(build())
    assert inputs
    for block in inputs:
        field, element = block["block_id"], block["element"]
        if (name, field) in NOT_FIELDS:
            continue
        assert field in model.model_fields, f"{name}: {field} is not a field of {model.__name__}"
        bounds = limits(model, field)
        where = f"{name}.{field}"
        if model.model_fields[field].is_required():
            assert not block.get("optional"), (
                f"{where}: the model needs an answer; the modal lets it be blank"
            )
        kind = element["type"]
        if kind == "plain_text_input":
            if (name, field) in OPEN_LENGTH:
                assert bounds.text_length is None, f"{where}: the model has a limit now; drop the modal's own"
            else:
                assert element["max_length"] == bounds.text_length, where
        elif (name, field) in NARROWED:
            offered = [option["value"] for option in element["options"]]
            assert set(offered) < {option.value for option in bounds.choices}, where
        elif kind in ("static_select", "multi_static_select", "checkboxes") and field not in OWN_OPTIONS:
            offered = [option["value"] for option in element["options"]]
            assert offered == [option.value for option in bounds.choices], where
        elif kind == "number_input" and field in PERCENT_FIELDS:
            # Typed as a percentage of the policy's rate, above its exclusive 0.
            bounds = limits(Policy, field)
            assert bounds.minimum is not None and bounds.maximum is not None, where
            assert bounds.minimum * 100 < _number(element["min_value"]), where
            assert _number(element["max_value"]) == bounds.maximum * 100, where
        elif kind == "number_input" and (name, field) in CAPPED:
            assert _number(element["min_value"]) == bounds.minimum, where
            assert bounds.maximum is not None and _number(element["max_value"]) <= bounds.maximum, where
        elif kind == "number_input":
            assert _number(element["min_value"]) == bounds.minimum, where
            assert _number(element["max_value"]) == bounds.maximum, where
            assert element["is_decimal_allowed"] == (bounds.decimal_places is not None), where


def test_the_trigger_takes_what_a_proposal_accepts() -> None:
    view = proposal_modal(owner_id="U0BOB0002")
    trigger = next(b for b in _inputs(view) if b["block_id"] == "trigger")
    assert trigger["element"]["max_length"] == ProposalDraft.model_fields["trigger"].metadata[1].max_length


def test_a_number_typed_as_text_fits_the_widest_number_allowed() -> None:
    assert limits(ProposalDraft, "monthly_cost").text_length == len("100000000.00")
    assert limits(FlowDraft, "minutes_each").text_length == len("10080")
    assert limits(ProposalDraft, "batch_minutes").text_length == len("43200")
    assert limits(ProposalDraft, "batch_minutes").optional


def test_every_modal_with_inputs_is_checked() -> None:
    found = set()
    for module in pkgutil.iter_modules(bot.views.__path__):
        views = importlib.import_module(f"bot.views.{module.name}")
        found |= {
            name
            for name, function in inspect.getmembers(views, inspect.isfunction)
            if name.endswith("_modal") and not name.startswith("_") and function.__module__ == views.__name__
        }
    assert found - set(MODALS) - WITHOUT_INPUTS == set(), "check the new modal's inputs here"
