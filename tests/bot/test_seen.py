"""The end-to-end fixture's view of what a person saw: replies, modals, ephemerals and DMs, as text."""

from __future__ import annotations

from tests.conftest import ALICE, BOB, FRANK, Patchbay

HUBSPOT = {"name": "HubSpot", "category": "marketing", "owner_id": BOB}


def test_a_reply_and_a_modal_are_what_the_person_saw_last(patchbay: Patchbay) -> None:
    patchbay.command("help", user=BOB)
    assert "Patchbay* keeps your tool stack honest" in patchbay.said_to(BOB)

    patchbay.command("tool add", user=BOB)
    modal = patchbay.said_to(BOB).splitlines()
    assert modal[0] == "Register a tool" and "Name" in modal and modal[-2:] == ["Register", "Cancel"]

    assert [seen.kind for seen in patchbay.seen(BOB)] == ["reply", "modal"]


def test_pop_reads_oldest_first_once_and_refuses_when_nothing_is_left(patchbay: Patchbay) -> None:
    patchbay.command("help", user=FRANK)
    patchbay.command("nonsense", user=FRANK)

    assert "keeps your tool stack honest" in patchbay.pop(FRANK)
    assert "I don't know `nonsense`" in patchbay.pop(FRANK)
    try:
        patchbay.pop(FRANK)
    except AssertionError as nothing:
        assert "nothing more was shown" in str(nothing)
    else:
        raise AssertionError("pop returned something nobody was shown")


def test_a_refused_submission_is_seen_at_its_field_and_only_by_who_submitted(patchbay: Patchbay) -> None:
    patchbay.open_and_submit("tool add", HUBSPOT, user=BOB)
    patchbay.open_and_submit("tool add", {**HUBSPOT, "name": "hubspot"}, user=FRANK)

    assert "name: HubSpot is already in the registry" in patchbay.said_to(FRANK)
    assert patchbay.seen(ALICE) == []
