"""The workspace policy as admins set it in Slack: read it, open it for editing, change it."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.audit import record_change
from commands.errors import Command, Conflict, InvalidInput, NotAllowed
from commands.fields import field_message, validate_fields
from commands.policy import PERCENT_FIELDS, PERCENT_MESSAGE, Policy, rate_of_percent
from storage.repositories import policy as repo

log = logging.getLogger(__name__)

# What `/patchbay settings` offers; only the sweep's claim stays in the environment.
EDITABLE: tuple[str, ...] = tuple(name for name in Policy.model_fields if name != "sweep_claim_seconds")


class PolicyState(BaseModel):
    """The policy in force, and the version a change must be made against."""

    model_config = ConfigDict(frozen=True)

    policy: Policy
    version: int
    updated_by: str | None = None
    updated_at: datetime | None = None


class PolicyChange(BaseModel):
    """What a settings submission changed: field -> (before, after), in display-ready JSON values."""

    state: PolicyState
    changed: dict[str, tuple[Any, Any]]


def policy_with(defaults: Policy, overrides: dict[str, Any]) -> Policy:
    """The environment's defaults with the values admins changed (as stored) on top."""
    known = {name: value for name, value in overrides.items() if name in EDITABLE}
    try:
        return Policy.model_validate({**defaults.model_dump(), **known})
    except ValidationError:
        log.warning("stored policy values no longer validate; using the environment's: %s", sorted(known))
        return defaults


def read_policy(*, session: Session, defaults: Policy) -> PolicyState:
    """The policy in force: the environment's defaults with the values admins changed on top."""
    row = repo.current(session)
    if row is None:
        return PolicyState(policy=defaults, version=0)
    return PolicyState(
        policy=policy_with(defaults, row.overrides),
        version=row.version,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
    )


def _only_admins(actor: Actor) -> None:
    if not actor.is_admin:
        raise NotAllowed("Only a Patchbay admin can change the workspace settings.")


def policy_to_edit(*, session: Session, actor: Actor, defaults: Policy) -> PolicyState:
    """The policy in force, for an admin about to change it."""
    _only_admins(actor)
    return read_policy(session=session, defaults=defaults)


def bounded_message(error: Any) -> str:
    ctx = error.get("ctx") or {}
    if error["type"] == "greater_than_equal":
        return f"Enter {ctx['ge']} or more."
    if error["type"] == "less_than_equal":
        return f"Enter {ctx['le']} or less."
    if error["type"] == "string_pattern_mismatch" and error["loc"][0] == "governance_channel":
        return "Pick a public or private channel."
    if error["type"] == "string_pattern_mismatch":
        return "Use letters or a currency sign, like EUR or €."
    if error["type"] == "too_short":
        return "Give at least one number of days, like 3, 7"
    if error["type"] == "too_long":
        return "Give at most 5 reminders."
    if error["type"] == "bool_parsing":
        return "Pick one of the listed options."
    return field_message(error)


def _rates(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The percentage fields, as typed, turned into the rates the policy holds; errors at their field."""
    converted, errors = dict(values), {}
    for name in PERCENT_FIELDS & set(values):
        rate = rate_of_percent(values[name])
        if rate is None:
            errors[name] = PERCENT_MESSAGE
            converted.pop(name)
        else:
            converted[name] = rate
    return converted, errors


def _check_together(policy: Policy) -> None:
    """The rules that tie two settings together, each reported at the field to change."""
    errors = {}
    if policy.review_escalate_days <= max(policy.review_reminder_days):
        errors["review_escalate_days"] = (
            "Escalate after the last reminder: enter more days than any reminder."
        )
    if policy.alert_min_runs > policy.alert_window_runs:
        errors["alert_min_runs"] = (
            f"The alert looks at the last {policy.alert_window_runs} runs: enter that many or fewer."
        )
    if errors:
        raise InvalidInput(errors)


def change_policy(
    *, session: Session, actor: Actor, defaults: Policy, values: dict[str, Any], version: int, now: datetime
) -> PolicyChange:
    """Validate `values` field by field, store what differs from the environment, audit what changed.

    A submission made against an older version is refused unless it asks for what is already in force
    (a retried or double-clicked submission), which changes nothing.
    """
    _only_admins(actor)
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise NotAllowed(f"These settings cannot be changed in Slack: {', '.join(unknown)}.")
    state = read_policy(session=session, defaults=defaults)
    values, errors = _rates(values)
    try:
        wanted = validate_fields(Policy, {**state.policy.model_dump(), **values}, message=bounded_message)
    except InvalidInput as invalid:
        raise InvalidInput({**invalid.errors, **errors}) from None
    if errors:
        raise InvalidInput(errors)
    _check_together(wanted)
    before, after = state.policy.model_dump(mode="json"), wanted.model_dump(mode="json")
    changed = {name: (before[name], after[name]) for name in EDITABLE if before[name] != after[name]}
    if not changed:
        return PolicyChange(state=state, changed={})
    if version != state.version:
        raise Conflict(
            "Another admin changed the settings after you opened them. Close this and open"
            " {command} again to see their values.",
            command=Command("/patchbay settings"),
        )
    base = defaults.model_dump(mode="json")
    overrides = {name: after[name] for name in EDITABLE if after[name] != base[name]}
    if not repo.save(session, overrides=overrides, expected_version=version, at=now, by=actor.user_id):
        raise Conflict(
            "Another admin saved the settings at the same moment. Open {command} again to see them.",
            command=Command("/patchbay settings"),
        )
    record_change(
        session,
        actor=actor,
        now=now,
        action="policy.changed",
        entity_type="policy",
        entity_id=repo.ROW,
        before={name: old for name, (old, _) in changed.items()},
        after={name: new for name, (_, new) in changed.items()},
    )
    new_state = PolicyState(policy=wanted, version=version + 1, updated_by=actor.user_id, updated_at=now)
    return PolicyChange(state=new_state, changed=changed)
