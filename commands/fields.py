"""Field types shared by every form: trimmed, bounded, and never a credential."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, ClassVar, TypeVar
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from commands.errors import InvalidInput
from commands.secrets import find_secret


def _no_secret(value: str) -> str:
    kind = find_secret(value)
    if kind:
        raise PydanticCustomError(
            "secret",
            "This looks like {kind}. Secrets belong in a vault or secrets manager, never in Patchbay.",
            {"kind": kind},
        )
    return value


def _web_url(value: str) -> str:
    if not value:
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or "." not in parts.hostname:
        raise PydanticCustomError(
            "url", "Enter a web address that starts with https://, like https://hubspot.com"
        )
    return value


NoSecret = AfterValidator(_no_secret)
Name = Annotated[str, Field(min_length=1, max_length=80), NoSecret]
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
Hours = Annotated[Decimal, Field(ge=0, le=Decimal("100000"), decimal_places=2)]
UserId = Annotated[str, Field(pattern=r"^[UW][A-Z0-9]{2,}$")]


def _score(value: int) -> int:
    if not 1 <= value <= 5:
        raise PydanticCustomError("score", "Pick a score from 1 (low) to 5 (high).")
    return value


Score = Annotated[int, AfterValidator(_score)]


def _yes_no(value: Any) -> Any:
    return {"yes": True, "no": False}.get(value, value) if isinstance(value, str) else value


YesNo = Annotated[bool, BeforeValidator(_yes_no)]

_MESSAGES = {
    "string_too_short": "This can't be empty.",
    "missing": "This can't be empty.",
    "greater_than_equal": "This can't be negative.",
    "less_than_equal": "That number is too large.",
    "decimal_max_places": "Use at most two decimal places.",
    "decimal_parsing": "Enter a number, like 49.99",
    "decimal_type": "Enter a number, like 49.99",
    "enum": "Pick one of the listed options.",
    "literal_error": "Pick one of the listed options.",
    "string_pattern_mismatch": "Pick a person from the list.",
    "int_parsing": "Enter a whole number, like 30",
    "int_type": "Enter a whole number, like 30",
}
CUSTOM = frozenset({"secret", "url", "score", "mapping"})


def field_message(error: Any) -> str:
    kind = error["type"]
    if kind == "string_too_long":
        return f"Keep this under {error['ctx']['max_length']} characters."
    return _MESSAGES.get(kind, error["msg"])


class Form(BaseModel):
    """Base for user-supplied input: strips text and reports errors per field.

    `field_messages` replaces the generic message for a field (say, a picker left empty).
    """

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")
    field_messages: ClassVar[dict[str, str]] = {}

    @model_validator(mode="before")
    @classmethod
    def _blank_to_none(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {
                key: (None if value == "" and cls._optional(key) else value) for key, value in data.items()
            }
        return data

    @classmethod
    def _optional(cls, key: str) -> bool:
        field = cls.model_fields.get(key)
        return field is not None and field.default is None and not field.is_required()

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Any:
        """Validate `data` or raise InvalidInput with one message per field."""
        return validate_fields(cls, data, field_messages=cls.field_messages)


M = TypeVar("M", bound=BaseModel)


def validate_fields(
    model: type[M],
    data: dict[str, Any],
    *,
    field_messages: dict[str, str] | None = None,
    message: Callable[[Any], str] = field_message,
) -> M:
    """`model` validated from `data`, or InvalidInput with one message per field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "form"
            custom = error["type"] in CUSTOM
            errors.setdefault(
                field, message(error) if custom else (field_messages or {}).get(field, message(error))
            )
        raise InvalidInput(errors) from None
