"""The one wording of what happened to an integration: a step's notice, its history entry and its
note say the same step the same way, and people's text in a note comes out escaped."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.views.history import change_words, history_blocks, history_line, note_words, step_done, what
from bot.views.notices import notice_text
from commands.history import History, HistoryEntry
from commands.lifecycle import Step
from commands.notices import ChangeSummary, Notice, ReasonKind, Say, StepReason
from commands.review_items import Outcome

AT = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
HOSTILE = "Q4 <!channel> & <@U0BOSS> > ops"


def test_a_step_is_said_the_same_way_in_its_notice_and_its_history() -> None:
    for step in Step:
        entry = HistoryEntry(at=AT, actor_id="U0BOB0002", action=f"integration.{step.value}", note="")
        assert step_done(step).startswith(what(entry)), step
    assert step_done(Step.RETIRE) == "started retiring it: its teardown checklist is open"
    assert step_done(Step.RESUBMIT) == "resubmitted it for security review"


def test_a_history_entry_says_where_it_led_what_changed_and_the_answer() -> None:
    def entry(action: str, **data: object) -> HistoryEntry:
        return HistoryEntry.model_validate(
            {"at": AT, "actor_id": "U0BOB0002", "action": action, "note": "", **data}
        )

    assert what(entry("integration.deploy", state="live")) == "deployed it to production -> live"
    assert what(entry("integration.edited", changed=["title", "trigger"])) == "edited it (title, trigger)"
    assert what(entry("integration.reviewed", outcome=Outcome.KEEP)) == "answered the quarterly review: keep"
    assert what(entry("tool.unknown")) == "tool.unknown"


def test_a_change_of_scopes_and_data_is_worded_from_its_parts() -> None:
    change = ChangeSummary(
        added_scopes=["deals.write"],
        dropped_scopes=["leads.read"],
        classes_before=[],
        classes_after=["financial"],
    )
    assert change_words(change) == (
        "adds scopes deals.write; drops scopes leads.read; data classes none -> financial"
    )
    assert change_words(ChangeSummary(summary="adds scopes x")) == "adds scopes x"  # a row written before


def test_a_note_says_what_was_kept_the_change_the_words_and_the_flag() -> None:
    said = note_words(
        "Use a vault",
        kept="live",
        change=None,
        personal_account=True,
    )
    assert said == (
        "The change was not accepted; it stays live as before. "
        "Use a vault :warning: uses a person's own account"
    )
    assert note_words("", change=ChangeSummary(classes_before=["personal"], classes_after=[])) == (
        "Change under review: data classes personal -> "
    )


def test_a_step_notice_escapes_the_note_and_the_change() -> None:
    notice = Notice(
        say=Say.STEP,
        integration_id=7,
        actor_id="U0CAROL03",
        step=Step.CHANGE_SECURITY.value,
        before="live",
        after="security_review",
        note=HOSTILE,
        change=ChangeSummary(added_scopes=["<!here>"]),
    )
    text = notice_text(notice.model_dump_json())
    assert text == (
        "<@U0CAROL03> changed its scopes or data; it goes back through security review: "
        "Live -> *In security review*\n"
        "> Change under review: adds scopes &lt;!here&gt; Q4 &lt;!channel&gt; &amp; &lt;@U0BOSS&gt; &gt; ops"
    )


def test_the_history_shows_each_entry_with_its_note_escaped() -> None:
    history = History(
        integration_id=3,
        title=HOSTILE,
        entries=[
            HistoryEntry(
                at=AT,
                actor_id="U0CAROL03",
                action="integration.submit_review",
                state="awaiting_approval",
                note=HOSTILE,
                personal_account=True,
            )
        ],
    )
    blocks = [block.to_dict() for block in history_blocks(history)]
    assert blocks[0]["text"]["text"] == "*History of #3 Q4 &lt;!channel&gt; &amp; &lt;@U0BOSS&gt; &gt; ops*"
    assert blocks[1]["text"]["text"] == (
        "`2026-11-24 09:30` <@U0CAROL03> recorded the security review -> awaiting approval\n"
        "      > Q4 &lt;!channel&gt; &amp; &lt;@U0BOSS&gt; &gt; ops :warning: uses a person's own account"
    )


def test_the_reason_patchbay_gives_is_worded_the_same_in_notices_and_history_and_old_rows_keep_theirs() -> (
    None
):
    retiring = StepReason(kind=ReasonKind.TOOL_RETIRING, tool=HOSTILE)
    failed = StepReason(kind=ReasonKind.RUNS_FAILED, errors=22, runs=22)
    notice = Notice(
        say=Say.STEP,
        integration_id=7,
        actor_id="patchbay",
        step=Step.SUSPEND.value,
        before="live",
        after="suspended",
        reason=failed,
    )
    assert notice_text(notice.model_dump_json()) == (
        "<@patchbay> suspended it: Live -> *Suspended*\n"
        "> Suspended by Patchbay: 22 of 22 runs failed in the last 7 days."
    )
    entries = [
        HistoryEntry(
            at=AT, actor_id="U0BOB0002", action="integration.retire", state="retiring", note="", reason=r
        )
        for r in (retiring, None)
    ]
    entries[1].note = "Salesforce is being retired."  # a row stored before reasons were data
    blocks = [
        block.to_dict() for block in history_blocks(History(integration_id=7, title="X", entries=entries))
    ]
    assert blocks[1]["text"]["text"] == (
        "`2026-11-24 09:30` <@U0BOB0002> started retiring it -> retiring\n"
        "      > Q4 &lt;!channel&gt; &amp; &lt;@U0BOSS&gt; &gt; ops is being retired.\n"
        "`2026-11-24 09:30` <@U0BOB0002> started retiring it -> retiring\n"
        "      > Salesforce is being retired."
    )
    suspended = HistoryEntry(
        at=AT,
        actor_id="patchbay",
        action="integration.auto_suspended",
        state="suspended",
        note="",
        reason=failed,
    )
    assert what(suspended) == "applied the auto-suspend policy -> suspended"
    replaced = StepReason(kind=ReasonKind.TOOL_REPLACED, tool="Salesforce", successor="Asana")
    assert note_words("", reason=replaced) == "Salesforce -> Asana"


def test_a_tools_changes_are_worded_with_their_renewal_successor_and_new_owner() -> None:
    def entry(action: str, actor: str = "U0BOB0002", **data: object) -> HistoryEntry:
        return HistoryEntry.model_validate(
            {"at": AT, "actor_id": actor, "action": action, "note": "", **data}
        )

    renews = date(2027, 2, 2)
    assert what(entry("tool.updated", changed=["owner_id", "renews_on", "notes"])) == (
        "edited it (owner, renewal date, notes)"
    )
    assert what(entry("tool.renewal_reminded", renews_on=renews, days_before=30)) == (
        "reminded its owner of the renewal of Feb 2, 2027 (30 days before)"
    )
    assert what(entry("tool.renewal_answered", renews_on=renews, answer="drop")) == (
        "answered the renewal of Feb 2, 2027: dropped"
    )
    assert what(entry("tool.renewed", renews_on=renews, auto_renews=True)) == (
        "renewed it: it renews next on Feb 2, 2027, automatically"
    )
    assert what(entry("tool.renewal_passed", renews_on=renews)) == (
        "asked its owner again: the renewal date passed without an answer (Feb 2, 2027)"
    )
    system = history_line(entry("tool.renewed_automatically", actor="patchbay", renews_on=renews))
    assert system == (
        "`2026-11-24 09:30` Patchbay renewed it automatically, as nobody had answered:"
        " it renews next on Feb 2, 2027"
    )
    assert history_line(entry("tool.replaced", successor=HOSTILE)) == (
        "`2026-11-24 09:30` <@U0BOB0002> recorded what replaces it:"
        " Q4 &lt;!channel&gt; &amp; &lt;@U0BOSS&gt; &gt; ops"
    )
    assert history_line(entry("tool.owner_changed", owner_id="U0FRANK06")) == (
        "`2026-11-24 09:30` <@U0BOB0002> handed it to <@U0FRANK06>"
    )
