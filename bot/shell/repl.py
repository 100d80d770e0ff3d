"""The prompt loop: what the person types reaches the app as Slack would send it; what it did is shown."""

from __future__ import annotations

import contextlib
import json
import re
import shlex
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

from rich.console import Console
from rich.text import Text

from bot.driver import Reply
from bot.localslack import Call, Message
from bot.shell.forms import CANCEL, FormHooks, FormRunner, Lines, Retry
from bot.shell.render import Board, Pressable, Renderer, Where, choices, indent
from bot.shell.session import CHANNELS, GENERAL, ShellSession, roles_of
from commands.errors import PatchbayError

QUIT = (":quit", ":q", ":exit")
HELP = [
    ("/patchbay …", "what you would type in Slack, e.g. /patchbay tool add HubSpot"),
    ("3", "press button [3] of the last messages shown"),
    (":as @name", "act as someone else; :as alone lists the sample people and their roles"),
    (":advance 90d", "move the clock forward (d days, h hours, w weeks) and run due scheduler jobs"),
    (":now 2027-03-01", "move the clock to a date (or an ISO date-time); :now alone shows the time"),
    (":home", "open Patchbay's App Home tab"),
    (
        ':report 12 error "timeout"',
        "play a run of #12 as its platform would report it: success, error or partial",
    ),
    (":help", "this list"),
    (":quit", "leave (Ctrl-D works too)"),
]
FORM_HELP = "In a modal: Enter keeps the value in [brackets], :clear empties it, :cancel closes the modal."
_AT_NAME = re.compile(r"(?<![<\w])@([A-Za-z][\w.-]*)")
_DURATION = re.compile(r"^(\d+)\s*(m|min|h|d|w)$")
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class TerminalLines:
    """Typing at a terminal."""

    def __init__(self, console: Console) -> None:
        self.console = console
        with contextlib.suppress(ImportError):  # line editing and history, where the platform has it
            import readline  # noqa: F401

    def read(self, prompt: str) -> str | None:
        try:
            typed = self.console.input(Text(prompt, style="bold"))
        except EOFError:
            self.console.print()
            return None
        if not typed:
            # Line editing does not move to a new line for an empty answer; without this the next
            # prompt would follow on the same line.
            self.console.print()
        return typed


class ScriptLines:
    """A transcript replayed: each line is what the person types (trimmed); blank lines and # comments
    are skipped. In a modal, `:keep` stands for pressing Enter."""

    def __init__(self, lines: Iterable[str], console: Console) -> None:
        self._lines: Iterator[str] = iter(lines)
        self.console = console

    def read(self, prompt: str) -> str | None:
        for raw in self._lines:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            self.console.print(Text.assemble((prompt, "bold"), line))
            return line
        return None


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise Retry("Say how far: 90d, 3d, 12h, 2w or 30m.")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def parse_when(text: str, now: datetime) -> datetime:
    """A date (the clock keeps its time of day) or an ISO date-time (UTC unless it says otherwise)."""
    text = text.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), now.timetz())
        when = datetime.fromisoformat(text)
    except ValueError:
        raise Retry("Give a date like 2027-03-01 or a time like 2027-03-01T09:00.") from None
    return when if when.tzinfo else when.replace(tzinfo=now.tzinfo)


def show_time(when: datetime) -> str:
    return when.strftime("%a %d %b %Y %H:%M UTC")


