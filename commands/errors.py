"""Domain errors. Each carries a sentence meant for the person who caused it."""

from __future__ import annotations


class Mention(str):
    """A Slack user id named in a sentence: `bot/` shows it as a mention of that person."""


class Command(str):
    """A Patchbay command named in a sentence (`/patchbay settings`): `bot/` shows it as code."""


class PatchbayError(Exception):
    """Base class: a plain sentence for the user, never Slack markup.

    People's text never goes into `template` itself: it is passed as a named value
    (`NotFound("No tool called {name}.", name=typed)`), which the edge escapes before showing it.
    A person or a command is a named value too (`owner=Mention(user_id)`), which the edge words.
    `message` is the sentence with the values filled in as they are (for logs and tests).
    """

    def __init__(self, template: str, **quoted: str) -> None:
        self.template = template
        self.quoted = quoted
        self.message = template.format(**quoted) if quoted else template
        super().__init__(self.message)


class InvalidInput(PatchbayError):
    """One message per field that was wrong; nothing was stored."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("{errors}", errors="; ".join(f"{field}: {text}" for field, text in errors.items()))
        self.errors = errors


class NotAllowed(PatchbayError):
    """The actor may not do this; the message says who can."""


class NotFound(PatchbayError):
    """The thing asked for does not exist."""


class Conflict(PatchbayError):
    """Someone else changed the record first; the message says who and what."""
