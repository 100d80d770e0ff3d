"""Counts and labels inside sentences."""

from __future__ import annotations

from commands.flows import FlowMode
from commands.vocabulary import counted, lowerfirst


def test_counted_says_one_thing_and_two_things() -> None:
    assert [counted(n, "live integration") for n in (0, 1, 2)] == [
        "0 live integrations",
        "1 live integration",
        "2 live integrations",
    ]
    assert counted(1, "person", "people") == "1 person" and counted(3, "person", "people") == "3 people"


def test_a_label_inside_a_sentence_keeps_its_acronym() -> None:
    assert lowerfirst(FlowMode.CSV.label) == "CSV export / import"
    assert lowerfirst(FlowMode.MANUAL.label) == "by hand"
