"""Ingest tokens: a live integration's owner connects run reports with one; only its hash is kept."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.audit import record_change
from commands.errors import Mention, NotAllowed, NotFound
from commands.integrations import get_integration
from commands.vocabulary import State
from storage.models import IngestToken, Integration
from storage.repositories import ingest_tokens as repo
from storage.repositories import run_intake as intake_repo
from storage.repositories.run_intake import Intake

PREFIX = "pbr_"


class TokenStatus(BaseModel):
    """What the Connect run reports form shows before a token is issued."""

    integration_id: int
    title: str
    connected: bool
    hint: str = ""
    connected_at: datetime | None = None


class IssuedToken(BaseModel):
    """A token just issued: the only time its value exists outside the platform that holds it."""

    integration_id: int
    title: str
    token: str
    hint: str
    rotated: bool


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require_connector(actor: Actor, integration: Integration) -> None:
    if actor.user_id != integration.owner_id and not actor.is_admin:
        raise NotAllowed(
            f"Only the owner {{owner}} or a Patchbay admin can connect run reports for #{integration.id}.",
            owner=Mention(integration.owner_id),
        )
    state = State(integration.state)
    if state is not State.LIVE:
        raise NotAllowed(
            f"#{integration.id} is {state.label.lower()}; run reports are connected once it is live."
        )


def token_status(*, session: Session, actor: Actor, integration_id: int) -> TokenStatus:
    """Whether the integration already has a token, if the actor may connect its run reports."""
    integration = get_integration(session, integration_id)
    _require_connector(actor, integration)
    active = repo.active_of(session, integration.id)
    return TokenStatus(
        integration_id=integration.id,
        title=integration.title,
        connected=active is not None,
        hint=active.hint if active else "",
        connected_at=active.created_at if active else None,
    )


def issue_token(*, session: Session, actor: Actor, integration_id: int, now: datetime) -> IssuedToken:
    """Issue a new ingest token, revoking any earlier one (owner or admin, live only)."""
    integration = get_integration(session, integration_id)
    _require_connector(actor, integration)
    rotated = repo.revoke_all(session, integration.id, now=now) > 0
    token = PREFIX + secrets.token_urlsafe(32)
    hint = token[: len(PREFIX) + 4]
    repo.add(
        session,
        IngestToken(
            integration_id=integration.id,
            token_hash=hash_token(token),
            hint=hint,
            created_by=actor.user_id,
            created_at=now,
        ),
    )
    record_change(
        session,
        actor=actor,
        now=now,
        action="integration.run_token_rotated" if rotated else "integration.run_token_issued",
        entity_type="integration",
        entity_id=integration.id,
        before=None,
        after={"token": hint + "…"},
    )
    return IssuedToken(
        integration_id=integration.id, title=integration.title, token=token, hint=hint, rotated=rotated
    )


def revoke_tokens(*, session: Session, actor: Actor, integration_id: int, now: datetime, why: str) -> int:
    """Revoke the integration's ingest tokens (on suspend or retire), audited when one was active."""
    revoked = repo.revoke_all(session, integration_id, now=now)
    if revoked:
        record_change(
            session,
            actor=actor,
            now=now,
            action="integration.run_token_revoked",
            entity_type="integration",
            entity_id=integration_id,
            before=None,
            after={"revoked": revoked},
            note=why,
        )
    return revoked


def admit(*, connection: Connection, token: str) -> Intake | None:
    """The live integration an active token reports for, with what its alert check needs; None for an
    unknown, revoked or rotated token, or an integration that is not live."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    found = intake_repo.by_token(connection, hash_token(token))
    if found is None or found.state != State.LIVE.value:
        return None
    return found


def intake_of(*, connection: Connection, integration_id: int) -> Intake:
    """What the alert check needs for one integration, for runs reported from inside Patchbay."""
    found = intake_repo.by_integration(connection, integration_id)
    if found is None:
        raise NotFound(f"There is no integration #{integration_id}.")
    return found
