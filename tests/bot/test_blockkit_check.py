"""The Block Kit check every end-to-end test runs: it must refuse what Slack would refuse."""

from __future__ import annotations

import pytest

from tests.blockkit import REFERENCE, available, problems


@pytest.fixture(autouse=True)
def _reference() -> None:
    if not available():
        pytest.skip(f"{REFERENCE} is not present: views and messages are not schema-checked")


def test_a_section_without_text_is_refused() -> None:
    assert problems("blocks", [{"type": "section"}])
    assert problems("blocks", [{"type": "section", "text": {"type": "mrkdwn", "text": "ok"}}]) == []


def test_a_modal_without_a_title_is_refused() -> None:
    view: dict[str, object] = {"type": "modal", "blocks": [{"type": "divider"}]}
    assert problems("view", view)
    view["title"] = {"type": "plain_text", "text": "Tools"}
    assert problems("view", view) == []


def test_a_message_over_50_blocks_is_refused() -> None:
    block = {"type": "divider"}
    assert problems("blocks", [block] * 51)
