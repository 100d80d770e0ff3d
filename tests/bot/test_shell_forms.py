"""The shell's modal form and renderer, on hand-made views: every input kind Slack has, no app needed."""

from __future__ import annotations

import io
import json
from typing import Any

from bot.playground.driver import Reply
from bot.playground.shell.forms import FormHooks, FormRunner
from bot.playground.shell.render import Board, Renderer, Where, make_console
from bot.playground.shell.repl import ScriptLines

PEOPLE = {"U0ALICE01": "alice", "U0BOB0002": "bob"}


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def option(value: str, label: str) -> dict[str, Any]:
    return {"text": plain(label), "value": value}


def field(block_id: str, label: str, element: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": {"action_id": "value", **element},
        **extra,
    }


VIEW: dict[str, Any] = {
    "type": "modal",
    "id": "V1",
    "callback_id": "review",
    "title": plain("Security review"),
    "submit": plain("Send"),
    "close": plain("Cancel"),
    "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Reviewing *HubSpot → Salesforce*"}},
        field("flow", "Flow", {"type": "external_select", "min_query_length": 1}),
        field(
            "risk",
            "Risk",
            {"type": "radio_buttons", "options": [option("low", "Low"), option("high", "High")]},
        ),
        field(
            "checks",
            "Checked",
            {
                "type": "checkboxes",
                "options": [option("sso", "SSO"), option("dpa", "DPA"), option("logs", "Logs")],
            },
            optional=True,
        ),
        field("due", "Re-review by", {"type": "datepicker", "initial_date": "2027-02-24"}),
        field(
            "hours", "Hours spent", {"type": "number_input", "is_decimal_allowed": False, "max_value": "40"}
        ),
        field("others", "Also ask", {"type": "multi_users_select"}, optional=True),
        field(
            "notes", "Notes", {"type": "plain_text_input", "multiline": True, "max_length": 20}, optional=True
        ),
    ],
}


class Recorder:
    def __init__(self, answers: list[dict[str, Any]]) -> None:
        self.answers = answers
        self.submitted: list[dict[str, Any]] = []
        self.searches: list[str] = []

    def submit(self, view: dict[str, Any], values: dict[str, Any]) -> Reply:
        self.submitted.append(values)
        answer = self.answers.pop(0) if self.answers else {}
        return Reply(200, json.dumps(answer) if answer else "")

    def suggest(self, view: dict[str, Any], block_id: str, text: str) -> list[dict[str, Any]]:
        self.searches.append(text)
        flows = [
            option("1", "HubSpot → Salesforce"),
            option("2", "HubSpot → Slack"),
            option("3", "Jira → Slack"),
        ]
        return [o for o in flows if text.lower() in o["text"]["text"].lower()]


def run(
    script: str, answers: list[dict[str, Any]] | None = None, view: dict[str, Any] = VIEW
) -> tuple[str, Recorder]:
    out = io.StringIO()
    console = make_console(plain=True, file=out)
    recorder = Recorder(answers or [])
    names = {v: k for k, v in PEOPLE.items()}
    runner = FormRunner(
        console=console,
        lines=ScriptLines(script.strip().splitlines(), console),
        renderer=Renderer(people=PEOPLE, channels={}),
        hooks=FormHooks(
            submit=recorder.submit,
            close=lambda view: None,
            suggest=recorder.suggest,
            find_person=lambda typed: names.get(typed.lstrip("@")),
            people=lambda: list(names),
        ),
    )
    runner.run(view)
    return out.getvalue(), recorder


def test_every_kind_of_input_is_asked_in_order_and_sent_as_slack_would() -> None:
    transcript, recorder = run(
        """
        hub
        1
        high
        1,3
        :keep
        7
        @bob, alice
        line one\\nline two
        """
    )
    values = recorder.submitted[0]
    assert values == {
        "flow": "1",
        "risk": "high",
        "checks": ["sso", "logs"],
        "due": "2027-02-24",
        "hours": "7",
        "others": ["U0BOB0002", "U0ALICE01"],
        "notes": "line one\nline two",
    }
    assert recorder.searches == ["hub"]
    assert "Reviewing HubSpot → Salesforce" in transcript
    assert "1) HubSpot → Salesforce   2) HubSpot → Slack" in transcript
    assert "Re-review by [2027-02-24]> :keep" in transcript
    assert "↳ Send" in transcript


