"""The door of POST /slack/events: a request is verified before anything reads or parses it.

In order, and nothing else happens on a refusal (no listener, no error handler, no outbound call,
and no byte of the body in any log):

* signature headers missing or malformed (a timestamp that is not a number) -> 401
* a declared or actual body over MAX_BODY_BYTES -> 413, read no further than the cap
* a signature that does not match, or a timestamp more than five minutes off -> 401
* signed, but not UTF-8, or not form data or JSON shaped like a Slack payload -> 400
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from slack_bolt.middleware.request_verification import RequestVerification
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.signing import sign

MAX_BODY_BYTES = 1 << 20  # Slack's payloads are a few KB; 1 MiB leaves room for any view
TIMESTAMP = re.compile(r"[0-9]{1,12}")
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")

log = logging.getLogger("patchbay.gate")


@dataclass(frozen=True)
class Refusal:
    """What the gate answers instead of passing the request on; `reason` is also the body."""

    code: int
    reason: str

    @property
    def status(self) -> str:
        return {400: "400 Bad Request", 401: "401 Unauthorized", 413: "413 Payload Too Large"}[self.code]


UNSIGNED = Refusal(401, "invalid request")
TOO_LARGE = Refusal(413, "request too large")
UNREADABLE = Refusal(400, "unreadable request")


class BytesSignatureVerifier(SignatureVerifier):
    """slack_sdk's verifier (five-minute window, constant-time compare) over the raw bytes.

    The stock one decodes the body as UTF-8 first, so a signed body that is not UTF-8 could not
    be told apart from a forged one.
    """

    def generate_signature(self, *, timestamp: str, body: str | bytes) -> str | None:
        raw = body.encode() if isinstance(body, str) else body
        return sign(self.signing_secret, raw, int(timestamp))["X-Slack-Signature"]


def _declared_length(environ: dict[str, Any]) -> int | None:
    value = str(environ.get("CONTENT_LENGTH") or "").strip()
    return int(value) if value.isdigit() else None


def _read(environ: dict[str, Any]) -> bytes | None:
    """The body, or None when it is longer than the cap (never reading more than cap + 1 bytes)."""
    declared = _declared_length(environ)
    if declared is not None and declared > MAX_BODY_BYTES:
        return None
    stream = environ["wsgi.input"]
    body: bytes = stream.read(declared) if declared is not None else stream.read(MAX_BODY_BYTES + 1)
    return None if len(body) > MAX_BODY_BYTES else body


Named = dict[str, Any] | str | None


class Envelope(BaseModel):
    """The fields Bolt reads while routing a payload, in the shapes Slack sends them."""

    type: str | None = None
    command: str | None = None
    ssl_check: str | None = None
    event: dict[str, Any] | None = None
    view: dict[str, Any] | None = None
    actions: list[dict[str, Any]] | None = None
    team: Named = None
    user: Named = None
    channel: Named = None
    container: dict[str, Any] | None = None
    message: dict[str, Any] | None = None
    authorizations: list[dict[str, Any]] | None = None

    @property
    def is_slack(self) -> bool:
        return bool(self.type or self.command or self.ssl_check)


def _readable(body: bytes, content_type: str) -> bool:
    """Does Bolt read this signed body into something shaped like what Slack sends?"""
    try:
        text = body.decode("utf-8")
        request = BoltRequest(body=text, headers={"content-type": content_type})
        return Envelope.model_validate(request.body).is_slack
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):  # ValidationError too
        return False


def admit(environ: dict[str, Any], verifier: SignatureVerifier) -> bytes | Refusal:
    """The verified, readable body of a request to POST /slack/events, or why it is refused."""
    timestamp = str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""))
    signature = str(environ.get("HTTP_X_SLACK_SIGNATURE", ""))
    if not TIMESTAMP.fullmatch(timestamp) or not SIGNATURE.fullmatch(signature):
        return _refuse(UNSIGNED, "signature headers missing or malformed")
    body = _read(environ)
    if body is None:
        return _refuse(TOO_LARGE, "body over the cap")
    if not verifier.is_valid(body, timestamp, signature):
        return _refuse(UNSIGNED, "signature does not match or timestamp out of window")
    if not _readable(body, str(environ.get("CONTENT_TYPE", ""))):
        return _refuse(UNREADABLE, "signed body is not UTF-8 form data or JSON")
    return body


def _refuse(refusal: Refusal, why: str) -> Refusal:
    log.info("refused a request to /slack/events with %d: %s", refusal.code, why)
    return refusal


class QuietRequestVerification(RequestVerification):
    """Bolt's own check, kept as a second line behind the gate; it logs no body when it refuses."""

    def _debug_log_error(self, signature: str, timestamp: str, body: Any) -> None:
        log.info("Bolt refused a request whose signature does not match")
