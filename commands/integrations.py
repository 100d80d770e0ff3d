"""Finding an integration by its number."""

from __future__ import annotations

from sqlalchemy.orm import Session

from commands.errors import Command, NotFound
from storage.models import Integration
from storage.repositories import integrations as repo


def get_integration(session: Session, integration_id: int) -> Integration:
    """The integration, or NotFound saying where the open ones are listed."""
    integration = repo.get(session, integration_id)
    if integration is None:
        raise NotFound(
            f"There is no integration #{integration_id}. {{command}} lists the open ones.",
            command=Command("/patchbay queue"),
        )
    return integration
