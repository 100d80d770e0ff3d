"""One error handler: domain errors become a field error or an ephemeral line; the rest get an id.

It acts only on requests that passed verification (the request context says so): anything
else gets 401 and nothing more, whatever its body names (a response_url, a channel).
A verified payload no listener takes is answered 200 and logged by its type and ids only.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.error import BoltUnhandledRequestError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.text import escape, fill, plain_fill
from bot.views.saved import already_saved_modal, already_saved_text
from bot.web.listener_names import listener_name
from commands.errors import InvalidInput, PatchbayError
from commands.once import AlreadyDone

log = logging.getLogger("patchbay.errors")


def field_errors(view: dict[str, Any], errors: dict[str, str]) -> dict[str, str]:
    """Place each message on its input block; anything without a block goes on the first input."""
    blocks = view.get("blocks") if isinstance(view, dict) else None
    inputs: list[str] = [
        block["block_id"]
        for block in (blocks if isinstance(blocks, list) else [])
        if isinstance(block, dict) and block.get("type") == "input" and isinstance(block.get("block_id"), str)
    ]
    placed: dict[str, str] = {}
    for field, message in errors.items():
        if field in inputs:
            placed[field] = message
        elif inputs:
            placed.setdefault(inputs[0], message)
    return placed


def _id(body: dict[str, Any], key: str) -> str | None:
    """`body[key]["id"]` (interactions) or `body[key + "_id"]` (slash commands), if a string."""
    nested = body.get(key)
    found = nested.get("id") if isinstance(nested, dict) else body.get(f"{key}_id")
    return found if isinstance(found, str) and found else None


def _tell(client: WebClient, body: dict[str, Any], text: str) -> None:
    """Say `text` privately to the person who made the request."""
    user = _id(body, "user")
    channel = _id(body, "channel")
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


def outline(body: dict[str, Any]) -> str:
    """What a payload is, by its type and ids only: never text a person wrote."""
    team, user = _id(body, "team"), _id(body, "user")
    event_id = body.get("event_id")
    parts = [listener_name(body), f"team={team}", f"user={user}"]
    if event_id:
        parts.append(f"event={event_id}")
    return " ".join(str(part) for part in parts)


def _json(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})


def _unhandled(body: dict[str, Any]) -> BoltResponse:
    """Slack counts anything but a 2xx as a failed delivery: take what no listener wants."""
    log.info("no listener for %s", outline(body))
    if body.get("type") == "block_suggestion":
        return _json({"options": []})
    return BoltResponse(status=200, body="")


def handle(
    error: Exception,
    body: dict[str, Any],
    response: BoltResponse | None,
    client: WebClient,
    context: BoltContext,
) -> BoltResponse | None:
    if not context.get("verified"):
        log.warning("ignored %s raised before verification", type(error).__name__)
        return BoltResponse(status=401, body="") if response is not None else None
    if isinstance(error, BoltUnhandledRequestError):
        return _unhandled(body)
    kind = body.get("type")
    if context.get("committed") and not isinstance(error, PatchbayError):
        # The change stands; only what follows it failed. Saying "nothing was saved" invites a repeat.
        error_id = uuid.uuid4().hex[:8]
        log.error("error %s after a committed change", error_id, exc_info=error)
        what = context.get("saved")
        done = f"Saved {what}" if what else "Your change was saved"
        _tell(
            client,
            body,
            f"{done}; but we could not finish what comes after it (error {error_id}). "
            "There is no need to do it again.",
        )
        return BoltResponse(status=200, body="") if response is not None else None
    if isinstance(error, AlreadyDone):
        if kind == "view_submission" and response is not None:
            view = already_saved_modal(error.entity_type, error.entity_id).to_dict()
            return _json({"response_action": "update", "view": view})
        if kind == "event_callback":
            return BoltResponse(status=200, body="") if response is not None else None
        error = PatchbayError(already_saved_text(error.entity_type, error.entity_id))
    if isinstance(error, PatchbayError):
        if kind == "view_submission" and response is not None:
            errors = (
                error.errors
                if isinstance(error, InvalidInput)
                else {"form": plain_fill(error.template, **error.quoted)}
            )
            placed = field_errors(body.get("view") or {}, errors)
            if placed:
                return _json({"response_action": "errors", "errors": placed})
        # Outside a modal there is no field to point at: say the sentences, not the field names.
        if isinstance(error, InvalidInput):
            text = " ".join(escape(message) for message in error.errors.values())
        else:
            text = fill(error.template, **error.quoted)
    else:
        error_id = uuid.uuid4().hex[:8]
        log.error("unexpected error %s", error_id, exc_info=error)
        text = f"Something went wrong on our side (error {error_id}). Nothing was saved; please try again."
    if kind is None and response is not None:
        # A slash command not yet acknowledged: answer in the response itself.
        return _json({"response_type": "ephemeral", "text": text})
    if response is not None and kind == "view_submission":
        placed = field_errors(body.get("view") or {}, {"form": text})
        if placed:
            return _json({"response_action": "errors", "errors": placed})
    _tell(client, body, text)
    return BoltResponse(status=200, body="") if response is not None else None


def register(app: App) -> None:
    app.error(handle)
