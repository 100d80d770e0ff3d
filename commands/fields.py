"""Field types shared by every form: trimmed, bounded, and never a credential."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, ClassVar
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
ROW_ID_MAX = 2_147_483_647  # the largest id an INTEGER column holds on every backend


def _row_id(value: int) -> int:
    if not 1 <= value <= ROW_ID_MAX:
        raise PydanticCustomError("choice", "Pick one of the listed options.")
    return value


RowId = Annotated[int, AfterValidator(_row_id)]
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
CUSTOM = frozenset({"secret", "url", "score", "mapping"})


def _message(error: Any) -> str:
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
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            errors: dict[str, str] = {}
            for error in exc.errors():
                field = str(error["loc"][0]) if error["loc"] else "form"
                custom = error["type"] in CUSTOM
                errors.setdefault(
                    field, _message(error) if custom else cls.field_messages.get(field, _message(error))
                )
            raise InvalidInput(errors) from None
