"""The CLI's promises: exit codes, one-line errors, and article text printed with escapes."""

from __future__ import annotations

import csv
import errno
import io
import json
import logging
import os
import re
import subprocess
import sys

import duckdb
import pytest

from cli import main as cli
from conftest import ROOT

HOSTILE_SENTENCE = ("North Korea sent about 12,000 troops \u202eto Russia\u202c, "
                    "the spy agency said \x1b[2J on Friday.\n")


def test_control_and_bidi_characters_are_shown_as_escapes():
    assert cli.escape_text("a\x1b[31mb\u202ec\u200bd\x00\U000e0001") == "a\\x1b[31mb\\u202ec\\u200bd\\x00\\U000e0001"


def test_newlines_are_kept_in_multi_line_output_and_escaped_in_one_line():
    assert cli.escape_text("one\ntwo\r") == "one\ntwo\\x0d"
    assert cli.escape_text("one\ntwo", keep_newlines=False) == "one\\x0atwo"


def test_ordinary_text_in_any_script_is_left_alone():
    text = "북한군 1만1천 명, Курск, «about» 40%"
    assert cli.escape_text(text) == text


def test_query_rows_are_escaped_aligned_and_cut():
    table = cli.format_rows(["sentence", "n"], [("bad\u202eworld", 1), ("x" * 200, None)])
    lines = table.splitlines()
    assert lines[0].split() == ["sentence", "n"]
    assert "bad\\u202eworld" in lines[2] and "\u202e" not in table
    assert lines[3].endswith("NULL") and "..." in lines[3]
    assert lines[-1] == "(2 rows)"


def test_explain_of_a_hostile_article_prints_no_raw_control_characters(tmp_path, capsys):
    article = tmp_path / "hostile.txt"
    article.write_text(HOSTILE_SENTENCE)
    assert cli.main(["explain", str(article)]) == 0
    out = capsys.readouterr().out
    assert "12,000" in out and "\x1b" not in out and "\u202e" not in out


def test_explain_escapes_whatever_the_explanation_quotes(tmp_path, capsys, monkeypatch):
    # The parser already drops most of these; the CLI must not rely on it.
    from cli import explain as explain_module

    monkeypatch.setattr(explain_module, "explain_file", lambda path: "line one\n  [body] " + HOSTILE_SENTENCE)
    assert cli.main(["explain", str(tmp_path / "any.txt")]) == 0  # the stand-in explains anything
    out = capsys.readouterr().out
    assert out.startswith("line one\n  [body] North Korea")
    assert "\\x1b[2J" in out and "\\u202e" in out and "\x1b" not in out and "\u202e" not in out


def test_an_os_error_is_one_line_saying_what_and_where():
    error = OSError(errno.ENOSPC, "No space left on device", "/lake/_state/manifest.parquet")
    assert cli.one_line(error) == "No space left on device: /lake/_state/manifest.parquet"


def test_a_multi_line_message_keeps_its_first_line_escaped():
    assert cli.one_line(RuntimeError("bad file new\u202eline.txt\nsecond line")) == "bad file new\\u202eline.txt"


def test_a_usage_error_exits_2():
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["run", "--no-such-option"])
    assert exit_info.value.code == 2


def test_the_quiet_console_drops_tracebacks_and_chatter_but_keeps_warnings():
    quiet = cli.QuietConsoleFilter()

    def record(level, exc_info=None, name="prefect.flow_runs"):
        return logging.LogRecord(name, level, __file__, 1, "message", None, exc_info)

    try:
        raise ValueError("boom")
    except ValueError as error:
        failure = (type(error), error, error.__traceback__)
    assert not quiet.filter(record(logging.ERROR, failure))
    assert not quiet.filter(record(logging.INFO))
    assert not quiet.filter(record(logging.WARNING, name="prefect.events.clients"))
    assert quiet.filter(record(logging.WARNING))


def test_the_quiet_console_is_removed_after_the_command():
    before = {id(f) for h in cli.console_handlers() for f in h.filters}
    with cli.quiet_console(enabled=True):
        assert any(isinstance(f, cli.QuietConsoleFilter) for h in cli.console_handlers() for f in h.filters)
    assert {id(f) for h in cli.console_handlers() for f in h.filters} == before


