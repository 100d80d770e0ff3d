"""Every form accepts a blank optional field, whatever its type: it takes the field's default."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import commands
from commands.errors import InvalidInput
from commands.fields import Form


def all_forms() -> list[type[Form]]:
    for module in pkgutil.iter_modules(commands.__path__):
        importlib.import_module(f"commands.{module.name}")
    found, todo = [], list(Form.__subclasses__())
    while todo:
        form = todo.pop()
        found.append(form)
        todo.extend(form.__subclasses__())
    return sorted(found, key=lambda f: f.__name__)


OPTIONAL = [
    (form, name)
    for form in all_forms()
    for name, field in form.model_fields.items()
    if not field.is_required()
]


def test_the_forms_with_optional_numbers_are_covered() -> None:
    covered = {(form.__name__, name) for form, name in OPTIONAL}
    assert {
        ("ProposalDraft", "monthly_cost"),
        ("ProposalDraft", "batch_minutes"),
        ("ToolDraft", "monthly_cost"),
    } <= covered


@pytest.mark.parametrize(("form", "name"), OPTIONAL, ids=[f"{f.__name__}.{n}" for f, n in OPTIONAL])
def test_a_blank_optional_field_is_never_an_error(form: type[Form], name: str) -> None:
    try:
        parsed = form.parse({name: ""})
    except InvalidInput as error:
        assert name not in error.errors, error.errors[name]
    else:
        assert getattr(parsed, name) == form.model_fields[name].get_default(call_default_factory=True)
