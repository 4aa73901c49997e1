"""The `operator-app` command: the desktop window, or a subcommand."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack

from sqlalchemy.exc import ArgumentError, DBAPIError

from operator_app import __version__
from operator_app.core.errors import OperatorAppError
from operator_app.core.settings import LANGUAGES, AppSettings
from operator_app.storage.database import Database, describe_url, resolve_database_url
from operator_app.storage.migrate import ForeignDatabaseError, SchemaTooNewError, upgrade

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNUSABLE_INPUT = 2


class CommandError(Exception):
    """A subcommand cannot run; the message is printed as one line, never a traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def one_line(error: object) -> str:
    """An error's text folded onto one line (driver messages span several)."""
    return " ".join(str(error).split()) or type(error).__name__


def database_failed(database: Database, error: DBAPIError) -> CommandError:
    return CommandError(
        f"{describe_url(database.url)}: the database failed: {one_line(error.orig)}", EXIT_FAILED
    )


def open_database(args: argparse.Namespace, *, migrate: bool = True) -> Database:
    """The database of --db (or its defaults), migrated; any failure is one CommandError line."""
    url = resolve_database_url(getattr(args, "db", None), AppSettings.load().database_url)
    try:
        database = Database(url)
    except ArgumentError as error:
        raise CommandError(f"--db: {one_line(error)}", EXIT_UNUSABLE_INPUT) from error
    resources: ExitStack = args.resources
    resources.callback(database.dispose)
    if migrate:
        try:
            upgrade(database.engine)
        except (SchemaTooNewError, ForeignDatabaseError) as error:
            raise CommandError(f"{describe_url(url)}: {error}") from error
        except DBAPIError as error:
            raise CommandError(
                f"cannot open the database: {one_line(error.orig)}", EXIT_FAILED
            ) from error
    return database


def _db_upgrade(args: argparse.Namespace) -> int:
    database = open_database(args)
    print(f"{describe_url(database.url)}: schema is up to date")
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from operator_app.core.demo import create_demo_workspace

    summary = create_demo_workspace(open_database(args))
    print(summary.describe())
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from operator_app.cli_import import run_import_command

    return run_import_command(args, open_database)


def _scripts_import(args: argparse.Namespace) -> int:
    from operator_app.cli_scripts import run_scripts_import

    return run_scripts_import(args, open_database)


def _scripts_export(args: argparse.Namespace) -> int:
    from operator_app.cli_scripts import run_scripts_export

    return run_scripts_export(args, open_database)


def _campaigns_import(args: argparse.Namespace) -> int:
    from operator_app.cli_campaigns import run_campaigns_import

    return run_campaigns_import(args, open_database)


def _campaigns_export(args: argparse.Namespace) -> int:
    from operator_app.cli_campaigns import run_campaigns_export

    return run_campaigns_export(args, open_database)


def _export_visits(args: argparse.Namespace) -> int:
    from operator_app.cli_export import run_export_visits

    return run_export_visits(args, open_database)


def _export_calls(args: argparse.Namespace) -> int:
    from operator_app.cli_export import run_export_calls

    return run_export_calls(args, open_database)


def _report_kpi(args: argparse.Namespace) -> int:
    from operator_app.cli_report import run_report_kpi

    return run_report_kpi(args, open_database)


def _outbox_send(args: argparse.Namespace) -> int:
    from operator_app.cli_outbox import run_outbox_send

    return run_outbox_send(args, open_database)


def _gui(args: argparse.Namespace) -> int:
    from operator_app.app import run_gui

    return run_gui(db_url=args.db, language=args.lang)


