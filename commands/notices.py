"""What an outbox item tells people, as data: `bot/views/notices.py` words it for Slack."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel


class Say(StrEnum):
    STEP = "step"
    APPROVAL = "approval"
    NUDGE = "nudge"
    ESCALATION = "escalation"
    RETIRED_AT_REVIEW = "retired_at_review"
    MADE_OWNER = "made_owner"
    REVIEW_MOVED = "review_moved"
    PROPOSED_FOR_YOU = "proposed_for_you"
    REVIEW_REMINDER = "review_reminder"
    REVIEW_ESCALATION = "review_escalation"
    TEARDOWN_DONE = "teardown_done"
    TEARDOWN_NOT_APPLICABLE = "teardown_not_applicable"
    STILL_RUNNING = "still_running"


class ChangeSummary(BaseModel):
    """What a change of scopes or data classes changes: scope names and data class values.

    `summary` is how rows written before this shape described the change.
    """

    added_scopes: list[str] = []
    dropped_scopes: list[str] = []
    classes_before: list[str] | None = None  # None: the data classes stay as they are
    classes_after: list[str] = []
    summary: str = ""


class ReasonKind(StrEnum):
    TOOL_RETIRING = "tool_retiring"  # the step follows from retiring one of its tools
    TOOL_REPLACED = "tool_replaced"  # one of its tools is being replaced by a successor
    RUNS_FAILED = "runs_failed"  # Patchbay suspended it: nearly all its runs of the week failed


class StepReason(BaseModel):
    """Why a step was taken when the reason is a fact, not a person's words (`bot/views/history.py`
    words it); stored in the audit record's `after`, so history and documents word it the same."""

    kind: ReasonKind
    tool: str = ""  # TOOL_RETIRING, TOOL_REPLACED: the tool's name
    successor: str = ""  # TOOL_REPLACED: the tool replacing it
    errors: int = 0  # RUNS_FAILED: failed runs of the last 7 days
    runs: int = 0  # RUNS_FAILED: all runs of the last 7 days


class Notice(BaseModel):
    """One thread reply, DM or channel message about an integration.

    `title` and `note` are people's text; the rest are ids, states, counts and kinds (`item`: a
    teardown item's kind; `kept`: the state a change not accepted leaves it in; `change`: the
    scopes and data classes a change would alter; `personal_account`: the reviewed integration
    uses a person's own account; `reason`: why, when the reason is a fact).
    """

    say: Say
    integration_id: int
    title: str = ""
    actor_id: str = ""
    step: str = ""
    before: str = ""
    after: str = ""
    note: str = ""
    days: int = 0
    waiting_in: str = ""
    admins: list[str] = []
    have: int = 0
    needed: int = 0
    direct: bool = False
    owner_id: str = ""
    review_moved: bool = False
    flow: str = ""
    item: str = ""
    kept: str = ""
    change: ChangeSummary | None = None
    personal_account: bool = False
    reason: StepReason | None = None
