"""Shared fixtures: one Prefect test server for the whole session, and paths to the seeds."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
SCORER = SHARED / "eval" / "score.py"
CORPUS = ROOT / "tests" / "corpus"

# The first start of a temporary Prefect server on an empty PREFECT_HOME can take over 20 s here.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# Cached task results of this test session only: never ones an earlier session or a user's run left.
os.environ["PREFECT_LOCAL_STORAGE_PATH"] = tempfile.mkdtemp(prefix="troopledger-test-results-")


@pytest.fixture(scope="session")
def prefect_server():
    """A real Prefect server (prefect_test_harness) shared by every test that runs a flow."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def require_shared() -> None:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