def test_a_run_with_unreadable_documents_exits_0_and_lists_them_escaped(prefect_server, tmp_path, capfd):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(HOSTILE_SENTENCE)
    os.mkfifo(inputs / "pipe\u202e.txt")
    capfd.readouterr()
    assert cli.main(["run", str(inputs), "--lake", str(tmp_path / "lake")]) == 0
    captured = capfd.readouterr()
    assert "documents with errors: 1" in captured.out
    assert "pipe\\u202e.txt: not a regular file" in captured.out and "\u202e" not in captured.out
    assert "Traceback" not in captured.err and "INFO" not in captured.err


def test_a_run_on_a_missing_folder_is_a_usage_error_told_before_prefect_starts(tmp_path, capfd, monkeypatch):
    from cli import temporary_server

    def no_prefect():
        raise AssertionError("Prefect was started")

    monkeypatch.setattr(temporary_server, "ensure_prefect_api", no_prefect)
    capfd.readouterr()
    assert cli.main(["run", str(tmp_path / "missing"), "--lake", str(tmp_path / "lake")]) == 2
    err = capfd.readouterr().err
    assert err.strip().splitlines() == [f"troopledger: error: input folder {tmp_path / 'missing'} does not exist or is not a folder"]
    assert not (tmp_path / "lake").exists()


