"""Block Kit for proposals: the proposal modal, the integration card, the queue and the plan."""

from __future__ import annotations

from decimal import Decimal

from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.blocks import (
    CheckboxesElement,
    DividerBlock,
    ExternalDataSelectElement,
    InputBlock,
)
from slack_sdk.models.views import View

from bot.forms import IntegrationRef, ProposalMeta
from bot.ids import Action, Block, Callback, Field
from bot.text import escape, money
from bot.views.elements import (
    actions,
    button,
    context,
    option,
    pager,
    plain,
    section,
    select_input,
    user,
)
from bot.views.limits import multi_select_field, select_field, text_field, user_field
from commands.economics import Economics
from commands.plan import PlanRow
from commands.proposal_card import IntegrationCard
from commands.proposal_form import ProposalDraft
from commands.queue import QueuePage
from commands.vocabulary import SCORE_MEANINGS, Direction, Timing, counted


def _score_input(block_id: str, label: str, initial: int | None) -> InputBlock:
    meanings = SCORE_MEANINGS[block_id]
    choices = [option(str(level), f"{level} - {meaning}") for level, meaning in enumerate(meanings, start=1)]
    return select_input(block_id, label, choices, initial=str(initial) if initial is not None else None)


def _tool_input(block_id: str, label: str, tool_id: int | None, tool_names: dict[int, str]) -> InputBlock:
    initial = option(str(tool_id), tool_names[tool_id]) if tool_id in tool_names and tool_id else None
    return InputBlock(
        block_id=block_id,
        label=plain(label),
        element=ExternalDataSelectElement(
            action_id=Field.TOOL_PICK,
            placeholder=plain("Type part of the tool's name"),
            min_query_length=0,
            initial_option=initial,
        ),
    )


def proposal_modal(
    *,
    owner_id: str,
    draft: ProposalDraft | None = None,
    tool_names: dict[int, str] | None = None,
    meta: ProposalMeta | None = None,
    similar: str = "",
) -> View:
    """The proposal form; prefilled from `draft` when editing or asking to confirm a similar one."""
    d = draft
    names = tool_names or {}
    meta = meta or ProposalMeta()
    blocks: list[SlackBlock] = []
    if similar:
        blocks.append(section(f":warning: {escape(similar)}"))
        blocks.append(
            InputBlock(
                block_id=Block.CONFIRM_SIMILAR,
                label=plain("Save anyway?"),
                element=CheckboxesElement(
                    action_id=Field.VALUE,
                    options=[option("yes", "I checked them; this one is different")],
                ),
            )
        )
    blocks += [
        text_field(
            ProposalDraft,
            Block.TITLE,
            "Title",
            initial=d.title if d else "",
            placeholder="Closed-won deals create Asana onboarding projects",
        ),
        text_field(
            ProposalDraft,
            Block.PURPOSE,
            "Purpose",
            initial=d.purpose if d else "",
            multiline=True,
            hint="What manual work does it remove?",
        ),
        _tool_input(Block.SOURCE_TOOL, "Source tool", d.source_tool_id if d else None, names),
        _tool_input(Block.TARGET_TOOL, "Target tool", d.target_tool_id if d else None, names),
        actions(
            button("Register a missing tool", Action.REGISTER_MISSING_TOOL, "missing"),
            block_id=Block.MISSING_TOOL,
        ),
        text_field(
            ProposalDraft,
            Block.TRIGGER,
            "Trigger",
            initial=d.trigger if d else "",
            placeholder="Deal marked Closed Won in Salesforce",
        ),
        text_field(
            ProposalDraft,
            Block.ACTIONS,
            "Action(s) in the target",
            initial=d.actions if d else "",
            multiline=True,
            placeholder="Create a project from the onboarding template",
        ),
        multi_select_field(
            ProposalDraft,
            Block.DATA_KINDS,
            "Data it moves",
            initial=[k.value for k in d.data_kinds] if d else (),
        ),
        text_field(
            ProposalDraft,
            Block.MAPPING,
            "Field mapping",
            initial=d.mapping_text() if d else "",
            multiline=True,
            placeholder="Phone -> Phone Number | normalise to E.164",
            hint="One pair per line: Source field -> Target field | optional transform note",
        ),
        select_field(
            ProposalDraft,
            Block.DIRECTION,
            "Direction",
            initial=d.direction.value if d else Direction.ONE_WAY.value,
        ),
        text_field(
            ProposalDraft,
            Block.SOURCE_OF_TRUTH,
            "Source of truth per data type",
            multiline=True,
            initial=d.source_of_truth if d else "",
            placeholder="Contacts: HubSpot\nDeals: Salesforce",
            hint="Needed for bi-directional syncs.",
        ),
        select_field(
            ProposalDraft,
            Block.CONFLICT_RULE,
            "Conflict rule",
            initial=d.conflict_rule.value if d and d.conflict_rule else None,
            hint="Needed for bi-directional syncs.",
        ),
        select_field(
            ProposalDraft, Block.TIMING, "Timing", initial=d.timing.value if d else Timing.REALTIME.value
        ),
        text_field(
            ProposalDraft,
            Block.BATCH_MINUTES,
            "Batch interval (minutes)",
            initial=d.batch_minutes if d else None,
            placeholder="60",
        ),
        select_field(
            ProposalDraft, Block.METHOD, "Method", initial=d.method.value if d and d.method else None
        ),
        text_field(
            ProposalDraft,
            Block.METHOD_REASON,
            "Why this method",
            initial=d.method_reason if d else "",
            multiline=True,
            placeholder="Both tools have Zapier connectors; no engineering time needed",
        ),
        text_field(
            ProposalDraft,
            Block.EFFORT_HOURS,
            "Estimated effort (hours)",
            initial=d.effort_hours if d else None,
            placeholder="8",
        ),
        user_field(
            ProposalDraft,
            Block.OWNER,
            "Owner",
            initial=d.owner_id if d else owner_id,
            hint="Who builds, runs and answers for it.",
        ),
        _score_input(
            Block.FREQUENCY, "Frequency: how often the manual work happens", d.frequency if d else None
        ),
        _score_input(Block.IMPACT, "Impact: what it is worth", d.impact if d else None),
        _score_input(Block.FEASIBILITY, "Feasibility: how easy it is to build", d.feasibility if d else None),
        text_field(
            ProposalDraft,
            Block.HOURS_PER_WEEK,
            "Hours per week spent on it by hand today",
            initial=d.hours_per_week if d else None,
            placeholder="3",
        ),
        text_field(
            ProposalDraft,
            Block.MONTHLY_COST,
            "Monthly cost of the tool or plan it needs",
            initial=d.monthly_cost if d else None,
            placeholder="0",
        ),
    ]
    editing = meta.integration_id is not None
    return View(
        type="modal",
        callback_id=Callback.PROPOSAL_EDIT if editing else Callback.PROPOSE,
        private_metadata=meta.model_dump_json(),
        title=plain(f"Edit #{meta.integration_id}" if editing else "Propose integration"),
        submit=plain("Save" if editing else "Propose"),
        close=plain("Cancel"),
        blocks=blocks,
    )


