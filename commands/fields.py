"""Field types shared by every form: trimmed, bounded, and never a credential."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Self, TypeVar, get_args, get_origin
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from commands.errors import InvalidInput
from commands.secrets import find_secret

SECRET_MESSAGE = "This looks like {kind}. Secrets belong in a vault or secrets manager, never in Patchbay."


def _no_secret(value: Any) -> Any:
    kind = find_secret(value) if isinstance(value, str) else None
    if kind:
        raise PydanticCustomError("secret", SECRET_MESSAGE, {"kind": kind})
    return value


def secret_refusal(text: str) -> str | None:
    """Why `text` is refused (it holds a credential), or None: for text no form parses."""
    kind = find_secret(text)
    return SECRET_MESSAGE.format(kind=kind) if kind else None


def refuse_secrets(values: dict[str, str]) -> None:
    """Raise InvalidInput at the first of `values` (field -> raw text) that holds a credential.

    For text read before it reaches a form: CSV columns, slash-command arguments.
    """
    for field, value in values.items():
        kind = find_secret(value or "")
        if kind:
            raise InvalidInput({field: SECRET_MESSAGE.format(kind=kind)})


def _web_url(value: str) -> str:
    if not value:
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or "." not in parts.hostname:
        raise PydanticCustomError(
            "url", "Enter a web address that starts with https://, like https://hubspot.com"
        )
    return value


@dataclass(frozen=True)
class Lines:
    """Marks a field a person types as lines of text that are then parsed into items.

    Put it after the parsing validator: the text is refused past `max_length` characters before it
    is parsed (a credential in it is still named as one), and a modal reads the same limit.
    """

    max_length: int

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        def bounded(value: Any) -> Any:
            if isinstance(value, str) and len(value) > self.max_length:
                _no_secret(value)  # a credential is named as one, however long the text
                raise PydanticCustomError(
                    "string_too_long",
                    "String should have at most {max_length} characters",
                    {"max_length": self.max_length},
                )
            return value

        return core_schema.no_info_before_validator_function(bounded, handler(source))


NoSecret = BeforeValidator(_no_secret)  # before length limits: a credential is named as one
Name = Annotated[str, Field(min_length=1, max_length=80), NoSecret]
MaybeName = Annotated[str, Field(max_length=80), NoSecret]  # a name that may be left blank
ShortText = Annotated[str, Field(max_length=200), NoSecret]
RequiredText = Annotated[str, Field(min_length=1, max_length=200), NoSecret]
LongText = Annotated[str, Field(max_length=2000), NoSecret]
WebUrl = Annotated[str, Field(max_length=500), NoSecret, AfterValidator(_web_url)]
CENTS = Decimal("0.01")
Money = Annotated[
    Decimal,
    Field(ge=0, le=Decimal("100000000"), decimal_places=2),
    AfterValidator(lambda d: d.quantize(CENTS)),
]
Hours = Annotated[
    Decimal,
    Field(ge=0, le=Decimal("100000"), decimal_places=2),
    AfterValidator(lambda d: d.quantize(CENTS)),
]
ROW_ID_MAX = 2_147_483_647  # the largest id an INTEGER column holds on every backend


def _row_id(value: int) -> int:
    if not 1 <= value <= ROW_ID_MAX:
        raise PydanticCustomError("choice", "Pick one of the listed options.")
    return value


RowId = Annotated[int, AfterValidator(_row_id)]
UserId = Annotated[str, Field(pattern=r"^[UW][A-Z0-9]{2,}$"), NoSecret]
Choice = Annotated[str, Field(max_length=100), NoSecret]
"""A value picked from the app's own options (checkboxes): short, and checked like any text."""


def _score(value: int) -> int:
    if not 1 <= value <= 5:
        raise PydanticCustomError("score", "Pick a score from 1 (low) to 5 (high).")
    return value


Score = Annotated[int, AfterValidator(_score)]


def _yes_no(value: Any) -> Any:
    return {"yes": True, "no": False}.get(value, value) if isinstance(value, str) else value


YesNo = Annotated[bool, BeforeValidator(_yes_no)]


def _ticked(value: Any) -> Any:
    """A single checkbox (["yes"] or []) or a yes/no word; blank is no."""
    if value in ([], ["yes"]):
        return value == ["yes"]
    if isinstance(value, str):
        return {"yes": True, "no": False, "": False}.get(value.strip().lower(), value)
    return value


