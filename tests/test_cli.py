"""The CLI's promises: exit codes, one-line errors, and article text printed with escapes."""

from __future__ import annotations

import errno
import json
import logging
import os

import pytest

from cli import main as cli

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
    assert cli.main(["explain", str(tmp_path / "any.txt")]) == 0
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


def test_a_run_that_cannot_complete_exits_1_with_one_line(prefect_server, tmp_path, capfd):
    capfd.readouterr()
    assert cli.main(["run", str(tmp_path / "missing"), "--lake", str(tmp_path / "lake")]) == 1
    err = capfd.readouterr().err
    assert err.strip().splitlines() == [f"troopledger: error: input folder {tmp_path / 'missing'} does not exist or is not a folder"]


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
