"""What an integration is worth: score, savings, cost and payback."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel

from commands.policy import Policy

WEEKS_PER_YEAR = 52
MONTHS_PER_YEAR = 12


class Economics(BaseModel):
    score: int
    annual_savings: Decimal
    build_cost: Decimal
    first_year_cost: Decimal
    payback_months: Decimal | None
    slow_payback: bool


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def evaluate(
    *,
    frequency: int,
    impact: int,
    feasibility: int,
    hours_per_week: Decimal,
    monthly_cost: Decimal,
    effort_hours: Decimal,
    policy: Policy,
) -> Economics:
    """Score 3-15; savings = hours/week x 52 x rate; first-year cost = run + build + maintenance.

    Payback is how many months of savings cover the first-year cost; None when nothing is saved.
    """
    annual_savings = hours_per_week * WEEKS_PER_YEAR * policy.hourly_rate
    build_cost = effort_hours * policy.hourly_rate
    maintenance = build_cost * policy.maintenance_pct / 100
    first_year_cost = monthly_cost * MONTHS_PER_YEAR + build_cost + maintenance
    monthly_savings = annual_savings / MONTHS_PER_YEAR
    payback = (first_year_cost / monthly_savings).quantize(Decimal("0.1")) if monthly_savings > 0 else None
    return Economics(
        score=frequency + impact + feasibility,
        annual_savings=_money(annual_savings),
        build_cost=_money(build_cost),
        first_year_cost=_money(first_year_cost),
        payback_months=payback,
        slow_payback=payback is None or payback > policy.payback_months,
    )
