"""One secret check on every free-text input: each form field, each CSV column, refused where typed."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

import commands
from commands.actor import SYSTEM
from commands.errors import InvalidInput
from commands.fields import Form, LongText, NoSecret
from commands.secrets import find_secret
from commands.tool_csv import COLUMNS, Outcome, import_tools
from storage.db import session_scope
from storage.models import Tool
from tests.commands.test_tool_csv import NOW, resolve
from tests.planted import SHAPES, needles, single_line

for _module in pkgutil.iter_modules(commands.__path__):
    importlib.import_module(f"commands.{_module.name}")


def _forms(base: type[Form] = Form) -> list[type[Form]]:
    found = []
    for sub in base.__subclasses__():
        found += [sub, *_forms(sub)]
    return found


def _takes_text(field: Any, schema: dict[str, Any]) -> bool:
    """A field a person types into: a string, a list of strings, or text a validator parses."""
    options = schema.get("anyOf", [schema])
    if any(o.get("type") in ("number", "integer", "boolean") for o in options):  # typed, not free text
        return False
    if any(type(item).__name__ == "BeforeValidator" for item in field.metadata):
        return True
    return any(o.get("type") == "string" or o.get("items", {}).get("type") == "string" for o in options)


TEXT_FIELDS = [
    (form, name)
    for form in _forms()
    for name, field in form.model_fields.items()
    if _takes_text(field, form.model_json_schema()["properties"][name])
]


def test_every_form_is_found_with_its_text_fields() -> None:
    names = {f"{form.__name__}.{name}" for form, name in TEXT_FIELDS}
    for expected in (
        "ProposalDraft.title",
        "ProposalDraft.mapping",
        "ToolDraft.notes",
        "FlowDraft.data",
        "SecurityReviewForm.scopes",
        "ReasonForm.reason",
        "ReviewAnswer.incidents",
        "SandboxForm.checklist",
    ):
        assert expected in names


def _typed(name: str, schema: dict[str, Any], secret: str) -> Any:
    """The secret as a person would put it into the field."""
    if name == "mapping":
        return f"Key -> {single_line(secret)}"
    if name == "scopes":
        return f"deals.read - {single_line(secret)}"
    return [secret] if schema.get("type") == "array" else secret


@pytest.mark.parametrize(("form", "name"), TEXT_FIELDS, ids=lambda v: getattr(v, "__name__", v))
@pytest.mark.parametrize("kind", list(SHAPES))
def test_every_secret_shape_is_refused_at_every_text_field(form: type[Form], name: str, kind: str) -> None:
    schema = form.model_json_schema()["properties"][name]
    with pytest.raises(InvalidInput) as refused:
        form.parse({name: _typed(name, schema, SHAPES[kind])})
    message = refused.value.errors[name]
    assert "vault" in message and not any(n in message for n in needles())


def test_a_form_with_a_text_field_that_skips_the_check_cannot_be_defined() -> None:
    with pytest.raises(TypeError, match="secret check"):

        class Careless(Form):
            comment: str

    with pytest.raises(TypeError, match="secret check"):

        class AlsoCareless(Form):
            tags: list[str] | None = None

    class Careful(Form):
        comment: LongText

    assert NoSecret in Careful.model_fields["comment"].metadata


def test_every_shape_is_known_to_the_one_check() -> None:
    assert {kind: bool(find_secret(secret)) for kind, secret in SHAPES.items()} == dict.fromkeys(SHAPES, True)


@pytest.mark.parametrize("column", COLUMNS)
def test_every_csv_column_refuses_every_shape(sessions: sessionmaker[Session], column: str) -> None:
    header = ",".join(COLUMNS)
    good = {"name": "Row", "category": "crm", "owner": "U0ALICE01"}
    rows = []
    for number, secret in enumerate(SHAPES.values()):
        values = {**good, "name": f"Row {number}", column: single_line(secret)}
        rows.append(",".join('"' + values.get(c, "").replace('"', '""') + '"' for c in COLUMNS))
    with session_scope(sessions) as session:
        report = import_tools(
            session=session,
            actor=SYSTEM,
            lines=[header + "\n", *(row + "\n" for row in rows)],
            resolve_owner=resolve,
            now=NOW,
        )
    assert [row.outcome for row in report.rows] == [Outcome.REJECTED] * len(SHAPES)
    assert all(f"{column}: This looks like" in row.reason for row in report.rows)
    assert not any(n in str(report) for n in needles())
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Tool)) == 0
