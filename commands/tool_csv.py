"""Moving the registry in and out as CSV; a bad row never stops the others."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.errors import InvalidInput, PatchbayError
from commands.fields import refuse_secrets
from commands.secrets import redact
from commands.tools import ToolCard, ToolDraft, register_tool, update_tool
from commands.vocabulary import Category, DataKind, IntegrationOption, Labelled
from storage.repositories import tools as repo

COLUMNS = (
    "name",
    "category",
    "owner",
    "data",
    "integration_options",
    "url",
    "monthly_cost",
    "notes",
    "renews_on",
    "auto_renews",
)
OwnerResolver = Callable[[str], str | None]


class Outcome(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


class RowResult(BaseModel):
    line: int
    name: str
    outcome: Outcome
    reason: str = ""


class ImportReport(BaseModel):
    rows: list[RowResult]

    def count(self, outcome: Outcome) -> int:
        return sum(1 for row in self.rows if row.outcome is outcome)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace("|", ";").split(";") if part.strip()]


def _choices(kind: type[Labelled], value: str, field: str, errors: dict[str, str]) -> tuple[list[Any], str]:
    picked: list[Any] = []
    unknown: list[str] = []
    for part in _split(value):
        member = kind.from_text(part)
        if member is None:
            unknown.append(part)
        elif member not in picked:
            picked.append(member)
    if unknown and field != "data":
        errors[field] = f"unknown value {', '.join(unknown)}; {_one_of(kind)}"
    return picked, ", ".join(unknown)


def _one_of(kind: type[Labelled]) -> str:
    return "use one of: " + ", ".join(member.label for member in kind)


def _draft(row: dict[str, str], resolve_owner: OwnerResolver) -> ToolDraft:
    """The row as a draft; every problem of the row is reported at once."""
    refuse_secrets(row)
    errors: dict[str, str] = {}
    category = Category.from_text(row.get("category", ""))
    if category is None:
        given = row.get("category", "") or "(empty)"
        errors["category"] = f"unknown category {given}; {_one_of(Category)}"
    owner_text = row.get("owner", "").strip()
    owner_id = resolve_owner(owner_text) if owner_text else None
    if owner_id is None:
        errors["owner"] = f"no Slack user found for {owner_text or '(empty)'}"
    data_kinds, data_other = _choices(DataKind, row.get("data", ""), "data", errors)
    if data_other and DataKind.OTHER not in data_kinds:
        data_kinds.append(DataKind.OTHER)
    options, _ = _choices(
        IntegrationOption, row.get("integration_options", ""), "integration_options", errors
    )
    values = {
        "name": row.get("name", ""),
        "category": category or Category.OTHER,
        "owner_id": owner_id or "U0NOBODY",  # already refused above; the rest is still checked
        "data_kinds": data_kinds,
        "data_other": data_other,
        "integration_options": options,
        "vendor_url": row.get("url", ""),
        "monthly_cost": row.get("monthly_cost", "") or row.get("cost", "") or None,
        "notes": row.get("notes", ""),
        "renews_on": row.get("renews_on", "") or None,
        "auto_renews": row.get("auto_renews", ""),
    }
    try:
        draft = ToolDraft.parse(values)
    except InvalidInput as exc:
        errors.update({field: message for field, message in exc.errors.items() if field not in errors})
    if errors:
        raise InvalidInput(errors)
    return draft


def import_tools(
    *, session: Session, actor: Actor, lines: Iterable[str], resolve_owner: OwnerResolver, now: datetime
) -> ImportReport:
    """Add or update one tool per CSV row; each row stands or falls alone."""
    results: list[RowResult] = []
    reader = csv.DictReader(lines)
    if reader.fieldnames is None or "name" not in [f.strip().lower() for f in reader.fieldnames]:
        raise InvalidInput(
            {"file": "the first line must be a header naming the columns: " + ", ".join(COLUMNS)}
        )
    for row in reader:
        clean = {(key or "").strip().lower(): (value or "").strip() for key, value in row.items()}
        name = redact(clean.get("name", ""))  # the report names the row: never with a credential in it
        line = reader.line_num
        try:
            with session.begin_nested():
                draft = _draft(clean, resolve_owner)
                existing = repo.by_name(session, draft.name)
                if existing is None:
                    register_tool(session=session, actor=actor, draft=draft, now=now)
                    results.append(RowResult(line=line, name=name, outcome=Outcome.ADDED))
                elif ToolCard.of(existing).draft() == draft:
                    results.append(RowResult(line=line, name=name, outcome=Outcome.UNCHANGED))
                else:
                    update_tool(session=session, actor=actor, tool_id=existing.id, draft=draft, now=now)
                    results.append(RowResult(line=line, name=name, outcome=Outcome.UPDATED))
        except InvalidInput as exc:
            reason = "; ".join(f"{field}: {text}" for field, text in exc.errors.items())
            results.append(RowResult(line=line, name=name, outcome=Outcome.REJECTED, reason=reason))
        except PatchbayError as exc:
            results.append(RowResult(line=line, name=name, outcome=Outcome.REJECTED, reason=exc.message))
    return ImportReport(rows=results)


def export_tools(*, session: Session) -> str:
    """The whole registry (retired tools included) as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((*COLUMNS, "retired"))
    for tool in repo.all_tools(session):
        card = ToolCard.of(tool)
        data = [kind.label for kind in card.data_kinds if kind is not DataKind.OTHER]
        if card.data_other:
            data.append(card.data_other)
        writer.writerow(
            (
                card.name,
                card.category.label,
                card.owner_id,
                "; ".join(data),
                "; ".join(option.label for option in card.integration_options),
                card.vendor_url,
                "" if card.monthly_cost is None else str(card.monthly_cost),
                card.notes,
                card.renews_on.isoformat() if card.renews_on else "",
                "yes" if card.auto_renews else "",
                "yes" if card.retired else "",
            )
        )
    return out.getvalue()
