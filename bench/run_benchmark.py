"""Measure the whole pipeline on synthetic corpora and print the figures against the targets.

    .venv/bin/python bench/run_benchmark.py [--sizes 1000,10000,100000] [--repeat 3] [--out bench/results/NAME.json]

For each size it generates a corpus (bench/generate_corpus.py, cached under the temp folder),
then, `--repeat` times:

- the stages, timed by calling the flow's own functions in a fresh Python process, as the flow
  calls them: discover (discover_inputs), read (the raw bytes of every file), extract
  (stage_batch over batches of 250 in one process: extract and write each batch's staging
  Parquet files), write (commit_tables into a fresh lake: links the staged files into the
  new table versions) and models (build_warehouse);
- the real `troopledger run` command end to end on a fresh lake: wall time, articles/s, MB/s and
  the peak memory of its process tree (psutil, sampled every 50 ms);
- `troopledger run` again with nothing new, then again after adding 1% new files;
- a plain regex pass over the same files (read, decode, one regex) as a reference speed.

Then the bundled samples: `troopledger run` from a cold start (a fresh process, fresh lake and a
fresh PREFECT_HOME set up as `make setup` does, with no server running), once on an empty
PREFECT_HOME (the very first run on a machine, which creates Prefect's database), and against a
running `prefect server start`. Figures are medians of the repeats;
raw runs go to the JSON file. Targets are printed as PASS or MISS; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "bench" / "generate_corpus.py"
PYTHON = ROOT / ".venv" / "bin" / "python"
TROOPLEDGER = ROOT / ".venv" / "bin" / "troopledger"
ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")
CACHE = Path(tempfile.gettempdir()) / "troopledger-bench"
INCOMING = "zz-incoming"  # the folder the 1% new files are copied into, and removed from

TARGET_ARTICLES_PER_S = 1000
TARGET_PEAK_BYTES = 2 * 1024**3
TARGET_RERUN_SHARE = 0.02
TARGET_COLD_SECONDS = 15.0

# The reference: what a grep-like pass costs. Numbers followed by a personnel word.
REFERENCE_PATTERN = re.compile(r"\b\d[\d,]*\s+(?:troops|soldiers|killed)\b")


# ---------------------------------------------------------------- corpora


def cached_corpus(count: int, seed: int) -> Path:
    """Generate a corpus once per (count, seed, generator source); later calls reuse it."""
    stamp = str(hash_file(GENERATOR))
    folder = CACHE / f"corpus-{count}-seed{seed}"
    marker = folder / ".generated"
    if marker.exists() and marker.read_text() == stamp:
        shutil.rmtree(folder / INCOMING, ignore_errors=True)
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([str(PYTHON), str(GENERATOR), str(count), str(folder), "--seed", str(seed)], check=True,
                   stdout=subprocess.DEVNULL)
    marker.write_text(stamp)
    print(f"  generated {count} articles in {time.perf_counter() - started:.1f} s -> {folder}", flush=True)
    return folder


def hash_file(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def corpus_files(folder: Path) -> list[Path]:
    return [p for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")]


def corpus_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in corpus_files(folder))


# ---------------------------------------------------------------- measuring a process tree


class TreeMemory:
    """Peak resident memory of a process and all its descendants, sampled in a thread."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                for process in [self.root] + self.root.children(recursive=True):
                    try:
                        total += process.memory_info().rss
                    except psutil.Error:
                        continue
            except psutil.Error:
                pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)


