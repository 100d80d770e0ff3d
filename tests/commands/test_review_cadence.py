"""The review cadence by risk: sensitive data every quarter, the rest at the policy's longer interval."""

from __future__ import annotations

from datetime import date

import pytest

from commands.policy import Policy


def test_by_default_every_integration_is_reviewed_every_quarter() -> None:
    assert Policy().next_review(date(2026, 11, 24), ["none"]) == date(2027, 2, 22)


@pytest.mark.parametrize(
    ("classes", "expected"),
    [
        (["personal"], date(2027, 2, 22)),
        (["financial", "credentials"], date(2027, 2, 22)),
        (["health"], date(2027, 2, 22)),
        (["none"], date(2027, 5, 23)),
        ([], date(2027, 5, 23)),
        (["credentials"], date(2027, 5, 23)),
    ],
)
def test_sensitive_data_is_reviewed_every_quarter_the_rest_at_the_longer_interval(
    classes: list[str], expected: date
) -> None:
    policy = Policy(low_risk_review_interval_days=180)
    assert policy.next_review(date(2026, 11, 24), classes) == expected


@pytest.mark.parametrize(
    ("low_risk_days", "after", "sensitive", "other"),
    [
        (180, date(2026, 11, 24), date(2027, 1, 1), date(2027, 4, 1)),
        (90, date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 1)),
        (365, date(2027, 3, 1), date(2027, 4, 1), date(2028, 1, 1)),
        (270, date(2027, 7, 1), date(2027, 10, 1), date(2028, 4, 1)),
    ],
)
def test_aligned_reviews_fall_on_the_start_of_a_coming_quarter(
    low_risk_days: int, after: date, sensitive: date, other: date
) -> None:
    policy = Policy(align_reviews_to_quarters=True, low_risk_review_interval_days=low_risk_days)
    assert policy.next_review(after, ["personal"]) == sensitive
    assert policy.next_review(after, ["none"]) == other


def test_the_quarterly_interval_cannot_be_longer_than_a_quarter() -> None:
    with pytest.raises(ValueError, match="92"):
        Policy(review_interval_days=120)
