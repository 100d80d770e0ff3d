"""Block Kit for the tool registry: the tool modal, the owner modal, the card and the list."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.blocks import DividerBlock
from slack_sdk.models.views import View

from bot.forms import MENTION, ToolHistoryRef, ToolRef
from bot.ids import Action, Block, Callback
from bot.text import escape, money
from bot.views.elements import (
    actions,
    button,
    confirm,
    context,
    date_input,
    pager,
    plain,
    section,
    tick_input,
    user,
)
from bot.views.fallbacks import tool_retired
from bot.views.limits import multi_select_field, select_field, text_field, user_field
from bot.views.renewals import renewal_words
from commands.tool_retirement import ToolRetirement
from commands.tools import ToolCard, ToolDraft, ToolPage
from commands.vocabulary import DataKind, counted


def tool_modal(
    *, owner_id: str, name: str = "", draft: ToolDraft | None = None, tool_id: int | None = None
) -> View:
    """The modal to register a tool, or to edit one when `draft` and `tool_id` are given."""
    editing = draft is not None and tool_id is not None
    blocks: list[SlackBlock] = [
        text_field(
            ToolDraft, Block.NAME, "Name", initial=draft.name if draft else name, placeholder="HubSpot"
        ),
        select_field(ToolDraft, Block.CATEGORY, "Category", initial=draft.category.value if draft else None),
        user_field(
            ToolDraft,
            Block.OWNER,
            "Owner",
            initial=draft.owner_id if draft else owner_id,
            hint="The person who answers for this tool and its data.",
        ),
        multi_select_field(
            ToolDraft,
            Block.DATA_KINDS,
            "Data it holds",
            initial=[k.value for k in draft.data_kinds] if draft else (),
        ),
        text_field(
            ToolDraft,
            Block.DATA_OTHER,
            "Other data",
            initial=draft.data_other if draft else "",
            placeholder="e.g. contracts, NPS scores",
        ),
        multi_select_field(
            ToolDraft,
            Block.INTEGRATION_OPTIONS,
            "How it can be integrated",
            initial=[o.value for o in draft.integration_options] if draft else (),
        ),
        text_field(
            ToolDraft,
            Block.VENDOR_URL,
            "Vendor URL",
            initial=draft.vendor_url if draft else "",
            placeholder="https://www.hubspot.com",
        ),
        text_field(
            ToolDraft,
            Block.MONTHLY_COST,
            "Monthly cost",
            initial=draft.monthly_cost if draft else None,
            placeholder="e.g. 450",
            hint="What the plan costs per month, in the workspace currency.",
        ),
        text_field(ToolDraft, Block.NOTES, "Notes", initial=draft.notes if draft else "", multiline=True),
        date_input(
            Block.RENEWS_ON,
            "Renewal date",
            initial=draft.renews_on if draft else None,
            optional=True,
            hint="Its owner is asked to renew, replace or drop it 60 and 30 days before.",
        ),
        tick_input(
            Block.AUTO_RENEWS,
            "Renewal",
            "Renews automatically unless cancelled",
            ticked=draft.auto_renews if draft else False,
        ),
    ]
    return View(
        type="modal",
        callback_id=Callback.TOOL_EDIT if editing else Callback.TOOL_ADD,
        private_metadata=ToolRef(tool_id=tool_id).model_dump_json() if editing and tool_id else "",
        title=plain("Edit tool" if editing else "Register a tool"),
        submit=plain("Save" if editing else "Register"),
        close=plain("Cancel"),
        blocks=blocks,
    )


def owner_modal(*, tool: ToolCard) -> View:
    return View(
        type="modal",
        callback_id=Callback.TOOL_OWNER,
        private_metadata=ToolRef(tool_id=tool.id).model_dump_json(),
        title=plain("Change owner"),
        submit=plain("Save"),
        close=plain("Cancel"),
        blocks=[
            section(f"Who should own *{escape(tool.name)}* from now on?"),
            user_field(ToolDraft, Block.OWNER, "New owner", initial=tool.owner_id),
        ],
    )


def tool_card(tool: ToolCard, *, today: date | None = None) -> list[SlackBlock]:
    """A tool's details with the buttons its owner or an admin may use, and History for anyone."""
    data = [kind.label for kind in tool.data_kinds if kind is not DataKind.OTHER]
    if tool.data_other:
        data.append(escape(tool.data_other))
    lines = [
        f"*{escape(tool.name)}*{'  _(retired)_' if tool.retired else ''}",
        f"{tool.category.label} · owned by {user(tool.owner_id)}",
        f"*Data:* {', '.join(data) or '-'}",
        f"*Integrates via:* {', '.join(o.label for o in tool.integration_options) or '-'}",
        f"*Monthly cost:* {money(tool.monthly_cost)}",
    ]
    if tool.renews_on:
        lines.append(f"*Renewal:* {renewal_words(tool.renews_on, auto_renews=tool.auto_renews, today=today)}")
    if tool.successor:
        lines.append(f"*Replaced by:* {escape(tool.successor)}")
    if tool.vendor_url:
        lines.append(f"*Vendor:* {escape(tool.vendor_url)}")
    blocks: list[SlackBlock] = [section("\n".join(lines))]
    if tool.notes:
        blocks.append(context(escape(tool.notes)))
    history = button("History", Action.TOOL_HISTORY, ToolHistoryRef(tool_id=tool.id).model_dump_json())
    if tool.retired:
        return [*blocks, actions(history)]
    ref = ToolRef(tool_id=tool.id).model_dump_json()
    blocks.append(
        actions(
            button("Edit", Action.TOOL_EDIT, ref),
            button("Change owner", Action.TOOL_OWNER, ref),
            button(
                "Retire",
                Action.TOOL_RETIRE,
                ref,
                style="danger",
                confirm=confirm(
                    "Retire this tool?", f"*{escape(tool.name)}* will leave the lists.", "Retire"
                ),
            ),
            history,
        )
    )
    return blocks


