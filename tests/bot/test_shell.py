"""`patchbay shell --script`: scripted sessions against the real app, asserted on what a person would see."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import cli
from bot.clock import ManualClock
from bot.playground.shell.scheduler import Job, Ticker
from storage.db import make_engine, make_sessionmaker
from storage.models import Tool

HUBSPOT_FORM = """
    /patchbay tool add HubSpot
    :keep
    2
    @bob
    1,3
    :keep
    1,2
    https://www.hubspot.com
    450
    Marketing & sales email
    :keep
    :keep
"""


class Shell:
    """Runs `patchbay shell` in-process, the way the console script does, on one database."""

    def __init__(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.tmp_path = tmp_path
        self.capsys = capsys
        self.db = tmp_path / "patchbay.db"
        self.runs = 0

    def __call__(self, script: str, *args: str) -> str:
        self.runs += 1
        path = self.tmp_path / f"script-{self.runs}.txt"
        path.write_text(textwrap.dedent(script), encoding="utf-8")
        self.capsys.readouterr()
        code = cli.main(["shell", "--db", str(self.db), "--script", str(path), *args])
        out = self.capsys.readouterr().out
        assert code == 0, out
        return out

    def tools(self) -> int:
        engine = make_engine(f"sqlite:///{self.db}")
        try:
            with make_sessionmaker(engine)() as session:
                return session.scalar(select(func.count()).select_from(Tool)) or 0
        finally:
            engine.dispose()


@pytest.fixture
def shell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Shell:
    return Shell(tmp_path, capsys)


def after(transcript: str, marker: str) -> str:
    assert marker in transcript, transcript
    return transcript.split(marker, 1)[1]


def test_registering_a_tool_through_the_modal_form(shell: Shell) -> None:
    out = shell(HUBSPOT_FORM + "\n/patchbay tool HubSpot\n")
    assert "you are @alice (Alice Admin · admin)" in out
    form = after(out, "@alice> /patchbay tool add HubSpot")
    assert "┌ Register a tool  (Register / Cancel)" in form
    assert "  Name [HubSpot]> :keep" in form
    assert "1) CRM   2) Marketing automation" in form
    assert "a person by name: alice, bob, carol, dave, erin, frank" in form
    assert "  Owner [@alice]> @bob" in form
    assert "↳ Register" in form
    assert "● Patchbay → DM to @alice\n  Registered HubSpot. See it with /patchbay tool HubSpot." in form
    card = after(out, "@alice> /patchbay tool HubSpot")
    assert "● Patchbay → only visible to you (@alice)" in card
    assert "Marketing automation · owned by @bob" in card
    assert "Data: Contacts, Leads" in card
    assert "Marketing & sales email" in card  # &amp; shown as &
    assert "[1] Edit   [2] Change owner   [3] Retire" in card
    assert shell.tools() == 1


def test_field_errors_come_back_at_their_field_and_only_that_field_is_asked_again(shell: Shell) -> None:
    out = shell(
        HUBSPOT_FORM
        + """
        # the same name again, differently spaced, with a token pasted into the notes
        /patchbay tool add hub spot
        :keep
        1
        :keep
        :keep
        :keep
        :keep
        :keep
        :keep
        use token xoxb-123456789012-abcdefghijklmnop
        :keep
        :keep
        # Slack shows both errors at once, the taken name and the token; only those two are asked again
        HubSpot Sandbox
        no secrets here
        """
    )
    second = after(out, "@alice> /patchbay tool add hub spot")
    assert "✗ Notes: This looks like a Slack token. Secrets belong in a vault" in second
    assert "✗ Name: HubSpot is already in the registry. Pick another name or edit that tool." in second
    again = after(second, "✗ Notes:")
    assert "Name [hub spot]> HubSpot Sandbox" in again
    assert again.index("> HubSpot Sandbox") < again.index("Notes [use token xoxb-")
    assert again.index("Notes [use token xoxb-") < again.index("> no secrets here")
    assert "Category" not in again
    assert "Registered HubSpot Sandbox." in again
    assert shell.tools() == 2
    assert "xoxb-123456789012" not in after(out, "Registered HubSpot Sandbox")


def test_cancel_closes_the_form_without_saving(shell: Shell) -> None:
    out = shell("/patchbay tool add Asana\n:keep\n:cancel\n/patchbay tools\n")
    assert "(closed Register a tool without saving)" in out
    assert "0 tools." in out
    assert shell.tools() == 0


def test_paging_the_registry_by_pressing_a_numbered_button(shell: Shell) -> None:
    out = shell("/patchbay tools\n2\n1\n", "--demo")
    first = after(out, "@alice> /patchbay tools")
    assert "18 tools" in first and "Page 1 of 2" in first and "[1] Next" in first
    assert "There is no button 2. The only button showing is 1." in out
    second = after(out, "@alice> 1")
    assert "● Patchbay replaced the message above" in second
    assert "Page 2 of 2" in second and "Zendesk · Support · @bob" in second and "[1] Previous" in second


def test_retire_is_refused_to_others_and_allowed_to_the_admin_after_switching(shell: Shell) -> None:
    out = shell(
        """
        :as @frank
        /patchbay tool Salesforce
        3
        n
        3
        y
        :as alice
        3
        yes
        1
        yes
        /patchbay tools crm
        """,
        "--demo",
    )
    assert "You are now @frank (Frank Finance · member)." in out
    assert (
        "Retire this tool?\n  Salesforce will leave the lists.\n  Retire / Cancel? (y/n)> n\n(cancelled)"
        in out
    )
    refused = after(out, "Retire / Cancel? (y/n)> y")
    assert refused.startswith(
        "\n● Patchbay → only visible to you (@frank)\n"
        "  Only Salesforce's owner @bob or a Patchbay admin can retire it."
    )
    assert "You are now @alice (Alice Admin · admin)." in out
    offer = after(out, "Retire / Cancel? (y/n)> yes")
    assert "Salesforce is not retired yet: 1 live or in-flight integration depends on it." in offer
    assert "[1] Retire it and start their teardown" in offer
    retired = after(out, "Retire all / Cancel? (y/n)> yes")
    assert "● Patchbay replaced the message above\n  Salesforce  (retired)" in retired
    assert "Salesforce leaves the lists and 1 integration moves to retiring." in offer
    assert "1 tool matching crm" in retired and "Gong · CRM" in retired


def test_as_lists_the_sample_people_and_their_roles(shell: Shell) -> None:
    out = shell(":as\n:as @nobody\n:as carol\n")
    assert "@alice  Alice Admin · admin (you)" in out
    assert "@carol  Carol Security · security reviewer" in out
    assert "@dave  Dave Approver · approver" in out and "@erin  Erin Approver · approver" in out
    assert "Nobody called @nobody here." in out
    assert "You are now @carol (Carol Security · security reviewer)." in out


def test_help_home_unknown_input_and_quit(shell: Shell) -> None:
    out = shell(":help\n:home\n:frobnicate\nhello\n/giphy cats\n/patchbay tol\n:quit\n/patchbay help\n")
    for command in (":as @name", ":advance 90d", ":now 2027-03-01", ":home", ":help", ":quit"):
        assert command in after(out, "The shell's own commands:")
    assert "● App Home of @alice" in out and "Waiting for you (0)" in out
    assert "I don't know :frobnicate." in out
    assert "Patchbay only hears slash commands here." in out
    assert "/giphy is not a valid command." in out
    assert "Did you mean /patchbay tool NAME?" in out
    assert "@alice> /patchbay help" not in out  # nothing after :quit runs


def test_the_clock_moves_forward_and_runs_due_jobs(shell: Shell) -> None:
    out = shell(":now\n:advance 3d\n:now 2027-03-01\n:now 2026-01-01\n:advance soon\n")
    assert "It is Tue 24 Nov 2026 09:00 UTC." in out
    assert (
        "⏰ It is now Fri 27 Nov 2026 09:00 UTC; "
        "ran check-ins 3 times, renewals 3 times, review-sweep 3 times, run-prune 3 times."
        in " ".join(out.split())
    )
    assert "⏰ It is now Mon 01 Mar 2027 09:00 UTC" in out
    assert "The clock only moves forward" in out
    assert "Say how far: 90d, 3d, 12h, 2w or 30m." in out


def test_the_ticker_runs_each_job_every_time_its_interval_comes_round() -> None:
    start = datetime.fromisoformat("2026-11-24T09:00:00+00:00")
    clock = ManualClock(start)
    seen: list[tuple[str, datetime]] = []
    jobs = [
        Job("daily", lambda now: seen.append(("daily", now))),
        Job("weekly", lambda now: seen.append(("weekly", clock.now())), every=timedelta(days=7)),
    ]
    ran = Ticker(clock, jobs, after_each=lambda: None).move_to(start + timedelta(days=8))
    assert [r.name for r in ran].count("daily") == 8 and [r.name for r in ran].count("weekly") == 2
    assert ("weekly", start + timedelta(days=7)) in seen
    assert seen == sorted(seen, key=lambda item: item[1])
    assert clock.now() == start + timedelta(days=8)


def test_demo_loads_the_sample_stack_once_and_suggests_three_things(shell: Shell) -> None:
    out = shell("", "--demo")
    assert "Demo stack loaded: 18 tools, 9 flows, 8 integrations added" in out
    tips = after(out, "Three things to try:")
    assert (
        "1. /patchbay tools" in tips
        and "2. /patchbay tool Salesforce" in tips
        and "3. /patchbay tool add" in tips
    )
    again = shell(
        "/patchbay tool add Notion\n:keep\n4\n" + ":keep\n" * 9 + "Notion Calendar\n",
        "--demo",
    )
    assert "Demo stack loaded: 0 tools, 0 flows, 0 integrations added" in again
    assert "✗ Name: Notion is already in the registry." in again
    assert "Registered Notion Calendar." in again
    assert shell.tools() == 19


def test_script_output_is_plain_and_the_same_every_time(tmp_path: Path) -> None:
    script = tmp_path / "tour.txt"
    script.write_text("/patchbay tools\n1\n/patchbay tool Jira\n:advance 90d\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PATCHBAY_", "DATABASE_URL"))}
    outputs = []
    for run in ("a", "b"):
        workdir = tmp_path / run
        workdir.mkdir()
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", "shell", "--demo", "--script", str(script)],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert (workdir / "patchbay.db").exists()
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert "\x1b[" not in outputs[0]
    assert all(line == line.rstrip() for line in outputs[0].splitlines())
    assert "Database patchbay.db · it is Tue 24 Nov 2026 09:00 UTC" in outputs[0]
    assert "Jira\n  Engineering · owned by @dave" in outputs[0]


def test_now_flag_sets_where_the_clock_starts(shell: Shell) -> None:
    out = shell(":now\n", "--now", "2027-06-01T08:30")
    assert "It is Tue 01 Jun 2027 08:30 UTC." in out


ROOT = Path(__file__).resolve().parents[2]
PROMPT = re.compile(r"^(?:@\w+|\s+[^>●]*?)> (.*)$")


def readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return after(text, f"## {title}\n").split("\n## ", 1)[0]


def fenced(section: str, language: str) -> str:
    return after(section, f"```{language}\n").split("```", 1)[0]


def test_the_readme_quick_start_is_what_runs(tmp_path: Path) -> None:
    section = readme_section("Quick start")
    commands = [line.split("#")[0].strip() for line in fenced(section, "sh").splitlines()]
    assert commands == ["make shell", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert after(makefile, "\ntest:").split("\n")[1].strip() == "$(PY) -m pytest"
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    walkthrough = fenced(after(section, "```sh\n").split("```", 1)[1], "sh").strip()
    assert walkthrough == ".venv/bin/patchbay shell --db walkthrough.db --script examples/walkthrough.txt"
    args = walkthrough.split()[1:]
    args[args.index("examples/walkthrough.txt")] = str(ROOT / "examples" / "walkthrough.txt")
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "✅ Keep (@bob). Next review: 2027-05-23." in result.stdout


def test_the_readme_shell_session_is_what_the_shell_prints(shell: Shell) -> None:
    section = readme_section("Try it without Slack")
    recipe = after((ROOT / "Makefile").read_text(encoding="utf-8"), "\nshell:").split("\n")[1].strip()
    assert recipe == "$(VENV)/bin/patchbay shell --demo"

    session = fenced(section, "console")
    typed = [m.group(1) for line in session.splitlines() if (m := PROMPT.match(line))]
    assert typed == ["/patchbay tool Salesforce", ":as @frank", "3", "y"]
    out = shell("\n".join(typed) + "\n", "--demo")
    assert session in out


def test_the_readme_lists_the_shells_own_commands(shell: Shell) -> None:
    section = readme_section("Try it without Slack")
    listed = set(re.findall(r"^\| `(:\w+)", section, flags=re.MULTILINE))
    assert listed == {":as", ":advance", ":now", ":home", ":report", ":help"}
    shown = after(shell(":help\n"), "The shell's own commands:")
    for command in (*listed, ":quit"):
        assert f"  {command}" in shown


def test_buttons_that_open_modals_run_them_as_forms(shell: Shell) -> None:
    out = shell(
        """
        :as @bob
        /patchbay tool Salesforce
        # Edit: every field comes prefilled; change only the cost
        1
        :keep
        :keep
        :keep
        :keep
        :keep
        :keep
        :keep
        1750
        :keep
        :keep
        :keep
        /patchbay tool Salesforce
        # Change owner: the new owner hears about it in a DM
        2
        frank
        """,
        "--demo",
    )
    edit = after(out, "@bob> 1")
    assert "┌ Edit tool  (Save / Cancel)" in edit
    assert "Name [Salesforce]> :keep" in edit and "Category [CRM]> :keep" in edit
    assert "Data it holds [Contacts, Deals, Leads]> :keep" in edit
    assert "Monthly cost [1500]> 1750" in edit
    assert "Monthly cost: 1,750" in after(edit, "@bob> /patchbay tool Salesforce")
    owner = after(out, "@bob> 2")
    assert "┌ Change owner  (Save / Cancel)" in owner
    assert "Who should own Salesforce from now on?" in owner
    assert "New owner [@bob]> frank" in owner
    assert "● Patchbay → DM to @frank\n  @bob made you the owner of Salesforce in Patchbay." in owner


def test_home_shows_the_published_view_and_its_buttons_work(
    shell: Shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    from slack_bolt import App

    from bot.listeners import events

    def register(app: App) -> None:
        @app.event("app_home_opened")
        def home(event: dict[str, Any], client: Any) -> None:
            client.views_publish(
                user_id=event["user"],
                view={
                    "type": "home",
                    "blocks": [
                        {"type": "header", "text": {"type": "plain_text", "text": "Your integrations"}},
                        {"type": "section", "text": {"type": "mrkdwn", "text": "*2* need a review"}},
                        {
                            "type": "actions",
                            "elements": [
                                {
                                    "type": "button",
                                    "action_id": "home_hello",
                                    "text": {"type": "plain_text", "text": "Say hello"},
                                }
                            ],
                        },
                    ],
                },
            )

        @app.action("home_hello")
        def hello(ack: Any, body: dict[str, Any], client: Any) -> None:
            ack()
            assert body["container"]["type"] == "view"
            client.chat_postMessage(channel=body["user"]["id"], text=f"Hello from {body['view']['type']}")

    monkeypatch.setattr(events, "register", register)
    out = shell(":home\n1\n:as carol\n:home\n")
    home = after(out, "@alice> :home")
    assert "● App Home of @alice\n  Your integrations\n  2 need a review\n  [1] Say hello" in home
    assert "● Patchbay → DM to @alice\n  Hello from home" in after(home, "@alice> 1")
    assert "● App Home of @carol" in out


WALKTHROUGH = Path(__file__).resolve().parents[2] / "examples" / "walkthrough.txt"


def test_the_walkthrough_registers_proposes_reviews_approves_goes_live_and_keeps(shell: Shell) -> None:
    out = shell(WALKTHROUGH.read_text(encoding="utf-8"))
    proposed = after(out, "  ↳ Propose\n")
    assert proposed.startswith(
        "● Patchbay → #patchbay-governance\n  #1 Won deals become onboarding projects  ·  Proposed"
    )
    assert "Score 12/15  (frequency 4, impact 3, feasibility 5)" in proposed
    assert "Saves 7,800 USD a year  ·  first-year cost 570 USD  ·  payback 0.9 months" in proposed
    assert "[1] Start security review   [2] Reject" in proposed
    reviewed = after(out, "  ↳ Record review\n")
    assert "Awaiting approval" in reviewed and "Security review: pass by @carol" in reviewed
    approved = after(out, "@dave> 1\n")
    assert (
        "Approvals: 1 of 1 (@dave)" in approved
        and "@dave approved it: Awaiting approval -> Approved" in approved
    )
    assert "@bob recorded the sandbox test: Approved -> In sandbox" in out
    assert "@bob deployed it to production: In sandbox -> Live" in out
    quarter = after(out, "@bob> :advance 90d\n")
    assert " ".join(quarter.split()).startswith(
        "⏰ It is now Mon 22 Feb 2027 09:00 UTC; "
        "ran check-ins 90 times, renewals 90 times, review-sweep 90 times, run-prune 90 times."
    )
    assert "Hi @bob: 1 integration due for review (from 2027-02-22)" in quarter
    assert (
        "live for 3 months  ·  last review: none yet" in quarter
        and "[9] Keep   [10] Needs changes" in quarter
    )
    kept = after(out, "  ↳ Keep\n")
    assert kept.startswith("● Patchbay edited its message in DM to @bob")
    assert "✅ Keep (@bob). Next review: 2027-05-23." in kept


def plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


def test_a_missing_script_is_reported_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["shell", "--db", str(tmp_path / "p.db"), "--script", str(tmp_path / "nope.txt")])
    assert code == 2
    assert capsys.readouterr().err == f"patchbay: no such file: {tmp_path / 'nope.txt'}\n"
    assert not (tmp_path / "p.db").exists()


def test_an_admin_changes_the_settings_in_the_shell_and_the_channel_is_kept(shell: Shell) -> None:
    keep_all = "\n".join([":keep"] * 25)  # every setting after the hourly rate, run health included
    script = f"/patchbay settings\n75\n{keep_all}\n"
    out = shell(script)
    assert "Patchbay settings" in out and "Hourly rate [50]>" in out
    assert "Governance channel [C0GOVERN]> :keep" in out
    assert "Alert at an error rate of (%) [20]> :keep" in out
    assert "Hourly rate: 50 -> 75" in out
    assert "Governance channel:" not in out.split("Saved the workspace settings")[-1]
    assert "I don't know" not in out


def test_at_name_in_a_command_becomes_a_mention_as_slack_escapes_it(shell: Shell) -> None:
    out = shell("/patchbay tools @bob\n", "--demo")
    assert "4 tools owned by @bob" in out and "Salesforce · CRM · @bob" in out


def test_emoji_codes_are_shown_as_emoji(shell: Shell) -> None:
    out = shell("/patchbay reviews\n")
    assert "No reviews due (everyone's). 🎉" in out and ":tada:" not in out


def test_every_emoji_the_app_uses_has_a_terminal_form() -> None:
    from bot.playground.shell.render import EMOJI

    root = Path(__file__).resolve().parents[2]
    used = {
        code
        for folder in ("bot", "commands")
        for path in (root / folder).rglob("*.py")
        if "shell" not in path.parts
        for code in re.findall(r"(?<![\w:]):([a-z][a-z0-9_]+):(?![\w:])", path.read_text())
    }
    assert used and used <= set(EMOJI), used - set(EMOJI)


def test_a_slash_command_typed_in_a_form_is_not_taken_as_the_answer(shell: Shell) -> None:
    out = shell("/patchbay tool add Foo\n/patchbay help\n:cancel\n")
    assert "/patchbay was not sent: you are filling in “Register a tool”" in out
    assert ":cancel to close the form first" in out
    assert "(closed Register a tool without saving)" in out and shell.tools() == 0


def test_buttons_in_someone_elses_direct_messages_cannot_be_pressed(shell: Shell) -> None:
    out = shell(":advance 90d\n1\n", "--demo")
    said = " ".join(out.split())
    assert "Button 1 is in @bob's direct messages with Patchbay, which only @bob sees" in said
    assert "Type :as @bob to act as them." in said
    out = shell(":as @bob\n1\n")
    assert "direct messages" not in out.split(":as @bob")[-1]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) is not installed")
def test_the_map_upload_is_shown_and_saved_where_it_can_be_opened(shell: Shell) -> None:
    out = shell("/patchbay map\n", "--demo")
    saved = shell.tmp_path / "patchbay-uploads" / "stack-map.png"
    said = " ".join(out.split())
    assert f"📎 stack-map.png ({saved.stat().st_size:,} bytes), saved as {saved.resolve()}" in said
    assert saved.read_bytes().startswith(b"\x89PNG")


def test_the_local_server_waits_in_select_instead_of_spinning(tmp_path: Path) -> None:
    from bot.playground.shell.session import running

    with running(tmp_path / "p.db") as session:
        assert session.server.loop_timeout >= 1  # waitress truncates a fraction to 0: a busy loop


def test_enter_on_an_empty_field_moves_to_a_new_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console

    from bot.playground.shell.repl import TerminalLines

    buffer = io.StringIO()
    console = Console(file=buffer, highlight=False)
    answers = iter(["", "crm"])

    def typed(prompt: Any) -> str:  # the terminal echoes the answer, not the Enter after an empty one
        answer = next(answers)
        console.print(prompt, answer, sep="", end="\n" if answer else "")
        return answer

    monkeypatch.setattr(console, "input", typed)
    lines = TerminalLines(console)
    assert (lines.read("Name> "), lines.read("Category> ")) == ("", "crm")
    assert buffer.getvalue().splitlines() == ["Name> ", "Category> crm"]
