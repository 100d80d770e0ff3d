"""Rendering integration documents with Jinja2: Slack text for `/patchbay doc`, Markdown for the catalog."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.text import escape
from commands.documents import IntegrationDocument
from commands.vocabulary import lowerfirst

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def _md(text: str) -> str:
    """Markdown paragraph text: no raw HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(text: str) -> str:
    """One line of Markdown, safe inside a table cell or a list item."""
    return _md(" ".join(text.split())).replace("|", "\\|")


def _person(user_id: str) -> str:
    return f"@{user_id}" if USER_ID.match(user_id) else "Patchbay"


def _mention(user_id: str) -> str:
    return f"<@{user_id}>" if USER_ID.match(user_id) else "Patchbay"


def _quote(text: str) -> str:
    return "\n> ".join(text.splitlines() or [""])


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bot", "templates"),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=_md,
        cell=_cell,
        person=_person,
        mention=_mention,
        slack=escape,
        quote=_quote,
        code=lambda text: text.replace("`", "'"),
        lowerfirst=lowerfirst,
    )
    return env


ENV = _environment()


def markdown(doc: IntegrationDocument) -> str:
    """One integration's page for a wiki."""
    return ENV.get_template("integration.md.j2").render(doc=doc)


def slack_text(doc: IntegrationDocument) -> str:
    """One integration's document as Slack mrkdwn."""
    return ENV.get_template("integration.slack.j2").render(doc=doc)


def catalog_pages(docs: list[IntegrationDocument], now: datetime) -> dict[Path, str]:
    """The Markdown catalog: `index.md` and `integrations/<id>-<title>.md` per integration."""
    pages = {Path("index.md"): ENV.get_template("catalog.md.j2").render(docs=docs, now=now)}
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
