"""A retiring integration's teardown checklist: each item worded from what Patchbay knows of it."""

from __future__ import annotations

from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.views import View

from bot.forms import TeardownRef
from bot.ids import Action, Block, Callback, teardown_block
from bot.text import escape
from bot.views.elements import actions, button, context, plain, section, user
from bot.views.fallbacks import named
from bot.views.limits import text_field
from commands.proposal_card import IntegrationCard
from commands.teardown import NotApplicableForm, Settled
from commands.teardown_plan import TeardownFacts, TeardownKind, TeardownLine, TeardownStatus

MARKS = {TeardownStatus.OPEN: ":white_large_square:", TeardownStatus.DONE: ":white_check_mark:"}
NOT_APPLICABLE_MARK = ":heavy_minus_sign:"


def _people(ids: list[str]) -> str:
    return ", ".join(user(i) for i in ids)


def detail(kind: TeardownKind, facts: TeardownFacts, integration_id: int) -> str:
    """What to do for one item, from the method, the security review and the impact analysis."""
    tools = f"{escape(facts.source_tool)} or {escape(facts.target_tool)}"
    if kind is TeardownKind.AUTOMATION_OFF:
        where = facts.method.label if facts.method else "its platform"
        return f"Turn it off in {where}, between {escape(facts.source_tool)} and {escape(facts.target_tool)}."
    if kind is TeardownKind.REVOKE_CREDENTIAL:
        if facts.credential_type is None:
            return "No security review names its credential: revoke whatever access it was given."
        listed = f" (scopes: {', '.join(escape(s) for s in facts.scopes)})" if facts.scopes else ""
        return f"Revoke the {facts.credential_type.label} named in its security review{listed}."
    if kind is TeardownKind.DELETE_CREDENTIAL:
        if facts.credential_storage is None:
            return "Delete any stored copy of its credential."
        return (
            f"Delete the credential from where the review says it is kept: {facts.credential_storage.label}."
        )
    if kind is TeardownKind.REMOVE_WEBHOOKS:
        return f"Remove any webhooks it registered in {tools}."
    if kind is TeardownKind.TELL_DOWNSTREAM:
        who = (
            f"Tell {_people(facts.people)}." if facts.people else "Nobody else is recorded as relying on it."
        )
        if facts.flows:
            back = "; ".join(
                escape(f.data) + (f" (by {user(f.done_by)})" if f.done_by else "") for f in facts.flows
            )
            return f"{who} Done by hand again: {back}."
        return f"{who} No manual flow comes back."
    return f"Archive its living document (`/patchbay doc {integration_id}`) where your team keeps records."


def _line(item: TeardownLine, integration_id: int) -> str:
    what = f"*{item.kind.label}*: {detail(item.kind, item.facts, integration_id)}"
    if item.status is TeardownStatus.NOT_APPLICABLE:
        by = f" ({user(item.settled_by)})" if item.settled_by else ""
        return f"{NOT_APPLICABLE_MARK} ~{item.kind.label}~: not applicable{by}: {escape(item.reason)}"
    if item.status is TeardownStatus.DONE:
        by = f" by {user(item.settled_by)}" if item.settled_by else ""
        return f"{MARKS[item.status]} {what} Done{by}."
    return f"{MARKS[item.status]} {what}"


def teardown_blocks(card: IntegrationCard) -> list[SlackBlock]:
    """The checklist, with Done and Not applicable on each open item (the owner or an admin)."""
    if not card.teardown:
        return []
    settled = sum(item.status is not TeardownStatus.OPEN for item in card.teardown)
    blocks: list[SlackBlock] = [context(f"*Teardown*: {settled} of {len(card.teardown)} settled")]
    for item in card.teardown:
        blocks.append(section(_line(item, card.id)))
        if item.status is TeardownStatus.OPEN:
            ref = TeardownRef(item_id=item.id).model_dump_json()
            blocks.append(
                actions(
                    button("Done", Action.TEARDOWN_DONE, ref, style="primary"),
                    button("Not applicable", Action.TEARDOWN_NOT_APPLICABLE, ref),
                    block_id=teardown_block(item.id),
                )
            )
    return blocks


def not_applicable_modal(item: TeardownRef, *, label: str) -> View:
    return View(
        type="modal",
        callback_id=Callback.TEARDOWN_NOT_APPLICABLE,
        private_metadata=item.model_dump_json(),
        title=plain("Not applicable"),
        submit=plain("Save"),
        close=plain("Cancel"),
        blocks=[
            section(f"Why does *{escape(label)}* not apply?"),
            text_field(NotApplicableForm, Block.REASON, "Reason", multiline=True),
        ],
    )


def settled_text(settled: Settled) -> str:
    """What the person who pressed a button is told."""
    which = named(settled.integration_id, settled.title)
    if not settled.changed:
        return f"{settled.line.kind.label} on {which} was already settled; nothing changed."
    if settled.retired:
        return f"That was the last teardown item: {which} is retired."
    return f"Settled {settled.line.kind.label} on {which}; {settled.open_left} left."