def payback_text(economics: Economics, limit: int) -> str:
    if economics.payback_months is None:
        return ":warning: never pays back (it saves no time)"
    text = f"{economics.payback_months} months"
    return f":warning: {text}, beyond the {limit}-month target" if economics.slow_payback else text


def integration_card(card: IntegrationCard, *, buttons: list[SlackBlock] | None = None) -> list[SlackBlock]:
    """Summary, scores, economics and state of one integration, with `buttons` for the next steps."""
    d, e = card.draft, card.economics
    route = f"{escape(card.source_tool)} {'<->' if d.direction is Direction.BI_DIRECTIONAL else '->'} "
    route += escape(card.target_tool)
    lines = [
        f"*#{card.id} {escape(card.title)}*  ·  _{card.state.label}_",
        f"{route}  ·  {d.method.label}  ·  owner {user(d.owner_id)}  ·  proposed by {user(card.proposer_id)}",
        f"> {escape(card.purpose)[:500]}",
    ]
    scores = (
        f"*Score {e.score}/15*  (frequency {d.frequency}, impact {d.impact}, feasibility {d.feasibility})\n"
        f"*Saves* {money(e.annual_savings, card.currency)} a year  ·  *first-year cost* "
        f"{money(e.first_year_cost, card.currency)}  ·  *payback* {payback_text(e, card.payback_limit)}"
    )
    blocks: list[SlackBlock] = [section("\n".join(lines)), section(scores)]
    notes = []
    if card.queue_position is not None:
        notes.append(f"#{card.queue_position} in the queue")
    cap = f"{card.in_flight} of {card.inflight_cap} integrations in flight"
    notes.append(
        f":no_entry: cap reached ({cap}); approving more needs an admin" if card.cap_reached else cap
    )
    blocks.append(context("  ·  ".join(notes)))
    blocks.extend(buttons or [])
    return blocks


def edit_button(card: IntegrationCard) -> SlackBlock:
    return actions(
        button("Edit", Action.PROPOSAL_EDIT, IntegrationRef(integration_id=card.id).model_dump_json())
    )


def _payback_short(value: Decimal | None) -> str:
    return "never" if value is None else f"{value} mo"


def queue_blocks(page: QueuePage) -> list[SlackBlock]:
    if page.total == 0:
        return [section("*The queue is empty.* Propose the first integration with `/patchbay propose`.")]
    blocks: list[SlackBlock] = [
        section(
            f"*Integration queue*: {counted(page.total, 'open proposal')}, "
            f"ranked by score, then payback. The top {page.focus_size} are the current focus."
        ),
        DividerBlock(),
    ]
    for rank, card in enumerate(page.cards, start=page.first_rank):
        marker = " :dart: *focus*" if rank <= page.focus_size else ""
        e = card.economics
        blocks.append(
            section(
                f"*{rank}.* #{card.id} *{escape(card.title)}*{marker}\n"
                f"{escape(card.source_tool)} -> {escape(card.target_tool)}  ·  score {e.score}  ·  "
                f"payback {_payback_short(e.payback_months)}{' :warning:' if e.slow_payback else ''}  ·  "
                f"_{card.state.label}_  ·  `/patchbay show {card.id}`"
            )
        )
    blocks.extend(pager(page.page, page.pages, Action.QUEUE_PREV, Action.QUEUE_NEXT))
    return blocks


PLAN_LIMIT = 25


def plan_blocks(rows: list[PlanRow]) -> list[SlackBlock]:
    """The decision table as a message; the CSV export has every row."""
    if not rows:
        return [section("*Integration plan*: nothing proposed yet. Start with `/patchbay propose`.")]
    blocks: list[SlackBlock] = [
        section(f"*Integration plan*: {counted(len(rows), 'integration')}, best first")
    ]
    for row in rows[:PLAN_LIMIT]:
        blocks.append(
            section(
                f"*#{row.id} {escape(row.integration)}*  ·  _{row.status}_\n"
                f"{row.method}: {escape(row.reason)[:200]}\n"
                f"effort {row.effort_hours} h  ·  owner {user(row.owner_id)}  ·  score {row.score}  ·  "
                f"payback {_payback_short(row.payback_months)}"
            )
        )
    if len(rows) > PLAN_LIMIT:
        blocks.append(
            context(f"{len(rows) - PLAN_LIMIT} more: `patchbay export plan plan.csv` writes them all.")
        )
    return blocks
