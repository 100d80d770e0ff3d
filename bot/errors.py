"""One error handler: domain errors become a field error or an ephemeral line; the rest get an id."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.views.saved import already_saved_modal, already_saved_text
from commands.errors import InvalidInput, PatchbayError
from commands.once import AlreadyDone

log = logging.getLogger("patchbay.errors")


def field_errors(view: dict[str, Any], errors: dict[str, str]) -> dict[str, str]:
    """Place each message on its input block; anything without a block goes on the first input."""
    inputs = [block["block_id"] for block in view.get("blocks", []) if block.get("type") == "input"]
    placed: dict[str, str] = {}
    for field, message in errors.items():
        if field in inputs:
            placed[field] = message
        elif inputs:
            placed.setdefault(inputs[0], message)
    return placed


def _tell(client: WebClient, body: dict[str, Any], text: str) -> None:
    """Say `text` privately to the person who made the request."""
    user = (body.get("user") or {}).get("id") or body.get("user_id")
    channel = (body.get("channel") or {}).get("id") or body.get("channel_id")
    response_url = body.get("response_url")
    try:
        if response_url:
            WebhookClient(response_url).send(text=text, response_type="ephemeral", replace_original=False)
        elif channel and user and not str(channel).startswith("D"):
            client.chat_postEphemeral(channel=channel, user=user, text=text)
        elif user:
            client.chat_postMessage(channel=user, text=text)
    except (SlackApiError, OSError):
        log.exception("could not tell %s: %s", user, text)


def handle(
    error: Exception, body: dict[str, Any], response: BoltResponse | None, client: WebClient
) -> BoltResponse | None:
    kind = body.get("type")
    if isinstance(error, AlreadyDone):
        if kind == "view_submission" and response is not None:
            view = already_saved_modal(error.entity_type, error.entity_id).to_dict()
            return _json({"response_action": "update", "view": view})
        if kind == "event_callback":
            return BoltResponse(status=200, body="") if response is not None else None
        error = PatchbayError(already_saved_text(error.entity_type, error.entity_id))
    if isinstance(error, PatchbayError):
        if kind == "view_submission" and response is not None:
            errors = error.errors if isinstance(error, InvalidInput) else {"form": error.message}
            return _json({"response_action": "errors", "errors": field_errors(body["view"], errors)})
        text = error.message
    else:
        error_id = uuid.uuid4().hex[:8]
        log.error("unexpected error %s", error_id, exc_info=error)
        text = f"Something went wrong on our side (error {error_id}). Nothing was saved; please try again."
    if kind is None and response is not None:
        # A slash command not yet acknowledged: answer in the response itself.
        return _json({"response_type": "ephemeral", "text": text})
    if response is not None and kind == "view_submission":
        return _json({"response_action": "errors", "errors": field_errors(body["view"], {"form": text})})
    _tell(client, body, text)
    return BoltResponse(status=200, body="") if response is not None else None


def _json(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})


def register(app: App) -> None:
    app.error(handle)
