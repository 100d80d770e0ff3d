"""Every Slack id the app uses: commands, callback ids, action ids and block ids."""

from __future__ import annotations

from enum import StrEnum


class Command(StrEnum):
    PATCHBAY = "/patchbay"


class Callback(StrEnum):
    """callback_id of each modal."""

    TOOL_ADD = "tool_add"
    TOOL_EDIT = "tool_edit"
    TOOL_OWNER = "tool_owner"


class Action(StrEnum):
    """action_id of each button, select and picker."""

    TOOL_EDIT = "tool_edit"
    TOOL_OWNER = "tool_owner"
    TOOL_RETIRE = "tool_retire"
    TOOLS_PREV = "tools_prev"
    TOOLS_NEXT = "tools_next"


class Block(StrEnum):
    """block_id of each input; a form field's block_id is the field's name."""

    NAME = "name"
    CATEGORY = "category"
    OWNER = "owner_id"
    DATA_KINDS = "data_kinds"
    DATA_OTHER = "data_other"
    INTEGRATION_OPTIONS = "integration_options"
    VENDOR_URL = "vendor_url"
    MONTHLY_COST = "monthly_cost"
    NOTES = "notes"


class Field(StrEnum):
    """action_id of the element inside an input block: one per element kind."""

    VALUE = "value"
