"""prefect.yaml on a real Prefect server, driven by Prefect's own CLI the way docs/scheduling.md
tells a user to: start a server, point the CLI at it, create the pool, deploy, start a worker,
trigger runs and watch them; and `troopledger serve` for people who want no worker.

Every Prefect process runs in its own process group with a temporary PREFECT_HOME, and is
stopped by its fixture whatever the tests do.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest

from conftest import ROOT

BIN = Path(sys.executable).parent
PREFECT = str(BIN / "prefect")
SAMPLE_ARTICLES = ("2024-10-18_nis_first_deployment.txt", "2024-12-23_jcs_casualties.html",
                   "2025-04-30_nis_briefing.txt", "2025-04-30_nis_briefing.meta.json")
SERVER_START_SECONDS = 120
RUN_TIMEOUT_SECONDS = 120
# What issue 5 asks prefect.yaml to declare.
EXPECTED_DEPLOYMENTS = {
    "troopledger-ingest/inbox-ingest": {"cron": "*/15 * * * *", "parameters": {"input_dir": "inbox", "lake": "lake", "prune": False}},
    "troopledger-rebuild-models/nightly-rebuild": {"cron": "0 3 * * *", "parameters": {"lake": "lake"}},
}


@dataclass
class PrefectServer:
    api_url: str
    env: dict[str, str]
    workdir: Path

    def cli(self, *args: str, cwd: Path | None = None, timeout: float = RUN_TIMEOUT_SECONDS) -> str:
        """Run one `prefect` command against this server; fail the test with its output if it fails."""
        result = subprocess.run([PREFECT, *args], cwd=cwd or self.workdir, env=self.env, capture_output=True,
                                text=True, timeout=timeout)
        assert result.returncode == 0, (f"prefect {' '.join(args)} exited {result.returncode}\n"
                                        f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
        return result.stdout

    def get(self, path: str) -> httpx.Response:
        return httpx.get(f"{self.api_url}{path}", timeout=10)

    def post(self, path: str, body: dict) -> list | dict:
        response = httpx.post(f"{self.api_url}{path}", json=body, timeout=10)
        response.raise_for_status()
        return response.json()

    def deployment(self, name: str) -> dict:
        response = self.get(f"/deployments/name/{name}")
        assert response.status_code == 200, f"deployment {name} not found: {response.text[:300]}"
        return response.json()

    def flow_run_state(self, flow_run_id: str) -> str:
        return self.get(f"/flow_runs/{flow_run_id}").json()["state"]["type"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def isolated_env(prefect_home: Path) -> dict[str, str]:
    """This process's environment without any PREFECT_* setting, so nothing reaches a real server."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env.update({
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # No cron run may start during the test: every run here is one the test asked for.
        "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
        # Workers and `serve` look for runs every second instead of every ten.
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        # Wide enough that rich never wraps an id in the CLI's output.
        "COLUMNS": "200",
    })
    return env


