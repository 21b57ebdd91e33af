"""The `troopledger` command: run, query, explain, report, serve.

Exit codes:
  0    the command completed. For `run` this includes documents that could not be read or
       parsed: they are data (a documents row with its error), listed in the summary.
  1    the command could not complete: the lake is locked by another run past --lock-wait,
       not writable (read-only, disk full), holds an unreadable file, a SQL model or test
       failed, a query was not a read-only statement or named an unknown table, `query` or
       `report` found no lake, or `explain` explained nothing (a missing, unreadable, empty or
       unsupported file). The lake keeps its previous tables.
  2    usage error (bad arguments, an input folder that does not exist).
  130  interrupted (Ctrl-C); the lake keeps its previous tables.

Errors are one line on stderr, `troopledger: error: ...`; add --debug for the traceback and
Prefect's full log. Text from articles (explain, query, the run summary) is printed with
control and bidirectional-override characters shown as escapes (\\x1b, \\u202e).
See docs/reliability.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sys
import time
import unicodedata
from contextlib import contextmanager
from pathlib import Path

from storage import object_store
from storage.lake import local_lake

STARTED = time.monotonic()  # the command's wall time is counted from here (Python's own start aside)
DEFAULT_LAKE = "lake"
# Statement types `troopledger query` runs; anything else (INSERT, CREATE, COPY, ATTACH...) is refused.
QUERY_STATEMENTS = ("SELECT", "EXPLAIN")
QUERY_MAX_ROWS = 100
QUERY_MAX_CELL = 80
# Unicode categories printed as escapes: controls, format characters (bidi overrides, zero
# widths), line and paragraph separators, lone surrogates, private use and unassigned.
ESCAPED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="troopledger", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--debug", action="store_true", help="show the traceback when a command fails")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="ingest articles into the lake and rebuild the marts")
    run.add_argument("input_dir", nargs="?", default=None, help="folder of articles (default: the bundled samples)")
    run.add_argument("--lake", default=DEFAULT_LAKE, help="lake folder or object-store URL (default: ./lake)")
    run.add_argument("--full-refresh", action="store_true", help="re-read every input, not only new and changed ones")
    run.add_argument("--lock-wait", type=float, default=60.0, metavar="SECONDS",
                     help="how long to wait for another run holding the lake (default: 60)")
    run.add_argument("--prune", action="store_true",
                     help="remove the rows of inputs no longer in INPUT_DIR (by default they are kept)")
    run.add_argument("--json", action="store_true", help="print the run summary as JSON (no progress)")
    run.add_argument("--quiet", "-q", action="store_true",
                     help="print nothing but errors: no progress, no summary (the exit code tells)")
    run.add_argument("--workers", type=int, default=0, metavar="N",
                     help="extract on a local Dask cluster of N worker processes (default: in this process)")
    run.add_argument("--dask-address", default=None, metavar="ADDR",
                     help="extract on an existing Dask cluster (scheduler address, e.g. tcp://host:8786)")

    query = commands.add_parser("query", help="run SQL against the warehouse views (read-only)",
                                description="Run SELECT or EXPLAIN statements against the views of "
                                            "LAKE/warehouse.duckdb: documents, claims, runs and one per mart.")
    query.add_argument("sql", help="the SQL: SELECT and EXPLAIN statements only")
    query.add_argument("--lake", default=DEFAULT_LAKE, help="lake folder or object-store URL (default: ./lake)")
    query.add_argument("--format", choices=("table", "csv", "json"), default="table",
                       help="how rows are printed (default: table); csv and json print the row count on stderr")
    query.add_argument("--limit", type=non_negative, default=QUERY_MAX_ROWS, metavar="N",
                       help=f"print at most N rows, 0 for all (default: {QUERY_MAX_ROWS}); the total is always said")

    explain = commands.add_parser("explain", help="show each claim found in one article beside its sentence")
    explain.add_argument("file", type=Path, help="one article file (.txt, .md, .markdown, .html, .htm, .jsonl)")

    report = commands.add_parser("report", help="write a self-contained HTML report of the marts")
    report.add_argument("--lake", default=DEFAULT_LAKE, help="lake folder or object-store URL (default: ./lake)")
    report.add_argument("--out", type=Path, default=Path("report.html"), help="HTML file to write (default: report.html)")

    serve = commands.add_parser("serve", help="serve the ingest flow on a schedule without a worker (flow.serve)")
    serve.add_argument("input_dir", nargs="?", default=None, help="folder of articles (default: the bundled samples)")
    serve.add_argument("--lake", default=DEFAULT_LAKE, help="lake folder or object-store URL (default: ./lake)")
    serve.add_argument("--cron", default="*/15 * * * *", help="schedule, in UTC (default: \"*/15 * * * *\", every 15 minutes)")
    serve.add_argument("--prune", action="store_true",
                       help="remove the rows of inputs no longer in INPUT_DIR on each run (by default they are kept)")
    return parser


def non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative")
    return value


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # The temporary Prefect server would try to send usage telemetry and log an error when offline.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if not args.debug:
        # Prefect's console shows warnings only, in this process and in the extraction processes it
        # starts (they read their logging set-up from the environment); the API still gets it all.
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    try:
        # Only the commands that run a Prefect flow need Prefect's console quietened (`run` does it
        # itself, after the nothing-new check, which must not pay for importing Prefect).
        with quiet_console(enabled=not args.debug and args.command == "serve"):
            return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("troopledger: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader stopped reading (`| head`): nothing went wrong here. Later writes (and the
        # interpreter's own flush at exit) go nowhere instead of failing again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:  # noqa: BLE001 - one clear line unless --debug
        if args.debug:
            raise
        print(f"troopledger: error: {one_line(error)}", file=sys.stderr)
        return 1


def one_line(error: BaseException) -> str:
    """The error as one line: the first line of its message, escaped; an OSError says what and where."""
    if isinstance(error, OSError) and error.strerror:
        text = error.strerror + (f": {error.filename}" if error.filename else "")
    else:
        text = str(error).strip()
        text = text.splitlines()[0] if text else type(error).__name__
    return escape_text(text, keep_newlines=False)


def escape_text(text: str, keep_newlines: bool = True) -> str:
    """Text from articles made safe for a terminal: control and bidi characters shown as escapes."""
    out = []
    for char in text:
        if (char == "\n" and keep_newlines) or unicodedata.category(char) not in ESCAPED_CATEGORIES:
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return "".join(out)


class QuietConsoleFilter(logging.Filter):
    """Console output without --debug: warnings and worse, never a traceback.

    Prefect's engine logs a failing task or flow with its traceback; the CLI reports the same
    failure itself as one line, so those records are dropped from the console (they still
    reach the Prefect API and its UI).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info or record.levelno < logging.WARNING:
            return False
        # The events client's shutdown notes ("Still processing items") are not the user's concern.
        return "events" not in record.name.lower()


