"""Block Kit and wording for a new tool's assessment: the form, what it recorded, the App Home list."""

from __future__ import annotations

from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.blocks import ExternalDataMultiSelectElement, InputBlock, UserSelectElement
from slack_sdk.models.views import View

from bot.forms import ToolRef
from bot.ids import Action, Block, Callback, Field
from bot.text import escape
from bot.views.elements import button, context, option, plain, section, select_input
from bot.views.flows import flow_text
from bot.views.limits import text_field
from commands.assessment import Assessment, AssessmentForm, AssessmentStart
from commands.flows import MANUAL_MODES, FlowMode
from commands.tools import ToolCard
from commands.vocabulary import counted

ASSESS_LISTED = 5


def _tools(block_id: str, label: str) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=plain(label),
        optional=True,
        element=ExternalDataMultiSelectElement(
            action_id=Field.TOOL_PICK, placeholder=plain("Type part of a tool's name"), min_query_length=0
        ),
    )


def assessment_modal(start: AssessmentStart) -> View:
    """Which registered tools the tool shares data with, and how that data moves today."""
    modes = [option(m.value, m.label) for m in FlowMode if m in MANUAL_MODES]
    return View(
        type="modal",
        callback_id=Callback.ASSESS,
        private_metadata=ToolRef(tool_id=start.tool.id).model_dump_json(),
        title=plain("Assess the new tool"),
        submit=plain("Save"),
        close=plain("Later"),
        blocks=[
            section(
                f"*{escape(start.tool.name)}* is registered. Which tools already registered does it"
                " share data with? Each answer becomes a data flow, and the ones moved by hand"
                " show up as integration opportunities."
            ),
            _tools(Block.RECEIVES_FROM, "It receives data from"),
            _tools(Block.SENDS_TO, "It sends data to"),
            text_field(AssessmentForm, Block.DATA, "What data moves", initial=start.data),
            select_input(Block.FLOW_MODE, "How it moves today", modes, initial=FlowMode.MANUAL.value),
            text_field(
                AssessmentForm, Block.TIMES_PER_WEEK, "How many times a week", initial="1", required=True
            ),
            text_field(AssessmentForm, Block.MINUTES_EACH, "Minutes each time", initial="15", required=True),
            InputBlock(
                block_id=Block.DONE_BY,
                label=plain("Who moves it by hand"),
                optional=True,
                element=UserSelectElement(action_id=Field.VALUE, initial_user=start.tool.owner_id),
            ),
            context(
                "Shares nothing? *Save* with no tool picked: that is recorded too."
                " *Later* keeps it on your App Home to assess."
            ),
        ],
    )


def assessed_text(assessment: Assessment) -> str:
    tool = escape(assessment.tool.name)
    if assessment.skipped:
        return f"Recorded that *{tool}* shares no data with the tools registered."
    lines = [f"Recorded {counted(len(assessment.flows), 'flow')} for *{tool}*:"]
    lines += [f"• #{line.id} {flow_text(line)}" for line in assessment.flows]
    lines.append("They are integration opportunities now: `/patchbay opportunities`.")
    return "\n".join(lines)


def to_assess_blocks(tools: list[ToolCard]) -> list[SlackBlock]:
    """The App Home's list of the person's tools still to assess, each with an Assess button."""
    blocks: list[SlackBlock] = [
        section(
            f"*Tools to assess* ({len(tools)})\nSay which tools they share data with, so their"
            " integration opportunities show."
        )
    ]
    for card in tools[:ASSESS_LISTED]:
        ref = ToolRef(tool_id=card.id).model_dump_json()
        blocks.append(
            section(
                f"• {escape(card.name)}  ·  {card.category.label}",
                accessory=button("Assess", Action.TOOL_ASSESS, ref),
            )
        )
    if len(tools) > ASSESS_LISTED:
        blocks.append(context(f"{len(tools) - ASSESS_LISTED} more: `/patchbay tools @you` lists them."))
    return blocks
