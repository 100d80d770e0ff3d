"""What a repeated request is answered: the first one already saved it."""

from __future__ import annotations

from slack_sdk.models.views import View

from bot.views.elements import plain, section


def already_saved_text(entity_type: str, entity_id: int) -> str:
    return f"Already saved as {entity_type} #{entity_id}: nothing was saved twice."


def already_saved_modal(entity_type: str, entity_id: int) -> View:
    """Shown when a modal was submitted again (a double submit or a retry) after the first was saved."""
    return View(
        type="modal",
        title=plain("Patchbay"),
        close=plain("Close"),
        blocks=[section(already_saved_text(entity_type, entity_id))],
    )