def _db_option(parser: argparse.ArgumentParser, *, inherited: bool) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS if inherited else None,
        help="database URL, e.g. postgresql+psycopg://user:pass@host/db "
        "(default: $OPERATOR_APP_DB, the settings, or the embedded SQLite file)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="operator-app",
        description="Workstation for phone sales. Without a subcommand it opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"operator-app {__version__}")
    _db_option(parser, inherited=False)
    parser.add_argument("--lang", choices=LANGUAGES, help="interface language (default: settings)")
    parser.set_defaults(handler=_gui)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(title="db commands", metavar="ACTION", required=True)
    db_upgrade = db_commands.add_parser("upgrade", help="apply migrations to the database")
    _db_option(db_upgrade, inherited=True)
    db_upgrade.set_defaults(handler=_db_upgrade)

    demo = commands.add_parser("demo", help="create the demo workspace in the database")
    _db_option(demo, inherited=True)
    demo.set_defaults(handler=_demo)

    imp = commands.add_parser("import", help="import a lead list from CSV or XLSX")
    imp.add_argument("path", metavar="PATH", help="the CSV or XLSX file")
    imp.add_argument("--list", required=True, metavar="NAME", dest="list_name")
    imp.add_argument("--hypothesis", metavar="TEXT", help="why this list should buy")
    imp.add_argument("--abc", choices=("A", "B", "C"), help="the list's ABC class")
    imp.add_argument("--priority", type=int, metavar="N", help="higher is called first")
    imp.add_argument("--campaign", metavar="NAME", help="the campaign the leads go to")
    imp.add_argument("--region", default=None, metavar="RU", help="default phone region")
    imp.add_argument("--rejected-out", metavar="FILE", help="write rejected rows to FILE")
    imp.add_argument("--json", action="store_true", help="last line: the counts as JSON")
    _db_option(imp, inherited=True)
    imp.set_defaults(handler=_import)

    scripts = commands.add_parser("scripts", help="exchange call scripts as YAML files")
    scripts_commands = scripts.add_subparsers(
        title="scripts commands", metavar="ACTION", required=True
    )
    scripts_export = scripts_commands.add_parser(
        "export", help="write the newest version of every script to DIR, one file each"
    )
    scripts_export.add_argument("directory", metavar="DIR", help="the folder to write to")
    _db_option(scripts_export, inherited=True)
    scripts_export.set_defaults(handler=_scripts_export)
    scripts_import = scripts_commands.add_parser(
        "import", help="add a script file as a new version of its script"
    )
    scripts_import.add_argument("path", metavar="FILE", help="the script's YAML file")
    _db_option(scripts_import, inherited=True)
    scripts_import.set_defaults(handler=_scripts_import)

    campaigns = commands.add_parser("campaigns", help="exchange campaign settings as YAML files")
    campaigns_commands = campaigns.add_subparsers(
        title="campaigns commands", metavar="ACTION", required=True
    )
    campaigns_export = campaigns_commands.add_parser(
        "export", help="write every campaign to DIR, one file each"
    )
    campaigns_export.add_argument("directory", metavar="DIR", help="the folder to write to")
    _db_option(campaigns_export, inherited=True)
    campaigns_export.set_defaults(handler=_campaigns_export)
    campaigns_import = campaigns_commands.add_parser(
        "import", help="create or update the campaign a file describes"
    )
    campaigns_import.add_argument("path", metavar="FILE", help="the campaign's YAML file")
    _db_option(campaigns_import, inherited=True)
    campaigns_import.set_defaults(handler=_campaigns_import)

    export = commands.add_parser("export", help="write data out for other programs")
    export_commands = export.add_subparsers(title="export commands", metavar="WHAT", required=True)
    export_visits = export_commands.add_parser(
        "visits", help="visits starting between two dates (inclusive, in each office's time)"
    )
    export_visits.add_argument("--from", required=True, metavar="DATE", dest="date_from")
    export_visits.add_argument("--to", required=True, metavar="DATE", dest="date_to")
    export_visits.add_argument("--format", required=True, choices=("ics",), dest="file_format")
    export_visits.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    _db_option(export_visits, inherited=True)
    export_visits.set_defaults(handler=_export_visits)
    export_calls = export_commands.add_parser(
        "calls", help="calls started between two dates (inclusive), one row per call"
    )
    export_calls.add_argument("--from", required=True, metavar="DATE", dest="date_from")
    export_calls.add_argument("--to", required=True, metavar="DATE", dest="date_to")
    export_calls.add_argument(
        "--format", required=True, choices=("csv", "xlsx"), dest="file_format"
    )
    export_calls.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    _db_option(export_calls, inherited=True)
    export_calls.set_defaults(handler=_export_calls)

    report = commands.add_parser("report", help="figures for supervisors")
    report_commands = report.add_subparsers(title="reports", metavar="REPORT", required=True)
    report_kpi = report_commands.add_parser(
        "kpi", help="calls, reach, talk time, leads, held visits and conversions, per operator"
    )
    report_kpi.add_argument("--from", required=True, metavar="DATE", dest="date_from")
    report_kpi.add_argument("--to", required=True, metavar="DATE", dest="date_to")
    report_kpi.add_argument("--campaign", metavar="NAME", help="only this campaign's calls")
    report_kpi.add_argument("--json", action="store_true", help="last line: the figures as JSON")
    _db_option(report_kpi, inherited=True)
    report_kpi.set_defaults(handler=_report_kpi)

    outbox = commands.add_parser("outbox", help="messages to clients waiting to be sent")
    outbox_commands = outbox.add_subparsers(
        title="outbox commands", metavar="ACTION", required=True
    )
    outbox_send = outbox_commands.add_parser(
        "send", help="send every queued message that is due, then exit"
    )
    outbox_send.add_argument("--json", action="store_true", help="last line: the counts as JSON")
    _db_option(outbox_send, inherited=True)
    outbox_send.set_defaults(handler=_outbox_send)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        with ExitStack() as args.resources:
            return handler(args)
    except CommandError as error:
        print(f"operator-app: {error}", file=sys.stderr)
        return error.exit_code
    except OperatorAppError as error:
        print(f"operator-app: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