def test_a_run_against_a_url_publishes_the_lake_and_query_reads_it_back(prefect_server, tmp_path, monkeypatch, capsys):
    """`--lake URL`: the run works in a local copy and publishes to the store; a rerun with nothing
    new uploads nothing; a query from another machine (an empty work folder) pulls and reads it."""
    store = f"file://{tmp_path / 'store' / 'lake'}"
    (tmp_path / "store").mkdir()
    monkeypatch.setenv("TROOPLEDGER_WORK_DIR", str(tmp_path / "work-1"))
    assert cli.main(["run", "--lake", store, "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["published"]["uploaded"] > 0 and (tmp_path / "store" / "lake" / "_current.json").is_file()
    assert cli.main(["run", "--lake", store, "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["run_id"] is None and second["published"]["uploaded"] == 0

    monkeypatch.setenv("TROOPLEDGER_WORK_DIR", str(tmp_path / "work-2"))
    assert cli.main(["query", "select count(*) as n from claims", "--lake", store]) == 0
    assert str(first["claims_extracted"]) in capsys.readouterr().out


def test_an_unknown_lake_url_scheme_fails_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TROOPLEDGER_WORK_DIR", str(tmp_path / "work"))
    assert cli.main(["query", "select 1", "--lake", "nosuchscheme://bucket/lake"]) == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("troopledger: error: object store nosuchscheme://bucket/lake") and "\n" not in error


# --- clear errors and options (issue 14) ---------------------------------------------------------

@pytest.mark.parametrize("name, content, words", [
    ("missing.txt", None, "no such file"),
    ("notes.pdf", b"%PDF-1.4", "not an article file (troopledger reads .txt, .md, .markdown"),
    ("empty.txt", b"", "empty file"),
    ("binary.txt", bytes(range(256)) * 8, "cannot explain"),
    ("folder.txt", "dir", "a folder, not a file"),
])
def test_explain_exits_1_in_one_line_when_it_explains_nothing(tmp_path, capsys, name, content, words):
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    assert cli.main(["explain", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1 and words in captured.err


def test_explain_reads_a_markdown_suffix(tmp_path, capsys):
    article = tmp_path / "note.markdown"
    article.write_text("# Briefing\n\n" + HOSTILE_SENTENCE)
    assert cli.main(["explain", str(article)]) == 0 and "12,000" in capsys.readouterr().out


@pytest.fixture(scope="module")
def sample_lake(prefect_server, tmp_path_factory):
    lake = tmp_path_factory.mktemp("cli") / "lake"
    assert cli.main(["run", "--lake", str(lake), "--quiet"]) == 0
    return lake


def test_report_and_query_on_a_path_with_no_lake_exit_1_with_the_hint_and_create_nothing(tmp_path, capsys):
    nowhere = tmp_path / "nowhere"
    for argv in (["report", "--lake", str(nowhere), "--out", str(tmp_path / "r.html")],
                 ["query", "select 1", "--lake", str(nowhere)]):
        assert cli.main(argv) == 1
        err = capsys.readouterr().err.strip()
        assert err == (f"troopledger: error: {nowhere} holds no lake yet (no warehouse.duckdb): "
                       f"run `troopledger run --lake {nowhere}` first")
    assert not nowhere.exists() and not (tmp_path / "r.html").exists()


def test_query_on_an_unknown_table_lists_the_views(sample_lake, capsys):
    assert cli.main(["query", "select * from estimatez", "--lake", str(sample_lake)]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "estimatez" in err
    views = err.split("the views are: ")[1].split(", ")
    assert views == sorted(views) and {"claims", "documents", "latest_estimates", "claim_events"} <= set(views)


def test_query_formats_limits_and_says_the_total(sample_lake, capsys):
    lake = ["--lake", str(sample_lake)]
    total = duckdb.sql(f"select count(*) from read_parquet('{sample_lake}/claims/*.parquet')").fetchall()[0][0]
    assert cli.main(["query", "select claim_id, metric from claims order by claim_id", "--limit", "3", *lake]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 + 3 + 1 and out[-1] == f"({total} rows in total, first 3 shown; --limit 0 shows all)"

    assert cli.main(["query", "select claim_id, metric from claims", "--format", "csv", "--limit", "0", *lake]) == 0
    captured = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(captured.out)))
    assert rows[0] == ["claim_id", "metric"] and len(rows) == total + 1
    assert captured.err.strip() == f"({total} rows)"

    assert cli.main(["query", "select metric from claims", "--format", "json", "--limit", "2", *lake]) == 0
    captured = capsys.readouterr()
    assert [set(row) for row in json.loads(captured.out)] == [{"metric"}, {"metric"}]
    assert captured.err.strip() == f"({total} rows in total, first 2 shown; --limit 0 shows all)"


def test_an_empty_input_folder_says_it_found_no_articles(sample_lake, tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "readme.pdf").write_bytes(b"%PDF")
    assert cli.main(["run", str(empty), "--lake", str(tmp_path / "lake")]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"No articles found in {empty}: no file ends in .txt, .md, .markdown, .html, .htm, .jsonl.")
    assert cli.main(["run", str(empty), "--lake", str(tmp_path / "lake")]) == 0
    assert capsys.readouterr().out.startswith("No articles found")


def test_help_lists_every_argument_with_its_default(capsys):
    for command in ("run", "query", "explain", "report", "serve"):
        with pytest.raises(SystemExit) as exit_code:
            cli.main([command, "--help"])
        assert exit_code.value.code == 0
        text = capsys.readouterr().out
        for action in cli.build_parser()._subparsers._group_actions[0].choices[command]._actions:
            if action.dest == "help":
                continue
            assert action.help, (command, action.dest)
            if action.default not in (None, False) and not isinstance(action.default, bool):
                assert "default" in action.help, (command, action.dest)


# --- progress and timing ---------------------------------------------------------------------------

class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_live_bar_on_a_terminal_and_a_line_a_batch_otherwise():
    from cli.progress import BarProgress, LineProgress, listener_for

    events = [("extracting", {"files": 500, "batches": 2}), ("batch", {"files": 250, "claims": 40}),
              ("batch", {"files": 250, "claims": 60}), ("phase", {"name": "extraction", "seconds": 1.0})]
    terminal = Terminal()
    bar = listener_for(quiet=False, terminal=terminal)
    assert isinstance(bar, BarProgress)
    for event in events:
        bar(*event)
    assert "500/500" in terminal.getvalue() and "100 claims" in terminal.getvalue()
    log = io.StringIO()
    lines = listener_for(quiet=False, terminal=io.StringIO(), log=log)
    assert isinstance(lines, LineProgress)
    for event in events:
        lines(*event)
    assert log.getvalue().splitlines()[0] == "extracting 500 files in 2 batches"
    second = log.getvalue().splitlines()[1]
    assert second.startswith("extracted 250/500 files, 40 claims, ") and second.endswith(" files/s")
    assert len(log.getvalue().splitlines()) == 1 + 2, "a line a batch, nothing more"
    assert listener_for(quiet=True, terminal=terminal) is None


def test_a_real_run_prints_a_line_a_batch_and_its_whole_time_in_parts(prefect_server, tmp_path, capfd):
    capfd.readouterr()
    assert cli.main(["run", "--lake", str(tmp_path / "lake")]) == 0
    captured = capfd.readouterr()
    progress = [line for line in captured.out.splitlines() if line.startswith("extract")]
    assert progress[0].startswith("extracting ") and len(progress) == 2, captured.out
    assert "extract" not in captured.err, "stderr is kept for the one-line error"
    head = next(line for line in captured.out.splitlines() if line.startswith("Run "))
    match = re.fullmatch(r"Run \S+ \(([\d.]+) s: start-up ([\d.]+), extraction ([\d.]+), commit ([\d.]+), "
                         r"models ([\d.]+)\)", head)
    assert match, head
    whole, *parts = map(float, match.groups())
    assert abs(whole - sum(parts)) < 0.05 and all(part >= 0 for part in parts)


def test_quiet_prints_nothing_but_errors(prefect_server, tmp_path, capfd):
    capfd.readouterr()
    assert cli.main(["run", "--lake", str(tmp_path / "lake"), "--quiet"]) == 0
    captured = capfd.readouterr()
    assert captured.out == "" and [line for line in captured.err.splitlines() if "troopledger" in line] == []
    assert cli.main(["run", "--lake", str(tmp_path / "lake"), "-q"]) == 0
    assert capfd.readouterr().out == ""


def test_an_object_store_lake_is_named_by_its_url_in_hints(prefect_server, tmp_path, monkeypatch, capsys):
    store = f"file://{tmp_path / 'store' / 'lake'}"
    (tmp_path / "store").mkdir()
    monkeypatch.setenv("TROOPLEDGER_WORK_DIR", str(tmp_path / "work"))
    assert cli.main(["query", "select 1", "--lake", store]) == 1
    assert capsys.readouterr().err.strip() == (f"troopledger: error: {store} holds no lake yet (no warehouse.duckdb): "
                                               f"run `troopledger run --lake {store}` first")
    assert cli.main(["run", "--lake", store]) == 0
    out = capsys.readouterr().out
    hint = next(line for line in out.splitlines() if "try:" in line)
    assert hint.endswith(f"--lake {store})") and f"tables:    {store}/documents" in out
    assert str(tmp_path / "work") not in hint.split("try:")[1]


def test_a_run_on_the_process_pool_prints_a_line_a_batch_and_no_prefect_chatter(prefect_server, tmp_path, capfd,
                                                                                 monkeypatch):
    import flows.ingest

    monkeypatch.delenv("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", raising=False)  # main() sets it; undone after
    monkeypatch.setattr(flows.ingest, "MIN_BATCH_SIZE", 3)  # the 11 samples in four batches on the pool
    capfd.readouterr()
    assert cli.main(["run", "--lake", str(tmp_path / "lake")]) == 0
    captured = capfd.readouterr()
    progress = [line for line in captured.out.splitlines() if line.startswith("extract")]
    assert progress[0] == "extracting 11 files in 4 batches" and len(progress) == 5, captured.out
    assert "INFO" not in captured.err and "Task run" not in captured.err + captured.out


def test_a_reader_that_stops_reading_is_not_an_error(sample_lake):
    pipeline = (f"{sys.executable} -m cli.main query 'select * from range(300000)' --limit 0 --lake {sample_lake} "
                "| head -c 10 > /dev/null")
    result = subprocess.run(["bash", "-o", "pipefail", "-c", pipeline], capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert result.returncode == 0 and result.stderr == ""