Ticked = Annotated[bool, BeforeValidator(_ticked)]
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def _day(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise PydanticCustomError("day", "Pick a date between 2000 and 2099.")
    return value


Day = Annotated[date, NoSecret, AfterValidator(_day)]

_MESSAGES = {
    "string_too_short": "This can't be empty.",
    "missing": "This can't be empty.",
    "greater_than_equal": "This can't be negative.",
    "less_than_equal": "That number is too large.",
    "decimal_max_places": "Use at most two decimal places.",
    "decimal_parsing": "Enter a number, like 49.99",
    "decimal_type": "Enter a number, like 49.99",
    "finite_number": "Enter a number, like 49.99",
    "enum": "Pick one of the listed options.",
    "literal_error": "Pick one of the listed options.",
    "string_pattern_mismatch": "Pick a person from the list.",
    "int_parsing": "Enter a whole number, like 30",
    "int_type": "Enter a whole number, like 30",
    "int_from_float": "Enter a whole number, like 30",
    "string_type": "This answer could not be read; enter it again.",
    "list_type": "This answer could not be read; pick again.",
    "bool_parsing": "Pick one of the listed options.",
    "bool_type": "Pick one of the listed options.",
    "date_from_datetime_parsing": "Pick a date.",
    "date_parsing": "Pick a date.",
    "date_type": "Pick a date.",
    "extra_forbidden": "This form has changed since it was opened; close it and open it again.",
}
CUSTOM = frozenset({"secret", "url", "score", "mapping", "day"})


def field_message(error: Any) -> str:
    kind = error["type"]
    if kind == "string_too_long":
        return f"Keep this under {error['ctx']['max_length']} characters."
    return _MESSAGES.get(kind, error["msg"])


def _unchecked(annotation: Any, metadata: list[Any]) -> bool:
    """Whether a `str` could get through a field of this type without the secret check."""
    if any(item is NoSecret for item in metadata):
        return False
    if get_origin(annotation) is Annotated:
        base, *extra = get_args(annotation)
        return _unchecked(base, [*metadata, *extra])
    if annotation is str:
        return True
    return any(_unchecked(arg, []) for arg in get_args(annotation))


class Form(BaseModel):
    """Base for user-supplied input: strips text and reports errors per field.

    `field_messages` replaces the generic message for a field (say, a picker left empty).
    Every text field must carry the secret check (`NoSecret`, part of every text type here): a
    form with a plain `str` field is refused when its class is defined.
    """

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")
    field_messages: ClassVar[dict[str, str]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        for name, field in cls.model_fields.items():
            if _unchecked(field.annotation, field.metadata):
                raise TypeError(
                    f"{cls.__name__}.{name} takes text without the secret check: "
                    "give it a text type from commands.fields"
                )

    @model_validator(mode="before")
    @classmethod
    def _blank_is_default(cls, data: Any) -> Any:
        """A blank optional field takes its default (None, 0, ""), whatever its type."""
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if not (value == "" and cls._optional(key))}
        return data

    @classmethod
    def _optional(cls, key: str) -> bool:
        field = cls.model_fields.get(key)
        return field is not None and not field.is_required()

    @classmethod
    def parse(cls, data: dict[str, Any], *, check: Check | None = None) -> Self:
        """Validate `data` or raise InvalidInput with one message per field.

        `check` (rules that span fields or need the database) sees the values of every field that is
        valid on its own, even when others are not, so a person hears of every problem in one pass.
        """
        try:
            form = cls.model_validate(data)
        except ValidationError as exc:
            errors = _field_errors(exc, cls.field_messages, field_message)
            if check is not None:
                for field, message in check(cls._valid_values(data, errors)).items():
                    errors.setdefault(field, message)
            raise InvalidInput(errors) from None
        if check is not None:
            raise_errors(check(dict(form)))
        return form

    @classmethod
    def _valid_values(cls, data: dict[str, Any], failed: dict[str, str]) -> dict[str, Any]:
        """Each field that is valid on its own, validated, and the defaults of absent optional ones."""
        data = {k: v for k, v in data.items() if not (v == "" and cls._optional(k))}
        values: dict[str, Any] = {}
        for name, field in cls.model_fields.items():
            if name in failed:
                continue
            if name not in data:
                if not field.is_required():
                    values[name] = field.get_default(call_default_factory=True)
                continue
            try:
                values[name] = _field_adapter(cls, name).validate_python(data[name])
            except ValidationError:
                continue
        return values


Check = Callable[[dict[str, Any]], dict[str, str]]
M = TypeVar("M", bound=BaseModel)


def _field_errors(
    exc: ValidationError, field_messages: dict[str, str], message: Callable[[Any], str]
) -> dict[str, str]:
    """One message per field: the field's own message, else the error's (always for custom errors)."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "form"
        custom = error["type"] in CUSTOM
        errors.setdefault(field, message(error) if custom else field_messages.get(field, message(error)))
    return errors


def validate_fields(
    model: type[M],
    data: dict[str, Any],
    *,
    field_messages: dict[str, str] | None = None,
    message: Callable[[Any], str] = field_message,
) -> M:
    """`model` (a form or not) validated from `data`, or InvalidInput with one message per field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(_field_errors(exc, field_messages or {}, message)) from None


@functools.cache
def _field_adapter(form: type[Form], name: str) -> TypeAdapter[Any]:
    field = form.model_fields[name]
    return TypeAdapter(Annotated[field.annotation, field], config=form.model_config)  # type: ignore[arg-type]


def raise_errors(errors: dict[str, str]) -> None:
    """Raise InvalidInput when there is any error."""
    if errors:
        raise InvalidInput(errors)
