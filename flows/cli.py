"""The `troopledger` command: run, query, explain, report, serve.

Exit codes: 0 when the command completed (documents that could not be read are data, not
failures); 1 when it could not complete (the lake is locked, unreadable or not writable, a
model test failed); 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

DEFAULT_LAKE = "lake"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="troopledger", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--debug", action="store_true", help="show the traceback when a command fails")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="ingest articles into the lake and rebuild the marts")
    run.add_argument("input_dir", nargs="?", default=None, help="folder of articles (default: the bundled samples)")
    run.add_argument("--lake", default=DEFAULT_LAKE, help="lake folder (default: ./lake)")
    run.add_argument("--full-refresh", action="store_true", help="re-read every input, not only new and changed ones")
    run.add_argument("--lock-wait", type=float, default=60.0, metavar="SECONDS",
                     help="how long to wait for another run holding the lake (default: 60)")
    run.add_argument("--json", action="store_true", help="print the run summary as JSON")
    run.add_argument("--workers", type=int, default=0, metavar="N",
                     help="extract on a local Dask cluster of N worker processes (default: in this process)")
    run.add_argument("--dask-address", default=None, metavar="ADDR",
                     help="extract on an existing Dask cluster (scheduler address, e.g. tcp://host:8786)")

    query = commands.add_parser("query", help="run SQL against the warehouse views (read-only)")
    query.add_argument("sql")
    query.add_argument("--lake", default=DEFAULT_LAKE)

    explain = commands.add_parser("explain", help="show each claim found in one article beside its sentence")
    explain.add_argument("file", type=Path)

    report = commands.add_parser("report", help="write a self-contained HTML report of the marts")
    report.add_argument("--lake", default=DEFAULT_LAKE)
    report.add_argument("--out", type=Path, default=Path("report.html"))

    serve = commands.add_parser("serve", help="serve the ingest flow on a schedule without a worker (flow.serve)")
    serve.add_argument("input_dir", nargs="?", default=None)
    serve.add_argument("--lake", default=DEFAULT_LAKE)
    serve.add_argument("--cron", default="*/15 * * * *", help="schedule (default: every 15 minutes)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("troopledger: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - one clear line unless --debug
        if args.debug:
            raise
        print(f"troopledger: error: {one_line(error)}", file=sys.stderr)
        return 1


def one_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def command_run(args) -> int:
    from flows.ingest import SAMPLES_DIR, run_ingest

    input_dir = args.input_dir or str(SAMPLES_DIR)
    summary = run_ingest(workers=args.workers, dask_address=args.dask_address, input_dir=input_dir,
                         lake=args.lake, full_refresh=args.full_refresh, lock_wait_seconds=args.lock_wait)
    if args.json:
        print(json.dumps(summary, default=str))
    else:
        print(format_summary(summary))
    return 0


def format_summary(summary: dict) -> str:
    if summary["run_id"] is None:
        return f"Nothing new: {summary['inputs_unchanged']} inputs unchanged; lake {summary['lake']} left as it was."
    lines = [f"Run {summary['run_id']} ({summary['seconds']} s)",
             f"  documents read:        {summary['documents_read']}",
             f"  documents with errors: {summary['document_errors']}"]
    lines += [f"    {path}: {error}" for path, error in summary["errors"][:20]]
    lines.append(f"  claims extracted:      {summary['claims_extracted']}")
    lines += [f"    {metric:<16} {n}" for metric, n in summary["claims_by_metric"].items()]
    lake = summary["lake"]
    lines += [f"  tables:    {lake}/documents, {lake}/claims, {lake}/runs",
              f"  marts:     {lake}/marts/ ({', '.join(summary['marts']) or 'none'})",
              f"  warehouse: {lake}/warehouse.duckdb   (try: troopledger query \"select * from latest_estimates\" --lake {lake})"]
    return "\n".join(lines)


def command_query(args) -> int:
    from warehouse.runner import open_warehouse

    con = open_warehouse(Path(args.lake), read_only=True)
    try:
        relation = con.sql(args.sql)
        if relation is not None:
            relation.show(max_width=200, max_rows=100)
    finally:
        con.close()
    return 0


def command_explain(args) -> int:
    from flows.explain import explain_file

    print(explain_file(args.file))
    return 0


def command_report(args) -> int:
    from warehouse.report import write_report

    out = write_report(Path(args.lake), args.out)
    print(f"report written to {out}")
    return 0


def command_serve(args) -> int:
    from flows.ingest import SAMPLES_DIR, ingest

    ingest.serve(name="troopledger-serve", cron=args.cron,
                 parameters={"input_dir": os.path.abspath(args.input_dir or SAMPLES_DIR),
                             "lake": os.path.abspath(args.lake)})
    return 0


COMMANDS = {"run": command_run, "query": command_query, "explain": command_explain,
            "report": command_report, "serve": command_serve}


if __name__ == "__main__":
    sys.exit(main())