@contextmanager
def quiet_console(enabled: bool):
    """Attach QuietConsoleFilter to every console handler for the duration of one command."""
    if not enabled:
        yield
        return
    console_filter = QuietConsoleFilter()
    handlers = [handler for handler in console_handlers() if console_filter not in handler.filters]
    for handler in handlers:
        handler.addFilter(console_filter)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(console_filter)


def console_handlers() -> list[logging.Handler]:
    """Handlers writing to a terminal stream, on the root logger and Prefect's own loggers."""
    import prefect  # noqa: F401 - importing Prefect configures its logging
    from prefect.logging.configuration import ensure_logging_setup

    ensure_logging_setup()

    loggers = [logging.getLogger()] + [logging.getLogger(name) for name in
                                       ("prefect", "prefect._internal", "uvicorn", "fastapi")]
    found = []
    for logger in loggers:
        for handler in logger.handlers:
            if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
                found.append(handler)
    return found


def command_run(args) -> int:
    from inputs.discovery import SAMPLES_DIR
    from inputs.plan import nothing_new

    input_dir = args.input_dir or str(SAMPLES_DIR)
    if not os.path.isdir(input_dir):  # a usage error, told before anything starts
        return usage_error(f"input folder {input_dir} does not exist or is not a folder")
    # decided before Prefect starts; a URL's state is known only after pulling it, in the flow
    checkable = not (args.full_refresh or object_store.is_lake_url(args.lake))
    unchanged = nothing_new(input_dir, args.lake, args.prune) if checkable else None
    if unchanged is not None:
        summary = {"run_id": None, "lake": shown_lake(args.lake, Path(args.lake).absolute()), "inputs_read": 0,
                   "inputs_seen": len(unchanged.unchanged), "inputs_unchanged": len(unchanged.unchanged),
                   "inputs_vanished": len(unchanged.vanished), "inputs_pruned": 0, "models_rebuilt": False,
                   "input_dir": input_dir}
        print_summary(args, summary)
        return 0
    from cli.progress import listener_for, shown
    from cli.temporary_server import ensure_prefect_api

    with quiet_console(enabled=not args.debug):
        wait_for_api = ensure_prefect_api()
        from flows import ingest  # slow imports, while a temporary server starts

        wait_for_api()
        with shown(listener_for(args.quiet or args.json), ingest.PROGRESS_LISTENERS):
            summary = ingest.run_ingest(workers=args.workers, dask_address=args.dask_address, input_dir=input_dir,
                                        lake=args.lake, full_refresh=args.full_refresh,
                                        lock_wait_seconds=args.lock_wait, prune=args.prune)
    summary["input_dir"] = input_dir
    if object_store.is_lake_url(args.lake):
        summary["working_copy"] = summary["lake"]
    summary["lake"] = shown_lake(args.lake, summary["lake"])
    summary["seconds"] = round(time.monotonic() - STARTED, 2)  # the command's whole wall time
    timings = summary.get("timings", {})
    summary["timings"] = {"start-up": round(summary["seconds"] - sum(timings.values()), 2), **timings}
    print_summary(args, summary)
    return 0


