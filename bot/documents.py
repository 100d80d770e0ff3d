"""Rendering integration documents with Jinja2: Slack text for `/patchbay doc`, Markdown for the catalog."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.text import Markup, escape, render
from bot.views.history import entry_note, what
from bot.views.stackmap import orphan_why
from bot.views.thresholds import thresholds_line
from commands.documents import IntegrationDocument
from commands.vocabulary import lowerfirst

if TYPE_CHECKING:
    from jinja2 import Environment

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def _cell(text: str) -> str:
    """One line of Markdown, safe inside a table cell or a list item."""
    return " ".join(text.split()).replace("|", "\\|")


def _person(user_id: str) -> str:
    return f"@{user_id}" if USER_ID.match(user_id) else "Patchbay"


def last_review(doc: IntegrationDocument) -> str:
    """The last quarterly review answered, else the security review, else that there was none."""
    if doc.last_answered_on and doc.last_outcome:
        return f"{doc.last_answered_on.isoformat()} ({doc.last_outcome.replace('_', ' ')})"
    return f"{doc.security.reviewed_on.isoformat()} (security review)" if doc.security else "not reviewed yet"


def next_review(doc: IntegrationDocument) -> str:
    if not doc.review_scheduled:
        return "scheduled when it goes live"
    return doc.next_review_on.isoformat() if doc.next_review_on else "not scheduled"


def timing(doc: IntegrationDocument) -> str:
    return f"Batch, every {doc.batch_minutes} minutes" if doc.batch_minutes else doc.timing


def _mention(user_id: str) -> Markup:
    return Markup(f"<@{user_id}>" if USER_ID.match(user_id) else "Patchbay")


def _quote(text: str) -> Markup:
    return Markup("\n> ".join(escape(line) for line in text.splitlines() or [""]))


@cache
def _environment() -> Environment:
    """Every `{{ value }}` is escaped by `finalize` unless a filter here returned `Markup`.

    Slack's rule (`&`, `<`, `>`) is also what keeps raw HTML out of the Markdown pages. Jinja2 loads
    with the first document rendered, not when the app starts.
    """
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("bot", "templates"),
        undefined=StrictUndefined,
        autoescape=False,
        finalize=render,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        cell=_cell,
        person=_person,
        mention=_mention,
        quote=_quote,
        code=lambda text: text.replace("`", "'"),
        lowerfirst=lowerfirst,
        last_review=last_review,
        next_review=next_review,
        timing=timing,
        thresholds=thresholds_line,
        what=what,
        note=entry_note,
        orphan_why=orphan_why,
    )
    return env


def markdown(doc: IntegrationDocument) -> str:
    """One integration's page for a wiki."""
    return _environment().get_template("integration.md.j2").render(doc=doc)


def slack_text(doc: IntegrationDocument) -> str:
    """One integration's document as Slack mrkdwn."""
    return _environment().get_template("integration.slack.j2").render(doc=doc)


def catalog_pages(docs: list[IntegrationDocument], now: datetime) -> dict[Path, str]:
    """The Markdown catalog: `index.md` and `integrations/<id>-<title>.md` per integration."""
    pages = {Path("index.md"): _environment().get_template("catalog.md.j2").render(docs=docs, now=now)}
    for doc in docs:
        pages[Path("integrations") / f"{doc.slug}.md"] = markdown(doc)
    return pages


def write_catalog(directory: Path, docs: list[IntegrationDocument], now: datetime) -> list[Path]:
    """Write the catalog under `directory`; returns the files written."""
    written = []
    for relative, text in catalog_pages(docs, now).items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