def run_timed(command: list[str], env: dict[str, str], cwd: Path | None = None) -> dict:
    """Run a command; its wall time, peak tree memory, exit code and stdout."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeMemory(process.pid) as memory:
        stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        print(f"  ! {' '.join(command[:3])}... exited {process.returncode}: {stderr.strip().splitlines()[-1:]}", flush=True)
    return {"seconds": seconds, "peak_rss_bytes": memory.peak, "returncode": process.returncode,
            "stdout": stdout, "stderr_tail": stderr[-2000:]}


def prefect_env(prefect_home: Path, api_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(prefect_home), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120")
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def troopledger_run(input_dir: Path | None, lake: Path, env: dict[str, str]) -> dict:
    command = [str(TROOPLEDGER), "run"] + ([str(input_dir)] if input_dir else []) + ["--lake", str(lake), "--json"]
    result = run_timed(command, env)
    try:
        summary = json.loads(result["stdout"].strip().splitlines()[-1])
    except (ValueError, IndexError):
        summary = {}
    result.pop("stdout")
    result["documents_read"] = summary.get("documents_read")
    result["claims_extracted"] = summary.get("claims_extracted")
    result["inputs_unchanged"] = summary.get("inputs_unchanged")
    return result


# ---------------------------------------------------------------- stages, in a fresh process


def measure_stages(corpus: Path, lake: Path) -> dict:
    """Time each stage by calling the flow's functions in a fresh process (see stage_child)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    result = run_timed([str(PYTHON), str(Path(__file__).resolve()), "--stages-child", str(corpus), str(lake)], env)
    try:
        stages = json.loads(result["stdout"].strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": result["stderr_tail"][-500:]}
    stages["process_seconds"] = result["seconds"]
    stages["peak_rss_bytes"] = result["peak_rss_bytes"]
    return stages


def stage_child(corpus: Path, lake: Path) -> None:
    """The flow's stages as flows/ingest.py runs them, less Prefect: print each stage's seconds as JSON."""
    sys.path.insert(0, str(ROOT))
    from storage import lake as lakefs
    from inputs.extract import stage_batch
    from flows.ingest import batch_size_for, batches, code_version, commit_tables, new_run_id, run_record
    from inputs.discovery import discover_inputs, read_input
    from inputs.plan import plan_run
    from warehouse.runner import build_warehouse

    seconds: dict[str, float] = {}
    started = datetime.now(timezone.utc)
    clock = time.perf_counter()
    inputs = discover_inputs(corpus)
    seconds["discover"] = time.perf_counter() - clock

    clock = time.perf_counter()
    raw_bytes = sum(len(raw) + len(sidecar or b"") for raw, sidecar in map(read_input, inputs))
    seconds["read"] = time.perf_counter() - clock

    plan = plan_run(inputs, {}, full_refresh=True)
    run_id = new_run_id()
    clock = time.perf_counter()
    staging = lakefs.staging_dir(lake)
    results = [stage_batch(batch, staging / f"batch-{index:05d}", run_id)
               for index, batch in enumerate(batches(plan.to_read, batch_size_for(len(plan.to_read))))]
    seconds["extract"] = time.perf_counter() - clock

    clock = time.perf_counter()
    with lakefs.lake_lock(lake):
        run_row = run_record(run_id, started, corpus, inputs, plan, results, code_version())
        commit_tables.fn(lake, plan, results, run_row, inputs)
    seconds["write"] = time.perf_counter() - clock

    clock = time.perf_counter()
    build_warehouse(lake)
    seconds["models"] = time.perf_counter() - clock

    print(json.dumps({"seconds": seconds, "inputs": len(inputs), "raw_bytes": raw_bytes,
                      "documents": sum(r.documents_read for r in results),
                      "claims": sum(sum(r.claims_by_metric.values()) for r in results)}))


# ---------------------------------------------------------------- the reference


def regex_pass(corpus: Path) -> dict:
    """Read every article file, decode it and run one regex: the floor a real pipeline is compared to."""
    clock = time.perf_counter()
    matches = read = 0
    for path in corpus_files(corpus):
        if not path.name.lower().endswith(ARTICLE_SUFFIXES):
            continue
        raw = path.read_bytes()
        read += len(raw)
        matches += sum(1 for _ in REFERENCE_PATTERN.finditer(raw.decode("utf-8", "replace")))
    return {"seconds": time.perf_counter() - clock, "matches": matches, "bytes": read}


# ---------------------------------------------------------------- one size


def add_new_files(corpus: Path, extra: Path) -> None:
    shutil.copytree(extra, corpus / INCOMING, ignore=shutil.ignore_patterns(".*"))


def measure_once(corpus: Path, extra: Path, work: Path, env: dict[str, str], stages: bool) -> dict:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    measured: dict = {}
    if stages:
        measured["stages"] = measure_stages(corpus, work / "lake-stages")
        shutil.rmtree(work / "lake-stages", ignore_errors=True)
    lake = work / "lake"
    # The flow caches extract results in Prefect's result storage; an empty one per repeat
    # makes every full run extract for real (the Prefect database stays warm).
    env = dict(env, PREFECT_RESULTS_LOCAL_STORAGE_PATH=str(work / "prefect-results"))
    measured["full"] = troopledger_run(corpus, lake, env)
    measured["rerun_nothing_new"] = troopledger_run(corpus, lake, env)
    add_new_files(corpus, extra)
    try:
        measured["rerun_one_percent_new"] = troopledger_run(corpus, lake, env)
    finally:
        shutil.rmtree(corpus / INCOMING, ignore_errors=True)
    measured["regex"] = regex_pass(corpus)
    shutil.rmtree(work, ignore_errors=True)
    return measured


def median(runs: list[dict], *path: str) -> float | None:
    values = []
    for run in runs:
        value = run
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, (int, float)):
            values.append(value)
    return statistics.median(values) if values else None


