"""Settling a retiring integration's teardown checklist, item by item, until it is retired."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.audit import record_change
from commands.errors import Conflict, Mention, NotAllowed, NotFound
from commands.fields import Form, NoSecret
from commands.notices import Notice, Say
from commands.outbox import Kind, owe
from commands.teardown_plan import TeardownKind, TeardownLine, TeardownStatus, line_of
from commands.vocabulary import State
from commands.workflow import finish_retirement, locked_integration
from storage.models import Integration, TeardownItem
from storage.repositories import teardown as repo

Reason = Annotated[str, Field(min_length=1, max_length=500), NoSecret]


class NotApplicableForm(Form):
    """Why a teardown item does not apply to this integration."""

    field_messages = {"reason": "Say why this does not apply: the owner and the admins will see it."}

    reason: Reason


class Settled(BaseModel):
    """What settling an item did: the item now, whether this request changed it, whether it retired."""

    integration_id: int
    title: str
    line: TeardownLine
    changed: bool
    retired: bool
    open_left: int


def _item_for(session: Session, actor: Actor, item_id: int) -> tuple[TeardownItem, Integration]:
    item = repo.get(session, item_id)
    if item is None:
        raise NotFound(f"There is no teardown item {item_id}.")
    integration = locked_integration(session, item.integration_id)
    if actor.user_id != integration.owner_id and not actor.is_admin:
        raise NotAllowed(
            f"Only the owner {{owner}} or a Patchbay admin can settle the teardown of #{integration.id}.",
            owner=Mention(integration.owner_id),
        )
    return item, integration


def teardown_item(*, session: Session, actor: Actor, item_id: int) -> TeardownLine:
    """One item, for the owner or an admin about to mark it not applicable."""
    item, integration = _item_for(session, actor, item_id)
    if item.status != TeardownStatus.OPEN.value or integration.state != State.RETIRING.value:
        raise Conflict(f"{TeardownKind(item.kind).label} on #{integration.id} is already settled.")
    return line_of(item)


def settle_item(
    *,
    session: Session,
    actor: Actor,
    item_id: int,
    status: TeardownStatus,
    now: datetime,
    form: NotApplicableForm | None = None,
) -> Settled:
    """Tick an item done, or mark it not applicable with a reason; the last one retires the integration."""
    item, integration = _item_for(session, actor, item_id)
    if status is TeardownStatus.OPEN:
        raise Conflict("A teardown item can only be ticked done or marked not applicable.")
    reason = form.reason if form is not None and status is TeardownStatus.NOT_APPLICABLE else ""
    if status is TeardownStatus.NOT_APPLICABLE and not reason:
        raise Conflict("Say why the item does not apply.")
    changed = integration.state == State.RETIRING.value and repo.settle(
        session, item_id=item.id, status=status.value, reason=reason, by=actor.user_id, at=now
    )
    if not changed:
        session.refresh(item)
        if item.status == TeardownStatus.OPEN.value:
            state = State(integration.state).label.lower()
            raise Conflict(f"#{integration.id} is {state}; there is no teardown to settle.")
        return Settled(
            integration_id=integration.id,
            title=integration.title,
            line=line_of(item),
            changed=False,
            retired=integration.state == State.RETIRED.value,
            open_left=repo.open_count(session, integration.id),
        )
    session.refresh(item)
    line = line_of(item)
    record_change(
        session,
        actor=actor,
        now=now,
        action=f"teardown.{status.value}",
        entity_type="integration",
        entity_id=integration.id,
        before={"item": line.kind.value, "status": TeardownStatus.OPEN.value},
        after={"item": line.kind.value, "status": status.value},
        note=reason,
    )
    notice = Notice(
        say=Say.TEARDOWN_DONE if status is TeardownStatus.DONE else Say.TEARDOWN_NOT_APPLICABLE,
        integration_id=integration.id,
        actor_id=actor.user_id,
        item=line.kind.value,
        note=reason,
    )
    owe(session, kind=Kind.THREAD, integration_id=integration.id, now=now, text=notice.model_dump_json())
    owe(session, kind=Kind.CARD, integration_id=integration.id, now=now)
    left = repo.open_count(session, integration.id)
    if left == 0:
        finish_retirement(session, integration, actor=actor, now=now)
    return Settled(
        integration_id=integration.id,
        title=integration.title,
        line=line,
        changed=True,
        retired=left == 0,
        open_left=left,
    )
