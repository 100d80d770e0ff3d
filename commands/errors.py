"""Domain errors. Each carries a sentence meant for the person who caused it."""

from __future__ import annotations


class PatchbayError(Exception):
    """Base class: `message` is safe to show to the user as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(PatchbayError):
    """One message per field that was wrong; nothing was stored."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {text}" for field, text in errors.items()))
        self.errors = errors


class NotAllowed(PatchbayError):
    """The actor may not do this; the message says who can."""


class NotFound(PatchbayError):
    """The thing asked for does not exist."""


class Conflict(PatchbayError):
    """Someone else changed the record first; the message says who and what."""