def summarize_size(size: int, megabytes: float, runs: list[dict]) -> dict:
    full = median(runs, "full", "seconds")
    regex = median(runs, "regex", "seconds")
    nothing = median(runs, "rerun_nothing_new", "seconds")
    summary = {
        "articles": size,
        "corpus_mb": round(megabytes, 1),
        "repeats": len(runs),
        "end_to_end_seconds": full,
        "articles_per_s": size / full if full else None,
        "mb_per_s": megabytes / full if full else None,
        "peak_rss_mb": (median(runs, "full", "peak_rss_bytes") or 0) / 2**20,
        "rerun_nothing_new_seconds": nothing,
        "rerun_nothing_new_share": nothing / full if full and nothing else None,
        "rerun_one_percent_new_seconds": median(runs, "rerun_one_percent_new", "seconds"),
        "regex_seconds": regex,
        "regex_articles_per_s": size / regex if regex else None,
        "pipeline_to_regex_ratio": full / regex if full and regex else None,
        "claims": median(runs, "full", "claims_extracted"),
        "documents": median(runs, "full", "documents_read"),
    }
    for stage in ("discover", "read", "extract", "write", "models"):
        summary[f"stage_{stage}_seconds"] = median(runs, "stages", "seconds", stage)
    summary["stages_peak_rss_mb"] = (median(runs, "stages", "peak_rss_bytes") or 0) / 2**20
    return summary


def print_size(s: dict) -> None:
    def fmt(value, spec=".1f"):
        return "n/a" if value is None else format(value, spec)

    print(f"\n== {s['articles']:,} articles, {s['corpus_mb']} MB, median of {s['repeats']} ==")
    print(f"  end to end (troopledger run): {fmt(s['end_to_end_seconds'])} s   "
          f"{fmt(s['articles_per_s'])} articles/s   {fmt(s['mb_per_s'], '.3f')} MB/s   peak RSS {fmt(s['peak_rss_mb'], '.0f')} MB")
    print("  stages (in-process):          " + "   ".join(
        f"{stage} {fmt(s[f'stage_{stage}_seconds'], '.2f')} s" for stage in ("discover", "read", "extract", "write", "models")))
    print(f"  rerun, nothing new:           {fmt(s['rerun_nothing_new_seconds'], '.2f')} s "
          f"({fmt((s['rerun_nothing_new_share'] or 0) * 100, '.1f')}% of the full run)")
    print(f"  rerun, 1% new files:          {fmt(s['rerun_one_percent_new_seconds'], '.2f')} s")
    print(f"  regex reference:              {fmt(s['regex_seconds'], '.2f')} s   {fmt(s['regex_articles_per_s'], ',.0f')} articles/s   "
          f"pipeline/regex = {fmt(s['pipeline_to_regex_ratio'], ',.0f')}x")
    print(f"  documents {s['documents']}, claims {s['claims']}", flush=True)


