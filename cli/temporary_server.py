"""A temporary Prefect server for a `troopledger run` on a machine with no Prefect API configured.

Prefect starts such a server itself when a flow first needs its API (`SubprocessASGIServer`):
only after this process has imported everything, and only after importing Prefect's server
modules here as well (about 3 s), just to launch a subprocess. Starting the same server first,
the way Prefect launches it, lets its start-up overlap the imports of the flow; the address is
then handed to the flow and to the extraction processes through Prefect's settings, so they all
share one server instead of each starting its own.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

STARTUP_TIMEOUT_SECONDS = 120.0  # the first start on a new machine creates Prefect's database
STOP_TIMEOUT_SECONDS = 5.0


@dataclass
class TemporaryServer:
    process: subprocess.Popen
    port: int

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def wait_until_healthy(self, timeout: float = STARTUP_TIMEOUT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the temporary Prefect server exited with code {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=1) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the temporary Prefect server did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def configured_api_url() -> str | None:
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def launch() -> TemporaryServer:
    """Prefect's own temporary server: its app factory under uvicorn, without the UI."""
    import prefect
    from prefect.settings import get_current_settings

    port = free_port()
    env = {**os.environ, **get_current_settings().to_environment_variables(exclude_unset=True),
           # what Prefect sets for its temporary server (prefect.server.api.server.SubprocessASGIServer)
           "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect.__module_path__.parent), "--factory",
         "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "error", "--lifespan", "on"],
        env=env,
    )
    return TemporaryServer(process, port)


def ensure_prefect_api() -> Callable[[], None]:
    """Prefect's configured API; without one, a temporary server for the rest of this process.

    Returns a function that waits until the API answers: call it after the slow imports.
    """
    if configured_api_url():
        return lambda: None
    from prefect.context import refresh_global_settings_context

    server = launch()
    # Stopped at exit, as Prefect stops its own: after Prefect's log and event workers, registered
    # later, have sent what they hold.
    atexit.register(server.stop)
    # The address for the rest of the process and the processes it starts: the flow, Prefect's own
    # threads (they read the global settings), its workers at exit, and the extraction processes.
    os.environ["PREFECT_API_URL"] = server.api_url
    refresh_global_settings_context()
    return server.wait_until_healthy
