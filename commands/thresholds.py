"""Run-health thresholds per integration: the workspace policy, with what its owner or an admin set for it.

A blank field follows the workspace (`/patchbay settings`), so a later change there reaches every
integration that did not set its own value.
"""

from __future__ import annotations

import functools
import json
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.audit import record_change
from commands.errors import Conflict, InvalidInput, Mention, NotAllowed
from commands.fields import Form, NoSecret, validate_fields
from commands.integrations import get_integration
from commands.policy import PERCENT_MESSAGE, Policy, rate_of_percent
from commands.run_health import WATCHED
from commands.vocabulary import State, Timing
from commands.workspace_policy import bounded_message, policy_with
from storage.models import Integration
from storage.repositories import thresholds as repo

EXPECTED_MINUTES = "expected_minutes"
# What an integration may set for itself, in the order its form and its card show them.
OWN: tuple[str, ...] = (
    "alert_error_rate",
    "alert_min_runs",
    EXPECTED_MINUTES,
    "alert_silence_factor",
    "alert_records_factor",
    "auto_suspend",
)
REALTIME_EXPECTED = timedelta(days=1)
EXPECTED_MAX_MINUTES = 31 * 24 * 60
INHERIT, ON, OFF = "inherit", "on", "off"  # the auto-suspend choices


class Threshold(BaseModel):
    """One threshold in force for an integration, and whether the integration set it itself."""

    model_config = ConfigDict(frozen=True)

    name: str
    value: float | int | bool
    own: bool


class IntegrationThresholds(BaseModel):
    """The thresholds in force for one integration, and the version a change must be made against."""

    integration_id: int
    title: str
    owner_id: str
    rules: list[Threshold]
    timing_minutes: int
    version: int = 0

    def value(self, name: str) -> float | int | bool:
        return next(rule.value for rule in self.rules if rule.name == name)

    def own(self, name: str) -> bool:
        return next(rule.own for rule in self.rules if rule.name == name)


class ThresholdsChange(BaseModel):
    """What a submission changed: field -> (before, after), None meaning the workspace's value."""

    thresholds: IntegrationThresholds
    changed: dict[str, tuple[Any, Any]]


def effective_policy(policy: Policy, overrides: dict[str, Any]) -> Policy:
    """The workspace policy with an integration's own values on top (validated when they were saved).

    An own minimum of runs above a window the workspace has since narrowed counts as the whole window,
    so the integration still alerts.
    """
    own = {name: value for name, value in overrides.items() if name in Policy.model_fields}
    if "alert_min_runs" in own:
        own["alert_min_runs"] = min(int(own["alert_min_runs"]), policy.alert_window_runs)
    return policy.model_copy(update=own) if own else policy


def thresholds_in_force(
    *, defaults: Policy, workspace: dict[str, Any], own: dict[str, Any]
) -> tuple[Policy, Policy]:
    """The workspace policy, and the thresholds one integration is checked against, from the values
    stored for each (read with every run report; each distinct pair is validated once a process)."""
    if not workspace and not own:
        return defaults, defaults
    return _in_force(defaults, json.dumps(workspace, sort_keys=True), json.dumps(own, sort_keys=True))


@functools.lru_cache(maxsize=1024)
def _in_force(defaults: Policy, workspace: str, own: str) -> tuple[Policy, Policy]:
    held = policy_with(defaults, json.loads(workspace))
    return held, effective_policy(held, json.loads(own))


def expected_interval(integration: Integration, overrides: dict[str, Any]) -> timedelta:
    """How often runs are expected: as set for the integration, else from its timing."""
    minutes = overrides.get(EXPECTED_MINUTES)
    if minutes:
        return timedelta(minutes=int(minutes))
    if integration.timing == Timing.BATCH.value and integration.batch_minutes:
        return timedelta(minutes=integration.batch_minutes)
    return REALTIME_EXPECTED


