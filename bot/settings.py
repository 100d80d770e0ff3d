"""Every setting Patchbay reads, from the environment or a `.env` file."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AnyHttpUrl, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from commands.policy import Policy

UserIds = Annotated[frozenset[str], NoDecode]


class Settings(BaseSettings):
    """Slack credentials, the database and the workspace's governance policy."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    slack_bot_token: str = Field(default="", pattern=r"^(xoxb-.*)?$")
    slack_app_token: str = Field(default="", pattern=r"^(xapp-.*)?$")
    slack_signing_secret: str = ""
    slack_api_url: AnyHttpUrl = AnyHttpUrl("https://slack.com/api/")
    database_url: str = "sqlite:///patchbay.db"

    patchbay_admins: UserIds = frozenset()
    patchbay_admin_group: str = ""
    patchbay_security_reviewers: UserIds = frozenset()
    patchbay_security_group: str = ""
    patchbay_approvers: UserIds = frozenset()
    patchbay_approver_group: str = ""
    patchbay_governance_channel: str = ""
    patchbay_hourly_rate: Decimal = Field(default=Decimal(50), ge=0)
    patchbay_currency: str = Field(default="USD", min_length=1, max_length=8)
    patchbay_maintenance_pct: Decimal = Field(default=Decimal(10), ge=0, le=100)
    patchbay_payback_months: int = Field(default=6, ge=1)
    patchbay_inflight_cap: int = Field(default=5, ge=1)
    patchbay_focus_size: int = Field(default=5, ge=1)
    patchbay_sweep_time: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    patchbay_timezone: str = "UTC"
    patchbay_review_interval_days: int = Field(default=90, ge=1)
    patchbay_low_risk_review_interval_days: int = Field(default=90, ge=1)
    patchbay_align_reviews_to_quarters: bool = False
    patchbay_review_reminder_days: str = Field(default="3,7", pattern=r"^\d+(,\d+)*$")
    patchbay_review_escalate_days: int = Field(default=14, ge=1)
    patchbay_nudge_after_days: int = Field(default=3, ge=1)
    patchbay_escalate_after_days: int = Field(default=7, ge=1)
    patchbay_sweep_claim_seconds: int = Field(default=120, ge=0)
    patchbay_sweep_workers: int = Field(default=8, ge=1, le=64)
    patchbay_slack_posts_per_minute: float = Field(default=300, gt=0)
    patchbay_slack_channel_pace_seconds: float = Field(default=1.0, ge=0)
    patchbay_slack_lookups_per_minute: float = Field(default=1.0, gt=0)
    patchbay_sensitive_approvals: int = Field(default=2, ge=1, le=5)
    patchbay_role_cache_seconds: int = Field(default=300, ge=0)
    patchbay_log_format: str = Field(default="text", pattern=r"^(text|json)$")
    patchbay_auto_suspend: bool = False
    patchbay_auto_suspend_cap: int = Field(default=3, ge=0)
    patchbay_public_url: str = Field(default="", pattern=r"^(https?://\S+)?$")
    patchbay_run_retention_days: int = Field(default=30, ge=1)
    patchbay_run_reports_per_minute: float = Field(default=600, gt=0)
    patchbay_run_reports_burst: int = Field(default=60, ge=1)
    patchbay_http_port: int | None = Field(default=None, ge=1, le=65535)

    @field_validator("patchbay_admins", "patchbay_security_reviewers", "patchbay_approvers", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            ids = frozenset(part.strip() for part in value.replace(";", ",").split(",") if part.strip())
            bad = sorted(i for i in ids if not (i[:1] in "UW" and i.isalnum() and i.isupper()))
            if bad:
                raise ValueError(f"not Slack user ids: {', '.join(bad)} (they look like U012ABCDEF)")
            return ids
        return value

    @field_validator("patchbay_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use a name like Europe/Berlin)") from None
        return value

    @model_validator(mode="after")
    def _policy_holds(self) -> Settings:
        try:
            self.policy  # noqa: B018 - the Policy's own bounds apply to the environment too
        except ValidationError as exc:
            error = exc.errors()[0]
            name = f"PATCHBAY_{str(error['loc'][0]).upper()}" if error["loc"] else "policy"
            raise ValueError(f"{name}: {error['msg']}") from None
        return self

    @property
    def policy(self) -> Policy:
        """The environment's policy: the defaults a workspace starts from until admins change them."""
        return Policy(
            hourly_rate=self.patchbay_hourly_rate,
            currency=self.patchbay_currency,
            maintenance_pct=self.patchbay_maintenance_pct,
            payback_months=self.patchbay_payback_months,
            inflight_cap=self.patchbay_inflight_cap,
            focus_size=self.patchbay_focus_size,
            sensitive_approvals=self.patchbay_sensitive_approvals,
            review_interval_days=self.patchbay_review_interval_days,
            low_risk_review_interval_days=self.patchbay_low_risk_review_interval_days,
            align_reviews_to_quarters=self.patchbay_align_reviews_to_quarters,
            review_reminder_days=self.patchbay_review_reminder_days,
            review_escalate_days=self.patchbay_review_escalate_days,
            nudge_after_days=self.patchbay_nudge_after_days,
            escalate_after_days=self.patchbay_escalate_after_days,
            governance_channel=self.patchbay_governance_channel,
            sweep_claim_seconds=self.patchbay_sweep_claim_seconds,
            auto_suspend=self.patchbay_auto_suspend,
            auto_suspend_cap=self.patchbay_auto_suspend_cap,
        )

    @property
    def runs_url(self) -> str:
        """Where platforms POST their run reports."""
        base = self.patchbay_public_url.rstrip("/") or "https://YOUR-PATCHBAY-HOST"
        return base + "/runs"

    @property
    def api_url(self) -> str:
        url = str(self.slack_api_url)
        return url if url.endswith("/") else url + "/"


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it in one line."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "settings"
        raise SettingsError(f"setting {name} is invalid: {error['msg']}") from None


def require(settings: Settings, *names: str) -> None:
    """Stop with one line naming the first of `names` that is not set."""
    for name in names:
        if not getattr(settings, name.lower()):
            raise SettingsError(f"setting {name} is missing: set it in the environment or in .env")


def missing_setup(settings: Settings) -> list[str]:
    """What a workspace still needs before proposals can move: each role, and the governance channel."""
    roles = (
        ("admin", "PATCHBAY_ADMINS", "PATCHBAY_ADMIN_GROUP", "admins"),
        ("security reviewer", "PATCHBAY_SECURITY_REVIEWERS", "PATCHBAY_SECURITY_GROUP", "security_reviewers"),
        ("approver", "PATCHBAY_APPROVERS", "PATCHBAY_APPROVER_GROUP", "approvers"),
    )
    found = []
    for role, ids, group, field in roles:
        if not getattr(settings, f"patchbay_{field}") and not getattr(settings, group.lower()):
            found.append(f"no {role} is set ({ids} or {group}): nothing can pass that step")
    if not settings.patchbay_governance_channel:
        found.append(
            "PATCHBAY_GOVERNANCE_CHANNEL is not set: proposal cards and escalations are not posted anywhere"
            " until an admin picks a channel in `/patchbay settings`"
        )
    return found
