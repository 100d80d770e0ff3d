"""`patchbay`: start the bot, migrate the database, import and export the registry, try it in a shell.

The console script `patchbay` is `main()` here; `review_commands.py` holds `patchbay reviews`, and the
shell (`bot.playground.shell`) is loaded only for `patchbay shell`.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from bot.app import create_app, make_client
from bot.cli import review_commands
from bot.clock import Clock
from bot.scheduling.scheduler import build_scheduler
from bot.settings import Settings, SettingsError, load_settings, missing_setup, require
from bot.views.stackmap import map_summary, orphan_why
from bot.views.stackmap_drawing import to_dot
from bot.web import logs
from bot.web.http import make_server, make_socket_mode_wsgi, make_wsgi
from commands.actor import SYSTEM
from commands.documents import catalog
from commands.errors import PatchbayError
from commands.graphviz import ImageFormat, draw
from commands.history import audit_lines
from commands.plan import plan_csv
from commands.run_reports import import_runs
from commands.stackmap import stack_map
from commands.tool_csv import Outcome, export_tools, import_tools
from commands.workspace_policy import read_policy
from storage.backup import BackupRefused, backup_sqlite
from storage.db import is_sqlite, make_engine, make_sessionmaker, migrate, schema_is_current, session_scope

log = logging.getLogger("patchbay")


class StartupError(Exception):
    """Startup cannot go on; the message says why in one line."""


def _ready_database(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    try:
        if schema_is_current(engine):
            return
    finally:
        engine.dispose()
    if is_sqlite(settings.database_url):
        log.info("migrating %s to the latest schema", settings.database_url)
        migrate(settings.database_url)
        return
    raise StartupError("the database schema is not up to date: run `patchbay migrate` first")


def _warn_missing_setup(settings: Settings) -> None:
    for problem in missing_setup(settings):
        log.warning("%s; see the README's .env example", problem)


def _settle_heap() -> None:
    """Move everything loaded at start out of the garbage collector's sight (`gc.freeze()`).

    The modules, models and schemas built at start live as long as the process; left in the oldest
    generation, every full collection walks all of them again, a pause of a tenth of a second or
    more that lands on whichever requests are in flight.
    """
    gc.collect()
    gc.freeze()


def serve(settings: Settings, host: str, port: int, *, with_scheduler: bool) -> None:
    """HTTP mode: Slack's requests on POST /slack/events."""
    require(settings, "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    _warn_missing_setup(settings)
    _ready_database(settings)
    sessions = make_sessionmaker(make_engine(settings.database_url))
    app = create_app(settings, sessions=sessions)
    if with_scheduler:
        build_scheduler(settings=settings, sessions=sessions, client=app.client, clock=Clock()).start()
    _settle_heap()
    log.info("Patchbay listening on http://%s:%s/slack/events", host, port)
    make_server(make_wsgi(app, sessions, signing_secret=settings.slack_signing_secret), host, port).run()


def run(settings: Settings, *, with_scheduler: bool, host: str, http_port: int | None) -> None:
    """Socket Mode: no public URL needed. With an HTTP port, POST /runs, /healthz and /metrics too."""
    from bot.web.socket_mode import build_handler

    require(settings, "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    _warn_missing_setup(settings)
    _ready_database(settings)
    sessions = make_sessionmaker(make_engine(settings.database_url))
    app = create_app(settings, sessions=sessions)
    if with_scheduler:
        build_scheduler(settings=settings, sessions=sessions, client=app.client, clock=Clock()).start()
    if http_port is not None:
        server = make_server(make_socket_mode_wsgi(app, sessions), host, http_port)
        threading.Thread(target=server.run, name="patchbay-http", daemon=True).start()
        log.info("Patchbay listening on http://%s:%s for /runs, /healthz and /metrics", host, http_port)
    _settle_heap()
    log.info("Patchbay connecting to Slack in Socket Mode")
    build_handler(app, settings).start()


def scheduler_only(settings: Settings) -> None:
    """Only the scheduler, for a topology where HTTP replicas run with --no-scheduler."""
    require(settings, "SLACK_BOT_TOKEN")
    _ready_database(settings)
    sessions = make_sessionmaker(make_engine(settings.database_url))
    scheduler = build_scheduler(
        settings=settings, sessions=sessions, client=make_client(settings), clock=Clock()
    )
    scheduler.start()
    log.info(
        "Patchbay scheduler running; review sweep daily at %s %s",
        settings.patchbay_sweep_time,
        settings.patchbay_timezone,
    )
    threading.Event().wait()


def _owner_resolver(settings: Settings) -> Callable[[str], str | None]:
    client = make_client(settings) if settings.slack_bot_token else None

    def resolve(text: str) -> str | None:
        text = text.strip().lstrip("@")
        if text[:1] in ("U", "W") and text.isalnum() and text.isupper():
            return text
        if "@" in text and client is not None:
            try:
                return str(client.users_lookupByEmail(email=text)["user"]["id"])
            except Exception:
                return None
        return None

    return resolve


def import_tools_file(settings: Settings, path: Path) -> int:
    sessions = make_sessionmaker(make_engine(settings.database_url))
    with path.open(newline="", encoding="utf-8-sig") as handle, session_scope(sessions) as session:
        report = import_tools(
            session=session,
            actor=SYSTEM,
            lines=handle,
            resolve_owner=_owner_resolver(settings),
            now=Clock().now(),
        )
    for row in report.rows:
        reason = f": {row.reason}" if row.reason else ""
        print(f"line {row.line}  {row.outcome.value:<9}  {row.name or '(no name)'}{reason}")
    print(
        f"{report.count(Outcome.ADDED)} added, {report.count(Outcome.UPDATED)} updated, "
        f"{report.count(Outcome.UNCHANGED)} unchanged, {report.count(Outcome.REJECTED)} rejected"
    )
    return 1 if report.count(Outcome.REJECTED) else 0


def import_runs_file(settings: Settings, path: Path, integration_id: int) -> int:
    sessions = make_sessionmaker(make_engine(settings.database_url))
    text = path.read_text(encoding="utf-8-sig")
    with session_scope(sessions) as session:
        report = import_runs(
            session=session, actor=SYSTEM, integration_id=integration_id, text=text, now=Clock().now()
        )
    for line in report.rejected:
        reasons = "; ".join(f"{field}: {message}" for field, message in line.errors.items())
        print(f"line {line.line}  rejected  {reasons}")
    print(f"{report.accepted} stored, {report.duplicates} already stored, {len(report.rejected)} rejected")
    return 1 if report.rejected else 0


def export_file(settings: Settings, what: str, path: Path | None) -> int:
    sessions = make_sessionmaker(make_engine(settings.database_url))
    with session_scope(sessions) as session:
        text = EXPORTS[what](session=session)
    if path is None:
        sys.stdout.write(text)
    else:
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


def export_audit_file(settings: Settings, path: Path | None, since: str | None) -> int:
    sessions = make_sessionmaker(make_engine(settings.database_url))
    try:
        start = datetime.fromisoformat(since).replace(tzinfo=UTC) if since else None
    except ValueError:
        raise StartupError(f"--since wants a date like 2026-01-31, not {since}") from None
    with session_scope(sessions) as session:
        text = "".join(line + "\n" for line in audit_lines(session=session, since=start))
    if path is None:
        sys.stdout.write(text)
    else:
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


def export_map_file(settings: Settings, path: Path | None, image: ImageFormat, focus: str | None) -> int:
    """The stack map as PNG, SVG or DOT text; DOT goes to stdout without a file."""
    sessions = make_sessionmaker(make_engine(settings.database_url))
    with session_scope(sessions) as session:
        graph = stack_map(session=session, focus=focus)
    data = draw(to_dot(graph), image)
    if path is None and image is ImageFormat.DOT:
        sys.stdout.write(data.decode())
        return 0
    path = path or Path(f"stack-map.{image.value}")
    path.write_bytes(data)
    print(f"wrote {path}: {map_summary(graph, for_slack=False)}")
    for orphan in graph.orphans:
        print(f"orphaned: #{orphan.id} {orphan.title} ({orphan.state.label.lower()}): {orphan_why(orphan)}")
    for tool in graph.orphan_tools:
        print(f"owner left Slack: {tool.name} (owner {tool.owner_id}): give it a new owner")
    return 0


def export_docs_dir(settings: Settings, directory: Path) -> int:
    """The Markdown catalog of every integration: index.md and integrations/*.md."""
    from bot.documents import write_catalog

    sessions = make_sessionmaker(make_engine(settings.database_url))
    now = Clock().now()
    with session_scope(sessions) as session:
        policy = read_policy(session=session, defaults=settings.policy).policy
        docs = catalog(session=session, now=now, policy=policy)
    written = write_catalog(directory, docs, now)
    print(f"wrote {len(written)} files to {directory} (index.md and {len(docs)} integration pages)")
    return 0


EXPORTS = {"tools": export_tools, "plan": plan_csv}


def backup_file(settings: Settings, path: Path) -> int:
    size = backup_sqlite(settings.database_url, path)
    print(f"wrote {path} ({size:,} bytes)")
    return 0


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {text}")
    return int(text)


def parser(*, with_shell: bool = False) -> argparse.ArgumentParser:
    """The command line; the shell's own options (and the shell) load only for `patchbay shell`."""
    root = argparse.ArgumentParser(prog="patchbay", description="Integration governance for Slack.")
    sub = root.add_subparsers(dest="command", required=True)
    serve_p = sub.add_parser("serve", help="run in HTTP mode (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET)")
    serve_p.add_argument("--host", default="0.0.0.0")
    serve_p.add_argument("--port", type=int, default=3000)
    serve_p.add_argument(
        "--no-scheduler", action="store_true", help="leave the review sweep to another process"
    )
    run_p = sub.add_parser("run", help="run in Socket Mode (SLACK_BOT_TOKEN, SLACK_APP_TOKEN)")
    run_p.add_argument(
        "--http-port",
        type=_port,
        help="also serve POST /runs, /healthz and /metrics on this port (default: PATCHBAY_HTTP_PORT)",
    )
    run_p.add_argument("--host", default="0.0.0.0", help="the address the HTTP port listens on")
    run_p.add_argument(
        "--no-scheduler", action="store_true", help="leave the review sweep to another process"
    )
    sub.add_parser("scheduler", help="run only the scheduler (the daily review sweep and Slack retries)")
    reviews = sub.add_parser("reviews", help="quarterly reviews: sweep now, or show their status")
    reviews_sub = reviews.add_subparsers(dest="what", required=True)
    sweep_p = reviews_sub.add_parser(
        "sweep", help="send what is due, remind and escalate, as the daily job does"
    )
    sweep_p.add_argument(
        "--as-of", type=date.fromisoformat, help="sweep as if it were this date (YYYY-MM-DD)"
    )
    sweep_p.add_argument("--dry-run", action="store_true", help="only say what would be sent")
    status_p = reviews_sub.add_parser("status", help="what is due, sent, answered and overdue")
    status_p.add_argument("--as-of", type=date.fromisoformat, help="count overdue as of this date")
    runs_p = sub.add_parser("runs", help="run reports of live integrations")
    runs_sub = runs_p.add_subparsers(dest="what", required=True)
    runs_import = runs_sub.add_parser(
        "import", help="import runs from CSV or JSON lines (same checks as POST /runs)"
    )
    runs_import.add_argument("file", type=Path)
    runs_import.add_argument(
        "--integration", type=int, required=True, metavar="ID", help="the integration's #ID"
    )
    sub.add_parser("migrate", help="bring the database to the latest schema")
    imp = sub.add_parser("import", help="import data from a file")
    imp_sub = imp.add_subparsers(dest="what", required=True)
    imp_sub.add_parser("tools", help="import tools from CSV").add_argument("file", type=Path)
    exp = sub.add_parser("export", help="export data to a file")
    exp_sub = exp.add_subparsers(dest="what", required=True)
    exp_sub.add_parser("tools", help="export tools as CSV").add_argument("file", type=Path, nargs="?")
    exp_sub.add_parser("plan", help="export the decision table as CSV").add_argument(
        "file", type=Path, nargs="?"
    )
    audit_p = exp_sub.add_parser("audit", help="export the audit log as JSON lines")
    audit_p.add_argument("file", type=Path, nargs="?")
    audit_p.add_argument("--since", help="only events on or after this date (YYYY-MM-DD)")
    map_p = exp_sub.add_parser("map", help="draw the stack map (PNG, SVG or Graphviz DOT)")
    map_p.add_argument("file", type=Path, nargs="?")
    map_p.add_argument("--format", choices=[f.value for f in ImageFormat], default=ImageFormat.PNG.value)
    map_p.add_argument("--focus", help="one tool or category and what connects to it")
    exp_sub.add_parser("docs", help="write the Markdown catalog of integrations").add_argument(
        "directory", type=Path
    )
    shell_p = sub.add_parser("shell", help="try Patchbay in a terminal, against a local Slack")
    if with_shell:
        from bot.playground.shell import main as shell

        shell.add_arguments(shell_p)
    backup = sub.add_parser("backup", help="copy the SQLite database to FILE while the bot runs")
    backup.add_argument("file", type=Path)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser(with_shell=argv[:1] == ["shell"]).parse_args(argv)
    if args.command == "shell":
        from bot.playground.shell import main as shell

        return shell.main(args)
    try:
        settings = load_settings()
        logs.configure(settings.patchbay_log_format)
        if args.command == "serve":
            serve(settings, args.host, args.port, with_scheduler=not args.no_scheduler)
        elif args.command == "run":
            http_port = args.http_port if args.http_port is not None else settings.patchbay_http_port
            run(settings, with_scheduler=not args.no_scheduler, host=args.host, http_port=http_port)
        elif args.command == "scheduler":
            scheduler_only(settings)
        elif args.command == "reviews":
            _ready_database(settings)
            if args.what == "sweep":
                return review_commands.sweep(settings, as_of=args.as_of, dry_run=args.dry_run)
            return review_commands.status(settings, as_of=args.as_of)
        elif args.command == "runs":
            _ready_database(settings)
            return import_runs_file(settings, args.file, args.integration)
        elif args.command == "migrate":
            migrate(settings.database_url)
            print("database is at the latest schema")
        elif args.command == "import":
            _ready_database(settings)
            return import_tools_file(settings, args.file)
        elif args.command == "export":
            _ready_database(settings)
            if args.what == "audit":
                return export_audit_file(settings, args.file, args.since)
            if args.what == "map":
                return export_map_file(settings, args.file, ImageFormat(args.format), args.focus)
            if args.what == "docs":
                return export_docs_dir(settings, args.directory)
            return export_file(settings, args.what, args.file)
        elif args.command == "backup":
            return backup_file(settings, args.file)
    except (SettingsError, StartupError, BackupRefused, PatchbayError) as exc:
        print(f"patchbay: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"patchbay: no such file: {exc.filename}", file=sys.stderr)
        return 2
    return 0
