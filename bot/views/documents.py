"""Block Kit for a shared integration document: its rendered text, in as many sections as it needs."""

from __future__ import annotations

from slack_sdk.models.blocks import Block as SlackBlock

from bot.views.elements import chunk_lines, context, section

MAX_SECTIONS = 45


def document_blocks(text: str, *, integration_id: int) -> list[SlackBlock]:
    chunks = chunk_lines(text.strip().splitlines())
    blocks: list[SlackBlock] = [section("\n".join(chunk)) for chunk in chunks[:MAX_SECTIONS] if any(chunk)]
    footer = "Living document, rendered from the registry just now."
    if len(chunks) > MAX_SECTIONS:
        footer = "The rest is in the catalog: `patchbay export docs DIR`."
    blocks.append(context(f"{footer}  ·  `/patchbay history {integration_id}` for every event"))
    return blocks
