"""An integration's own thresholds over the workspace policy, and percentages as people type them."""

from __future__ import annotations

import pytest

from commands.policy import Policy, percent_of_rate, rate_of_percent
from commands.thresholds import effective_policy


def test_own_values_replace_the_workspaces_and_the_rest_follow_it() -> None:
    workspace = Policy(alert_error_rate=0.3, alert_records_factor=7)
    held = effective_policy(
        workspace, {"alert_error_rate": 0.5, "auto_suspend": True, "expected_minutes": 30}
    )
    assert (held.alert_error_rate, held.auto_suspend, held.alert_records_factor) == (0.5, True, 7)
    assert effective_policy(workspace, {}) is workspace


def test_an_own_minimum_above_a_narrowed_window_counts_as_the_whole_window() -> None:
    held = effective_policy(Policy(alert_window_runs=10, alert_min_runs=3), {"alert_min_runs": 15})
    assert held.alert_min_runs == 10


@pytest.mark.parametrize(
    ("typed", "rate"),
    [("20", 0.2), (" 20 % ", 0.2), ("12.5", 0.125), ("100", 1.0), ("0.01", 0.0001)],
)
def test_percentages_as_typed(typed: str, rate: float) -> None:
    assert rate_of_percent(typed) == pytest.approx(rate)


@pytest.mark.parametrize("typed", ["0", "-5", "100.5", "abc", "", "NaN", "Infinity", "1e3"])
def test_what_is_not_a_percentage(typed: str) -> None:
    assert rate_of_percent(typed) is None


def test_rates_are_shown_as_the_percentages_people_type() -> None:
    assert [percent_of_rate(r) for r in (0.2, 0.125, 0.95, 1.0)] == ["20", "12.5", "95", "100"]
