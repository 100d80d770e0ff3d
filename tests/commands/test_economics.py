"""Score, savings, cost and payback against hand-computed figures."""

from __future__ import annotations

from decimal import Decimal

from commands.economics import evaluate
from commands.policy import Policy


def test_figures_follow_the_documented_formulas() -> None:
    result = evaluate(
        frequency=4,
        impact=3,
        feasibility=5,
        hours_per_week=Decimal(3),
        monthly_cost=Decimal(20),
        effort_hours=Decimal(8),
        policy=Policy(),
    )
    # 3 h/week x 52 x 50 = 7,800 a year; build 8 x 50 = 400; maintenance 10% = 40; run 20 x 12 = 240
    assert result.score == 12
    assert result.annual_savings == Decimal("7800.00")
    assert result.first_year_cost == Decimal("680.00")
    assert result.payback_months == Decimal("1.0")  # 680 / (7800 / 12) = 1.046
    assert result.slow_payback is False


def test_slow_and_never_paying_back_are_flagged() -> None:
    policy = Policy(hourly_rate=Decimal(80), maintenance_pct=Decimal(20), payback_months=6)
    slow = evaluate(
        frequency=1,
        impact=1,
        feasibility=1,
        hours_per_week=Decimal("0.5"),
        monthly_cost=Decimal(300),
        effort_hours=Decimal(40),
        policy=policy,
    )
    # savings 0.5 x 52 x 80 = 2,080; cost 3,600 + 3,200 + 640 = 7,440; payback 7,440 / 173.33 = 42.9
    assert slow.first_year_cost == Decimal("7440.00")
    assert slow.payback_months == Decimal("42.9") and slow.slow_payback
    never = evaluate(
        frequency=1,
        impact=1,
        feasibility=1,
        hours_per_week=Decimal(0),
        monthly_cost=Decimal(0),
        effort_hours=Decimal(1),
        policy=policy,
    )
    assert never.payback_months is None and never.slow_payback
