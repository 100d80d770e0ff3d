"""The queue's ranking queries against a real database: score first, then payback (none last), then
age; the page merges one index range per state, and a card's rank counts the rows ahead of it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage.models import Integration
from storage.repositories import integrations as repo
from tests.storage.rows import integration

OPEN = ("proposed", "security_review", "awaiting_approval")


def _mixed(db: Session) -> list[Integration]:
    """Ties on score and on payback, paybacks missing, open rows spread over three states, and
    rows outside the queue that must never show."""
    specs = [
        (9, "4.0", "proposed"),
        (12, "6.5", "security_review"),
        (9, None, "proposed"),
        (9, "4.0", "awaiting_approval"),
        (15, None, "proposed"),
        (12, "2.0", "proposed"),
        (9, "1.5", "security_review"),
        (14, "1.0", "live"),
        (3, "0.5", "rejected"),
        (12, "6.5", "proposed"),
    ]
    return [integration(db, score=score, payback=payback, state=state) for score, payback, state in specs]


def _expected(rows: list[Integration]) -> list[int]:
    open_rows = [r for r in rows if r.state in OPEN]
    return [
        r.id
        for r in sorted(
            open_rows,
            key=lambda r: (-r.score, r.payback_months is None, r.payback_months or 0, r.id),
        )
    ]


def test_a_page_is_ranked_by_score_then_payback_with_none_last_then_id(db: Session) -> None:
    expected = _expected(_mixed(db))

    page, total = repo.ranked(db, states=OPEN, offset=0, limit=20)

    assert [r.id for r in page] == expected
    assert total == len(expected) == 8
    assert {r.state for r in page} <= set(OPEN)


def test_pages_split_the_same_order_without_gaps_or_repeats(db: Session) -> None:
    expected = _expected(_mixed(db))

    pages = [repo.ranked(db, states=OPEN, offset=offset, limit=3) for offset in (0, 3, 6, 9)]

    assert [[r.id for r in rows] for rows, _ in pages] == [expected[0:3], expected[3:6], expected[6:8], []]
    assert {total for _, total in pages} == {8}


def test_each_rank_is_the_position_on_the_ranked_list(db: Session) -> None:
    rows = {r.id: r for r in _mixed(db)}
    expected = _expected(list(rows.values()))

    assert [repo.rank_of(db, rows[i], states=OPEN) for i in expected] == list(range(1, len(expected) + 1))


def test_an_empty_set_of_states_is_an_empty_queue(db: Session) -> None:
    _mixed(db)

    assert repo.ranked(db, states=(), offset=0, limit=20) == ([], 0)
    assert repo.count_in(db, states=("in_sandbox",)) == 0