def test_answers_slack_itself_would_refuse_are_asked_again_before_sending() -> None:
    transcript, recorder = run(
        """
        zzz
        jira
        :keep
        1
        :keep
        2027-13-01
        2027-03-01
        4.5
        41
        4
        carol
        bob
        far more than twenty characters
        short
        """
    )
    assert "Nothing matches “zzz”" in transcript
    assert "= Jira → Slack" in transcript
    assert transcript.count("Please fill out this field.") == 1
    assert "Enter a date as YYYY-MM-DD" in transcript
    assert "Enter a whole number." in transcript and "Enter 40 or less." in transcript
    assert "Nobody called carol here" in transcript
    assert "Please use 20 characters or fewer" in transcript
    assert len(recorder.submitted) == 1
    assert recorder.submitted[0]["notes"] == "short"


def test_field_errors_from_the_app_are_shown_at_their_field_and_only_those_are_asked_again() -> None:
    errors = {
        "response_action": "errors",
        "errors": {"hours": "More than the review budget.", "risk": "Pick high."},
    }
    transcript, recorder = run(
        """
        jira
        low
        :keep
        :keep
        30
        :keep
        :keep
        high
        3
        """,
        answers=[errors],
    )
    assert "✗ Risk: Pick high." in transcript and "✗ Hours spent: More than the review budget." in transcript
    after = transcript.split("✗ Hours spent")[1]
    assert "Risk [Low]> high" in after and "Hours spent [30]> 3" in after
    assert "Flow" not in after and "Notes" not in after
    assert [v["hours"] for v in recorder.submitted] == ["30", "3"]
    assert recorder.submitted[1]["flow"] == "3"


def test_update_shows_the_new_view_and_cancel_closes_without_sending() -> None:
    done = {
        "response_action": "update",
        "view": {
            "type": "modal",
            "title": plain("Sent"),
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Thanks, <@U0BOB0002>!"}}],
        },
    }
    transcript, recorder = run("jira\nlow\n:keep\n:keep\n3\n:keep\n:keep", answers=[done])
    assert "┌ Sent" in transcript and "Thanks, @bob!" in transcript
    transcript, recorder = run("jira\n:cancel")
    assert recorder.submitted == [] and "closed Security review without saving" in transcript


def test_mrkdwn_is_rendered_for_people() -> None:
    renderer = Renderer(people=PEOPLE, channels={"C0GOVERN": "patchbay-governance"})
    text = renderer.mrkdwn(
        "*Bold* _it_ ~gone~ `code` <@U0BOB0002> <#C0GOVERN> <https://x.io|site>"
        " a &lt;b&gt; &amp; snake_case_name"
    )
    assert (
        text.plain
        == "Bold it gone code @bob #patchbay-governance site (https://x.io) a <b> & snake_case_name"
    )
    styles = {text.plain[span.start : span.end]: str(span.style) for span in text.spans}
    assert styles["Bold"] == "bold" and styles["it"] == "italic" and styles["gone"] == "strike"


def test_blocks_number_their_buttons_and_only_new_buttons_renumber() -> None:
    renderer = Renderer(people=PEOPLE, channels={})
    board = Board()
    blocks = [
        {"type": "header", "text": plain("Quarterly review")},
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": "*Owner*"}, {"type": "mrkdwn", "text": "<@U0ALICE01>"}],
            "accessory": {"type": "button", "action_id": "a", "text": plain("Open")},
        },
        {"type": "divider"},
        {"type": "image", "image_url": "https://x.io/a.png", "alt_text": "chart"},
        {
            "type": "actions",
            "block_id": "act",
            "elements": [
                {"type": "button", "action_id": "keep", "text": plain("Keep"), "style": "primary"},
                {"type": "button", "action_id": "retire", "text": plain("Retire"), "style": "danger"},
            ],
        },
    ]
    out = io.StringIO()
    make_console(plain=True, file=out).print(renderer.blocks(blocks, board, Where(channel="C1")))
    board.commit()
    printed = out.getvalue()
    assert "Quarterly review" in printed and "@alice" in printed and "[image: chart]" in printed
    assert "[1] Open" in printed and "[2] Keep   [3] Retire" in printed
    pressed = board.get(3)
    assert pressed is not None and pressed.element["action_id"] == "retire" and pressed.block_id == "act"
    board.commit()  # an output without buttons leaves the numbers as they were
    assert board.get(3) is pressed
