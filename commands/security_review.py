"""The security review form: scopes and why, credentials, data classes, attestations, encryption."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from commands.errors import InvalidInput
from commands.fields import Choice, Form, Lines, LongText, YesNo, raise_errors
from commands.secrets import find_secret
from commands.vocabulary import (
    SENSITIVE,
    AccessLevel,
    Attestation,
    CredentialStorage,
    CredentialType,
    DataClass,
    ReviewOutcome,
)

SEPARATOR = re.compile(r"\s+[-\u2013:]\s+|:\s*")


class ScopeNeed(BaseModel):
    scope: str
    why: str


def parse_scopes(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    needs: list[ScopeNeed] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if find_secret(line):
            raise PydanticCustomError(
                "secret", "Line {n} looks like a credential. Secrets belong in a vault.", {"n": number}
            )
        parts = SEPARATOR.split(line, maxsplit=1)
        if len(parts) != 2 or not parts[1].strip():
            raise PydanticCustomError(
                "mapping", "Line {n}: say why it is needed, like  deals.read - read won deals", {"n": number}
            )
        needs.append(ScopeNeed(scope=parts[0].strip()[:200], why=parts[1].strip()[:300]))
    if not needs:
        raise PydanticCustomError(
            "mapping", "List each scope or permission it needs, one per line, with why."
        )
    return needs


def format_scopes(needs: list[ScopeNeed]) -> str:
    return "\n".join(f"{need.scope} - {need.why}" for need in needs)


Scopes = Annotated[list[ScopeNeed], BeforeValidator(parse_scopes), Lines(3000)]


class ScopeChange(Form):
    """A change to the scopes or data of an approved or live integration."""

    scopes: Scopes
    data_classes: list[DataClass] = Field(min_length=1)


class SecurityReviewForm(Form):
    field_messages = {
        "data_classes": "Pick the data classes it moves (or 'None of these').",
        "encrypted_in_transit": "Say whether data is encrypted in transit.",
        "encrypted_at_rest": "Say whether data is encrypted at rest.",
        "rotation_days": "Enter the key rotation interval in days, like 90.",
    }

    scopes: Scopes
    access_level: AccessLevel
    credential_type: CredentialType
    credential_storage: CredentialStorage
    data_classes: list[DataClass] = Field(min_length=1)
    attestations: list[Attestation] = Field(default_factory=list)
    encrypted_in_transit: YesNo
    encrypted_at_rest: YesNo
    rotation_days: int = Field(ge=1, le=3650)
    outcome: ReviewOutcome
    notes: LongText = ""

    def check(self) -> None:
        """Rules across fields: what a passing review needs, and notes for the rest."""
        raise_errors(review_errors(dict(self)))


def review_errors(values: dict[str, Any]) -> dict[str, str]:
    """The security review's rules across fields, over the fields that are valid on their own."""
    errors: dict[str, str] = {}
    classes = set(values.get("data_classes") or ())
    attestations = values.get("attestations") or []
    if DataClass.NONE in classes and len(classes) > 1:
        errors["data_classes"] = "'None of these' can't be picked with other data classes."
    outcome = values.get("outcome")
    if outcome is ReviewOutcome.PASS:
        if values.get("credential_storage") is CredentialStorage.CODE:
            errors["credential_storage"] = (
                "A credential kept in code or a config file fails the review: move it to a vault."
            )
        if classes & SENSITIVE and not attestations and "attestations" in values:
            errors["attestations"] = "Personal, financial or health data needs the platform's attestations."
        if DataClass.HEALTH in classes and Attestation.HIPAA not in attestations and "attestations" in values:
            errors["attestations"] = "Health data needs a platform with HIPAA attestation."
        if values.get("encrypted_in_transit") is False:
            errors["encrypted_in_transit"] = "Data must be encrypted in transit to pass."
        if classes & SENSITIVE and values.get("encrypted_at_rest") is False:
            errors["encrypted_at_rest"] = (
                "Personal, financial or health data must be encrypted at rest to pass."
            )
    elif outcome is not None and not values.get("notes") and "notes" in values:
        errors["notes"] = "Say what has to change, or why it fails."
    return errors


class SandboxForm(Form):
    """The sandbox test the owner records before deploying."""

    field_messages = {"checklist": "Tick every item: each one has to be tried before going live."}

    checklist: list[Choice] = Field(default_factory=list)
    notes: LongText = ""


SANDBOX_CHECKS = {
    "crud": "Create, update and delete are handled",
    "api_down": "Tried with the API down",
    "bad_data": "Tried with unexpected data",
    "errors_logged": "Errors are logged",
    "alerting": "Someone is alerted when it fails",
}


def check_sandbox(form: SandboxForm) -> None:
    missing = [label for key, label in SANDBOX_CHECKS.items() if key not in form.checklist]
    if missing:
        raise InvalidInput({"checklist": "Not yet tried: " + "; ".join(missing) + "."})


class ReasonForm(Form):
    reason: LongText = Field(min_length=1)
