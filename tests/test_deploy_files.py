"""The Dockerfile and compose.yaml, checked as far as a machine without Docker can."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from bot.cli import parser

ROOT = Path(__file__).resolve().parent.parent


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of each Dockerfile line, continuations joined."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def exec_form(arguments: str) -> list[str]:
    loaded = json.loads(arguments)
    assert isinstance(loaded, list), "use the exec form so signals reach patchbay"
    return loaded


def test_the_image_serves_http_on_3000_as_a_non_root_user_and_probes_healthz() -> None:
    steps = dockerfile()
    cmd = exec_form(next(a for i, a in steps if i == "CMD"))
    assert cmd[:2] == ["patchbay", "serve"]
    args = parser().parse_args(cmd[1:])  # the CLI accepts exactly these arguments
    assert (args.host, args.port) == ("0.0.0.0", 3000)
    assert ("EXPOSE", "3000") in steps
    assert any(i == "USER" and a != "root" for i, a in steps)
    assert "/healthz" in next(a for i, a in steps if i == "HEALTHCHECK")
    assert next(a for i, a in steps if i == "FROM").startswith("python:3.11")


def test_the_image_copies_every_package_the_wheel_needs() -> None:
    sources = {src for i, a in dockerfile() if i == "COPY" and "--from" not in a for src in a.split()[:-1]}
    assert {"pyproject.toml", "README.md", "bot", "commands", "storage"} <= sources
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", "*.db"} <= set(ignored)


def test_compose_runs_the_bot_on_postgresql_after_migrating() -> None:
    services = compose()["services"]
    assert set(services) == {"db", "migrate", "bot"}
    assert services["db"]["image"].startswith("postgres:15")
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    bot, migrate = services["bot"], services["migrate"]
    assert bot["command"][:2] == ["patchbay", "serve"]
    assert parser().parse_args(bot["command"][1:]).port == 3000
    assert bot["ports"][0].endswith(":3000")
    assert migrate["command"] == ["patchbay", "migrate"]
    assert bot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    for service in (bot, migrate):
        env = service["environment"]
        assert re.fullmatch(r"postgresql\+psycopg://patchbay:.+@db:5432/patchbay", env["DATABASE_URL"])
        assert env["SLACK_BOT_TOKEN"].startswith("${SLACK_BOT_TOKEN:?")
        assert env["SLACK_SIGNING_SECRET"].startswith("${SLACK_SIGNING_SECRET:?")


def test_compose_passes_only_settings_patchbay_knows() -> None:
    from bot.settings import variable_names

    known = variable_names()
    env = compose()["services"]["bot"]["environment"]
    assert set(env) <= known, set(env) - known


def test_the_license_is_an_spdx_string_and_setuptools_can_read_it() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "MIT"
    setuptools = next(r for r in project["build-system"]["requires"] if r.startswith("setuptools"))
    assert setuptools == "setuptools>=77"  # the first release that reads an SPDX license string
