"""The settings hold the Policy: every field of it is set by PATCHBAY_<FIELD>, validated once, by the
Policy itself, from the environment, a `.env` file or the values a test passes in."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.settings import POLICY_PREFIX, Settings, SettingsError, load_settings
from commands.policy import Policy


def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **values: str) -> None:
    """A clean environment in an empty folder (no .env unless a test writes one), plus `values`."""
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.upper().startswith("PATCHBAY_")]:
        monkeypatch.delenv(name)
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def _raw(value: object) -> str:
    """A value as it is written in the environment."""
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    return str(value).lower() if isinstance(value, bool) else str(value)


def test_the_nudge_and_escalation_days_are_set_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _env(monkeypatch, tmp_path, PATCHBAY_NUDGE_AFTER_DAYS="4", PATCHBAY_ESCALATE_AFTER_DAYS="10")
    policy = load_settings().policy
    assert (policy.nudge_after_days, policy.escalate_after_days) == (4, 10)


def test_every_policy_field_is_read_from_its_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _env(monkeypatch, tmp_path)
    for name, field in Policy.model_fields.items():
        monkeypatch.setenv(f"PATCHBAY_{name.upper()}", _raw(field.get_default(call_default_factory=True)))
    assert load_settings().policy == Policy()
    # And each one really is read: a value the Policy refuses is refused, naming that variable.
    for name in Policy.model_fields:
        monkeypatch.setenv(f"PATCHBAY_{name.upper()}", "not a value")
        with pytest.raises(SettingsError, match=f"^setting PATCHBAY_{name.upper()} is invalid: ") as refused:
            load_settings()
        assert "\n" not in str(refused.value)
        monkeypatch.setenv(f"PATCHBAY_{name.upper()}", _raw(Policy.model_fields[name].get_default()))


def test_the_environment_wins_over_the_env_file_and_values_passed_in_win_over_both(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _env(monkeypatch, tmp_path, PATCHBAY_NUDGE_AFTER_DAYS="6")
    (tmp_path / ".env").write_text("PATCHBAY_NUDGE_AFTER_DAYS=2\nPATCHBAY_REVIEW_REMINDER_DAYS=2, 5\n")
    policy = load_settings().policy
    assert (policy.nudge_after_days, policy.review_reminder_days) == (6, (2, 5))
    assert load_settings(patchbay_nudge_after_days="1").policy.nudge_after_days == 1


def test_no_setting_of_its_own_shadows_a_policy_field() -> None:
    own = {name.removeprefix(POLICY_PREFIX) for name in Settings.model_fields}
    assert own & set(Policy.model_fields) == set()
