"""Small Block Kit pieces every builder uses."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ConfirmObject,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    InteractiveElement,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
    UserSelectElement,
)

from bot.forms import ListRef
from bot.ids import Field
from commands.vocabulary import Labelled


def plain(text: str) -> PlainTextObject:
    return PlainTextObject(text=text, emoji=True)


def mrkdwn(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def section(text: str, accessory: ButtonElement | None = None, block_id: str | None = None) -> SectionBlock:
    return SectionBlock(text=mrkdwn(text), accessory=accessory, block_id=block_id)


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[mrkdwn(text)])


def option(value: str, label: str) -> Option:
    return Option(value=value, text=plain(label[:75]))


def options_of(kind: Iterable[Labelled]) -> list[Option]:
    return [option(member.value, member.label) for member in kind]


def number_text(value: Decimal | int | None) -> str:
    """A number as a form shows it back: 0 as "0", 20.00 as "20", 49.90 as "49.9"; None as blank."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"


def text_input(
    block_id: str,
    label: str,
    *,
    initial: str = "",
    optional: bool = False,
    multiline: bool = False,
    max_length: int = 200,
    placeholder: str = "",
    hint: str = "",
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=plain(label),
        optional=optional,
        hint=plain(hint) if hint else None,
        element=PlainTextInputElement(
            action_id=Field.VALUE,
            initial_value=initial or None,
            multiline=multiline,
            max_length=max_length,
            placeholder=plain(placeholder) if placeholder else None,
        ),
    )


def number_input(
    block_id: str,
    label: str,
    *,
    initial: str = "",
    decimal: bool = False,
    min_value: str | None = None,
    max_value: str | None = None,
    optional: bool = False,
    hint: str = "",
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=plain(label),
        optional=optional,
        hint=plain(hint) if hint else None,
        element=NumberInputElement(
            action_id=Field.VALUE,
            is_decimal_allowed=decimal,
            initial_value=initial or None,
            min_value=min_value,
            max_value=max_value,
        ),
    )


def percent_input(
    block_id: str, label: str, initial: str = "", *, optional: bool = False, hint: str = ""
) -> InputBlock:
    """A percentage, typed as people say it (20 for 20%)."""
    return number_input(
        block_id,
        label,
        initial=initial,
        decimal=True,
        min_value="0.01",
        max_value="100",
        optional=optional,
        hint=hint,
    )


def select_input(
    block_id: str,
    label: str,
    choices: Sequence[Option],
    *,
    initial: str | None = None,
    optional: bool = False,
    hint: str = "",
) -> InputBlock:
    chosen = next((o for o in choices if o.value == initial), None)
    return InputBlock(
        block_id=block_id,
        label=plain(label),
        optional=optional,
        hint=plain(hint) if hint else None,
        element=StaticSelectElement(action_id=Field.VALUE, options=list(choices), initial_option=chosen),
    )


def multi_select_input(
    block_id: str,
    label: str,
    choices: Sequence[Option],
    *,
    initial: Sequence[str] = (),
    optional: bool = True,
    hint: str = "",
) -> InputBlock:
    chosen = [o for o in choices if o.value in initial]
    return InputBlock(
        block_id=block_id,
        label=plain(label),
        optional=optional,
        hint=plain(hint) if hint else None,
        element=StaticMultiSelectElement(
            action_id=Field.VALUE, options=list(choices), initial_options=chosen or None
        ),
    )


def user_input(block_id: str, label: str, *, initial: str | None = None, hint: str = "") -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=plain(label),
        hint=plain(hint) if hint else None,
        element=UserSelectElement(action_id=Field.VALUE, initial_user=initial),
    )


def date_input(
    block_id: str, label: str, *, initial: date | None = None, optional: bool = False, hint: str = ""
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=plain(label),
        optional=optional,
        hint=plain(hint) if hint else None,
        element=DatePickerElement(
            action_id=Field.VALUE, initial_date=initial.isoformat() if initial else None
        ),
    )


def tick_input(block_id: str, label: str, text: str, *, ticked: bool = False, hint: str = "") -> InputBlock:
    """One optional checkbox: read as ["yes"] when ticked, [] when not."""
    choice = option("yes", text)
    return InputBlock(
        block_id=block_id,
        label=plain(label),
        optional=True,
        hint=plain(hint) if hint else None,
        element=CheckboxesElement(
            action_id=Field.VALUE, options=[choice], initial_options=[choice] if ticked else None
        ),
    )


def button(
    text: str,
    action_id: str,
    value: str,
    *,
    style: str | None = None,
    confirm: ConfirmObject | None = None,
) -> ButtonElement:
    return ButtonElement(text=plain(text), action_id=action_id, value=value, style=style, confirm=confirm)


def confirm(title: str, text: str, yes: str) -> ConfirmObject:
    return ConfirmObject(title=plain(title), text=mrkdwn(text), confirm=plain(yes), deny=plain("Cancel"))


def actions(*elements: InteractiveElement, block_id: str | None = None) -> ActionsBlock:
    return ActionsBlock(elements=list(elements), block_id=block_id)


def user(user_id: str) -> str:
    """A mention of a Slack user id the app itself knows (never user-typed text)."""
    return f"<@{user_id}>"


SECTION_CHARS = 2900


def chunk_lines(lines: list[str], budget: int = SECTION_CHARS) -> list[list[str]]:
    """Lines grouped so that each group fits one section's text (3,000 characters at most)."""
    chunks: list[list[str]] = []
    size = budget + 1
    for line in lines:
        line = line[:budget]
        if size + len(line) + 1 > budget:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 1
    return chunks


def pager(
    page: int,
    pages: int,
    previous: str,
    following: str,
    *,
    filter_text: str = "",
    value: Callable[[int], str] | None = None,
) -> list[Block]:
    """ "Page N of M" and Previous / Next buttons, when there is more than one page. A button's value
    is `value(page)`, or a `ListRef` carrying the list's filter."""
    if pages <= 1:
        return []
    ref = value or (lambda n: ListRef(page=n, filter=filter_text).model_dump_json())
    buttons = []
    if page > 1:
        buttons.append(button("Previous", previous, ref(page - 1)))
    if page < pages:
        buttons.append(button("Next", following, ref(page + 1)))
    return [context(f"Page {page} of {pages}"), actions(*buttons)]