def start_in_group(command: list[str], env: dict[str, str], log: Path, cwd: Path) -> subprocess.Popen:
    """Start a long-running command in its own process group, output to a log file."""
    with open(log, "wb") as sink:
        return subprocess.Popen(command, env=env, cwd=cwd, stdout=sink, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def stop_group(process: subprocess.Popen, grace_seconds: float = 15) -> None:
    """SIGTERM the whole group (servers and workers have children), SIGKILL what outlives the grace."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(grace_seconds)
            return
        except subprocess.TimeoutExpired:
            continue


def log_tail(log: Path, chars: int = 3000) -> str:
    return log.read_text(errors="replace")[-chars:] if log.exists() else "(no log)"


def wait_for_health(api_url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, f"prefect server exited {process.returncode}:\n{log_tail(log)}"
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"prefect server not healthy after {SERVER_START_SECONDS} s:\n{log_tail(log)}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`prefect server start` on a free port, and the CLI profile pointed at it."""
    workdir = tmp_path_factory.mktemp("prefect")
    env = isolated_env(workdir / "home")
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    log = workdir / "server.log"
    process = start_in_group([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env, log, workdir)
    try:
        prefect = PrefectServer(api_url, env, workdir)
        # Only writes the profile, so it can run while the server starts.
        prefect.cli("config", "set", f"PREFECT_API_URL={api_url}")
        wait_for_health(api_url, process, log)
        yield prefect
    finally:
        stop_group(process)


@pytest.fixture(scope="module")
def deployed(server):
    """The work pool and every deployment of prefect.yaml, deployed from the checkout."""
    server.cli("work-pool", "create", "troopledger", "--type", "process")
    server.cli("deploy", "--all", "--no-prompt", cwd=ROOT)
    return server


@pytest.fixture(scope="module")
def worker(deployed):
    log = deployed.workdir / "worker.log"
    process = start_in_group([PREFECT, "worker", "start", "--pool", "troopledger"], deployed.env, log, deployed.workdir)
    try:
        yield process
    finally:
        stop_group(process)


def run_deployment(server: PrefectServer, name: str, **parameters: str) -> tuple[str, str]:
    """`prefect deployment run NAME --watch`; returns the flow run id and the CLI's output."""
    args = ["deployment", "run", name, "--watch", "--watch-interval", "1",
            "--watch-timeout", str(RUN_TIMEOUT_SECONDS)]
    for key, value in parameters.items():
        args += ["--param", f"{key}={value}"]
    output = server.cli(*args, timeout=RUN_TIMEOUT_SECONDS + 30)
    flow_run_id = re.search(r"UUID: ([0-9a-f-]{36})", output)
    assert flow_run_id, f"no flow run id in:\n{output[-2000:]}"
    return flow_run_id.group(1), output


def sample_inbox(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in SAMPLE_ARTICLES:
        shutil.copy(ROOT / "samples" / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def ingested(deployed, worker, tmp_path_factory):
    """One inbox-ingest run, executed by the worker, of a few samples into a fresh lake."""
    folder = tmp_path_factory.mktemp("ingest")
    inbox, lake = sample_inbox(folder / "inbox"), folder / "lake"
    flow_run_id, output = run_deployment(deployed, "troopledger-ingest/inbox-ingest", input_dir=str(inbox), lake=str(lake))
    return lake, flow_run_id, output


def run_artifacts(server: PrefectServer, key: str, flow_run_id: str) -> list[dict]:
    return server.post("/artifacts/filter", {"artifacts": {"key": {"any_": [key]}, "flow_run_id": {"any_": [flow_run_id]}}})


def assert_lake_built(lake: Path, documents: int) -> None:
    assert pq.read_table(lake / "documents").num_rows == documents
    assert pq.read_table(lake / "claims").num_rows > 0
    marts = {path.name for path in (lake / "marts").iterdir()}
    assert {"estimates", "figures_by_source_date"} <= marts
    for mart in marts:
        assert (lake / "marts" / mart / f"{mart}.parquet").is_file(), mart
    assert (lake / "warehouse.duckdb").is_file()


def test_deployments_have_the_declared_schedules_pool_and_concurrency_limit(deployed):
    for name, expected in EXPECTED_DEPLOYMENTS.items():
        deployment = deployed.deployment(name)
        schedules = [(s["schedule"].get("cron"), s["schedule"].get("timezone"), s["active"])
                     for s in deployment["schedules"]]
        assert schedules == [(expected["cron"], "UTC", True)], name
        assert deployment["parameters"] == expected["parameters"], name
        assert deployment["work_pool_name"] == "troopledger", name
        # Prefect keeps a deployment's concurrency_limit as a global limit named after it.
        assert deployment["global_concurrency_limit"]["limit"] == 1, name


def test_deployments_pull_the_code_from_the_checkout_they_were_deployed_from(deployed):
    for name in EXPECTED_DEPLOYMENTS:
        pull_steps = deployed.deployment(name)["pull_steps"]
        assert pull_steps == [{"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}}], name


def test_worker_completes_an_inbox_ingest_run_into_the_given_lake(deployed, ingested):
    lake, flow_run_id, output = ingested
    assert "Completed" in output
    assert deployed.flow_run_state(flow_run_id) == "COMPLETED"
    assert_lake_built(lake, documents=3)


def test_ingest_run_publishes_its_summary_artifact(deployed, ingested):
    _, flow_run_id, output = ingested
    assert "troopledger-run-summary" in output  # the artifact's event, as `--watch` shows it
    [artifact] = run_artifacts(deployed, "troopledger-run-summary", flow_run_id)
    assert artifact["type"] == "table"
    rows = {row["what"]: row["value"] for row in json.loads(artifact["data"])}
    assert rows["documents read"] == 3 and rows["documents with errors"] == 0


def test_worker_completes_a_nightly_rebuild_that_restores_the_marts(deployed, ingested, tmp_path):
    lake = tmp_path / "lake"
    shutil.copytree(ingested[0], lake, symlinks=True)
    shutil.rmtree(lake / "marts")
    (lake / "warehouse.duckdb").unlink()
    flow_run_id, _ = run_deployment(deployed, "troopledger-rebuild-models/nightly-rebuild", lake=str(lake))
    assert deployed.flow_run_state(flow_run_id) == "COMPLETED"
    assert_lake_built(lake, documents=3)
    [artifact] = run_artifacts(deployed, "troopledger-rebuild-summary", flow_run_id)
    marts = {row["mart"] for row in json.loads(artifact["data"])}
    assert marts == {path.name for path in (lake / "marts").iterdir()}


def wait_until_served(server: PrefectServer, name: str, process: subprocess.Popen, log: Path) -> dict:
    """The deployment once the process serving it has polled for runs (Prefect marks it READY)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{name} exited {process.returncode}:\n{log_tail(log)}"
        response = server.get(f"/deployments/name/{name}")
        if response.status_code == 200 and response.json()["status"] == "READY":
            return response.json()
        time.sleep(0.5)
    pytest.fail(f"deployment {name} not served within 60 s:\n{log_tail(log)}")


def test_troopledger_serve_registers_its_cron_deployment_and_pauses_it_on_stop(server, tmp_path):
    inbox, lake = tmp_path / "inbox", tmp_path / "lake"
    inbox.mkdir()
    log = server.workdir / "serve.log"
    command = [str(BIN / "troopledger"), "serve", str(inbox), "--lake", str(lake), "--cron", "30 2 * * *"]
    process = start_in_group(command, server.env, log, tmp_path)
    try:
        deployment = wait_until_served(server, "troopledger-ingest/troopledger-serve", process, log)
        assert [(s["schedule"]["cron"], s["schedule"]["timezone"]) for s in deployment["schedules"]] == [("30 2 * * *", "UTC")]
        assert deployment["parameters"] == {"input_dir": str(inbox), "lake": str(lake), "prune": False}
        # Stopping serve (Ctrl-C, or SIGTERM from a service manager) pauses its schedule.
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
        assert server.deployment("troopledger-ingest/troopledger-serve")["paused"] is True
    finally:
        stop_group(process)
