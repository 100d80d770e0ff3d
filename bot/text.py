"""Putting user text into Slack messages safely."""

from __future__ import annotations

import re
from decimal import Decimal

from commands.errors import Command, Mention

USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")


class Markup(str):
    """Slack text the app composed itself (a mention of a validated id, text already escaped)."""


def escape(text: str) -> str:
    """The one escaping function: Slack's three control characters &, < and > become entities.

    People's text (names, titles, notes, reasons, mappings, CSV values, echoed input) reaches a
    message, a block, a fallback `text`, a file title or a view only through here, so it can never
    become `<!channel>`, `<!here>`, `<@U...>`, `<#C...>` or a link.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(value: object) -> str:
    """A template value for Slack: `Markup` as it is, anything else escaped (Jinja2's `finalize`)."""
    return value if isinstance(value, Markup) else escape(str(value))


def _value(value: str, *, escaped: bool) -> str:
    if isinstance(value, Mention) and USER_ID.fullmatch(value):
        return f"<@{value}>"
    if isinstance(value, Command):
        return f"`{escape(value) if escaped else value}`"
    return escape(value) if escaped else value


def fill(template: str, **values: str) -> str:
    """`template` (the app's own wording) with each of `values` (people's text) escaped into it.

    A `Mention` becomes a mention of that person and a `Command` is shown as code.
    """
    if not values:
        return template
    return template.format(**{name: _value(value, escaped=True) for name, value in values.items()})


def plain_fill(template: str, **values: str) -> str:
    """The same sentence for plain text (a modal's field error), where nothing is escaped."""
    if not values:
        return template
    return template.format(**{name: _value(value, escaped=False) for name, value in values.items()})


def money(amount: Decimal | float | None, currency: str = "") -> str:
    if amount is None:
        return "-"
    value = (
        f"{Decimal(amount):,.2f}".rstrip("0").rstrip(".")
        if Decimal(amount) % 1
        else f"{Decimal(amount):,.0f}"
    )
    return f"{value} {currency}".strip()
