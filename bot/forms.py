"""Reading a submitted modal into plain values, and the small models carried in metadata."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field, StrictStr, ValidationError

from commands.check_ins import CheckInAnswer
from commands.errors import InvalidInput, PatchbayError
from commands.fields import ROW_ID_MAX, RowId
from commands.lifecycle import Step
from commands.review_items import Outcome
from commands.tools import ToolQuery
from commands.vocabulary import Category, State

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


UNREADABLE_ANSWER = "This answer could not be read; enter it again."
STALE_FORM = "This form could not be read; close it and open it again."
STALE_BUTTON = "That button could not be read; run the command again for a fresh one."


class _Option(BaseModel):
    value: StrictStr


class _Text(BaseModel):
    value: StrictStr | None = None


class _Select(BaseModel):
    selected_option: _Option | None = None


class _Multi(BaseModel):
    selected_options: list[_Option] | None = None


class _User(BaseModel):
    selected_user: StrictStr | None = None


class _Users(BaseModel):
    selected_users: list[StrictStr] | None = None


class _Date(BaseModel):
    selected_date: StrictStr | None = None


class _Conversation(BaseModel):
    selected_conversation: StrictStr | None = None


def _text(element: dict[str, Any]) -> Any:
    return _Text.model_validate(element).value or ""


def _select(element: dict[str, Any]) -> Any:
    option = _Select.model_validate(element).selected_option
    return option.value if option else ""


def _multi(element: dict[str, Any]) -> Any:
    return [option.value for option in _Multi.model_validate(element).selected_options or []]


def _user(element: dict[str, Any]) -> Any:
    return _User.model_validate(element).selected_user or ""


def _users(element: dict[str, Any]) -> Any:
    return _Users.model_validate(element).selected_users or []


def _date(element: dict[str, Any]) -> Any:
    return _Date.model_validate(element).selected_date or ""


def _conversation(element: dict[str, Any]) -> Any:
    return _Conversation.model_validate(element).selected_conversation or ""


_READERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "static_select": _select,
    "external_select": _select,
    "radio_buttons": _select,
    "multi_static_select": _multi,
    "multi_external_select": _multi,
    "checkboxes": _multi,
    "users_select": _user,
    "multi_users_select": _users,
    "datepicker": _date,
    "conversations_select": _conversation,
}


class FormValues(dict[str, Any]):
    """A submitted modal's values by block_id, for a use-case that validates them itself."""


def read_form(view: Any) -> dict[str, Any]:
    """Map each input block_id to the value its element holds.

    Every element is read by a typed model of its kind, so a malformed answer (an option without
    a value, `[null]`, a number where text belongs) raises InvalidInput on its own block, and a
    view without `state.values` raises it for the form as a whole.
    """
    state = view.get("state") if isinstance(view, dict) else None
    blocks = state.get("values") if isinstance(state, dict) else None
    if not isinstance(blocks, dict):
        raise InvalidInput({"form": STALE_FORM})
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for block_id, elements in blocks.items():
        if not isinstance(elements, dict) or len(elements) != 1:
            errors[block_id] = UNREADABLE_ANSWER
            continue
        element = next(iter(elements.values()))
        if not isinstance(element, dict) or not isinstance(element.get("type"), str):
            errors[block_id] = UNREADABLE_ANSWER
            continue
        try:
            values[block_id] = _READERS.get(str(element.get("type")), _text)(element)
        except ValidationError:
            errors[block_id] = UNREADABLE_ANSWER
    if errors:
        raise InvalidInput(errors)
    return values


Meta = TypeVar("Meta", bound=BaseModel)


def read_meta(view: Any, model: type[Meta], *, empty: str | None = None) -> Meta:
    """The view's private_metadata as `model` (`empty` stands in for a blank one), else InvalidInput."""
    raw = view.get("private_metadata") if isinstance(view, dict) else None
    if raw == "" and empty is not None:
        raw = empty
    if not isinstance(raw, str):
        raise InvalidInput({"form": STALE_FORM})
    try:
        return model.model_validate_json(raw)
    except ValidationError:
        raise InvalidInput({"form": STALE_FORM}) from None


def read_ref(raw: Any, model: type[Meta]) -> Meta:
    """A button's value (or block_id) as `model`; a stale or altered one is refused in words."""
    try:
        if isinstance(raw, str):
            return model.model_validate_json(raw)
    except ValidationError:
        pass
    raise PatchbayError(STALE_BUTTON)


def read_value(body: dict[str, Any], model: type[Meta]) -> Meta:
    """The value of the clicked button as `model`."""
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions else None
    return read_ref(first.get("value") if isinstance(first, dict) else None, model)


class ToolRef(BaseModel):
    """Names one tool in a button value or a modal's private_metadata."""

    tool_id: RowId


class ToolHistoryRef(BaseModel):
    """A page of one tool's history: the card's History button and the history's page buttons."""

    tool_id: RowId
    page: Annotated[int, Field(ge=1, le=1_000_000)] = 1


class IntegrationRef(BaseModel):
    """Names one integration in a button value or a modal's private_metadata."""

    integration_id: RowId


class IncidentRef(BaseModel):
    """Names one run-health incident in an alert's button value."""

    incident_id: RowId


class CheckInRef(BaseModel):
    """A first-month check-in's button: which check-in, which answer."""

    check_in_id: RowId
    answer: CheckInAnswer


class StepRef(BaseModel):
    """A lifecycle button or step modal: which integration, which step, from which state."""

    integration_id: RowId
    step: Step
    state: State


class ReviewRef(BaseModel):
    """A review-thread button or the answer modal: which cycle, and which answer was picked."""

    cycle_id: RowId
    outcome: Outcome


class ProposalMeta(BaseModel):
    """private_metadata of the proposal modal: which proposal is edited, if any."""

    integration_id: RowId | None = None
    flow_id: RowId | None = None


class FlowRef(BaseModel):
    """Names one flow in a button value."""

    flow_id: RowId


class HomeMoreRef(BaseModel):
    """A "see more" button on the App Home: which of its lists to show in full."""

    section: str


class TeardownRef(BaseModel):
    """Names one teardown item in a button value or the not-applicable modal's private_metadata."""

    item_id: RowId


class SettingsMeta(BaseModel):
    """private_metadata of the settings modal: the policy version it was opened on."""

    version: Annotated[int, Field(ge=0, le=ROW_ID_MAX)]


class ThresholdsMeta(BaseModel):
    """private_metadata of an integration's alert-thresholds modal: which one, and the version opened."""

    integration_id: RowId
    version: Annotated[int, Field(ge=0, le=ROW_ID_MAX)]


class SuccessorRef(BaseModel):
    """A Propose button after a Replace: the old integration, and the tool that takes over."""

    integration_id: RowId
    successor_id: RowId


class ListRef(BaseModel):
    """A page of a list, carried in a pagination button."""

    page: Annotated[int, Field(ge=0, le=1_000_000)]
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
