"""A modal as a terminal form: every input in order, Slack's field errors shown where they belong.

It does what Slack's client does with a modal: keeps initial values, refuses an empty required field
and an over-long text before sending, sends the submission, and acts on the app's answer (`errors`
re-asks only the fields named, `update` replaces the view, `push` stacks one, `clear` closes all).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from rich.console import Console
from rich.text import Text

from bot.playground.driver import Reply
from bot.playground.shell.render import Renderer, Where, choices, indent

KEEP = ":keep"
CLEAR = ":clear"
CANCEL = ":cancel"
SELECTS = ("static_select", "radio_buttons", "external_select")
MULTIS = ("multi_static_select", "checkboxes", "multi_external_select")


class Lines(Protocol):
    """Where the person's typing comes from: the terminal or a script. None means it ran out."""

    def read(self, prompt: str) -> str | None: ...


class Cancelled(Exception):
    """The person closed the modal."""


class Retry(Exception):
    """The answer was not acceptable; the message says why, and the field is asked again."""


@dataclass
class FormOutcome:
    submitted: bool
    reply: Reply | None = None


@dataclass(frozen=True)
class FormHooks:
    """What the form needs from the session: sending, suggestions and the people directory."""

    submit: Callable[[dict[str, Any], dict[str, Any]], Reply]
    close: Callable[[dict[str, Any]], object]
    suggest: Callable[[dict[str, Any], str, str], list[dict[str, Any]]]
    find_person: Callable[[str], str | None]
    people: Callable[[], list[str]]


def initial_value(element: Mapping[str, Any]) -> Any:
    """The value an element holds before anyone types, in the form `fill_state` takes."""
    kind = element.get("type")
    if kind in SELECTS:
        option = element.get("initial_option")
        return option["value"] if option else None
    if kind in MULTIS:
        return [o["value"] for o in element.get("initial_options") or []]
    if kind == "users_select":
        return element.get("initial_user")
    if kind == "multi_users_select":
        return list(element.get("initial_users") or [])
    if kind == "datepicker":
        return element.get("initial_date")
    if kind == "timepicker":
        return element.get("initial_time")
    if kind == "conversations_select":
        return element.get("initial_conversation")
    return element.get("initial_value") or ""


def options_of(element: Mapping[str, Any]) -> list[dict[str, Any]]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    return options


def _label(option: Mapping[str, Any]) -> str:
    return str((option.get("text") or {}).get("text", option.get("value", "")))


