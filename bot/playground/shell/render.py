"""Block Kit and mrkdwn as terminal text: what a person would see in Slack, with numbered buttons."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

INTERACTIVE = ("button", "overflow", "static_select", "users_select", "datepicker")


# The emoji Patchbay's messages use, as a terminal shows them; any other :code: stays as typed.
EMOJI = {
    "warning": "⚠️",
    "rotating_light": "🚨",
    "white_check_mark": "✅",
    "white_large_square": "⬜",
    "heavy_minus_sign": "\u2796",
    "tada": "🎉",
    "red_circle": "🔴",
    "large_yellow_circle": "🟡",
    "no_entry": "⛔",
    "key": "🔑",
    "hourglass": "⌛",
    "dart": "🎯",
    "arrows_counterclockwise": "🔄",
    "repeat": "🔁",
    "arrow_right": "➡️",
    "ambulance": "🚑",
    "calendar": "📆",
    "eyes": "👀",
    "mega": "📣",
    "memo": "📝",
    "octagonal_sign": "🛑",
    "satellite_antenna": "📡",
    "zzz": "💤",
    "bell": "🔔",
    "test_tube": "🧪",
}
_EMOJI_CODE = re.compile(r":([a-z0-9_+-]+):")


def emojize(text: str) -> str:
    """`:warning:` as the emoji Slack would show."""
    return _EMOJI_CODE.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


_TOKEN = re.compile(
    r"(?P<pre>```(?P<pre_body>.+?)```)"
    r"|(?P<code>`(?P<code_body>[^`\n]+)`)"
    r"|(?P<link><(?P<link_body>[^<>\n]+)>)"
    r"|(?P<bold>(?<![\w*])\*(?P<bold_body>(?=\S)[^*\n]+?(?<=\S))\*(?![\w*]))"
    r"|(?P<italic>(?<![\w_])_(?P<italic_body>(?=\S)[^_\n]+?(?<=\S))_(?![\w_]))"
    r"|(?P<strike>(?<![\w~])~(?P<strike_body>(?=\S)[^~\n]+?(?<=\S))~(?![\w~]))",
    re.DOTALL,
)
_STYLES = {"bold": "bold", "italic": "italic", "strike": "strike"}


def unescape(text: str) -> str:
    """Slack's three escapes, undone for display."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@dataclass(frozen=True)
class Where:
    """Where a pressable element was shown: a message in a channel, or a view (modal or App Home)."""

    channel: str | None = None
    message: dict[str, Any] | None = None
    view: dict[str, Any] | None = None


@dataclass
class Pressable:
    """A numbered button (or menu) the person can press by typing its number."""

    number: int
    element: dict[str, Any]
    block_id: str
    where: Where


@dataclass
class Board:
    """The pressables of the latest output that had any; numbering restarts with each new output."""

    pressables: list[Pressable] = field(default_factory=list)
    _pending: list[Pressable] = field(default_factory=list)

    def add(self, element: dict[str, Any], block_id: str, where: Where) -> int:
        pressable = Pressable(len(self._pending) + 1, element, block_id, where)
        self._pending.append(pressable)
        return pressable.number

    def commit(self) -> None:
        """End an output: if it showed anything pressable, that is what numbers now press."""
        if self._pending:
            self.pressables, self._pending = self._pending, []

    def get(self, number: int) -> Pressable | None:
        return next((p for p in self.pressables if p.number == number), None)


