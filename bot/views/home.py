"""Block Kit for the App Home dashboard and its "see more" lists."""

from __future__ import annotations

from datetime import date, datetime

from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.blocks import DividerBlock, HeaderBlock
from slack_sdk.models.views import View

from bot.forms import HomeMoreRef, ToolRef
from bot.ids import Action
from bot.text import escape
from bot.views.assessment import to_assess_blocks
from bot.views.elements import actions, button, chunk_lines, context, plain, section
from bot.views.measures import measures_button, trend_text
from bot.views.renewals import renewal_words
from bot.views.run_health import health_line
from bot.views.stackmap import orphan_tool_line, orphan_tools_heading, orphans_text
from commands.home import Home, MyIntegration, Section, StackTotals, ToolLine, Waiting
from commands.lifecycle import Step
from commands.stackmap import OrphanTool
from commands.vocabulary import counted

TITLE_CHARS = 80
ORPHAN_TOOLS_SHOWN = 5
MODAL_MAX_BLOCKS = 98
SECTION_TITLES = {
    Section.WAITING: "Waiting for you",
    Section.INTEGRATIONS: "Your integrations",
    Section.TOOLS: "Your tools",
}


def _short(text: str) -> str:
    text = escape(text)
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"


TO_DO = {
    Step.START_REVIEW: "start the security review",
    Step.SUBMIT_REVIEW: "record the security review",
    Step.APPROVE: "approve it or request changes",
    Step.RESUBMIT: "make the requested changes and resubmit",
    Step.RECORD_SANDBOX: "record the sandbox test",
    Step.DEPLOY: "deploy it to production",
    Step.RESUME: "resume or retire it (suspended)",
    Step.REDEPLOY: "redeploy it (retested after a suspension)",
}


def to_do(item: Waiting) -> str:
    """What the person has to do about a waiting integration."""
    if item.step is not None:
        return TO_DO[item.step]
    if item.teardown_left is not None:
        return f"finish its teardown ({item.teardown_left} left)"
    return f"review it (due {item.review_due.isoformat() if item.review_due else 'now'})"


def waiting_line(item: Waiting) -> str:
    return f"• #{item.id} {_short(item.title)}: *{to_do(item)}*  ·  `/patchbay show {item.id}`"


def integration_line(item: MyIntegration) -> str:
    role = "owner" if item.owner else "proposer"
    line = (
        f"• #{item.id} *{_short(item.title)}*  ·  _{item.state.label}_  ·  "
        f"{escape(item.source_tool)} -> {escape(item.target_tool)}  ·  {role}"
    )
    if item.next_review_on:
        line += f"  ·  next review {item.next_review_on.isoformat()}"
    if item.measurable:
        line += f"\n      {trend_text(item.measures)}"
    return line


def tool_line(item: ToolLine, today: date | None = None) -> str:
    line = f"• {escape(item.name)}  ·  {item.category.label}"
    if item.renews_on:
        line += "  ·  " + renewal_words(item.renews_on, auto_renews=item.auto_renews, today=today)
    return line


def totals_text(totals: StackTotals) -> str:
    estimated = totals.live - totals.measured
    basis = f" ({totals.measured} measured, {estimated} estimated)" if totals.live else ""
    return (
        f"*{counted(totals.tools, 'tool')}*  ·  *{counted(totals.live, 'live integration')}*  ·  "
        f"{totals.in_flight} in flight  ·  {counted(totals.open_proposals, 'open proposal')}\n"
        f"*{totals.manual_hours} h/week* still moved by hand  ·  "
        f"*{totals.saved_hours} h/week* saved by live integrations{basis}"
    )


def _more(section_name: Section, shown: int, total: int) -> list[SlackBlock]:
    if total <= shown:
        return []
    ref = HomeMoreRef(section=section_name.value).model_dump_json()
    return [
        actions(button(f"See all {total}", Action.HOME_MORE, ref)),
    ]


def _list(label: str, lines: list[str], total: int, empty: str) -> list[SlackBlock]:
    heading = f"*{label}* ({total})"
    if not lines:
        return [section(f"{heading}\n{empty}")]
    return [section(heading + "\n" + "\n".join(lines))]


