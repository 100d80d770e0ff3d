"""The workspace's governance policy: the numbers the use-cases decide with."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from commands.fields import Lines
from commands.vocabulary import SENSITIVE, DataClass


def _days_list(value: Any) -> Any:
    """`"3, 7"` as typed in the settings modal or the environment, or a sequence of numbers."""
    if isinstance(value, str):
        parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        return tuple(parts)
    return value


ReminderDays = Annotated[
    tuple[Annotated[int, Field(ge=1, le=365)], ...],
    BeforeValidator(_days_list),
    Lines(30),
    Field(min_length=1, max_length=5),
]


PERCENT_FIELDS = frozenset({"alert_error_rate", "auto_suspend_error_rate"})
PERCENT_MESSAGE = "Enter a percentage above 0 and at most 100, like 20."


def rate_of_percent(raw: Any) -> float | None:
    """A rate (0-1] from a percentage as typed ("20", "20%", "12.5"); None when it is not one."""
    text = str(raw).strip().removesuffix("%").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite() or not 0 < number <= 100:
        return None
    return float(number / 100)


def percent_of_rate(rate: float) -> str:
    """A rate as the percentage people type: 0.2 -> "20", 0.125 -> "12.5"."""
    return f"{Decimal(str(round(rate * 100, 4))).normalize():f}"


class Policy(BaseModel):
    """Set by the workspace (see the README's settings); passed into every use-case that needs it.

    The environment gives the defaults; admins change them in Slack (`/patchbay settings`), and the
    same model validates both, field by field.
    """

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    hourly_rate: Decimal = Field(default=Decimal(50), ge=0, le=Decimal(100000), decimal_places=2)
    currency: str = Field(default="USD", min_length=1, max_length=8, pattern=r"^[A-Za-z$€£¥]+$")
    maintenance_pct: Decimal = Field(default=Decimal(10), ge=0, le=100, decimal_places=1)
    payback_months: int = Field(default=6, ge=1, le=120)
    inflight_cap: int = Field(default=5, ge=1, le=1000)
    focus_size: int = Field(default=5, ge=1, le=50)
    sensitive_approvals: int = Field(default=2, ge=1, le=5)
    review_interval_days: int = Field(default=90, ge=1, le=92)
    low_risk_review_interval_days: int = Field(default=90, ge=1, le=366)
    align_reviews_to_quarters: bool = False
    nudge_after_days: int = Field(default=3, ge=1, le=90)
    escalate_after_days: int = Field(default=7, ge=1, le=90)
    review_reminder_days: ReminderDays = (3, 7)
    review_escalate_days: int = Field(default=14, ge=1, le=90)
    governance_channel: str = Field(default="", max_length=32, pattern=r"^([CG][A-Z0-9]{2,})?$")
    sweep_claim_seconds: int = Field(default=120, ge=0)
    alert_error_rate: float = Field(default=0.2, gt=0, le=1)
    alert_window_runs: int = Field(default=20, ge=1, le=1000)
    alert_min_runs: int = Field(default=5, ge=1, le=1000)
    alert_silence_factor: int = Field(default=3, ge=1, le=100)
    alert_records_factor: int = Field(default=10, ge=2, le=1000)
    alert_escalate_hours: int = Field(default=4, ge=1, le=720)
    alert_snooze_hours: int = Field(default=24, ge=1, le=720)
    auto_suspend: bool = False
    auto_suspend_error_rate: float = Field(default=0.95, gt=0, le=1)
    auto_suspend_min_runs: int = Field(default=20, ge=1, le=100000)
    auto_suspend_cap: int = Field(default=3, ge=0, le=1000)

    def review_days(self, data_classes: list[str]) -> int:
        """Days between reviews: a quarter at most for personal, financial or health data."""
        if {DataClass(c) for c in data_classes} & SENSITIVE:
            return self.review_interval_days
        return self.low_risk_review_interval_days

    def next_review(self, after: date, data_classes: list[str]) -> date:
        """The next review after `after`: N days on, or (aligned) the start of a coming calendar quarter."""
        days = self.review_days(data_classes)
        if not self.align_reviews_to_quarters:
            return after + timedelta(days=days)
        quarters = max(1, round(days / 91.25))
        month = 3 * ((after.month - 1) // 3) + 3 * quarters
        return date(after.year + month // 12, month % 12 + 1, 1)
