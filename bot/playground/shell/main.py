"""`patchbay shell`: start a session, optionally load the demo, then read from the terminal or a script."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.text import Text

from bot.playground.shell.demo import TRY, load_demo
from bot.playground.shell.forms import Lines
from bot.playground.shell.render import indent, make_console
from bot.playground.shell.repl import FORM_HELP, ScriptLines, Shell, TerminalLines, show_time
from bot.playground.shell.session import START, ShellSession, roles_of, running


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=Path("patchbay.db"),
        metavar="PATH",
        help="SQLite file (default: patchbay.db)",
    )
    parser.add_argument("--demo", action="store_true", help="load a sample stack first")
    parser.add_argument(
        "--script", type=Path, metavar="FILE", help="replay what a person types, one line each, and exit"
    )
    parser.add_argument(
        "--now",
        type=_start_time,
        default=START,
        metavar="WHEN",
        help="where the clock starts (default: 2026-11-24T09:00Z)",
    )


def _start_time(text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date or an ISO date-time") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _quiet_logs() -> None:
    """Problems go to stderr; Bolt's notes about events no listener handles stay out of the way."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s %(message)s")
    logging.getLogger("patchbay.bolt").setLevel(logging.ERROR)


def banner(session: ShellSession, console: Console) -> None:
    user = session.user
    roles = ", ".join(roles_of(user.name)) or "member"
    console.print(
        Text("Patchbay shell", style="bold"), Text("· a local Slack workspace; nothing leaves this machine.")
    )
    console.print(
        Text(
            f"Database {session.db_path} · it is {show_time(session.clock.now())} · "
            f"you are @{user.name} ({user.real_name} · {roles})",
            style="dim",
        )
    )
    console.print(
        Text("Type what you would type in Slack (/patchbay help), a button number, or :help.", style="dim")
    )
    console.print(Text(FORM_HELP, style="dim"))
    console.print()


def demo(session: ShellSession, console: Console) -> None:
    people = {p.name: p.id for p in session.people}
    loaded = load_demo(sessions=session.sessions, people=people, now=session.clock.now())
    parts = ", ".join(f"{item.added} {item.part}" for item in loaded)
    console.print(Text(f"Demo stack loaded: {parts} added (anything already there was kept).", style="bold"))
    console.print(Text("Three things to try:", style="bold"))
    for number, (typed, shows) in enumerate(TRY, 1):
        console.print(Text.assemble(f"  {number}. ", (typed, "bold cyan")))
        console.print(indent(Text(shows, style="dim"), 5))
    console.print()


def main(args: argparse.Namespace, *, stdout: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    if args.script is not None and not args.script.is_file():
        print(f"patchbay: no such file: {args.script}", file=sys.stderr)
        return 2
    _quiet_logs()
    plain = not stdout.isatty()
    console = make_console(plain=plain, file=stdout)
    script = args.script.read_text(encoding="utf-8").splitlines() if args.script else None
    with running(args.db, start=args.now) as session:
        banner(session, console)
        if args.demo:
            demo(session, console)
        lines: Lines = ScriptLines(script, console) if script is not None else TerminalLines(console)
        return Shell(session, console=console, lines=lines).run()