def orphan_tools_blocks(tools: list[OrphanTool]) -> list[SlackBlock]:
    """For admins: tools whose owner left, the first few each with Change owner, then how many more."""
    blocks: list[SlackBlock] = [section(orphan_tools_heading(tools))]
    for tool in tools[:ORPHAN_TOOLS_SHOWN]:
        change = button("Change owner", Action.TOOL_OWNER, ToolRef(tool_id=tool.id).model_dump_json())
        blocks.append(section(orphan_tool_line(tool), accessory=change))
    if len(tools) > ORPHAN_TOOLS_SHOWN:
        blocks.append(
            context(f"…and {len(tools) - ORPHAN_TOOLS_SHOWN} more (`patchbay export map` lists them all).")
        )
    return [*blocks, DividerBlock()]


def home_view(home: Home, *, now: datetime | None = None) -> View:
    """The App Home tab: a fixed number of blocks whatever the counts; long lists end in "See all"."""
    blocks: list[SlackBlock] = [
        HeaderBlock(text=plain("Patchbay")),
        section(totals_text(home.totals)),
        DividerBlock(),
    ]
    blocks += _list(
        SECTION_TITLES[Section.WAITING],
        [waiting_line(w) for w in home.waiting],
        home.waiting_total,
        "Nothing waits for you.",
    )
    blocks += _more(Section.WAITING, len(home.waiting), home.waiting_total)
    blocks.append(DividerBlock())
    if home.orphans:
        blocks += [section(orphans_text(home.orphans)), DividerBlock()]
    if home.orphan_tools:
        blocks += orphan_tools_blocks(home.orphan_tools)
    heading = f"*{SECTION_TITLES[Section.INTEGRATIONS]}* ({home.integrations_total})"
    if not home.integrations:
        blocks.append(section(f"{heading}\nNone yet. Propose one with `/patchbay propose`."))
    else:
        blocks.append(section(heading))
        for item in home.integrations:
            accessory = measures_button(item.id) if item.measurable else None
            line = integration_line(item)
            if now and item.id in home.health:
                line += "\n      " + health_line(home.health[item.id], now)
            blocks.append(section(line, accessory=accessory))
    blocks += _more(Section.INTEGRATIONS, len(home.integrations), home.integrations_total)
    blocks.append(DividerBlock())
    blocks += _list(
        SECTION_TITLES[Section.TOOLS],
        [tool_line(t, now.date() if now else None) for t in home.tools],
        home.tools_total,
        "You own no tools. Register one with `/patchbay tool add`.",
    )
    blocks += _more(Section.TOOLS, len(home.tools), home.tools_total)
    blocks.append(DividerBlock())
    if home.to_assess:
        blocks += [*to_assess_blocks(home.to_assess), DividerBlock()]
    queue = [
        f"{q.rank}. #{q.id} {_short(q.title)}  ·  score {q.score}  ·  _{q.state.label}_" for q in home.queue
    ]
    blocks.append(section("*Top of the queue*\n" + ("\n".join(queue) if queue else "The queue is empty.")))
    blocks.append(
        context(
            "`/patchbay queue` ranks every open proposal  ·  `/patchbay opportunities` lists manual work  ·  "
            "`/patchbay map` draws the stack"
        )
    )
    return View(type="home", blocks=blocks)


def more_lines(home: Home, section_name: Section, today: date | None = None) -> list[str]:
    if section_name is Section.WAITING:
        return [waiting_line(w) for w in home.waiting]
    if section_name is Section.INTEGRATIONS:
        return [integration_line(i) for i in home.integrations]
    return [tool_line(t, today) for t in home.tools]


def more_modal(home: Home, section_name: Section, today: date | None = None) -> View:
    """One dashboard list in full, in a modal (long lists are cut, saying where to see the rest)."""
    lines = more_lines(home, section_name, today)
    blocks: list[SlackBlock] = []
    chunks = chunk_lines(lines)
    for index, chunk in enumerate(chunks):
        if len(blocks) == MODAL_MAX_BLOCKS:
            left = sum(len(c) for c in chunks[index:])
            blocks.append(context(f"{left} more are not shown."))
            break
        blocks.append(section("\n".join(chunk)))
    if not blocks:
        blocks.append(section("Nothing here."))
    return View(
        type="modal",
        title=plain(SECTION_TITLES[section_name]),
        close=plain("Close"),
        blocks=blocks,
    )
