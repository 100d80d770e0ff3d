"""The workspace's governance policy: the numbers the use-cases decide with."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class Policy(BaseModel):
    """Set by the workspace (see the README's settings); passed into every use-case that needs it."""

    model_config = ConfigDict(frozen=True)

    hourly_rate: Decimal = Field(default=Decimal(50), ge=0)
    currency: str = "USD"
    maintenance_pct: Decimal = Field(default=Decimal(10), ge=0, le=100)
    payback_months: int = Field(default=6, ge=1)
    inflight_cap: int = Field(default=5, ge=1)
    focus_size: int = Field(default=5, ge=1)
    sensitive_approvals: int = Field(default=2, ge=1, le=5)
    review_interval_days: int = Field(default=90, ge=1)
    align_reviews_to_quarters: bool = False
    nudge_after_days: int = Field(default=3, ge=1)
    escalate_after_days: int = Field(default=7, ge=1)
    review_reminder_days: tuple[int, ...] = (3, 7)
    review_escalate_days: int = Field(default=14, ge=1)
    sweep_claim_seconds: int = Field(default=120, ge=0)
    alert_error_rate: float = Field(default=0.2, gt=0, le=1)
    alert_window_runs: int = Field(default=20, ge=1)
    alert_min_runs: int = Field(default=5, ge=1)
    alert_silence_factor: int = Field(default=3, ge=1)
    alert_records_factor: int = Field(default=10, ge=2)
    alert_escalate_hours: int = Field(default=4, ge=1)
    alert_snooze_hours: int = Field(default=24, ge=1)
    auto_suspend: bool = False
    auto_suspend_error_rate: float = Field(default=0.95, gt=0, le=1)
    auto_suspend_min_runs: int = Field(default=20, ge=1)
    auto_suspend_cap: int = Field(default=3, ge=0)
