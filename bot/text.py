"""Putting user text into Slack messages safely."""

from __future__ import annotations

from decimal import Decimal


def escape(text: str) -> str:
    """Escape the three characters Slack treats as control: &, < and >."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def money(amount: Decimal | float | None, currency: str = "") -> str:
    if amount is None:
        return "-"
    value = (
        f"{Decimal(amount):,.2f}".rstrip("0").rstrip(".")
        if Decimal(amount) % 1
        else f"{Decimal(amount):,.0f}"
    )
    return f"{value} {currency}".strip()
