"""Every setting Patchbay reads, from the environment or a `.env` file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AnyHttpUrl,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from commands.policy import Policy

UserIds = Annotated[frozenset[str], NoDecode]
POLICY_PREFIX = "patchbay_"


class _PolicyVariables(PydanticBaseSettingsSource):
    """PATCHBAY_<FIELD> for every field of the Policy, from the environment, else the .env file.

    Read from the Policy's own fields, so a field added to it is settable with no change here.
    """

    def __init__(self, settings_cls: type[BaseSettings], *sources: PydanticBaseSettingsSource) -> None:
        super().__init__(settings_cls)
        self.found: list[Mapping[str, str | None]] = [getattr(source, "env_vars", {}) for source in sources]

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # not a field of Settings: __call__ reads the Policy's

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in Policy.model_fields:
            key = POLICY_PREFIX + name
            value = next((found[key] for found in self.found if found.get(key) is not None), None)
            if value is not None:
                values[key] = value
        return values


class Settings(BaseSettings):
    """Slack credentials, the database, how the app runs, and the workspace's governance policy.

    The policy is not declared again here: `PATCHBAY_<FIELD>` sets each field of `Policy` (say,
    `PATCHBAY_NUDGE_AFTER_DAYS` its `nudge_after_days`), validated by the Policy itself.
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)
    _policy: Policy = PrivateAttr(default_factory=Policy)

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
    patchbay_sweep_time: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    patchbay_timezone: str = "UTC"
    patchbay_sweep_workers: int = Field(default=8, ge=1, le=64)
    patchbay_slack_posts_per_minute: float = Field(default=300, gt=0)
    patchbay_slack_channel_pace_seconds: float = Field(default=1.0, ge=0)
    patchbay_slack_lookups_per_minute: float = Field(default=1.0, gt=0)
    patchbay_role_cache_seconds: int = Field(default=300, ge=0)
    patchbay_log_format: str = Field(default="text", pattern=r"^(text|json)$")
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

    @model_validator(mode="wrap")
    @classmethod
    def _with_policy(cls, data: Any, handler: ModelWrapValidatorHandler[Settings]) -> Settings:
        """Take each PATCHBAY_<POLICY FIELD> out of the values and validate them as the Policy."""
        values = dict(data) if isinstance(data, dict) else {}
        raw = {}
        for key in list(values):
            name = key.lower().removeprefix(POLICY_PREFIX)
            if key.lower().startswith(POLICY_PREFIX) and name in Policy.model_fields:
                raw[name] = values.pop(key)
        try:
            policy = Policy.model_validate(raw)
        except ValidationError as exc:
            error = exc.errors()[0]
            setting = f"{POLICY_PREFIX}{error['loc'][0]}".upper() if error["loc"] else "PATCHBAY_*"
            raise PydanticCustomError(
                "policy_setting", "{message}", {"setting": setting, "message": error["msg"]}
            ) from None
        settings = handler(values)
        settings._policy = policy
        return settings

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Before the .env file's own source, which passes on every variable it holds, policy ones too.
        policy = _PolicyVariables(settings_cls, env_settings, dotenv_settings)
        return init_settings, env_settings, policy, dotenv_settings, file_secret_settings

    @property
    def policy(self) -> Policy:
        """The environment's policy: the defaults a workspace starts from until admins change them."""
        return self._policy

    @property
    def runs_url(self) -> str:
        """Where platforms POST their run reports."""
        base = self.patchbay_public_url.rstrip("/") or "https://YOUR-PATCHBAY-HOST"
        return base + "/runs"

    @property
    def api_url(self) -> str:
        url = str(self.slack_api_url)
        return url if url.endswith("/") else url + "/"


def variable_names() -> frozenset[str]:
    """Every environment variable Patchbay reads: its own settings and one per field of the Policy."""
    own = {name.upper() for name in Settings.model_fields}
    return frozenset(own | {f"{POLICY_PREFIX}{name}".upper() for name in Policy.model_fields})


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it in one line."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        named = str(error["loc"][0]).upper() if error["loc"] else "settings"
        name = (error.get("ctx") or {}).get("setting") or named
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
    if not settings.policy.governance_channel:
        found.append(
            "PATCHBAY_GOVERNANCE_CHANNEL is not set: proposal cards and escalations are not posted anywhere"
            " until an admin picks a channel in `/patchbay settings`"
        )
    return found