class Renderer:
    """Turns mrkdwn and blocks into rich renderables, naming people and channels as Slack would."""

    def __init__(self, *, people: Mapping[str, str], channels: Mapping[str, str]) -> None:
        self.people = people  # user id -> name
        self.channels = channels  # channel id -> name

    # ---- names ---------------------------------------------------------------------------------
    def person(self, user_id: str) -> str:
        return "@" + self.people.get(user_id, user_id)

    def channel(self, channel_id: str) -> str:
        if channel_id[:1] == "D":
            for user_id in self.people:
                if user_id[1:] == channel_id[1:]:
                    return f"DM to {self.person(user_id)}"
        if channel_id[:1] in ("U", "W"):
            return f"DM to {self.person(channel_id)}"
        return "#" + self.channels.get(channel_id, channel_id)

    # ---- text ----------------------------------------------------------------------------------
    def mrkdwn(self, text: str, style: str = "") -> Text:
        out = Text(style=style)
        self._inline(out, text, style)
        return out

    def _inline(self, out: Text, text: str, style: str) -> None:
        position = 0
        for match in _TOKEN.finditer(text):
            if match.start() > position:
                out.append(emojize(unescape(text[position : match.start()])), style=style)
            kind = next(k for k in ("pre", "code", "link", "bold", "italic", "strike") if match.group(k))
            body = match.group(kind + "_body")
            if kind in ("pre", "code"):
                out.append(
                    unescape(body.strip("\n") if kind == "pre" else body), style=f"{style} cyan".strip()
                )
            elif kind == "link":
                self._link(out, body, style)
            else:
                self._inline(out, body, f"{style} {_STYLES[kind]}".strip())
            position = match.end()
        if position < len(text):
            out.append(emojize(unescape(text[position:])), style=style)

    def _link(self, out: Text, body: str, style: str) -> None:
        target, _, label = body.partition("|")
        if target.startswith("@"):
            out.append(self.person(target[1:]) if not label else "@" + unescape(label), style=f"{style} bold")
        elif target.startswith("#"):
            out.append("#" + (unescape(label) or self.channels.get(target[1:], target[1:])), style=style)
        elif target.startswith("!subteam^"):
            out.append(unescape(label) or "@group", style=f"{style} bold")
        elif target.startswith("!date^"):
            out.append(unescape(label), style=style)
        elif target.startswith("!"):
            out.append("@" + (unescape(label) or target[1:]), style=f"{style} bold")
        elif label:
            out.append(unescape(label), style=f"{style} underline".strip())
            out.append(f" ({unescape(target)})", style=f"{style} dim".strip())
        else:
            out.append(unescape(target), style=f"{style} underline".strip())

    def text_object(self, obj: Mapping[str, Any] | None, style: str = "") -> Text:
        if not obj:
            return Text()
        if obj.get("type") == "mrkdwn":
            return self.mrkdwn(str(obj.get("text", "")), style)
        return Text(str(obj.get("text", "")), style=style)

    # ---- blocks --------------------------------------------------------------------------------
    def message(
        self, text: str, blocks: Iterable[Mapping[str, Any]], board: Board | None, where: Where
    ) -> Group:
        """A message's blocks, or its text when it has none."""
        blocks = list(blocks)
        if not blocks:
            return Group(self.mrkdwn(text))
        return self.blocks(blocks, board, where)

    def blocks(self, blocks: Iterable[Mapping[str, Any]], board: Board | None, where: Where) -> Group:
        parts: list[RenderableType] = []
        for block in blocks:
            rendered = self.block(block, board, where)
            if rendered is not None:
                parts.append(rendered)
        return Group(*parts)

    def block(self, block: Mapping[str, Any], board: Board | None, where: Where) -> RenderableType | None:
        kind = block.get("type")
        block_id = str(block.get("block_id") or f"b{id(block)}")
        if kind == "section":
            return self._section(block, block_id, board, where)
        if kind == "header":
            return self.text_object(block.get("text"), "bold underline")
        if kind == "divider":
            return Text("─" * 40, style="dim")
        if kind == "context":
            line = Text(style="dim")
            for i, element in enumerate(block.get("elements") or []):
                if i:
                    line.append("  ")
                if element.get("type") == "image":
                    line.append("[image]")
                else:
                    line.append_text(self.text_object(element, "dim"))
            return line
        if kind == "actions":
            line = Text()
            for element in block.get("elements") or []:
                if line:
                    line.append("   ")
                line.append_text(self.element(element, block_id, board, where))
            return line
        if kind == "image":
            alt = block.get("alt_text") or ""
            return Text(f"[image{': ' + alt if alt else ''}]", style="dim")
        if kind == "input":
            return self.text_object(block.get("label"), "bold")
        if kind == "rich_text":
            return Text(_rich_text(block))
        return Text(f"[{kind}]", style="dim")

    def _section(
        self, block: Mapping[str, Any], block_id: str, board: Board | None, where: Where
    ) -> RenderableType:
        parts: list[RenderableType] = []
        if block.get("text"):
            parts.append(self.text_object(block["text"]))
        fields = block.get("fields") or []
        if fields:
            grid = Table.grid(padding=(0, 4))
            grid.add_column()
            grid.add_column()
            cells = [self.text_object(f) for f in fields]
            for i in range(0, len(cells), 2):
                grid.add_row(*cells[i : i + 2])
            parts.append(grid)
        accessory = block.get("accessory")
        if accessory:
            if accessory.get("type") == "image":
                parts.append(Text("[image]", style="dim"))
            else:
                parts.append(self.element(accessory, block_id, board, where))
        return Group(*parts)

    def element(self, element: Mapping[str, Any], block_id: str, board: Board | None, where: Where) -> Text:
        """One interactive element, numbered when the shell can press it (`board` is None: it cannot)."""
        kind = str(element.get("type"))
        if kind not in INTERACTIVE:
            return Text(f"[{kind}]", style="dim")
        label = self.text_object(element.get("text")).plain if kind == "button" else _menu_label(element)
        style = {"primary": "bold green", "danger": "bold red"}.get(str(element.get("style")), "bold")
        if board is None:
            return Text.assemble(("[", "dim"), (label, style), ("]", "dim"))
        number = board.add(dict(element), block_id, where)
        return Text.assemble((f"[{number}] ", "bold cyan"), (label, style))


