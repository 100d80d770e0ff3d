"""Importing and exporting the registry as CSV, against a real database."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from commands.actor import SYSTEM
from commands.tool_csv import Outcome, export_tools, import_tools
from storage.db import session_scope
from storage.models import AuditEvent, Tool

NOW = datetime(2026, 11, 24, tzinfo=UTC)
PEOPLE = {"bob@example.com": "U0BOB0002", "alice@example.com": "U0ALICE01"}

CSV = """name,category,owner,data,integration_options,url,monthly_cost,notes
HubSpot,CRM,bob@example.com,Contacts; Deals; contracts,Public REST API; Webhooks,https://hubspot.com,450,
Zendesk,support,U0ALICE01,Tickets,rest_api,https://zendesk.com,,help desk
Bad Cost,crm,U0ALICE01,,,,-3,
Nobody,crm,ghost@example.com,,,,,
Leaky,crm,U0ALICE01,,,,,key AKIAABCDEFGHIJKLMNOP
Weird Cat,space travel,U0ALICE01,,,,,
hub spot,CRM,U0ALICE01,,,,,dup of HubSpot: updates it
"""


def resolve(text: str) -> str | None:
    return PEOPLE.get(text.lower(), text if text.startswith("U") else None)


def run_import(sessions: sessionmaker[Session], text: str):  # type: ignore[no-untyped-def]
    with session_scope(sessions) as session:
        return import_tools(
            session=session,
            actor=SYSTEM,
            lines=text.splitlines(keepends=True),
            resolve_owner=resolve,
            now=NOW,
        )


def test_import_reports_each_row_and_keeps_the_good_ones(sessions: sessionmaker[Session]) -> None:
    report = run_import(sessions, CSV)
    outcomes = {row.name: (row.outcome, row.reason) for row in report.rows}
    assert outcomes["HubSpot"][0] is Outcome.ADDED
    assert outcomes["Zendesk"][0] is Outcome.ADDED
    assert outcomes["Bad Cost"] == (Outcome.REJECTED, "monthly_cost: This can't be negative.")
    assert outcomes["Nobody"][0] is Outcome.REJECTED and "ghost@example.com" in outcomes["Nobody"][1]
    assert outcomes["Leaky"][0] is Outcome.REJECTED and "vault" in outcomes["Leaky"][1]
    assert outcomes["Weird Cat"][0] is Outcome.REJECTED and "category" in outcomes["Weird Cat"][1]
    assert "use one of: CRM, " in outcomes["Weird Cat"][1]  # the options are listed
    assert outcomes["hub spot"][0] is Outcome.UPDATED
    with sessions() as session:
        names = session.scalars(select(Tool.name).order_by(Tool.name_key)).all()
        assert names == ["hub spot", "Zendesk"]
        hubspot = session.scalars(select(Tool).where(Tool.name == "hub spot")).one()
        assert hubspot.owner_id == "U0ALICE01"
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 3


def test_export_round_trips_through_import(sessions: sessionmaker[Session], tmp_path) -> None:  # type: ignore[no-untyped-def]
    run_import(sessions, CSV.replace("hub spot,CRM,U0ALICE01,,,,,dup of HubSpot: updates it\n", ""))
    with sessions() as session:
        exported = export_tools(session=session)
    assert exported.splitlines()[0].startswith("name,category,owner,data,integration_options,url")
    assert "HubSpot,CRM,U0BOB0002,Contacts; Deals; contracts,Public REST API; Webhooks" in exported
    again = run_import(sessions, exported)
    assert {row.outcome for row in again.rows} == {Outcome.UNCHANGED}


def test_a_rejected_row_names_every_problem_at_once(sessions: sessionmaker[Session]) -> None:
    rows = (
        "name,category,owner,integration_options,monthly_cost\n"
        "Mixed,space travel,ghost@example.com,telepathy,-3\n"
    )
    report = run_import(sessions, rows)
    [row] = report.rows
    assert row.outcome is Outcome.REJECTED
    for field in ("category:", "owner:", "integration_options:", "monthly_cost:"):
        assert field in (row.reason or ""), (field, row.reason)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Tool)) == 0


def test_renewal_columns_are_read_checked_and_written_back(sessions: sessionmaker[Session]) -> None:
    rows = (
        "name,category,owner,renews_on,auto_renews\n"
        "Slack,communication,U0ALICE01,2027-03-01,yes\n"
        "Notion,other,U0ALICE01,,\n"
        "Zoom,communication,U0ALICE01,next march,perhaps\n"
        "Miro,other,U0ALICE01,1999-01-01,no\n"
    )
    report = run_import(sessions, rows)
    outcomes = {row.name: (row.outcome, row.reason) for row in report.rows}
    assert outcomes["Slack"][0] is Outcome.ADDED and outcomes["Notion"][0] is Outcome.ADDED
    assert outcomes["Zoom"] == (
        Outcome.REJECTED,
        "renews_on: Pick a date.; auto_renews: Pick one of the listed options.",
    )
    assert outcomes["Miro"] == (Outcome.REJECTED, "renews_on: Pick a date between 2000 and 2099.")
    with sessions() as session:
        slack = session.scalars(select(Tool).where(Tool.name == "Slack")).one()
        assert (slack.renews_on, slack.auto_renews) == (date(2027, 3, 1), True)
        exported = export_tools(session=session)
    header, *lines = exported.splitlines()
    assert header.endswith(",notes,renews_on,auto_renews,retired")
    assert lines[1].endswith(",2027-03-01,yes,")
    assert {row.outcome for row in run_import(sessions, exported).rows} == {Outcome.UNCHANGED}
