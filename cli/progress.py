"""What `troopledger run` shows while it works.

On a terminal (stderr): a live bar (rich) with the files extracted and to extract, the claims
found, the rate and the time left; it is erased when extraction ends. Not on a terminal (a log, a
pipe, cron): one line on stdout when extraction starts and one a batch, nothing more, so that
stderr holds only the one-line error of a run that fails. `--quiet` and `--json`: nothing. The flow reports batches as they finish
(flows/ingest.py: PROGRESS_LISTENERS), so the bar moves a batch at a time.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager


class LineProgress:
    """A line a batch, for logs."""

    def __init__(self, stream):
        self.stream = stream
        self.total = self.done = self.claims = 0
        self.started = time.monotonic()

    def __call__(self, event: str, data: dict) -> None:
        if event == "extracting":
            self.total, self.started = data["files"], time.monotonic()
            self.write(f"extracting {self.total} files in {data['batches']} batch{'es' if data['batches'] != 1 else ''}")
        elif event == "batch":
            self.done += data["files"]
            self.claims += data["claims"]
            elapsed = max(time.monotonic() - self.started, 1e-6)
            self.write(f"extracted {self.done}/{self.total} files, {self.claims} claims, "
                       f"{self.done / elapsed:.0f} files/s")

    def write(self, line: str) -> None:
        print(line, file=self.stream, flush=True)

    def close(self) -> None:
        pass


class BarProgress:
    """A live bar on a terminal: files done of total, claims, rate, time left."""

    def __init__(self, stream):
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)

        self.progress = Progress(
            TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
            TextColumn("{task.fields[claims]} claims"), TextColumn("{task.fields[rate]} files/s"),
            TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
            console=Console(file=stream), transient=True)
        self.task = None
        self.started = time.monotonic()
        self.claims = 0

    def __call__(self, event: str, data: dict) -> None:
        if event == "extracting":
            self.started = time.monotonic()
            self.progress.start()
            self.task = self.progress.add_task("extracting", total=data["files"], claims=0, rate="-")
        elif event == "batch" and self.task is not None:
            self.claims += data["claims"]
            self.progress.advance(self.task, data["files"])
            done = self.progress.tasks[0].completed
            rate = done / max(time.monotonic() - self.started, 1e-6)
            self.progress.update(self.task, claims=self.claims, rate=f"{rate:.0f}")
        elif event == "phase" and data["name"] == "extraction":
            self.close()

    def close(self) -> None:
        self.progress.stop()


def listener_for(quiet: bool, terminal=None, log=None):
    """The progress display this run gets: none when quiet, a bar when stderr is a terminal, lines
    on stdout otherwise."""
    terminal, log = terminal or sys.stderr, log or sys.stdout
    if quiet:
        return None
    return BarProgress(terminal) if terminal.isatty() else LineProgress(log)


@contextmanager
def shown(listener, listeners: list):
    """The listener hears the run's progress for the duration of the block."""
    if listener is None:
        yield
        return
    listeners.append(listener)
    try:
        yield
    finally:
        listeners.remove(listener)
        listener.close()