def _menu_label(element: Mapping[str, Any]) -> str:
    kind = element.get("type")
    placeholder = (element.get("placeholder") or {}).get("text")
    if kind == "overflow":
        return "⋯ more"
    if kind == "users_select":
        return (placeholder or "pick a person") + " ▾"
    if kind == "datepicker":
        return (placeholder or "pick a date") + " ▾"
    initial = (element.get("initial_option") or {}).get("text", {}).get("text")
    return (initial or placeholder or "choose") + " ▾"


def _rich_text(block: Mapping[str, Any]) -> str:
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "text":
                out.append(str(node.get("text", "")))
            elif node.get("type") == "link":
                out.append(str(node.get("text") or node.get("url", "")))
            for child in node.get("elements") or []:
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(block.get("elements"))
    return "".join(out)


class Indent:
    """A renderable shifted right, its lines never padded with trailing spaces (transcripts stay clean)."""

    def __init__(self, renderable: RenderableType, spaces: int = 2) -> None:
        self.renderable = renderable
        self.spaces = spaces

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        inner = options.update_width(max(options.max_width - self.spaces, 10))
        for line in console.render_lines(self.renderable, inner, pad=False):
            yield Segment(" " * self.spaces)
            yield from _rstrip(line)
            yield Segment.line()


def _rstrip(line: list[Segment]) -> list[Segment]:
    segments = list(line)
    while segments and not segments[-1].text.strip() and not segments[-1].control:
        segments.pop()
    if segments and not segments[-1].control:
        last = segments[-1]
        segments[-1] = Segment(last.text.rstrip(), last.style, last.control)
    return segments


def indent(renderable: RenderableType, spaces: int = 2) -> Indent:
    return Indent(renderable, spaces)


def choices(labels: list[str], width: int) -> Text:
    """Numbered choices packed into lines no wider than `width`, never breaking one across lines."""
    out = Text()
    used = 0
    for number, label in enumerate(labels, 1):
        item = Text.assemble((f"{number}) ", "cyan"), label)
        if used and used + 3 + len(item) > width:
            out.append("\n")
            used = 0
        elif used:
            out.append("   ")
            used += 3
        out.append_text(item)
        used += len(item)
    return out


class _NoTrailingSpaces(io.TextIOBase):
    """Writes through to `out`, dropping the spaces rich leaves where it wraps a long line."""

    def __init__(self, out: IO[str]) -> None:
        self._out = out

    def write(self, text: str) -> int:
        self._out.write(re.sub(r"[ \t]+\n", "\n", text))
        return len(text)

    def flush(self) -> None:
        self._out.flush()


def make_console(*, plain: bool, file: IO[str] | None = None, width: int = 100) -> Console:
    """A console for people (colour when the terminal has it) or for transcripts (plain, fixed width)."""
    if plain:
        return Console(
            file=_NoTrailingSpaces(file or sys.stdout),  # type: ignore[arg-type]
            force_terminal=False,
            no_color=True,
            width=width,
            highlight=False,
            emoji=False,
            soft_wrap=False,
        )
    return Console(file=file, highlight=False, emoji=False)
