"""Wording of the outbox's thread replies, DMs and channel messages; people's text is escaped."""

from __future__ import annotations

from pydantic import ValidationError

from bot.text import escape
from bot.views.elements import user
from bot.views.history import note_words, step_done
from commands.lifecycle import Step
from commands.notices import Notice, Say
from commands.teardown_plan import TeardownKind
from commands.vocabulary import State

WAITING_FOR = {
    State.PROPOSED: "a security reviewer to start the review",
    State.SECURITY_REVIEW: "a security reviewer to finish the review",
    State.AWAITING_APPROVAL: "an approver",
    State.RETIRING: "the owner to finish the teardown",
}


def _named(n: Notice) -> str:
    return f"#{n.integration_id} {escape(n.title)}"


def _line(n: Notice) -> str:
    if n.say is Say.STEP:
        before, after = State(n.before).label, State(n.after).label
        line = f"{user(n.actor_id)} {step_done(Step(n.step))}: {before} -> *{after}*"
    elif n.say is Say.APPROVAL:
        line = (
            f"{user(n.actor_id)} approved it ({n.have} of {n.needed} approvals; it moves personal, "
            "financial or health data)"
        )
    elif n.say is Say.NUDGE:
        return f":hourglass: Waiting {n.days} days for {WAITING_FOR[State(n.waiting_in)]}."
    elif n.say is Say.ESCALATION:
        cc = " ".join(user(a) for a in n.admins)
        return (
            f":rotating_light: {_named(n)} has waited {n.days} days for {WAITING_FOR[State(n.waiting_in)]}."
            + (f" Admins: {cc}" if cc else "")
        )
    elif n.say is Say.RETIRED_AT_REVIEW:
        return (
            f"{_named(n)} is being retired by {user(n.actor_id)} after its quarterly review: "
            "its teardown checklist is open on its card."
        )
    elif n.say is Say.REVIEW_REMINDER:
        return (
            f"Reminder {n.have}: {user(n.owner_id)}, the review of {_named(n)} has waited {n.days} days. "
            "Press Keep, Needs changes or Retire above."
        )
    elif n.say is Say.REVIEW_ESCALATION:
        cc = " ".join(user(a) for a in n.admins)
        return (
            f":rotating_light: The quarterly review of {_named(n)} ({escape(n.flow)}) has gone unanswered "
            f"for {n.days} days. Owner: {user(n.owner_id)}." + (f" Admins: {cc}" if cc else "")
        )
    elif n.say in (Say.TEARDOWN_DONE, Say.TEARDOWN_NOT_APPLICABLE):
        done = "ticked" if n.say is Say.TEARDOWN_DONE else "marked not applicable"
        line = f"{user(n.actor_id)} {done}: {TeardownKind(n.item).label}"
    elif n.say is Say.STILL_RUNNING:
        return (
            f":warning: Something is still running for {_named(n)}, which is {State(n.after).label.lower()}: "
            f"a run report arrived with its revoked token. {user(n.owner_id)}, switch the automation off in "
            "its platform and remove the token there; Patchbay refused the report. "
            "(Said once a day while reports keep coming.)"
        )
    elif n.say is Say.PROPOSED_FOR_YOU:
        return (
            f"{user(n.actor_id)} proposed {_named(n)} with you as its owner. "
            f"See it with `/patchbay show {n.integration_id}`."
        )
    elif n.say is Say.REVIEW_MOVED:
        return (
            f"{_named(n)} now belongs to {user(n.owner_id)}: its review moved to their messages, "
            "nothing more is needed from you."
        )
    else:
        return f"{user(n.actor_id)} made you the owner of {_named(n)}." + (
            " Its open quarterly review comes to you in your review thread with the next daily sweep."
            if n.review_moved
            else ""
        )
    note = note_words(
        n.note, kept=n.kept, change=n.change, personal_account=n.personal_account, reason=n.reason
    )
    return line + (f"\n> {escape(note)}" if note else "")


def notice_text(stored: str) -> str:
    """The message for an outbox item's stored notice (anything else is sent escaped, as plain text)."""
    try:
        notice = Notice.model_validate_json(stored)
    except ValidationError:
        return escape(stored)
    line = _line(notice)
    return f"{_named(notice)}: {line}" if notice.direct else line