def tools_list(page: ToolPage, *, filter_text: str) -> list[SlackBlock]:
    """One page of the registry, with paging buttons when there is more."""
    heading = f"*{counted(page.total, 'tool')}*"
    owner = MENTION.match(filter_text.strip())
    if owner:
        heading += f" owned by {user(owner.group(1))}"
    elif filter_text:
        heading += f" matching _{escape(filter_text)}_"
    if page.total == 0:
        hint = "Try another filter, or" if filter_text else "Register the first one with"
        return [section(f"{heading}.\n{hint} `/patchbay tool add`.")]
    blocks: list[SlackBlock] = [section(heading), DividerBlock()]
    for tool in page.tools:
        blocks.append(section(f"*{escape(tool.name)}* · {tool.category.label} · {user(tool.owner_id)}"))
    blocks.extend(pager(page.page, page.pages, Action.TOOLS_PREV, Action.TOOLS_NEXT, filter_text=filter_text))
    return blocks


def dependents_blocks(retirement: ToolRetirement) -> list[SlackBlock]:
    """What stops if the tool goes, and the offer to start those integrations' retirement with it."""
    tool = retirement.tool
    count = len(retirement.dependents)
    lines = [
        f"*{escape(tool.name)}* is not retired yet: {count} live or in-flight"
        f" integration{'s' if count != 1 else ''} depend{'s' if count == 1 else ''} on it."
    ]
    lines += [
        f"• #{d.id} {escape(d.title)} · {d.state.label} · owner {user(d.owner_id)}"
        for d in retirement.dependents
    ]
    lines.append(
        "Retiring the tool starts their retirement too: each gets a teardown checklist for its owner."
        f" `/patchbay impact {escape(tool.name)}` shows the flows and people around it."
    )
    ref = ToolRef(tool_id=tool.id).model_dump_json()
    return [
        section("\n".join(lines)),
        actions(
            button(
                "Retire it and start their teardown",
                Action.TOOL_RETIRE_WITH_DEPENDENTS,
                ref,
                style="danger",
                confirm=confirm(
                    "Retire the tool and its integrations?",
                    f"*{escape(tool.name)}* leaves the lists and {count} integration"
                    f"{' moves' if count == 1 else 's move'} to retiring.",
                    "Retire all",
                ),
            )
        ),
    ]


def retired_text(retirement: ToolRetirement) -> str:
    started = ", ".join(f"#{i}" for i in retirement.started)
    teardown = f" Teardown started for {started}." if started else ""
    return tool_retired(retirement.tool.name) + teardown
