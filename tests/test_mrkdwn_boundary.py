"""People's text is formatted into Slack text only through `bot.text.escape` (or `fill`).

A static check over `bot/` and `commands/`: an f-string that puts a piece of people's text (a field
of any read model or form in `commands/` that holds free text: titles, names, notes, reasons...)
into a string must wrap it in `escape(...)`. In `commands/`, which never writes mrkdwn, the rule
covers what goes to Slack from there: error messages and outbox items.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import typing
from pathlib import Path

from pydantic import BaseModel

import commands
from commands.errors import PatchbayError
from commands.fields import Form
from commands.mapping import FieldPair
from commands.security_review import ScopeNeed

ROOT = Path(__file__).resolve().parent.parent
NOT_SENT_TO_SLACK = {
    "bot/cli/__init__.py",  # the terminal
    "bot/cli/review_commands.py",  # the terminal
    "bot/playground/localslack.py",  # the stand-in for Slack
    "bot/text.py",  # the escaping itself
    "bot/web/logs.py",  # log lines
    "bot/settings.py",  # start-up errors in the terminal
    "bot/views/stackmap_drawing.py",  # Graphviz DOT, made safe by its own `quote`
}


def _forms() -> list[type[BaseModel]]:
    for module in pkgutil.iter_modules(commands.__path__):
        importlib.import_module(f"commands.{module.name}")
    found: list[type[BaseModel]] = []
    pending: list[type[BaseModel]] = [Form]
    while pending:
        model = pending.pop()
        pending += model.__subclasses__()
        found.append(model)
    return found


def _is_text(annotation: object) -> bool:
    if annotation is str:
        return True
    return any(_is_text(arg) for arg in typing.get_args(annotation))


# Every text field a person fills in (found from the forms), the parts of the text they type that
# are parsed into pairs, and the names the read models give that text on its way back out.
PEOPLES_TEXT = {
    name
    for model in [*_forms(), FieldPair, ScopeNeed]
    for name, field in model.model_fields.items()
    if (_is_text(field.annotation) or name in ("mapping", "scopes")) and not name.endswith("_id")
} | {
    "title",
    "name",
    "names",
    "note",
    "source_tool",
    "target_tool",
    "other_tool",
    "integration",
    "pending_change",
    "flow",
    "focus",
    "fragment",
    "filter_text",
    "similar",
    "typed",
    "args",
}


def _terminal(node: ast.expr) -> str | None:
    while isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _unescaped(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for part in node.values:
                if isinstance(part, ast.FormattedValue):
                    name = _terminal(part.value)
                    if name in PEOPLES_TEXT:
                        found.append((part.lineno, ast.unparse(part.value)))
    return found


def _error_classes(base: type[PatchbayError] = PatchbayError) -> set[str]:
    names = {base.__name__}
    for sub in base.__subclasses__():
        names |= _error_classes(sub)
    return names


# InvalidInput's messages are escaped whole at the edge (they hold no mentions), so only the other
# domain errors, whose sentences may mention people, must pass people's text as named values.
SENTENCES = (_error_classes() - {"InvalidInput"}) | {"__init__", "owe"}


def _sent_from_commands(tree: ast.AST) -> list[ast.AST]:
    """Domain errors and outbox items: the only text `commands/` hands to Slack."""
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _terminal(n.func) in SENTENCES]


def test_the_check_knows_peoples_text() -> None:
    assert {"title", "name", "purpose", "note", "notes", "reason", "data", "trigger", "why"} <= PEOPLES_TEXT


def test_the_check_catches_an_unescaped_title() -> None:
    assert _unescaped(ast.parse('f"#{card.id} {card.title}"')) == [(1, "card.title")]
    assert _unescaped(ast.parse('f"#{card.id} {escape(card.title)}"')) == []
    sent = _sent_from_commands(ast.parse('raise NotAllowed(f"Only {tool.name}\'s owner")'))
    assert [_unescaped(node) for node in sent] == [[(1, "tool.name")]]
    assert _sent_from_commands(ast.parse('raise InvalidInput({"name": f"{draft.name} is taken"})')) == []


def test_bot_formats_peoples_text_only_through_escape() -> None:
    found = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in NOT_SENT_TO_SLACK or relative.startswith("bot/playground/shell/"):
            continue
        found += [f"{relative}:{line} {expr}" for line, expr in _unescaped(ast.parse(path.read_text()))]
    assert not found, "escape people's text with bot.text.escape:\n" + "\n".join(found)


def test_commands_hand_peoples_text_to_slack_only_as_values() -> None:
    found = []
    for path in sorted((ROOT / "commands").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        for node in _sent_from_commands(ast.parse(path.read_text())):
            found += [f"{relative}:{line} {expr}" for line, expr in _unescaped(node)]
    assert not found, (
        "pass people's text as a named value (NotFound('... {name}', name=...)) or in a Notice:\n"
        + "\n".join(found)
    )


# Slack markup: a mention or channel link (`<@U..>`, `<#C..>`, `<!here>`, `<https://..|..>`), code
# (a backtick), an emoji code (`:warning:`), bold or italic (`*word*`, `_word_`) or a bullet.
MARKUP = re.compile(
    r"<[@#!]|<https?:|`|:[a-z][a-z0-9_+-]*:|•"
    r"|(?:^|\s)\*[^\s*][^*\n]*\*(?=\s|$|[.,;:])|(?:^|\s)_[^\s_][^_\n]*_(?=\s|$|[.,;:])"
)


def _texts(tree: ast.AST) -> list[tuple[int, str]]:
    """String literals that could reach a person: not docstrings, not regular expressions."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            skipped.add(id(first.value))
        if isinstance(node, ast.Call) and _terminal(node.func) in ("compile", "search", "match", "sub"):
            skipped |= {id(arg) for arg in node.args}
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped
    ]


