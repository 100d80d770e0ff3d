"""Living documents: `/patchbay doc ID`, every state rendered, the Markdown catalog and the map export."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.documents import catalog_pages, markdown, slack_text
from commands.documents import catalog, integration_document
from commands.vocabulary import State
from storage.db import session_scope
from storage.models import Integration, SecurityReview
from tests.conftest import ALICE, BOB, CAROL, START, Patchbay
from tests.factories import add_flow, add_proposal, add_tool, set_state

SECRETISH = re.compile(r"xox[abposer]-|sk_live_|AKIA|-----BEGIN|ghp_|Bearer ", re.IGNORECASE)


def seed(sessions: sessionmaker[Session]) -> int:
    source, target = add_tool(sessions, "Salesforce"), add_tool(sessions, "Asana")
    integration_id = add_proposal(
        sessions,
        source,
        target,
        direction="bi_directional",
        source_of_truth="Deals: Salesforce | Projects: Asana",
        conflict_rule="source_wins",
        purpose="Stop <!channel> retyping & copying won deals",
    )
    with session_scope(sessions) as session:
        row = session.get(Integration, integration_id)
        assert row is not None
        row.mapping = [*row.mapping, {"source": "Key", "target": "xoxb-123456789012-secret", "transform": ""}]
        session.add(
            SecurityReview(
                integration_id=integration_id,
                round=1,
                reviewer_id=CAROL,
                scopes=[{"scope": "deals.read", "why": "read won deals, token sk_live_abcdefghijkl123"}],
                access_level="read_only",
                credential_type="oauth",
                credential_storage="vault",
                data_classes=["personal"],
                attestations=["soc2"],
                encrypted_in_transit=True,
                encrypted_at_rest=True,
                rotation_days=90,
                outcome="pass",
                notes="the password is hunter2",
                created_at=START,
            )
        )
    return integration_id


@pytest.mark.parametrize("state", list(State))
def test_documents_render_in_every_state_without_undefined_or_secrets(
    sessions: sessionmaker[Session], state: State
) -> None:
    integration_id = seed(sessions)
    set_state(sessions, integration_id, state.value)
    with session_scope(sessions) as session:
        doc = integration_document(session=session, integration_id=integration_id, now=START)
    for text in (markdown(doc), slack_text(doc)):
        assert "None" not in text and "{{" not in text and "{%" not in text
        assert not SECRETISH.search(text), text
        assert "hunter2" not in text  # the reviewer's notes stay out of the summary
        assert state.label in text
        assert "[redacted]" in text
    md = markdown(doc)
    assert "| Deal name | Project name |  |" in md
    assert "Deals: Salesforce \\| Projects: Asana" in md
    assert "&lt;!channel&gt;" in md and "<!channel>" not in slack_text(doc)
    assert "Outcome:** Pass by @U0CAROL03" in md
    expected_next = (
        "not scheduled" if state in (State.LIVE, State.SUSPENDED) else "scheduled when it goes live"
    )
    assert f"| Next review | {expected_next} |" in md


def test_doc_shares_the_document_in_the_channel_with_measures(patchbay: Patchbay) -> None:
    integration_id = seed(patchbay.sessions)
    set_state(patchbay.sessions, integration_id, "live")
    patchbay.click(measure_button(patchbay, integration_id, BOB), user=BOB)
    values = {"hours_saved_per_week": "3.5", "errors_avoided": "4", "freshness_minutes": "5"}
    assert patchbay.submit(patchbay.last_view(), values, user=BOB).body == ""
    reply = patchbay.command(f"doc {integration_id}", user=ALICE).json
    assert reply["response_type"] == "in_channel"
    text = str(reply["blocks"])
    assert "*#1 Closed-won deals start onboarding*" in text
    assert "3.50 h/week saved, 4 errors/month avoided, 5 min fresh" in text
    assert "recorded success measures" in text  # in the history too
    assert "Pass by <@U0CAROL03>" in text
    assert "There is no integration #9" in patchbay.command("doc 9", user=ALICE).text


def measure_button(patchbay: Patchbay, integration_id: int, user: str) -> dict[str, Any]:
    blocks = patchbay.command(f"show {integration_id}", user=user).json["blocks"]
    found = [
        e
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == "Record success measures"
    ]
    assert found, "no Record success measures button"
    return found[0]


def test_the_catalog_has_an_index_and_one_page_per_integration(sessions: sessionmaker[Session]) -> None:
    first = seed(sessions)
    second = add_proposal(sessions, 2, 1, title="Asana / Salesforce | back-sync")
    with session_scope(sessions) as session:
        pages = catalog_pages(catalog(session=session, now=START), START)
    names = sorted(str(p) for p in pages)
    assert names == [
        "index.md",
        f"integrations/{first}-closed-won-deals-start-onboarding.md",
        f"integrations/{second}-asana-salesforce-back-sync.md",
    ]
    index = pages[Path("index.md")]
    assert "2 integrations" in index
    assert f"[Asana / Salesforce \\| back-sync](integrations/{second}-asana-salesforce-back-sync.md)" in index


def cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def cli_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PATCHBAY_", "DATABASE_URL"))}
    env.update(SLACK_BOT_TOKEN="xoxb-cli", DATABASE_URL=database_url)
    return env


def test_export_docs_writes_the_catalog(
    sessions: sessionmaker[Session], cli_env: dict[str, str], tmp_path: Path
) -> None:
    seed(sessions)
    done = cli("export", "docs", "wiki", env=cli_env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "wrote 2 files to wiki (index.md and 1 integration pages)" in done.stdout
    page = (tmp_path / "wiki" / "integrations" / "1-closed-won-deals-start-onboarding.md").read_text()
    assert page.startswith("# #1 Closed-won deals start onboarding")
    assert (tmp_path / "wiki" / "index.md").exists()


def test_export_map_writes_dot_png_and_svg(
    sessions: sessionmaker[Session], cli_env: dict[str, str], tmp_path: Path
) -> None:
    source, target = add_tool(sessions, "Salesforce"), add_tool(sessions, "Asana")
    add_flow(sessions, source, target, data='Deals "won"')
    done = cli("export", "map", "--format", "dot", env=cli_env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("digraph stack {")
    assert 'label="Deals \\"won\\" (2.50 h/wk)"' in done.stdout and "style=dashed" in done.stdout
    if shutil.which("dot") is None:
        pytest.skip("Graphviz (dot) is not installed")
    assert cli("export", "map", env=cli_env, cwd=tmp_path).returncode == 0
    assert (tmp_path / "stack-map.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert (
        cli(
            "export", "map", "out.svg", "--format", "svg", "--focus", "crm", env=cli_env, cwd=tmp_path
        ).returncode
        == 0
    )
    assert "<svg" in (tmp_path / "out.svg").read_text()
    missing = cli("export", "map", "--focus", "Nope", env=cli_env, cwd=tmp_path)
    assert missing.returncode == 2 and "No tool or category called Nope" in missing.stderr


def test_export_map_without_graphviz_says_what_to_do(
    sessions: sessionmaker[Session], cli_env: dict[str, str], tmp_path: Path
) -> None:
    add_tool(sessions, "Salesforce")
    done = cli("export", "map", "--format", "png", env={**cli_env, "PATH": str(tmp_path)}, cwd=tmp_path)
    assert done.returncode == 2 and "needs Graphviz" in done.stderr
