"""`/patchbay propose`, `queue`, `plan` and `show ID`."""

from __future__ import annotations

from slack_sdk.models.blocks import Block as SlackBlock

from bot.listeners.commands.router import SlashRequest, Subcommand
from bot.middleware import transaction
from bot.views.proposals import edit_button, integration_card, plan_blocks, proposal_modal, queue_blocks
from bot.views.workflow import lifecycle_lines, step_buttons
from commands.actor import Actor
from commands.errors import InvalidInput
from commands.proposals import IntegrationCard, can_edit, plan, queue, show_integration


def propose(req: SlashRequest) -> None:
    req.ack()
    req.client.views_open(trigger_id=req.body["trigger_id"], view=proposal_modal(owner_id=req.user_id))


def show_queue(req: SlashRequest) -> None:
    with transaction(req.context) as session:
        page = queue(session=session, policy=req.context["policy"])
    req.ack(blocks=queue_blocks(page), text="Integration queue")


def show_plan(req: SlashRequest) -> None:
    with transaction(req.context) as session:
        rows = plan(session=session)
    req.ack(response_type="in_channel", blocks=plan_blocks(rows), text="Integration plan")


def parse_id(text: str) -> int:
    token = text.strip().lstrip("#")
    if not token.isdigit():
        raise InvalidInput({"id": "Give the integration's number, like `/patchbay show 12`."})
    return int(token)


def show(req: SlashRequest) -> None:
    integration_id = parse_id(req.args)
    with transaction(req.context) as session:
        card = show_integration(session=session, integration_id=integration_id, policy=req.context["policy"])
    req.ack(
        blocks=integration_card(
            card, buttons=[edit_button(card)] if can_edit(req.context["actor"], card) else []
        ),
        text=card.title,
    )


def card_buttons(card: IntegrationCard, actor: Actor) -> list[SlackBlock]:
    """Lifecycle details, Edit for its proposer or owner, and the next steps."""
    edit = [edit_button(card)] if can_edit(actor, card) else []
    return lifecycle_lines(card) + edit + step_buttons(card)


SUBCOMMANDS = [
    Subcommand(
        ("propose",), "propose", "Propose an integration between two tools.", "/patchbay propose", propose
    ),
    Subcommand(
        ("queue",), "queue", "Open proposals ranked by score, then payback.", "/patchbay queue", show_queue
    ),
    Subcommand(("plan",), "plan", "Post the decision table to this channel.", "/patchbay plan", show_plan),
    Subcommand(("show",), "show ID", "One integration's card.", "/patchbay show 12", show),
]