def inputs(view: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [b for b in view.get("blocks") or [] if b.get("type") == "input"]


class FormRunner:
    """Runs one modal (and any it pushes) until it is submitted, closed or cancelled."""

    def __init__(self, *, console: Console, lines: Lines, renderer: Renderer, hooks: FormHooks) -> None:
        self.console = console
        self.lines = lines
        self.renderer = renderer
        self.hooks = hooks
        self._known: dict[str, dict[str, dict[str, Any]]] = {}  # block_id -> value -> option seen

    def run(self, view: dict[str, Any]) -> FormOutcome:
        stack = [view]
        values = {b["block_id"]: initial_value(b["element"]) for b in inputs(view)}
        ask = [b["block_id"] for b in inputs(view)]
        self._show(view)
        while stack:
            view = stack[-1]
            try:
                for block in inputs(view):
                    if block["block_id"] in ask:
                        values[block["block_id"]] = self._ask(view, block, values.get(block["block_id"]))
            except Cancelled:
                self.console.print(indent(Text(f"(closed {self._title(view)} without saving)", style="dim")))
                if view.get("notify_on_close"):
                    self.hooks.close(view)
                return FormOutcome(submitted=False)
            submit_label = _plain(view.get("submit")) or "Submit"
            self.console.print(indent(Text(f"↳ {submit_label}", style="bold green")))
            reply = self.hooks.submit(view, self._state_values(view, values))
            answer = reply.json if reply.status == 200 and reply.body.startswith("{") else {}
            action = answer.get("response_action")
            if reply.status != 200:
                self.console.print(
                    indent(Text(f"Slack shows: We had some trouble connecting (HTTP {reply.status}).", "red"))
                )
                return FormOutcome(submitted=False, reply=reply)
            if action == "errors":
                ask = self._show_errors(view, answer.get("errors") or {})
                continue
            if action in ("update", "push"):
                new_view = {**answer["view"], "id": view.get("id")} if action == "update" else answer["view"]
                if action == "update":
                    stack[-1] = new_view
                else:
                    stack.append(new_view)
                values = {b["block_id"]: initial_value(b["element"]) for b in inputs(new_view)}
                ask = [b["block_id"] for b in inputs(new_view)]
                self._show(new_view)
                if not ask:
                    self._wait_for_close(new_view)
                    return FormOutcome(submitted=True, reply=reply)
                continue
            if action == "clear":
                stack.clear()
            else:
                stack.pop()
            if not stack:
                return FormOutcome(submitted=True, reply=reply)
            view = stack[-1]
            values = {b["block_id"]: initial_value(b["element"]) for b in inputs(view)}
            ask = list(values)
            self._show(view)
        return FormOutcome(submitted=True)

    # ---- showing -------------------------------------------------------------------------------
    def _title(self, view: Mapping[str, Any]) -> str:
        return _plain(view.get("title")) or "the modal"

    def _show(self, view: Mapping[str, Any]) -> None:
        title = self._title(view)
        buttons = " / ".join(x for x in (_plain(view.get("submit")), _plain(view.get("close"))) if x)
        self.console.print(Text.assemble(("┌ ", "cyan"), (title, "bold cyan"), (f"  ({buttons})", "dim")))
        others = [b for b in view.get("blocks") or [] if b.get("type") != "input"]
        if others:
            self.console.print(indent(self.renderer.blocks(others, None, Where(view=dict(view)))))
        if inputs(view):
            self.console.print(
                indent(Text("Enter keeps the value in [brackets]; :clear empties it; :cancel closes.", "dim"))
            )

    def _wait_for_close(self, view: Mapping[str, Any]) -> None:
        """A view with nothing to fill in (a result or a "done" page): the person reads it and closes."""
        self.console.print(indent(Text(f"({self._title(view)} closed)", style="dim")))

    def _show_errors(self, view: Mapping[str, Any], errors: Mapping[str, str]) -> list[str]:
        labels = {b["block_id"]: _plain(b.get("label")) for b in inputs(view)}
        for block_id, message in errors.items():
            label = labels.get(block_id, block_id)
            self.console.print(
                indent(Text.assemble(("✗ ", "bold red"), (f"{label}: ", "bold"), (message, "red")))
            )
        order = [b["block_id"] for b in inputs(view) if b["block_id"] in errors]
        return order or [b["block_id"] for b in inputs(view)]

    def _state_values(self, view: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
        return {b["block_id"]: values.get(b["block_id"]) for b in inputs(view)}

    # ---- asking --------------------------------------------------------------------------------
    def _ask(self, view: dict[str, Any], block: Mapping[str, Any], current: Any) -> Any:
        element = block["element"]
        label = _plain(block.get("label")) or block["block_id"]
        optional = bool(block.get("optional"))
        head = Text.assemble((label, "bold"), (" (optional)" if optional else "", "dim"))
        hint = _plain(block.get("hint"))
        placeholder = _plain(element.get("placeholder"))
        if placeholder and element.get("type") in ("plain_text_input", "url_text_input", "number_input"):
            example = placeholder if placeholder.startswith("e.g.") else f"e.g. {placeholder}"
            head.append(f"  {example}", style="dim")
        self.console.print(indent(head))
        if hint:
            self.console.print(indent(Text(hint, style="dim"), 4))
        self._show_choices(element)
        while True:
            shown = self._display(block, current)
            prompt = f"  {label}{f' [{shown}]' if shown else ''}> "
            typed = self.lines.read(prompt)
            if typed is None or typed.strip() == CANCEL:
                raise Cancelled
            typed = typed.strip()
            if typed.startswith("/"):
                self.console.print(
                    indent(
                        Text(
                            f"! {typed.split()[0]} was not sent: you are filling in “{self._title(view)}”. "
                            "Answer the field, or type :cancel to close the form first.",
                            "yellow",
                        ),
                        4,
                    )
                )
                continue
            try:
                if typed in ("", KEEP):
                    value = current
                elif typed == CLEAR:
                    value = [] if element.get("type") in (*MULTIS, "multi_users_select") else None
                else:
                    value = self._parse(view, block, element, typed)
                self._check(element, optional, value)
            except Retry as problem:
                self.console.print(indent(Text.assemble(("! ", "bold yellow"), (str(problem), "yellow")), 4))
                continue
            return "" if value is None and element.get("type") == "plain_text_input" else value

    def _show_choices(self, element: Mapping[str, Any]) -> None:
        kind = element.get("type")
        if kind in (*SELECTS, *MULTIS) and kind not in ("external_select", "multi_external_select"):
            labels = [_label(o) for o in options_of(element)]
            self.console.print(indent(choices(labels, self.console.width - 8), 4))
            if kind in MULTIS:
                self.console.print(indent(Text("several: numbers separated by commas, e.g. 1,3", "dim"), 4))
        elif kind in ("users_select", "multi_users_select"):
            names = ", ".join(self.hooks.people())
            many = " (several: separated by commas)" if kind == "multi_users_select" else ""
            self.console.print(indent(Text(f"a person by name: {names}{many}", "dim"), 4))
        elif kind in ("external_select", "multi_external_select"):
            self.console.print(indent(Text("type part of a name to search", "dim"), 4))
        elif kind == "datepicker":
            self.console.print(indent(Text("a date: YYYY-MM-DD", "dim"), 4))
        elif kind == "conversations_select":
            self.console.print(indent(Text("a channel id, like C0GOVERN", "dim"), 4))
        elif kind == "plain_text_input" and element.get("multiline"):
            self.console.print(indent(Text("type \\n for a new line", "dim"), 4))

    def _display(self, block: Mapping[str, Any], value: Any) -> str:
        element = block["element"]
        kind = element.get("type")
        if value in (None, "", []):
            return ""
        if kind in SELECTS:
            return self._option_label(block, str(value))
        if kind in MULTIS:
            return ", ".join(self._option_label(block, str(v)) for v in value)
        if kind == "users_select":
            return self.renderer.person(str(value))
        if kind == "multi_users_select":
            return ", ".join(self.renderer.person(str(v)) for v in value)
        text = str(value).replace("\n", "\\n")
        return text if len(text) <= 60 else text[:57] + "..."

    def _option_label(self, block: Mapping[str, Any], value: str) -> str:
        element = block["element"]
        initial = [element.get("initial_option"), *(element.get("initial_options") or [])]
        known = {o["value"]: o for o in [*options_of(element), *initial] if o}
        known.update(self._known.get(str(block["block_id"]), {}))
        return _label(known[value]) if value in known else value

    def _parse(
        self, view: dict[str, Any], block: Mapping[str, Any], element: Mapping[str, Any], typed: str
    ) -> Any:
        kind = element.get("type")
        if kind in ("static_select", "radio_buttons"):
            return _pick(options_of(element), typed)["value"]
        if kind in ("multi_static_select", "checkboxes"):
            return [_pick(options_of(element), part)["value"] for part in _split(typed)]
        if kind == "users_select":
            return self._person(typed)
        if kind == "multi_users_select":
            return [self._person(part) for part in _split(typed)]
        if kind == "external_select":
            return self._search(view, block, typed)
        if kind == "multi_external_select":
            return [self._search(view, block, part) for part in _split(typed)]
        if kind == "datepicker":
            try:
                return date.fromisoformat(typed).isoformat()
            except ValueError:
                raise Retry("Enter a date as YYYY-MM-DD, like 2027-03-01.") from None
        if kind == "number_input":
            return _number(element, typed)
        if kind == "conversations_select":
            return typed.lstrip("#").strip()
        return typed.replace("\\n", "\n")

    def _person(self, typed: str) -> str:
        found = self.hooks.find_person(typed)
        if found is None:
            raise Retry(f"Nobody called {typed} here. Try one of: {', '.join(self.hooks.people())}.")
        return found

    def _search(self, view: dict[str, Any], block: Mapping[str, Any], typed: str) -> str:
        options = self.hooks.suggest(view, str(block["block_id"]), typed)
        if not options:
            raise Retry(f"Nothing matches “{typed}”. Type another part of the name.")
        known = self._known.setdefault(str(block["block_id"]), {})
        known.update({o["value"]: o for o in options})
        exact = [o for o in options if _label(o).casefold() == typed.casefold()]
        if len(exact) == 1 or len(options) == 1:
            chosen = (exact or options)[0]
            self.console.print(indent(Text(f"= {_label(chosen)}", style="dim"), 4))
            return str(chosen["value"])
        self.console.print(indent(choices([_label(o) for o in options], self.console.width - 8), 4))
        while True:
            picked = self.lines.read(f"    pick 1-{len(options)}> ")
            if picked is None or picked.strip() == CANCEL:
                raise Cancelled
            try:
                return str(_pick(options, picked.strip())["value"])
            except Retry as problem:
                self.console.print(indent(Text(str(problem), style="yellow"), 4))

    def _check(self, element: Mapping[str, Any], optional: bool, value: Any) -> None:
        """What Slack's client refuses before sending anything."""
        if not optional and value in (None, "", []):
            raise Retry("Please fill out this field.")
        if isinstance(value, str) and value:
            longest, shortest = element.get("max_length"), element.get("min_length")
            if longest and len(value) > int(longest):
                raise Retry(f"Please use {longest} characters or fewer (this has {len(value)}).")
            if shortest and len(value) < int(shortest):
                raise Retry(f"Please use at least {shortest} characters.")
        most = element.get("max_selected_items")
        if isinstance(value, list) and most and len(value) > int(most):
            raise Retry(f"Pick at most {element['max_selected_items']}.")


def _plain(obj: Any) -> str:
    if isinstance(obj, Mapping):
        return str(obj.get("text", ""))
    return str(obj or "")


def _split(typed: str) -> list[str]:
    return [part.strip() for part in typed.split(",") if part.strip()]


def _pick(options: Sequence[Mapping[str, Any]], typed: str) -> Mapping[str, Any]:
    """An option by its number, or by its label or value typed out."""
    if typed.isdigit():
        number = int(typed)
        if 1 <= number <= len(options):
            return options[number - 1]
        raise Retry(f"Pick a number from 1 to {len(options)}.")
    wanted = typed.casefold()
    for option in options:
        if wanted in (_label(option).casefold(), str(option.get("value", "")).casefold()):
            return option
    raise Retry(f"“{typed}” is not one of the choices; type its number.")


def _number(element: Mapping[str, Any], typed: str) -> str:
    try:
        number = Decimal(typed)
    except InvalidOperation:
        raise Retry("Enter a number.") from None
    if not element.get("is_decimal_allowed") and number != number.to_integral_value():
        raise Retry("Enter a whole number.")
    low, high = element.get("min_value"), element.get("max_value")
    if low is not None and number < Decimal(str(low)):
        raise Retry(f"Enter {low} or more.")
    if high is not None and number > Decimal(str(high)):
        raise Retry(f"Enter {high} or less.")
    return typed