def usage_error(message: str) -> int:
    print(f"troopledger: error: {escape_text(message, keep_newlines=False)}", file=sys.stderr)
    return 2


def shown_lake(argument: str, local: str | Path) -> str:
    """The lake as the user should name it again: the URL for an object-store lake, not its copy."""
    return argument if object_store.is_lake_url(argument) else str(local)


def print_summary(args, summary: dict) -> None:
    if args.json:
        print(json.dumps(summary, default=str))
    elif not args.quiet:
        print(format_summary(summary))


def readable_lake(lake: str) -> Path:
    """The lake folder to read; for an object-store URL, the local copy, first brought up to date."""
    if not object_store.is_lake_url(lake):
        return local_lake(lake)
    from warehouse.runner import build_warehouse

    work = object_store.working_lake(lake)
    if object_store.pull_lake_state(lake, work):
        build_warehouse(work)
    return work


def format_summary(summary: dict) -> str:
    published = summary.get("published")
    shipped = (f"\n  published to {published['url']}: {published['uploaded']} files uploaded "
               f"({published['bytes']:,} bytes), {published['skipped']} already there, {published['deleted']} removed"
               if published else "")
    found_none = [no_articles_line(summary["input_dir"])] if summary.get("inputs_seen") == 0 else []
    if summary["run_id"] is None:
        if summary.get("models_rebuilt"):
            head = (f"No new input ({summary['inputs_unchanged']} inputs unchanged); marts rebuilt in "
                    f"{summary['lake']}: the SQL models changed or the marts were missing.")
        else:
            head = f"Nothing new: {summary['inputs_unchanged']} inputs unchanged; lake {summary['lake']} left as it was."
        return "\n".join([*found_none, head, *vanished_lines(summary)]) + shipped
    timings = ", ".join(f"{name} {seconds}" for name, seconds in summary.get("timings", {}).items())
    lines = [*found_none, f"Run {summary['run_id']} ({summary['seconds']} s" + (f": {timings})" if timings else ")"),
             f"  documents read:        {summary['documents_read']}",
             f"  documents with errors: {summary['document_errors']}"]
    lines += [f"    {escape_text(path, False)}: {escape_text(error, False)}" for path, error in summary["errors"][:20]]
    lines.append(f"  claims extracted:      {summary['claims_extracted']}")
    lines += [f"    {metric:<16} {n}" for metric, n in summary["claims_by_metric"].items()]
    lines += vanished_lines(summary)
    lake = summary["lake"]
    local = summary.get("working_copy", lake)
    lines += [f"  tables:    {lake}/documents, {lake}/claims, {lake}/runs",
              f"  marts:     {lake}/marts/ ({', '.join(summary['marts']) or 'none'})",
              f"  warehouse: {local}/warehouse.duckdb   (try: troopledger query \"select * from latest_estimates\" --lake {lake})"]
    return "\n".join(lines) + shipped


def no_articles_line(input_dir: str) -> str:
    from inputs.discovery import ARTICLE_SUFFIXES

    return (f"No articles found in {escape_text(input_dir, False)}: no file ends in "
            f"{', '.join(ARTICLE_SUFFIXES)}.")


def vanished_lines(summary: dict) -> list[str]:
    """What became of the inputs read before and no longer in the input folder."""
    kept = summary.get("inputs_vanished", 0) - summary.get("inputs_pruned", 0)
    lines = [f"  inputs no longer in the folder: {kept}" + (" (their rows are kept; --prune removes them)" if kept else "")]
    if summary.get("inputs_pruned"):
        lines.append(f"  inputs pruned: {summary['inputs_pruned']}, removing {summary['pruned_documents']} documents "
                     f"rows and {summary['pruned_claims']} claims rows")
    return lines


class QueryRefused(Exception):
    pass


def command_query(args) -> int:
    import duckdb

    con = open_read_only_warehouse(readable_lake(args.lake), args.lake)
    try:
        statements = con.extract_statements(args.sql)
        refused = [s.type.name for s in statements if s.type.name not in QUERY_STATEMENTS]
        if refused:
            raise QueryRefused(f"query is read-only: {refused[0]} statements are not allowed "
                               f"(only {', '.join(QUERY_STATEMENTS)})")
        for statement in statements:
            try:
                print_result(con, statement, args)
            except duckdb.CatalogException as error:
                raise QueryRefused(f"{one_line(error)}; the views are: {', '.join(view_names(con))}") from None
    finally:
        con.close()
    return 0


