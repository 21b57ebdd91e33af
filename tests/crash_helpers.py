"""Run `troopledger` in this process and SIGKILL it at the Nth rename into the lake.

    python tests/crash_helpers.py LAKE N troopledger-args...

Every step that makes a write visible in the lake is an `os.replace` (a Parquet part, a table
link, the manifest, a mart, warehouse.duckdb, the journal), so killing just before the Nth one
reaches each commit point in turn, deterministically. N = 0 runs to the end and prints how many
renames the run made. The code version is pinned, so edits to transforms/ elsewhere in the
checkout while the tests run do not make a run re-read everything.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from inputs.plan import code_version

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The code version when the tests start: stable while other work edits transforms/, yet never the key
# of a cached extraction made by other code.
PINNED_CODE_VERSION = os.environ.get("TROOPLEDGER_TEST_CODE_VERSION") or code_version()


def main() -> int:
    lake, kill_at, argv = os.path.realpath(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    real_replace = os.replace
    count = 0

    def counting_replace(src, dst, *args, **kwargs):
        nonlocal count
        if os.path.realpath(os.path.dirname(os.fspath(dst))).startswith(lake):
            count += 1
            if count == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
        return real_replace(src, dst, *args, **kwargs)

    os.replace = counting_replace
    import inputs.plan
    import flows.ingest
    from cli.main import main as troopledger

    flows.ingest.code_version = inputs.plan.code_version = lambda: PINNED_CODE_VERSION

    code = troopledger(argv)
    print(f"renames: {count}")
    return code


if __name__ == "__main__":
    sys.exit(main())
