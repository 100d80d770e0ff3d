"""The import contracts in pyproject.toml cover every module of bot/, and the serving path starts
without the libraries it only needs for migrating, documents or the terminal shell."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _contract(name: str) -> dict[str, list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return next(c for c in config["contracts"] if c["name"].startswith(name))


def test_every_module_of_bot_is_either_serving_or_playground() -> None:
    contract = _contract("The serving path never imports the playground")
    serving, playground = set(contract["source_modules"]), set(contract["forbidden_modules"])
    assert not serving & playground
    modules = {
        f"bot.{path.stem if path.is_file() else path.name}"
        for path in (ROOT / "bot").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").exists()
    }
    assert modules - serving - playground == set(), "name each new module of bot/ in the contract"
    assert (serving | playground) - modules == set(), "the contract names a module that is gone"


START_SERVING = """
from bot.cli import parser
from bot.app import create_app
from bot.settings import Settings

parser().parse_args(["serve"])
create_app(Settings(_env_file=None, slack_bot_token="xoxb-x", slack_signing_secret="s", database_url="{url}"))
"""

STARTUP = (
    "import sys\n"
    + START_SERVING
    + """
print(" ".join(sorted(m for m in sys.modules if m.split(".")[0] in ("alembic", "jinja2", "rich")
                      or m.startswith(("bot.shell", "bot.localslack", "bot.driver", "bot.slack_payloads")))))
"""
)

LIBRARIES = """
import sys
{load}
print(" ".join(sorted({{m.split(".")[0] for m in sys.modules}} - set(sys.stdlib_module_names))))
"""


def _libraries(load: str) -> set[str]:
    """The top-level packages outside the standard library loaded by `load`, but Patchbay's own."""
    out = subprocess.run(
        [sys.executable, "-c", LIBRARIES.format(load=load)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {name for name in out if not name.startswith("_")} - {"bot", "commands", "storage", "benchmarks"}


def test_the_serving_path_starts_without_alembic_jinja2_rich_or_the_shell(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'patchbay.db'}"
    loaded = subprocess.run(
        [sys.executable, "-c", STARTUP.format(url=url)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert loaded == []


def test_the_memory_floor_loads_every_library_the_serving_path_loads(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'patchbay.db'}"
    serving = _libraries(START_SERVING.format(url=url) + "import waitress  # serve() loads it to listen")
    floor = _libraries(f"from benchmarks.floor_app import load_floor; load_floor({url!r})")
    assert "slack_bolt" in serving and "sqlalchemy" in serving
    assert serving == floor