def _markup(tree: ast.AST) -> list[tuple[int, str]]:
    return [(line, text) for line, text in _texts(tree) if MARKUP.search(text)]


def test_the_markup_check_catches_slack_markup() -> None:
    for code in (
        'f"Only the owner <@{owner}> may"',
        '"Run `/patchbay settings` again"',
        '" :warning: careful"',
        '"*Data:* none"',
        '"\\n• one"',
    ):
        assert _markup(ast.parse(f"text = {code}")), code
    for code in (
        '"Only the owner {owner} may"',
        '"09:00"',
        '"a * b"',
        '"snake_case_name"',
        're.compile(r"(?<![A-Z])x")',
    ):
        assert not _markup(ast.parse(f"text = {code}")), code
    assert not _markup(ast.parse('def f():\n    """Uses `code` in a docstring."""'))


def test_commands_write_no_slack_markup() -> None:
    found = []
    for path in sorted((ROOT / "commands").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        found += [f"{relative}:{line} {text!r}" for line, text in _markup(ast.parse(path.read_text()))]
    assert not found, (
        "commands/ returns data and plain sentences; word Slack text in bot/views (a person or a"
        " command in an error is a named value: Mention(user_id), Command('/patchbay ...')):\n"
        + "\n".join(found)
    )


# What an integration's history, documents, thread and DMs show under a step: `commands/` stores it
# as data (a StepReason) and `bot/views/history.py` words it, so no sentence is composed here.
STORED_FOR_PEOPLE = {"take_step": "reason", "record_change": "note"}


def _composed_notes(tree: ast.AST) -> list[int]:
    """Lines where a step's reason, or an integration's audit note, is an f-string (or a name
    the module assigns one to)."""
    composed = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.JoinedStr)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _terminal(node.func) not in STORED_FOR_PEOPLE:
            continue
        keywords = {k.arg: k.value for k in node.keywords}
        entity = keywords.get("entity_type")
        if isinstance(entity, ast.Constant) and entity.value != "integration":
            continue
        stored = keywords.get(STORED_FOR_PEOPLE[_terminal(node.func) or ""])
        if isinstance(stored, ast.JoinedStr) or (isinstance(stored, ast.Name) and stored.id in composed):
            found.append(node.lineno)
    return found


def test_the_note_check_catches_a_composed_reason() -> None:
    assert _composed_notes(ast.parse('take_step(step=s, reason=f"{card.name} is being retired.")')) == [1]
    assert _composed_notes(ast.parse('record_change(s, entity_type="integration", note=f"{a} -> {b}")')) == [
        1
    ]
    assert _composed_notes(ast.parse('note = f"{e} of {r} failed"\ntake_step(step=s, reason=note)')) == [2]
    assert _composed_notes(ast.parse("take_step(step=s, reason=reason)")) == []
    assert _composed_notes(ast.parse('record_change(s, entity_type="flow", note=f"#{i} went live")')) == []


def test_commands_store_no_composed_sentence_under_an_integrations_step() -> None:
    found = []
    for path in sorted((ROOT / "commands").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        found += [f"{relative}:{line}" for line in _composed_notes(ast.parse(path.read_text()))]
    assert not found, (
        "store the reason as data (StepReason) and word it in bot/views/history.py:\n" + "\n".join(found)
    )
