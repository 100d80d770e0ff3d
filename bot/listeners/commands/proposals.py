"""`/patchbay propose`, `queue`, `plan`, `show ID`, `reviews` and `history ID | TOOL`."""

from __future__ import annotations

from slack_sdk.models.blocks import Block as SlackBlock

from bot.listeners.commands.router import SlashRequest, Subcommand
from bot.middleware import transaction
from bot.views.fallbacks import named
from bot.views.history import history_blocks, tool_history_blocks, tool_history_text
from bot.views.measures import measure_actions
from bot.views.proposals import edit_button, integration_card, plan_blocks, proposal_modal, queue_blocks
from bot.views.reviews import reviews_list
from bot.views.run_health import health_card_blocks
from bot.views.run_reports import run_report_actions
from bot.views.teardown import teardown_blocks
from bot.views.thresholds import thresholds_actions, thresholds_blocks
from bot.views.workflow import lifecycle_lines, step_buttons
from commands.actor import Actor
from commands.card_view import card_view
from commands.errors import InvalidInput
from commands.history import integration_history, tool_history_named
from commands.plan import plan
from commands.proposal_card import IntegrationCard
from commands.proposal_writes import can_edit
from commands.queue import queue
from commands.review_status import reviews_for


def propose(cmd: SlashRequest) -> None:
    cmd.ack()
    cmd.client.views_open(trigger_id=cmd.body["trigger_id"], view=proposal_modal(owner_id=cmd.user_id))


def show_queue(cmd: SlashRequest) -> None:
    with transaction(cmd.context) as session:
        page = queue(session=session, policy=cmd.request.policy)
    cmd.ack(blocks=queue_blocks(page), text="Integration queue")


def show_plan(cmd: SlashRequest) -> None:
    with transaction(cmd.context) as session:
        rows = plan(session=session)
    cmd.ack(response_type="in_channel", blocks=plan_blocks(rows), text="Integration plan")


def parse_id(text: str) -> int:
    token = text.strip().lstrip("#")
    if not token.isdigit():
        raise InvalidInput({"id": "Give the integration's number, like `/patchbay show 12`."})
    return int(token)


def show(cmd: SlashRequest) -> None:
    integration_id, req = parse_id(cmd.args), cmd.request
    with transaction(cmd.context) as session:
        found = card_view(session=session, integration_id=integration_id, policy=req.policy, now=req.now)
    card = found.card
    buttons = card_buttons(card, req.actor)
    if found.health is not None and found.thresholds is not None:
        buttons = health_card_blocks(found.health, req.now) + thresholds_blocks(found.thresholds) + buttons
    cmd.ack(blocks=integration_card(card, buttons=buttons), text=named(card.id, card.title))


def card_buttons(card: IntegrationCard, actor: Actor) -> list[SlackBlock]:
    """Lifecycle details, Edit for its proposer or owner, and the next steps."""
    edit = [edit_button(card)] if can_edit(actor, card) else []
    return (
        lifecycle_lines(card)
        + teardown_blocks(card)
        + edit
        + step_buttons(card)
        + measure_actions(card)
        + run_report_actions(card)
        + thresholds_actions(card)
    )


def history(cmd: SlashRequest) -> None:
    """An integration's history by its number, or a tool's by its name."""
    typed = cmd.args.strip()
    if typed and not typed.lstrip("#").isdigit():
        with transaction(cmd.context) as session:
            tool = tool_history_named(session=session, name=typed)
        cmd.ack(blocks=tool_history_blocks(tool), text=tool_history_text(tool))
        return
    if not typed:
        raise InvalidInput(
            {
                "id": "Give an integration's number or a tool's name, like `/patchbay history 12`"
                " or `/patchbay history Salesforce`."
            }
        )
    integration_id = parse_id(typed)
    with transaction(cmd.context) as session:
        found = integration_history(session=session, integration_id=integration_id)
    cmd.ack(blocks=history_blocks(found), text=f"History of #{integration_id}")


def reviews(cmd: SlashRequest) -> None:
    actor = cmd.request.actor
    with transaction(cmd.context) as session:
        rows = reviews_for(
            session=session, actor=actor, as_of=cmd.request.now.date(), everyone=actor.is_admin
        )
    cmd.ack(blocks=reviews_list(rows, everyone=actor.is_admin), text="Reviews due")


SUBCOMMANDS = [
    Subcommand(
        ("propose",), "propose", "Propose an integration between two tools.", "/patchbay propose", propose
    ),
    Subcommand(
        ("queue",), "queue", "Open proposals ranked by score, then payback.", "/patchbay queue", show_queue
    ),
    Subcommand(("plan",), "plan", "Post the decision table to this channel.", "/patchbay plan", show_plan),
    Subcommand(("show",), "show ID", "One integration's card.", "/patchbay show 12", show),
    Subcommand(
        ("reviews",),
        "reviews",
        "Quarterly reviews due or overdue for you (admins: everyone).",
        "/patchbay reviews",
        reviews,
    ),
    Subcommand(
        ("history",),
        "history ID | TOOL",
        "Everything that happened to an integration, or to a tool.",
        "/patchbay history 12",
        history,
    ),
]