# ---------------------------------------------------------------- the samples: cold start and server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_healthy(url: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def samples_cold(repeat: int, work: Path, set_up: bool = True) -> list[dict]:
    """Fresh process, lake and PREFECT_HOME; its database created first, untimed, as `make setup`
    does, unless `set_up` is False (the very first run on a machine)."""
    runs = []
    for index in range(repeat):
        home = work / f"cold-{index}"
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        env = prefect_env(home / "prefect-home")
        if set_up:
            subprocess.run([str(ROOT / ".venv" / "bin" / "prefect"), "server", "database", "upgrade", "-y"],
                           env=env, check=True, capture_output=True)
        run = troopledger_run(None, home / "lake", env)
        run["load_average"] = os.getloadavg()
        runs.append(run)
        label = "cold start" if set_up else "first run, empty PREFECT_HOME"
        print(f"  samples, {label} #{index + 1}: {run['seconds']:.1f} s (exit {run['returncode']})", flush=True)
        shutil.rmtree(home, ignore_errors=True)
    return runs


def samples_with_server(repeat: int, work: Path) -> dict:
    home = work / "server"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = prefect_env(home / "prefect-home")
    started = time.perf_counter()
    log = open(home / "server.log", "w")
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "prefect"), "server", "start", "--host", "127.0.0.1",
                               "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        healthy = wait_healthy(f"{api}/health", timeout=180)
        startup = time.perf_counter() - started
        print(f"  prefect server on port {port}: {'healthy' if healthy else 'NOT healthy'} after {startup:.1f} s", flush=True)
        runs = []
        if healthy:
            for index in range(repeat):
                run = troopledger_run(None, home / f"lake-{index}", prefect_env(home / "prefect-home", api))
                runs.append(run)
                print(f"  samples, with server #{index + 1}: {run['seconds']:.1f} s (exit {run['returncode']})", flush=True)
        return {"server_startup_seconds": startup, "healthy": healthy, "runs": runs}
    finally:
        stop_process_group(server)
        log.close()
        shutil.rmtree(home, ignore_errors=True)


