"""The README's examples run as written (with the lake and report in a temporary folder)."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_examples() -> list[str]:
    block = README.split("Examples, run by `tests/test_readme.py`:", 1)[1]
    code = re.search(r"```sh\n(.*?)```", block, re.DOTALL).group(1)
    return [line for line in code.splitlines() if line.strip()]


def test_readme_examples_run(tmp_path):
    examples = readme_examples()
    assert examples[0].startswith("troopledger run")
    bin_dir = ROOT / ".venv" / "bin"
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
               PREFECT_HOME=str(tmp_path / "prefect-home"), TROOPLEDGER_WORK_DIR=str(tmp_path / "work"))
    outputs = []
    for line in examples:
        argv = [arg.replace("/tmp/", f"{tmp_path}/") for arg in shlex.split(line)]
        result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, (line, result.stderr[-2000:])
        outputs.append(result.stdout)
    run, by_metric, latest, explain, report, published, store_count, as_json, quiet = outputs
    assert "claims extracted" in run
    assert "troops_deployed" in by_metric and "killed" in by_metric
    assert "KR-NIS" in explain and "casualties" in explain
    assert (tmp_path / "troopledger-report.html").stat().st_size > 1000
    assert "published to file://" in published and (tmp_path / "troopledger-store" / "lake" / "_current.json").is_file()
    claims = re.search(r"claims extracted:\s+(\d+)", run).group(1)
    assert claims in store_count
    documents = json.loads(as_json)
    assert len(documents) == 2 and all(doc["source_path"] == doc["source_paths"][0] for doc in documents)
    assert quiet == ""


def test_every_command_and_option_is_in_the_readme():
    from cli.main import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    for name, command in commands.items():
        assert f"troopledger {name}" in README, name
        for action in command._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert option in README, (name, option)