def _rules(integration: Integration, policy: Policy, overrides: dict[str, Any]) -> list[Threshold]:
    held = effective_policy(policy, overrides)
    rules = []
    for name in OWN:
        if name == EXPECTED_MINUTES:
            value: float | int | bool = int(expected_interval(integration, overrides).total_seconds() // 60)
        else:
            value = getattr(held, name)
        rules.append(Threshold(name=name, value=value, own=name in overrides))
    return rules


def thresholds_of(*, session: Session, integration: Integration, policy: Policy) -> IntegrationThresholds:
    """The thresholds in force for one integration, each marked when the integration set it."""
    row = repo.of(session, integration.id)
    overrides = row.overrides if row else {}
    return IntegrationThresholds(
        integration_id=integration.id,
        title=integration.title,
        owner_id=integration.owner_id,
        rules=_rules(integration, policy, overrides),
        timing_minutes=int(expected_interval(integration, {}).total_seconds() // 60),
        version=row.version if row else 0,
    )


def thresholds_for(*, session: Session, integration_id: int, policy: Policy) -> IntegrationThresholds:
    """The thresholds in force for one integration, by its id."""
    return thresholds_of(session=session, integration=get_integration(session, integration_id), policy=policy)


def _editable(session: Session, actor: Actor, integration_id: int) -> Integration:
    integration = get_integration(session, integration_id)
    if actor.user_id != integration.owner_id and not actor.is_admin:
        raise NotAllowed(
            "Only the owner {owner} or a Patchbay admin can change the alert thresholds of "
            f"#{integration.id}.",
            owner=Mention(integration.owner_id),
        )
    state = State(integration.state)
    if state not in WATCHED:
        raise NotAllowed(
            f"#{integration.id} is {state.label.lower()}; alert thresholds are set once it is live."
        )
    return integration


def thresholds_to_edit(
    *, session: Session, actor: Actor, integration_id: int, policy: Policy
) -> IntegrationThresholds:
    """The thresholds of a live integration, for its owner or an admin about to change them."""
    integration = _editable(session, actor, integration_id)
    return thresholds_of(session=session, integration=integration, policy=policy)


def _percent(value: Any) -> Any:
    """A percentage as typed (always text from the form) into the rate the policy holds."""
    if value is None:
        return None
    rate = rate_of_percent(value)
    if rate is None:
        raise PydanticCustomError("percent", PERCENT_MESSAGE)
    return rate


def _bounds(name: str) -> list[Any]:
    """The bounds the workspace policy puts on a field: one definition for both forms."""
    return list(Policy.model_fields[name].metadata)


class ThresholdsForm(Form):
    """An integration's alert-thresholds form: a blank field follows the workspace."""

    alert_error_rate: Annotated[float | None, BeforeValidator(_percent)] = None
    alert_min_runs: Annotated[int, *_bounds("alert_min_runs")] | None = None
    expected_minutes: Annotated[int, Field(ge=1, le=EXPECTED_MAX_MINUTES)] | None = None
    alert_silence_factor: Annotated[int, *_bounds("alert_silence_factor")] | None = None
    alert_records_factor: Annotated[int, *_bounds("alert_records_factor")] | None = None
    auto_suspend: Annotated[Literal["inherit", "on", "off"], NoSecret] = "inherit"

    def overrides(self) -> dict[str, Any]:
        """What the integration sets for itself."""
        own: dict[str, Any] = self.model_dump(exclude_none=True, exclude={"auto_suspend"})
        if self.auto_suspend != INHERIT:
            own["auto_suspend"] = self.auto_suspend == ON
        return own


def _parse(values: dict[str, Any], policy: Policy) -> dict[str, Any]:
    """The form's values as overrides (blank: the workspace's), or InvalidInput at each bad field."""
    form = validate_fields(ThresholdsForm, values, message=bounded_message)
    if form.alert_min_runs is not None and form.alert_min_runs > policy.alert_window_runs:
        raise InvalidInput(
            {
                "alert_min_runs": f"The alert looks at the last {policy.alert_window_runs} runs (the "
                "workspace's setting): enter that many or fewer."
            }
        )
    return form.overrides()


def change_thresholds(
    *,
    session: Session,
    actor: Actor,
    integration_id: int,
    values: dict[str, Any],
    version: int,
    policy: Policy,
    now: datetime,
) -> ThresholdsChange:
    """Validate each field, store what is set for this integration, audit what changed.

    A submission made against an older version is refused unless it asks for what is already in force
    for the integration (a retried or double-clicked submission), which changes nothing.
    """
    integration = _editable(session, actor, integration_id)
    wanted = _parse(values, policy)
    row = repo.of(session, integration.id)
    before = dict(row.overrides) if row else {}
    current = row.version if row else 0
    changed = {
        name: (before.get(name), wanted.get(name)) for name in OWN if before.get(name) != wanted.get(name)
    }
    if changed and version != current:
        raise Conflict(
            f"Someone changed the alert thresholds of #{integration.id} after you opened them. "
            "Open them again from the card to see their values."
        )
    if changed:
        if not repo.save(
            session,
            integration_id=integration.id,
            overrides=wanted,
            expected_version=current,
            at=now,
            by=actor.user_id,
        ):
            raise Conflict(
                f"Someone saved the alert thresholds of #{integration.id} at the same moment. "
                "Open them again from the card to see them."
            )
        record_change(
            session,
            actor=actor,
            now=now,
            action="integration.thresholds_changed",
            entity_type="integration",
            entity_id=integration.id,
            before={name: old for name, (old, _) in changed.items()},
            after={name: new for name, (_, new) in changed.items()},
        )
    return ThresholdsChange(
        thresholds=thresholds_of(session=session, integration=integration, policy=policy), changed=changed
    )