def stop_process_group(process: subprocess.Popen) -> None:
    """Stop the server we started and its children (it runs in its own session)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


# ---------------------------------------------------------------- targets


def verdict(ok: bool | None) -> str:
    return "n/a " if ok is None else ("PASS" if ok else "MISS")


def print_targets(sizes: dict[int, dict], cold_seconds: float | None) -> list[dict]:
    checks = []
    largest = max(sizes) if sizes else None
    if largest is not None:
        s = sizes[largest]
        label = "100k" if largest >= 100_000 else f"{largest:,} (100k not measured)"
        checks.append({"target": f">= {TARGET_ARTICLES_PER_S} articles/s end to end at {label}",
                       "measured": s["articles_per_s"],
                       "ok": s["articles_per_s"] is not None and s["articles_per_s"] >= TARGET_ARTICLES_PER_S})
        checks.append({"target": f"peak memory < 2 GB at {label}", "measured": s["peak_rss_mb"],
                       "ok": s["peak_rss_mb"] * 2**20 < TARGET_PEAK_BYTES})
    for size, s in sorted(sizes.items()):
        share = s["rerun_nothing_new_share"]
        checks.append({"target": f"nothing-new rerun < 2% of the full run at {size:,}", "measured": share,
                       "ok": None if share is None else share < TARGET_RERUN_SHARE})
    checks.append({"target": f"first result on the samples < {TARGET_COLD_SECONDS:g} s cold", "measured": cold_seconds,
                   "ok": None if cold_seconds is None else cold_seconds < TARGET_COLD_SECONDS})
    print("\n== targets ==")
    for check in checks:
        measured = check["measured"]
        shown = "n/a" if measured is None else (f"{measured:.4f}" if measured < 1 else f"{measured:,.1f}")
        print(f"  {verdict(check['ok'])}  {check['target']}: {shown}")
    return checks


def git_commit() -> str:
    """The checkout's commit, marked dirty when tracked files differ from it."""
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True)
    return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def machine() -> dict:
    # Other work on the machine slows every figure; the load average says how much there was.
    return {"load_average_at_start": os.getloadavg(), "cores": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "cpu": platform.processor() or platform.machine()}


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated article counts")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="write the raw runs and medians as JSON here")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stage-repeat", type=int, default=None,
                        help="time the in-process stages in only the first N repeats (default: every repeat; 0: never)")
    parser.add_argument("--no-samples", action="store_true", help="skip the cold-start and server runs on the samples")
    parser.add_argument("--stages-child", nargs=2, type=Path, metavar=("CORPUS", "LAKE"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.stages_child:
        stage_child(*args.stages_child)
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    stage_repeat = args.repeat if args.stage_repeat is None else args.stage_repeat
    work = Path(tempfile.mkdtemp(prefix="troopledger-bench-run-"))
    report: dict = {"started_at": datetime.now(timezone.utc).isoformat(), "machine": machine(),
                    "pipeline_commit": git_commit(),
                    "arguments": {"sizes": sizes, "repeat": args.repeat, "seed": args.seed, "stage_repeat": stage_repeat},
                    "sizes": {}, "samples": {}}
    print(f"machine: {report['machine']}", flush=True)
    try:
        # One warm PREFECT_HOME for the corpus runs, so they time the pipeline, not Prefect's first start.
        warm_home = work / "prefect-home"
        env = prefect_env(warm_home)
        warmup = troopledger_run(None, work / "warmup-lake", env)
        print(f"  warm-up run on the samples: {warmup['seconds']:.1f} s", flush=True)
        summaries = {}
        for size in sizes:
            print(f"\n-- {size:,} articles --", flush=True)
            corpus = cached_corpus(size, args.seed)
            extra = cached_corpus(max(1, size // 100), args.seed + 1)
            megabytes = corpus_bytes(corpus) / 1e6
            runs = []
            for index in range(args.repeat):
                run = measure_once(corpus, extra, work / "size", env, stages=index < stage_repeat)
                run["load_average"] = os.getloadavg()
                runs.append(run)
                print(f"  run {index + 1}: full {run['full']['seconds']:.1f} s, nothing new "
                      f"{run['rerun_nothing_new']['seconds']:.2f} s, 1% new {run['rerun_one_percent_new']['seconds']:.1f} s, "
                      f"regex {run['regex']['seconds']:.2f} s", flush=True)
                # Written after every run, so an interrupted benchmark still leaves its figures.
                summaries[size] = summarize_size(size, megabytes, runs)
                report["sizes"][str(size)] = {"median": summaries[size], "runs": runs}
                write_report(args.out, report)
            print_size(summaries[size])
        cold = None
        if not args.no_samples:
            print("\n-- bundled samples --", flush=True)
            cold_runs = samples_cold(args.repeat, work)
            first_ever = samples_cold(1, work, set_up=False)[0]
            server = samples_with_server(args.repeat, work)
            cold = statistics.median(r["seconds"] for r in cold_runs)
            report["samples"] = {"cold_runs": cold_runs, "cold_median_seconds": cold, "first_ever_run": first_ever,
                                 "server": server,
                                 "server_median_seconds": statistics.median(r["seconds"] for r in server["runs"])
                                 if server["runs"] else None}
            print(f"  samples: cold start {cold:.1f} s (median); with a running server "
                  f"{report['samples']['server_median_seconds'] or float('nan'):.1f} s (median)", flush=True)
        report["targets"] = print_targets(summaries, cold)
        report["finished_at"] = datetime.now(timezone.utc).isoformat()
        write_report(args.out, report)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def write_report(out: Path | None, report: dict) -> None:
    if out is None:
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str) + "\n")


if __name__ == "__main__":
    sys.exit(main())
