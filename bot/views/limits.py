"""What a modal input may take, read from the one pydantic field that validates it.

A modal's `max_length`, number bounds, options and optional flag all come from here, so a person
can never type what the server then refuses. A builder may be stricter than the model (require
what the model lets be blank), never looser.
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt, MaxLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from slack_sdk.models.blocks import InputBlock, Option, UserSelectElement

from bot.ids import Field
from bot.views.elements import (
    multi_select_input,
    number_text,
    option,
    options_of,
    plain,
    select_input,
    text_input,
)
from commands.fields import Lines

YES_NO = [option("yes", "Yes"), option("no", "No")]


@dataclass(frozen=True)
class Limits:
    """A field's constraints as a modal needs them."""

    optional: bool
    base: Any
    max_length: int | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    decimal_places: int | None = None

    @property
    def numeric(self) -> bool:
        return self.base in (int, Decimal, float)

    @property
    def text_length(self) -> int | None:
        """How many characters the input takes: the text's limit, or the widest number allowed."""
        if not self.numeric:
            return self.max_length if self.base is str else None
        if self.maximum is None:
            return None
        widest = max(len(str(int(bound))) for bound in (self.minimum or 0, self.maximum))
        return widest + (1 + self.decimal_places if self.decimal_places else 0)

    @property
    def choices(self) -> list[Option]:
        """The options a select offers: the enum's members, a Literal's values, or yes / no."""
        if self.base is bool:
            return YES_NO
        if isinstance(self.base, type) and issubclass(self.base, Enum):
            return options_of(self.base)
        if get_origin(self.base) is Literal:
            return [option(str(value), str(value)) for value in get_args(self.base)]
        raise TypeError(f"{self.base!r} offers no options")


def _unwrap(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    """The base type under Annotated, Optional and list, with every constraint found on the way."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extra = get_args(annotation)
        return _unwrap(base, [*metadata, *extra])
    if origin in (Union, types.UnionType):
        kept = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(kept) == 1:
            return _unwrap(kept[0], metadata)
    if origin in (list, tuple, set, frozenset):
        # The container's own lengths count items, not characters: keep only what the item says.
        return _unwrap(get_args(annotation)[0], [])
    found: list[Any] = []
    for item in metadata:
        found += item.metadata if isinstance(item, FieldInfo) else [item]
    return annotation, found


def limits(model: type[BaseModel], name: str) -> Limits:
    """The constraints of `model.name`, as pydantic enforces them."""
    field = model.model_fields[name]
    lines = next((item for item in field.metadata if isinstance(item, Lines)), None)
    if lines is not None:  # typed as text, parsed into items
        return Limits(optional=not field.is_required(), base=str, max_length=lines.max_length)
    sequence = get_origin(field.annotation) in (list, tuple, set, frozenset)
    base, metadata = _unwrap(field.annotation, [] if sequence else field.metadata)
    values: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, MaxLen):
            values["max_length"] = item.max_length
        elif isinstance(item, Ge | Gt):
            values["minimum"] = Decimal(str(item.ge if isinstance(item, Ge) else item.gt))
        elif isinstance(item, Le | Lt):
            values["maximum"] = Decimal(str(item.le if isinstance(item, Le) else item.lt))
        elif getattr(item, "decimal_places", None) is not None:
            values["decimal_places"] = item.decimal_places
    return Limits(optional=not field.is_required(), base=base, **values)


def text_field(
    model: type[BaseModel],
    name: str,
    label: str,
    *,
    initial: str | Decimal | int | None = "",
    multiline: bool = False,
    placeholder: str = "",
    hint: str = "",
    required: bool = False,
    max_length: int | None = None,
) -> InputBlock:
    """A text input for `model.name` (text or a typed number), bounded as the model bounds it.

    `max_length` is only for a field whose model leaves its length open (text parsed into lines).
    """
    bounds = limits(model, name)
    length = bounds.text_length
    if length is not None and max_length is not None:
        raise ValueError(f"{model.__name__} limits this field to {length} characters already")
    shown = initial if isinstance(initial, str) else number_text(initial)
    return text_input(
        name,
        label,
        initial=shown,
        optional=bounds.optional and not required,
        multiline=multiline,
        max_length=length or max_length or 200,
        placeholder=placeholder,
        hint=hint,
    )


def select_field(
    model: type[BaseModel],
    name: str,
    label: str,
    *,
    initial: str | None = None,
    hint: str = "",
    required: bool = False,
) -> InputBlock:
    """A single select offering exactly the values `model.name` accepts."""
    bounds = limits(model, name)
    return select_input(
        name, label, bounds.choices, initial=initial, optional=bounds.optional and not required, hint=hint
    )


def multi_select_field(
    model: type[BaseModel],
    name: str,
    label: str,
    *,
    initial: Sequence[str] = (),
    hint: str = "",
) -> InputBlock:
    """A multi-select offering exactly the values `model.name`'s items accept."""
    bounds = limits(model, name)
    return multi_select_input(
        name, label, bounds.choices, initial=initial, optional=bounds.optional, hint=hint
    )


def user_field(
    model: type[BaseModel], name: str, label: str, *, initial: str | None = None, hint: str = ""
) -> InputBlock:
    """A person picker for `model.name`."""
    return InputBlock(
        block_id=name,
        label=plain(label),
        optional=limits(model, name).optional,
        hint=plain(hint) if hint else None,
        element=UserSelectElement(action_id=Field.VALUE, initial_user=initial),
    )