def print_result(con, statement, args) -> None:
    """One statement's rows in the chosen format, at most --limit of them, and how many there were."""
    if statement.type.name != "SELECT":
        cursor = con.execute(statement.query)
        if cursor.description is not None:
            rows = cursor.fetchall()
            print(format_rows([c[0] for c in cursor.description], rows, len(rows), len(rows)))
        return
    relation = con.sql(statement.query)
    total = relation.aggregate("count(*)").fetchall()[0][0]
    shown = relation.limit(args.limit).fetchall() if args.limit else relation.fetchall()
    names = relation.columns
    if args.format == "table":
        print(format_rows(names, shown, total, args.limit))
        return
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(names)
        safe = sys.stdout.isatty()  # a terminal gets escapes; a file or pipe gets the values as they are
        writer.writerows([[escape_text(str(v), False) if safe and v is not None else v for v in row] for row in shown])
    else:
        print(json.dumps([dict(zip(names, row)) for row in shown], default=str, ensure_ascii=False, indent=1))
    # the count goes to stderr, so stdout stays a clean CSV or JSON document
    print(count_line(len(shown), total), file=sys.stderr)


def view_names(con) -> list[str]:
    return [name for (name,) in con.execute(
        "select table_name from information_schema.tables order by table_name").fetchall()]


def open_read_only_warehouse(lake: Path, argument: str | None = None):
    """LAKE/warehouse.duckdb opened read-only, reading files only under the lake, settings locked."""
    import duckdb

    con = duckdb.connect(str(require_lake(lake, argument)), read_only=True)
    con.execute("set allowed_directories = ?", [[str(lake.resolve()) + "/"]])
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
    return con


def require_lake(lake: Path, argument: str | None = None) -> Path:
    """LAKE/warehouse.duckdb, or one line saying how to make it. Nothing is created. `argument` is
    the lake as the user named it (an object-store URL rather than its working copy)."""
    from warehouse.runner import WAREHOUSE_FILE

    path = lake.resolve() / WAREHOUSE_FILE
    if not path.is_file():
        where = lake if argument is None or not object_store.is_lake_url(argument) else argument
        raise FileNotFoundError(f"{where} holds no lake yet (no {WAREHOUSE_FILE}): run "
                                f"`troopledger run --lake {argument or lake}` first")
    return path


def format_rows(names: list[str], rows: list[tuple], total: int | None = None, limit: int = QUERY_MAX_ROWS) -> str:
    """A plain aligned table; every cell escaped and cut to QUERY_MAX_CELL characters."""
    total = len(rows) if total is None else total
    shown = rows[:limit] if limit else rows
    cells = [[format_cell(name) for name in names]] + [[format_cell(value) for value in row] for row in shown]
    widths = [max(len(row[i]) for row in cells) for i in range(len(names))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    lines.append(count_line(len(shown), total))
    return "\n".join(lines)


def count_line(shown: int, total: int) -> str:
    if shown < total:
        return f"({total} rows in total, first {shown} shown; --limit 0 shows all)"
    return f"({total} row{'s' if total != 1 else ''})"


def format_cell(value) -> str:
    text = "NULL" if value is None else escape_text(str(value), keep_newlines=False)
    return text if len(text) <= QUERY_MAX_CELL else text[:QUERY_MAX_CELL - 3] + "..."


def command_explain(args) -> int:
    from cli.explain import explain_file

    print(escape_text(explain_file(args.file)))
    return 0


def command_report(args) -> int:
    from warehouse.report import write_report

    lake = readable_lake(args.lake)
    require_lake(lake, args.lake)  # a report of no lake is an error, and must not create one
    out = write_report(lake, args.out)
    print(f"report written to {out}")
    return 0


def command_serve(args) -> int:
    from prefect.schedules import Cron

    from flows.ingest import ingest
    from inputs.discovery import SAMPLES_DIR

    # UTC, as the deployments in prefect.yaml: a schedule should not move with the server's clock.
    ingest.serve(name="troopledger-serve", schedules=[Cron(args.cron, timezone="UTC")],
                 parameters={"input_dir": os.path.abspath(args.input_dir or SAMPLES_DIR),
                             "lake": args.lake if object_store.is_lake_url(args.lake) else os.path.abspath(args.lake),
                             "prune": args.prune})
    return 0


COMMANDS = {"run": command_run, "query": command_query, "explain": command_explain,
            "report": command_report, "serve": command_serve}


if __name__ == "__main__":
    sys.exit(main())
