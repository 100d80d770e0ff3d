"""Reading a submitted modal into plain values, and the small models carried in metadata."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from commands.lifecycle import Step
from commands.reviews import Outcome
from commands.tools import ToolQuery
from commands.vocabulary import Category, State

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


def read_form(view: dict[str, Any]) -> dict[str, Any]:
    """Map each input block_id to the value its element holds."""
    values: dict[str, Any] = {}
    for block_id, elements in view.get("state", {}).get("values", {}).items():
        for element in elements.values():
            values[block_id] = _element_value(element)
    return values


def _element_value(element: dict[str, Any]) -> Any:
    kind = element.get("type")
    if kind in ("plain_text_input", "url_text_input", "email_text_input", "number_input"):
        return element.get("value") or ""
    if kind in ("static_select", "external_select", "radio_buttons"):
        option = element.get("selected_option")
        return option["value"] if option else ""
    if kind in ("multi_static_select", "multi_external_select", "checkboxes"):
        return [option["value"] for option in element.get("selected_options") or []]
    if kind == "users_select":
        return element.get("selected_user") or ""
    if kind == "multi_users_select":
        return element.get("selected_users") or []
    if kind == "datepicker":
        return element.get("selected_date") or ""
    if kind == "conversations_select":
        return element.get("selected_conversation") or ""
    return element.get("value")


class ToolRef(BaseModel):
    """Names one tool in a button value or a modal's private_metadata."""

    tool_id: int


class IntegrationRef(BaseModel):
    """Names one integration in a button value or a modal's private_metadata."""

    integration_id: int


class StepRef(BaseModel):
    """A lifecycle button or step modal: which integration, which step, from which state."""

    integration_id: int
    step: Step
    state: State


class ReviewRef(BaseModel):
    """A review-thread button or the answer modal: which cycle, and which answer was picked."""

    cycle_id: int
    outcome: Outcome


class ProposalMeta(BaseModel):
    """private_metadata of the proposal modal: which proposal is edited, if any."""

    integration_id: int | None = None
    flow_id: int | None = None


class FlowRef(BaseModel):
    """Names one flow in a button value."""

    flow_id: int


class HomeMoreRef(BaseModel):
    """A "see more" button on the App Home: which of its lists to show in full."""

    section: str


class TeardownRef(BaseModel):
    """Names one teardown item in a button value or the not-applicable modal's private_metadata."""

    item_id: int


class SettingsMeta(BaseModel):
    """private_metadata of the settings modal: the policy version it was opened on."""

    version: int


class ListRef(BaseModel):
    """A page of a list, carried in a pagination button."""

    page: int
    filter: str = ""


def parse_filter(text: str) -> ToolQuery:
    """A category, an owner mention, or else a name fragment."""
    text = text.strip()
    if not text:
        return ToolQuery()
    mention = MENTION.match(text)
    if mention:
        return ToolQuery(owner_id=mention.group(1))
    category = Category.from_text(text)
    if category is not None:
        return ToolQuery(category=category)
    return ToolQuery(fragment=text)
