"""Wording for the incident runbook in the card's thread, and for the people an outage affects."""

from __future__ import annotations

from slack_sdk.models.blocks import Block as SlackBlock

from bot.forms import StepRef
from bot.ids import Block, step_action
from bot.text import escape
from bot.views.elements import actions, button, section, user
from bot.views.fallbacks import named
from commands.lifecycle import RULES, Step
from commands.runbook import Phase, Runbook, RunbookNotice
from commands.vocabulary import State

# The buttons under each runbook message in the thread: the next steps after a suspension.
BUTTONS: dict[Phase, tuple[tuple[Step, State, str | None], ...]] = {
    Phase.DOWN: ((Step.RETEST, State.SUSPENDED, "primary"), (Step.RESUME, State.SUSPENDED, None)),
    Phase.RETESTED: ((Step.REDEPLOY, State.IN_SANDBOX, "primary"),),
}


def _fallback_lines(book: Runbook) -> list[str]:
    if not book.fallbacks:
        return ["No manual flow is recorded for it: agree with the people affected how to bridge the gap."]
    return [
        f"Do it by hand meanwhile: {escape(f.data)} from {escape(f.source_tool)} to {escape(f.target_tool)}"
        + (f", as {user(f.done_by)} used to." if f.done_by else ".")
        for f in book.fallbacks
    ]


def runbook_text(book: Runbook, notice: RunbookNotice) -> str:
    """The thread's runbook when it goes down, its all-clear when it is back, or a word to one person."""
    called = named(book.integration_id, book.title)
    moves = f"{escape(book.source_tool)} -> {escape(book.target_tool)}"
    if notice.person and notice.phase is Phase.DOWN:
        return "\n".join(
            [
                f":warning: {called} ({moves}) is suspended: its data is not moving until it is fixed. "
                f"<@{book.owner_id}> owns it and will tell you when it is back.",
                *_fallback_lines(book),
            ]
        )
    if notice.person:
        return f":white_check_mark: {called} ({moves}) is running again; the manual workaround can stop."
    if notice.phase is Phase.RETESTED:
        return (
            f":test_tube: {called} passed its sandbox checklist again. Press *Redeploy* to put it back live; "
            f"the people affected are told it is back."
        )
    if notice.phase is Phase.BACK:
        told = ", ".join(f"<@{p}>" for p in book.affected) or "nobody else"
        return f":white_check_mark: {called} is live again. Told that it is back: {told}."
    told = ", ".join(f"<@{p}>" for p in book.affected) or "nobody else recorded"
    return "\n".join(
        [
            f":ambulance: *Runbook for {called}*",
            f"1. Read the failed runs: {book.failed_7d} of {book.runs_7d} runs failed in the last 7 days; "
            f"`/patchbay health {book.integration_id}` lists them with their errors.",
            f"2. Switch it off in {book.method.label}: Patchbay cannot stop it there itself.",
            "3. Fix it, then press *Retest in sandbox*: the sandbox checklist again (test data, error "
            "paths, rollback).",
            "4. Press *Redeploy* once the retest is recorded (or *Resume* if nothing needed fixing); connect "
            "run reports again, as suspending revoked the token.",
            f"5. Told it is down: {told}.",
            *(f"6. {line}" for line in _fallback_lines(book)[:1]),
            *_fallback_lines(book)[1:],
        ]
    )


def runbook_blocks(book: Runbook, notice: RunbookNotice) -> list[SlackBlock] | None:
    """The thread's runbook message with its next steps as buttons (each checks who presses it)."""
    steps = BUTTONS.get(notice.phase) if not notice.person else None
    if not steps or book.state is not steps[0][1]:
        return None
    elements = [
        button(
            RULES[step].label,
            step_action(step),
            StepRef(integration_id=book.integration_id, step=step, state=state).model_dump_json(),
            style=style,
        )
        for step, state, style in steps
    ]
    return [section(runbook_text(book, notice)), actions(*elements, block_id=Block.RUNBOOK_BUTTONS)]
