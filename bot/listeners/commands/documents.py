"""`/patchbay doc ID`: share an integration's living document in the channel."""

from __future__ import annotations

from bot.documents import slack_text
from bot.listeners.commands.proposals import parse_id
from bot.listeners.commands.router import SlashRequest, Subcommand
from bot.middleware import transaction
from bot.views.documents import document_blocks
from bot.views.fallbacks import named
from commands.documents import integration_document


def show_doc(cmd: SlashRequest) -> None:
    integration_id = parse_id(cmd.args)
    with transaction(cmd.context) as session:
        doc = integration_document(session=session, integration_id=integration_id, now=cmd.request.now)
    cmd.ack(
        response_type="in_channel",
        blocks=document_blocks(slack_text(doc), integration_id=doc.id),
        text=named(doc.id, doc.title),
    )


SUBCOMMANDS = [
    Subcommand(
        ("doc",),
        "doc ID",
        "Share an integration's living document: mapping, security, reviews, measures.",
        "/patchbay doc 12",
        show_doc,
    ),
]
