"""The sample stack `patchbay shell --demo` loads, through the same use-cases Slack requests reach.

Each part of the demo is one loader: it opens no transaction of its own, adds what is missing and
leaves what is already there, so loading twice changes nothing. When flows, proposals and live
integrations exist, each gets one loader here (after `tools`, which they need) and, if it makes a
better first step, a line in TRY.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.playground.shell.demo_flows import load_flows, load_integrations
from commands.actor import SYSTEM
from commands.errors import NotFound
from commands.tools import ToolDraft, find_tool, register_tool
from storage.db import session_scope

People = Mapping[str, str]  # sample person's name -> Slack user id
Loader = Callable[[Session, People, datetime], int]  # returns how many records it added

# name, category, owner, data it holds, how it integrates, vendor URL, monthly cost, notes
TOOLS: list[tuple[str, str, str, list[str], list[str], str, str, str]] = [
    ("Salesforce", "crm", "bob", ["contacts", "deals", "leads"], ["rest_api", "webhooks", "oauth_apps"],
     "https://www.salesforce.com", "1500", "Source of truth for customers and pipeline."),
    ("HubSpot", "marketing", "erin", ["contacts", "leads"], ["rest_api", "webhooks", "connectors"],
     "https://www.hubspot.com", "800", "Marketing email and landing pages."),
    ("Asana", "project", "dave", ["tasks"], ["rest_api", "webhooks", "connectors"],
     "https://asana.com", "250", ""),
    ("Zendesk", "support", "bob", ["tickets", "contacts"], ["rest_api", "webhooks", "oauth_apps"],
     "https://www.zendesk.com", "600", "Customer support queue and help centre."),
    ("Jira", "engineering", "dave", ["tasks"], ["rest_api", "webhooks", "oauth_apps"],
     "https://www.atlassian.com/software/jira", "420", ""),
    ("QuickBooks", "finance", "frank", ["invoices", "payments"], ["rest_api", "oauth_apps"],
     "https://quickbooks.intuit.com", "90", "Books, invoices and bills."),
    ("Slack", "communication", "alice", ["other"], ["rest_api", "webhooks", "oauth_apps"],
     "https://slack.com", "730", ""),
    ("Google Sheets", "analytics", "frank", ["other"], ["rest_api", "connectors"],
     "https://www.google.com/sheets/about/", "", "Ad-hoc reports; several hold customer exports."),
    ("Mailchimp", "marketing", "erin", ["contacts"], ["rest_api", "webhooks", "connectors"],
     "https://mailchimp.com", "300", "Newsletter list."),
    ("Stripe", "finance", "frank", ["payments", "invoices", "contacts"], ["rest_api", "webhooks"],
     "https://stripe.com", "", "Card payments for self-serve plans."),
    ("Intercom", "support", "erin", ["contacts", "tickets"], ["rest_api", "webhooks", "oauth_apps"],
     "https://www.intercom.com", "450", "In-app chat."),
    ("Notion", "project", "alice", ["tasks", "other"], ["rest_api", "connectors"],
     "https://www.notion.so", "160", "Wiki and meeting notes."),
    ("GitHub", "engineering", "dave", ["other"], ["rest_api", "webhooks", "oauth_apps"],
     "https://github.com", "210", ""),
    ("BambooHR", "hr", "alice", ["employees"], ["rest_api", "csv_only"],
     "https://www.bamboohr.com", "350", "Employee records: restricted data."),
    ("Looker", "analytics", "bob", ["product_usage", "deals"], ["rest_api"],
     "https://cloud.google.com/looker", "1200", ""),
    ("Gusto", "hr", "frank", ["employees", "payments"], ["rest_api", "oauth_apps"],
     "https://gusto.com", "180", "Payroll."),
    ("Gong", "crm", "bob", ["deals", "other"], ["rest_api", "webhooks"],
     "https://www.gong.io", "900", "Sales call recordings."),
    ("Airtable", "other", "erin", ["other"], ["rest_api", "webhooks", "connectors"],
     "https://www.airtable.com", "120", "Event planning base."),
]  # fmt: skip


def tool_drafts(people: People) -> list[ToolDraft]:
    drafts = []
    for name, category, owner, data, options, url, cost, notes in TOOLS:
        fields: dict[str, Any] = {
            "name": name,
            "category": category,
            "owner_id": people[owner],
            "data_kinds": data,
            "data_other": "files and spreadsheets" if "other" in data else "",
            "integration_options": options,
            "vendor_url": url,
            "monthly_cost": cost or None,
            "notes": notes,
        }
        drafts.append(ToolDraft.model_validate(fields))
    return drafts


def load_tools(session: Session, people: People, now: datetime) -> int:
    """The sample stack's tools, each owned by one of the sample people."""
    added = 0
    for draft in tool_drafts(people):
        try:
            find_tool(session=session, name=draft.name)
        except NotFound:
            register_tool(session=session, actor=SYSTEM, draft=draft, now=now)
            added += 1
    return added


@dataclass(frozen=True)
class Part:
    name: str
    load: Loader


# In order: later parts may use what earlier ones added.
PARTS: list[Part] = [
    Part("tools", load_tools),
    Part("flows", load_flows),
    Part("integrations", load_integrations),
]

# (what to type, what it shows)
TRY: list[tuple[str, str]] = [
    ("/patchbay tools", "the registry; it runs to two pages, so type the number shown next to Next"),
    (
        "/patchbay tool Salesforce",
        "its card; then :as @frank and press Retire: only its owner or an admin may",
    ),
    ("/patchbay tool add Notion", "the form; Notion is taken, so Patchbay says so at the Name field"),
]


@dataclass(frozen=True)
class Loaded:
    part: str
    added: int


def load_demo(*, sessions: sessionmaker[Session], people: People, now: datetime) -> list[Loaded]:
    """Load every part of the demo, one transaction each; what is already there is left alone."""
    loaded = []
    for part in PARTS:
        with session_scope(sessions) as session:
            loaded.append(Loaded(part.name, part.load(session, people, now)))
    return loaded
