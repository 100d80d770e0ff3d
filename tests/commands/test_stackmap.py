"""The flow arithmetic the stack map and the opportunities list weigh handoffs by."""

from __future__ import annotations

from decimal import Decimal

from commands.flows import hours_per_week, suggested_frequency


def test_hours_and_frequency_from_a_flow() -> None:
    assert hours_per_week(Decimal(5), 20) == Decimal("1.67")
    assert [suggested_frequency(Decimal(n)) for n in ("0.1", "0.25", "1", "5", "20")] == [1, 2, 3, 4, 5]