class Shell:
    """Reads what the person types and shows what Patchbay did in return."""

    def __init__(self, session: ShellSession, *, console: Console, lines: Lines) -> None:
        self.session = session
        self.console = console
        self.lines = lines
        self.board = Board()
        self.renderer = Renderer(people={p.id: p.name for p in session.people}, channels=CHANNELS)
        self.forms = FormRunner(
            console=console,
            lines=lines,
            renderer=self.renderer,
            hooks=FormHooks(
                submit=session.submit,
                close=session.close_view,
                suggest=session.suggest,
                find_person=session.person_id,
                people=session.names,
            ),
        )
        self._commands: dict[str, Callable[[str], None]] = {
            ":as": self.switch_user,
            ":advance": self.advance,
            ":now": self.now,
            ":home": lambda _rest: self.home(),
            ":report": self.report,
            ":help": lambda _rest: self.help(),
            ":?": lambda _rest: self.help(),
        }

    # ---- the loop ------------------------------------------------------------------------------
    def run(self) -> int:
        self.session.new_calls()
        self.session.new_messages()
        self.session.forget_views()
        while True:
            line = self.lines.read(f"@{self.session.user.name}> ")
            if line is None:
                return 0
            line = line.strip()
            if line in QUIT:
                return 0
            try:
                self.handle(line)
            except Retry as problem:
                self.say(str(problem), "yellow")
            self.console.print()

    def handle(self, line: str) -> None:
        if not line:
            return
        if line.startswith("/"):
            self.slash(line)
        elif line.isdigit():
            self.press(int(line))
        elif line.startswith(":"):
            name, _, rest = line.partition(" ")
            action = self._commands.get(name.lower())
            if action is None:
                raise Retry(f"I don't know {name}. Type :help for the shell's commands.")
            action(rest.strip())
        else:
            raise Retry(
                "Patchbay only hears slash commands here. Try /patchbay help, a button number, or :help."
            )

    def say(self, text: str, style: str = "dim") -> None:
        self.console.print(Text(text, style=style))

    # ---- what the person does ------------------------------------------------------------------
    def slash(self, line: str) -> None:
        command, _, text = line.partition(" ")
        if command != "/patchbay":
            raise Retry(f"{command} is not a valid command. In Patchbay's workspace it is /patchbay.")
        reply = self.session.command(self.mentions(text.strip()))
        self.show(reply=reply, reply_where=Where(channel=GENERAL))

    def mentions(self, text: str) -> str:
        """`@bob` as Slack sends it for a command with should_escape: `<@U0BOB0002|bob>`."""

        def mention(match: re.Match[str]) -> str:
            person = self.session.person(match.group(1))
            return f"<@{person.id}|{person.name}>" if person else match.group(0)

        return _AT_NAME.sub(mention, text)

    def press(self, number: int) -> None:
        pressable = self.board.get(number)
        if pressable is None:
            shown = len(self.board.pressables)
            raise Retry(f"There is no button {number}." + _buttons_shown(shown))
        owner = self._dm_owner(pressable.where.channel)
        if owner is not None and owner != self.session.user.id:
            name = self.renderer.person(owner)
            raise Retry(
                f"Button {number} is in {name}'s direct messages with Patchbay, which only {name} sees. "
                f"Type :as {name} to act as them."
            )
        action = self._action(pressable)
        if action is None:
            self.say("(cancelled)")
            return
        where = pressable.where
        reply = self.session.click(action, channel=where.channel, message=where.message, view=where.view)
        if reply.status != 200:
            self.say(
                f"⚠ Slack shows a warning next to it: Patchbay did not answer (HTTP {reply.status}).", "red"
            )
        self.show()

    def _dm_owner(self, channel: str | None) -> str | None:
        """Whose DM with Patchbay `channel` is, if it is one."""
        for person in self.session.people:
            if channel and channel == self.session.slack.dm_channel(person.id):
                return person.id
        return None

    def _action(self, pressable: Pressable) -> dict[str, Any] | None:
        element = pressable.element
        kind = element["type"]
        action: dict[str, Any] = {
            "type": kind,
            "action_id": element.get("action_id"),
            "block_id": pressable.block_id,
        }
        if kind == "button":
            action["text"] = element.get("text")
            if "value" in element:
                action["value"] = element["value"]
            confirm = element.get("confirm")
            if confirm and not self._confirmed(confirm):
                return None
            return action
        if kind in ("overflow", "static_select"):
            options = list(element.get("options") or [])
            for group in element.get("option_groups") or []:
                options.extend(group.get("options") or [])
            labels = [str(option["text"]["text"]) for option in options]
            self.console.print(indent(choices(labels, self.console.width - 6)))
            picked = self._ask(f"  pick 1-{len(options)}> ", lambda t: options[_index(t, len(options))])
            if picked is None:
                return None
            action["selected_option"] = picked
        elif kind == "users_select":
            chosen = self._ask(f"  who? ({', '.join(self.session.names())})> ", self._person)
            if chosen is None:
                return None
            action["selected_user"] = chosen
        elif kind == "datepicker":
            chosen = self._ask("  date (YYYY-MM-DD)> ", lambda t: date.fromisoformat(t).isoformat())
            if chosen is None:
                return None
            action["selected_date"] = chosen
        return action

    def _person(self, typed: str) -> str:
        found = self.session.person_id(typed)
        if found is None:
            raise ValueError(typed)
        return found

    def _ask(self, prompt: str, parse: Callable[[str], Any]) -> Any:
        while True:
            typed = self.lines.read(prompt)
            if typed is None or typed.strip() == CANCEL:
                return None
            try:
                return parse(typed.strip())
            except (ValueError, IndexError):
                self.say("That is not one of the choices.", "yellow")

    def _confirmed(self, confirm: dict[str, Any]) -> bool:
        title = str((confirm.get("title") or {}).get("text", "Are you sure?"))
        yes = str((confirm.get("confirm") or {}).get("text", "Yes"))
        no = str((confirm.get("deny") or {}).get("text", "Cancel"))
        self.console.print(indent(Text(title, style="bold")))
        self.console.print(indent(self.renderer.text_object(confirm.get("text"))))
        answer = self.lines.read(f"  {yes} / {no}? (y/n)> ")
        return answer is not None and answer.strip().lower() in ("y", "yes", yes.lower())

    def switch_user(self, rest: str) -> None:
        if not rest:
            for person in self.session.people:
                roles = ", ".join(roles_of(person.name)) or "member"
                marker = " (you)" if person.id == self.session.user.id else ""
                self.console.print(
                    Text.assemble(("  @" + person.name, "bold"), f"  {person.real_name} · {roles}{marker}")
                )
            return
        found = self.session.person(rest)
        if found is None:
            raise Retry(f"Nobody called {rest} here. Try one of: {', '.join(self.session.names())}.")
        self.session.user = person = found
        roles = ", ".join(roles_of(person.name)) or "member"
        self.say(f"You are now @{person.name} ({person.real_name} · {roles}).", "bold")

    def advance(self, rest: str) -> None:
        self._move_to(self.session.clock.now() + parse_duration(rest))

    def now(self, rest: str) -> None:
        if not rest:
            self.say(f"It is {show_time(self.session.clock.now())}.", "bold")
            return
        when = parse_when(rest, self.session.clock.now())
        if when < self.session.clock.now():
            raise Retry(f"The clock only moves forward; it is already {show_time(self.session.clock.now())}.")
        self._move_to(when)

    def _move_to(self, target: datetime) -> None:
        ran = self.session.move_clock(target)
        counts = Counter(r.name for r in ran)
        summary = (
            "ran " + ", ".join(f"{name} {_times(count)}" for name, count in sorted(counts.items()))
            if ran
            else "no scheduler jobs are installed yet"
        )
        self.say(f"⏰ It is now {show_time(target)}; {summary}.", "bold")
        for failed in (r for r in ran if r.error):
            self.say(f"  job {failed.name} failed at {show_time(failed.at)}: {failed.error}", "red")
        self.show()

    def report(self, rest: str) -> None:
        words = shlex.split(rest)
        usage = ':report ID success|error|partial ["error message"] [records]'
        if (
            len(words) < 2
            or not words[0].lstrip("#").isdigit()
            or words[1] not in ("success", "error", "partial")
        ):
            raise Retry(f"Try {usage}.")
        records = int(words[3]) if len(words) > 3 and words[3].isdigit() else None
        error = words[2] if len(words) > 2 else ""
        try:
            line = self.session.report(int(words[0].lstrip("#")), words[1], error, records)
        except PatchbayError as problem:
            raise Retry(str(problem)) from None
        self.say(line, "bold")
        self.show()

    def home(self) -> None:
        view = self.session.open_home()
        self.show(quiet_home=True)
        if view is None:
            self.say("Patchbay has no App Home tab yet.")
            return
        self._header(f"App Home of @{self.session.user.name}")
        self.console.print(
            indent(self.renderer.blocks(view.get("blocks") or [], self.board, Where(view=view)))
        )
        self.board.commit()

    def help(self) -> None:
        self.console.print(Text("The shell's own commands:", style="bold"))
        for usage, meaning in HELP:
            self.console.print(Text.assemble(("  " + usage.ljust(18), "bold cyan"), meaning))
        self.say(FORM_HELP)

    # ---- what the bot did ----------------------------------------------------------------------
    def show(
        self, *, reply: Reply | None = None, reply_where: Where | None = None, quiet_home: bool = False
    ) -> None:
        """Print everything Patchbay did since the last prompt, then run any modal it opened."""
        for _ in range(20):  # a modal can lead to another; stop a runaway loop
            if reply is not None:
                self._show_reply(reply, reply_where or Where(channel=GENERAL))
                reply = None
            messages = self.session.new_messages()
            for call in self.session.new_calls():
                self._show_call(call, messages, quiet_home=quiet_home)
            for message in messages:  # anything not matched to a call (should not happen)
                self._show_message("Patchbay", message)
            self.board.commit()
            modals = self.session.new_modals()
            if not modals:
                return
            self.forms.run(modals[-1])

    def _header(self, text: str) -> None:
        self.console.print(Text.assemble(("● ", "magenta"), (text, "bold magenta")))

    def _show_reply(self, reply: Reply, where: Where) -> None:
        if reply.status != 200:
            self.say(
                f'Slack says: /patchbay failed with the error "dispatch_failed" (HTTP {reply.status}).', "red"
            )
            return
        if not reply.body:
            return
        answer: dict[str, Any] = reply.json if reply.body.startswith("{") else {"text": reply.body}
        if not (answer.get("text") or answer.get("blocks")):
            return
        if answer.get("response_type") == "in_channel":
            self._header(f"Patchbay → {self.renderer.channel(where.channel or GENERAL)}")
        else:
            self._header(f"Patchbay → only visible to you (@{self.session.user.name})")
        self._body(str(answer.get("text") or ""), answer.get("blocks") or [], where)

    def _body(self, text: str, blocks: list[dict[str, Any]], where: Where) -> None:
        self.console.print(indent(self.renderer.message(text, blocks, self.board, where)))

    def _claim(self, messages: list[Message], match: Callable[[Message], bool]) -> Message | None:
        for i, message in enumerate(messages):
            if match(message):
                return messages.pop(i)
        return None

    def _show_call(self, call: Call, messages: list[Message], *, quiet_home: bool) -> None:
        args = call.args
        method = call.method
        if method == "chat.postMessage":
            channel = self.session.channel_of(str(args.get("channel", "")))
            message = self._claim(messages, lambda m: m.channel == channel and not m.ephemeral)
            if message is not None:
                self._show_message("Patchbay", message)
        elif method == "chat.postEphemeral":
            channel = self.session.channel_of(str(args.get("channel", "")))
            message = self._claim(messages, lambda m: m.channel == channel and m.ephemeral)
            if message is not None:
                self._show_message("Patchbay", message)
        elif method == "response_url":
            message = self._claim(messages, lambda m: m.channel == "response_url")
            self._show_response(args, message)
        elif method == "chat.update":
            channel = self.session.channel_of(str(args.get("channel", "")))
            updated = self.session.message_at(channel, str(args.get("ts", "")))
            if updated is not None:
                self._header(f"Patchbay edited its message in {self.renderer.channel(channel)}")
                self._body(updated.text, updated.blocks, self._where(updated))
        elif method == "chat.delete":
            channel = str(args.get("channel", ""))
            self.say(f"(Patchbay deleted a message in {self.renderer.channel(channel)})")
        elif method == "files.completeUploadExternal":
            self._show_upload(args)
        elif method == "views.publish" and not quiet_home:
            name = self.renderer.person(str(args.get("user_id", "")))
            self.say(f"(Patchbay updated the App Home of {name}; :home shows yours)")

    def _show_upload(self, args: dict[str, Any]) -> None:
        files = args.get("files") or []
        if isinstance(files, str):
            files = json.loads(files)
        channel = self.renderer.channel(str(args.get("channel_id", "")))
        self._header(f"Patchbay → {channel}: uploaded a file")
        if args.get("initial_comment"):
            self.console.print(indent(self.renderer.mrkdwn(str(args["initial_comment"]))))
        for file in files:
            data = self.session.slack.uploads.get(str(file["id"]), b"")
            saved = self.session.save_upload(
                self.session.slack.upload_names.get(str(file["id"]), "file"), data
            )
            self.console.print(indent(Text(f"📎 {saved.name} ({len(data):,} bytes), saved as {saved}")))

    def _where(self, message: Message) -> Where:
        if message.ephemeral:
            return Where(channel=message.channel if message.channel != "response_url" else GENERAL)
        payload = {
            "type": "message",
            "ts": message.ts,
            "text": message.text,
            "blocks": message.blocks,
            "user": "U0PATCHBOT",
        }
        if message.thread_ts:
            payload["thread_ts"] = message.thread_ts
        return Where(channel=message.channel, message=payload)

    def _show_message(self, sender: str, message: Message) -> None:
        where = self.renderer.channel(message.channel)
        if message.ephemeral:
            who = self.renderer.person(message.user) if message.user else "you"
            head = f"{sender} → only visible to {who} in {where}"
        else:
            head = f"{sender} → {where}"
        if message.thread_ts:
            parent = self.session.message_at(message.channel, message.thread_ts)
            head += f", in the thread of “{self._summary(parent)}”"
        self._header(head)
        self._body(message.text, message.blocks, self._where(message))

    def _summary(self, message: Message | None) -> str:
        if message is None:
            return "an earlier message"
        first = self.renderer.mrkdwn(message.text or _first_text(message.blocks)).plain.strip().splitlines()
        line = first[0] if first else "a message"
        return line if len(line) <= 60 else line[:57] + "..."

    def _show_response(self, args: dict[str, Any], message: Message | None) -> None:
        if args.get("delete_original"):
            self.say("(Patchbay removed the message above)")
            return
        if message is None:
            return
        if args.get("replace_original") in (True, "true"):
            head = "Patchbay replaced the message above"
        elif args.get("response_type") == "in_channel":
            head = f"Patchbay → {self.renderer.channel(GENERAL)}"
        else:
            head = f"Patchbay → only visible to you (@{self.session.user.name})"
        self._header(head)
        self._body(message.text, message.blocks, Where(channel=GENERAL))


def _first_text(blocks: list[dict[str, Any]]) -> str:
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict) and text.get("text"):
            return str(text["text"])
    return ""


def _index(typed: str, count: int) -> int:
    number = int(typed)
    if not 1 <= number <= count:
        raise IndexError(number)
    return number - 1


def _buttons_shown(count: int) -> str:
    if count == 0:
        return " No buttons are showing."
    return " The only button showing is 1." if count == 1 else f" The buttons showing are 1-{count}."


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")
