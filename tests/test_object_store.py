"""The lake published to an object store and pulled back, on real components: lakes built by the
pipeline's own functions (no Prefect server), a `file://` folder, fsspec's `memory://`, and a real
S3 API (moto's server on loopback) reached through pyarrow's S3FileSystem."""

from __future__ import annotations

import json
import logging
import shutil
import socket
import subprocess
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pyarrow.dataset as pads
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest

from conftest import ROOT
from storage import lake as lakefs
from storage import object_store
from inputs.extract import stage_batch
from flows.ingest import build_models, commit_tables, new_run_id, run_record
from inputs.discovery import SAMPLES_DIR, discover_inputs
from inputs.plan import code_version, nothing_new, plan_run
from storage.manifest import read_manifest
from storage.lake import LakeError

FIRST_RUN = ("2024-10-18_nis_first_deployment.txt", "2025-04-30_nis_briefing.txt", "2025-04-30_nis_briefing.meta.json")
SECOND_RUN = ("2025-02-14_hur_missing.txt", "wire_digest.jsonl")
NEW_ARTICLE = ("Ukraine's military intelligence said on Tuesday that about 400 North Korean soldiers "
               "had been wounded near Kursk since January.\n")
HOLD_LOCK = ("import sys, time; from pathlib import Path; from storage import lake\n"
             "with lake.lake_lock(Path(sys.argv[1]), 5):\n    print('held', flush=True); time.sleep(30)")
SORT_KEYS = {"documents": "doc_id", "claims": "claim_id", "runs": "run_id"}


# --- building lakes with the pipeline's own functions ------------------------------------------

def run_pipeline(inputs: Path, lake: Path) -> None:
    """One incremental run made of the flow's own steps, without Prefect (the flow itself is run
    against a URL in test_a_flow_run_against_a_url_publishes_its_lake)."""
    with lakefs.lake_lock(lake, wait_seconds=5):
        manifest, code_changed = read_manifest(lake, code_version())
        found = discover_inputs(inputs)
        plan = plan_run(found, manifest, code_changed)
        run_id = new_run_id()
        staged = [stage_batch(plan.to_read, lakefs.staging_dir(lake) / "batch", run_id)]
        row = run_record(run_id, datetime.now(timezone.utc), inputs, found, plan, staged, code_version())
        commit_tables.fn(lake, plan, staged, row, found)
        build_models.fn(lake)


def change_inputs(inputs: Path) -> None:
    """Edit an article of the second run and add a new one: the first run's parts stay as they are."""
    (inputs / "added.txt").write_text(NEW_ARTICLE)
    edited = inputs / "2025-02-14_hur_missing.txt"
    edited.write_text(edited.read_text() + "\nAn editor's note was added.\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Inputs and a lake made by two runs (so a later change keeps some parts and replaces others)."""
    base = tmp_path_factory.mktemp("built")
    inputs, lake = base / "inputs", base / "lake"
    inputs.mkdir()
    for name in FIRST_RUN:
        shutil.copy2(SAMPLES_DIR / name, inputs / name)
    run_pipeline(inputs, lake)
    for name in SECOND_RUN:
        shutil.copy2(SAMPLES_DIR / name, inputs / name)
    run_pipeline(inputs, lake)
    return inputs, lake


@pytest.fixture
def workspace(built, tmp_path):
    """A private copy of the built inputs and lake (table links are relative, so they still hold)."""
    inputs, lake = built
    shutil.copytree(inputs, tmp_path / "inputs")
    shutil.copytree(lake, tmp_path / "lake", symlinks=True)
    return tmp_path / "inputs", tmp_path / "lake"


def local_tables(lake: Path) -> dict:
    return {t: lakefs.read_table(lake, t).sort_by(SORT_KEYS[t]) for t in object_store.LAKE_TABLES}


# --- the stores ----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def moto_port():
    """A real S3 API on loopback: moto's server in a thread of this process."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    yield server.get_host_and_port()[1]
    server.stop()


@pytest.fixture
def aws_env(monkeypatch, tmp_path):
    """Credentials as a deployment passes them, and nothing from this machine's AWS setup."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)


def s3_url(port: int, bucket: str, prefix: str) -> str:
    return f"s3://{bucket}/{prefix}?endpoint_override=127.0.0.1:{port}&scheme=http&region=us-east-1"


def new_bucket(port: int) -> str:
    bucket = f"lake-{uuid.uuid4().hex[:10]}"
    pafs.S3FileSystem(endpoint_override=f"127.0.0.1:{port}", scheme="http", access_key="test",
                      secret_key="test", region="us-east-1", allow_bucket_creation=True).create_dir(bucket)
    return bucket


@pytest.fixture(params=["file", "s3", "memory"])
def store_url(request, tmp_path):
    """An empty lake URL on each kind of store: a local folder, S3 (moto), fsspec's memory."""
    if request.param == "file":
        return (tmp_path / "store" / "lake").as_uri()
    if request.param == "memory":
        return f"memory://troopledger-test-{uuid.uuid4().hex[:10]}/lake"
    request.getfixturevalue("aws_env")
    port = request.getfixturevalue("moto_port")
    return s3_url(port, new_bucket(port), "lake")


@pytest.fixture
def s3_store(aws_env, moto_port):
    return s3_url(moto_port, new_bucket(moto_port), "published/lake")


def stored_keys(url: str) -> set[str]:
    filesystem, root = object_store.open_store(url)
    return set(object_store.stored_files(filesystem, root, url))


def current_listing(url: str) -> dict:
    filesystem, root = object_store.open_store(url)
    return object_store.read_current(filesystem, root, url)


# --- publish -------------------------------------------------------------------------------------

def test_published_tables_and_marts_read_back_equal_the_local_ones(workspace, store_url):
    """A reader of the object store (pyarrow datasets over URL/<table>) gets the local tables and marts."""
    _, lake = workspace
    result = object_store.publish_lake(lake, store_url)
    filesystem, root = object_store.open_store(store_url)
    for table, expected in local_tables(lake).items():
        published = pads.dataset(f"{root}/{table}", filesystem=filesystem, format="parquet").to_table()
        assert published.sort_by(SORT_KEYS[table]).equals(expected)
    marts = sorted(path.parent.name for path in (lake / "marts").glob("*/*.parquet"))
    assert marts and sorted(current_listing(store_url)["marts"]) == marts
    for name in marts:
        published = pads.dataset(f"{root}/marts/{name}", filesystem=filesystem, format="parquet").to_table()
        assert published.equals(pq.read_table(lake / "marts" / name / f"{name}.parquet"))
    assert result["uploaded"] == len(stored_keys(store_url)) and result["skipped"] == result["deleted"] == 0
    assert not any(key.endswith("warehouse.duckdb") for key in stored_keys(store_url))


@pytest.mark.parametrize("kind", ["file", "s3"])
def test_second_publish_uploads_only_new_files_and_deletes_superseded_ones(workspace, tmp_path, kind, request):
    """After a run, only the parts it wrote go up; the replaced ones go away; `_current.json` lists
    exactly the files on the store."""
    inputs, lake = workspace
    url = (tmp_path / "store").as_uri() if kind == "file" else request.getfixturevalue("s3_store")
    object_store.publish_lake(lake, url)
    before = set(current_listing(url)["files"])
    change_inputs(inputs)
    run_pipeline(inputs, lake)
    result = object_store.publish_lake(lake, url)
    after = current_listing(url)
    kept, new, superseded = before & set(after["files"]), set(after["files"]) - before, before - set(after["files"])
    assert any(key.startswith("claims/") for key in kept), "the first run's claims part is kept"
    assert any(key.startswith("claims/") for key in superseded), "the edited article's part is replaced"
    assert (result["uploaded"], result["skipped"], result["deleted"]) == (len(new), len(kept), len(superseded))
    assert result["bytes"] == sum(after["files"][key]["size"] for key in new)
    assert stored_keys(url) == set(after["files"])
    for table in object_store.LAKE_TABLES:
        names = [part.name for part in lakefs.current_parts(lake, table)]
        assert after["tables"][table]["files"] == [f"{table}/{name}" for name in names]


def test_publishing_an_unchanged_lake_uploads_nothing(workspace, s3_store):
    _, lake = workspace
    object_store.publish_lake(lake, s3_store)
    again = object_store.publish_lake(lake, s3_store)
    assert (again["uploaded"], again["deleted"], again["bytes"]) == (0, 0, 0)
    assert again["skipped"] == len(current_listing(s3_store)["files"])


def test_a_publication_that_fails_midway_leaves_the_previous_one_whole(workspace, s3_store, monkeypatch):
    """Until `_current.json` is written, readers of the listing see the previous publication, every
    file of it present; the next publication removes the strays."""
    inputs, lake = workspace
    object_store.publish_lake(lake, s3_store)
    before = current_listing(s3_store)
    change_inputs(inputs)
    run_pipeline(inputs, lake)
    real_upload, calls = object_store.upload, []

    def upload_then_fail(filesystem, source, target):
        if calls:
            raise OSError("AWS Error NETWORK_CONNECTION during PutObject operation: connection reset")
        calls.append(target)
        real_upload(filesystem, source, target)

    monkeypatch.setattr(object_store, "upload", upload_then_fail)
    with pytest.raises(LakeError, match=r"^object store s3://.*/published/lake: uploading failed: AWS Error"):
        object_store.publish_lake(lake, s3_store)
    assert current_listing(s3_store)["files"] == before["files"]
    assert set(before["files"]) <= stored_keys(s3_store)
    monkeypatch.setattr(object_store, "upload", real_upload)
    object_store.publish_lake(lake, s3_store)
    assert stored_keys(s3_store) == set(current_listing(s3_store)["files"])


def test_a_run_holding_the_lock_can_publish(workspace, tmp_path):
    """The flow may publish from inside its own lake_lock without waiting on itself; another
    process's run holding the lake makes publish wait, then give up in one line."""
    _, lake = workspace
    url = (tmp_path / "store").as_uri()
    with lakefs.lake_lock(lake, wait_seconds=1):
        assert object_store.publish_lake(lake, url, lock_wait_seconds=0)["uploaded"] > 0
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(lake)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LakeError, match="locked by another run"):
            object_store.publish_lake(lake, url, lock_wait_seconds=0)
    finally:
        holder.kill()
        holder.wait()


# --- pull ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["file", "s3"])
def test_pull_into_an_empty_folder_gives_the_published_lake(workspace, tmp_path, kind, request):
    """A fresh machine pulls the published state; its tables and manifest equal the original's, its
    next run over the same inputs has nothing to do, and a run after a change publishes only its
    own new parts."""
    inputs, lake = workspace
    url = (tmp_path / "store").as_uri() if kind == "file" else request.getfixturevalue("s3_store")
    object_store.publish_lake(lake, url)
    fresh = tmp_path / "fresh-machine" / "lake"
    assert object_store.pull_lake_state(url, fresh) is True
    for table, expected in local_tables(lake).items():
        assert lakefs.read_table(fresh, table).sort_by(SORT_KEYS[table]).equals(expected)
    assert lakefs.read_state(fresh, "manifest").equals(lakefs.read_state(lake, "manifest"))
    assert not (fresh / "marts").exists(), "storage builds no marts: the caller does"
    build_models.fn(fresh)  # as the flow does after a pull
    assert sorted(p.name for p in (fresh / "marts").glob("*/*.parquet")) == \
        sorted(p.name for p in (lake / "marts").glob("*/*.parquet"))
    assert (fresh / "warehouse.duckdb").is_file()
    assert not list(fresh.glob(".pull-*")) and not (fresh / lakefs.JOURNAL).exists()
    assert nothing_new(str(inputs), str(fresh)) is not None, "the pulled lake makes the next run a no-op"
    assert object_store.pull_lake_state(url, fresh) is False, "already up to date"

    before = set(current_listing(url)["files"])
    change_inputs(inputs)
    run_pipeline(inputs, fresh)
    result = object_store.publish_lake(fresh, url)
    new = set(current_listing(url)["files"]) - before
    assert result["uploaded"] == len(new)
    for table in object_store.LAKE_TABLES:
        run_id = lakefs.current_version_dir(fresh, table).name
        assert all(key.startswith(f"{table}/part-{run_id}-") for key in new if key.startswith(f"{table}/")), \
            "parts the pulled lake kept keep their published names, so only this run's parts go up"


def test_pull_replaces_a_stale_local_lake_and_ignores_an_empty_store(workspace, tmp_path, s3_store):
    """Another machine published meanwhile: the local lake takes the store's state, manifest included."""
    inputs, lake = workspace
    stale = tmp_path / "stale"
    shutil.copytree(lake, stale, symlinks=True)
    assert object_store.pull_lake_state(s3_store, stale) is False, "nothing published yet"
    change_inputs(inputs)
    run_pipeline(inputs, lake)
    object_store.publish_lake(lake, s3_store)
    assert object_store.pull_lake_state(s3_store, stale) is True
    for table, expected in local_tables(lake).items():
        assert lakefs.read_table(stale, table).sort_by(SORT_KEYS[table]).equals(expected)
    assert lakefs.read_state(stale, "manifest").equals(lakefs.read_state(lake, "manifest"))
    versions = {t: [p.name for p in (stale / lakefs.VERSIONS / t).iterdir()] for t in object_store.LAKE_TABLES}
    assert all(len(names) == 1 for names in versions.values()), "superseded local versions are removed"


# --- failures: one clear line --------------------------------------------------------------------

def test_an_unknown_scheme_is_one_clear_line(workspace):
    _, lake = workspace
    with pytest.raises(LakeError, match=r"^object store nosuch://bucket/lake: unknown scheme nosuch://"):
        object_store.publish_lake(lake, "nosuch://bucket/lake")


def test_an_unreachable_endpoint_is_one_clear_line(workspace, aws_env):
    _, lake = workspace
    url = s3_url(free_port(), "bucket", "lake")  # nothing listens there
    with pytest.raises(LakeError) as caught:
        object_store.publish_lake(lake, url)
    message = str(caught.value)
    assert message.startswith("object store s3://bucket/lake: reading _current.json failed: ")
    assert "connect" in message.lower() and "\n" not in message and "endpoint_override" not in message


def test_bad_credentials_are_one_clear_line(workspace, s3_store, monkeypatch):
    """moto checks signatures when its auth is on; a key it does not know is refused."""
    import moto.settings

    _, lake = workspace
    monkeypatch.setattr(moto.settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)
    with pytest.raises(LakeError) as caught:
        object_store.pull_lake_state(s3_store, lake)
    message = str(caught.value)
    assert message.startswith("object store s3://") and "ACCESS_DENIED" in message and "\n" not in message


def test_a_missing_bucket_and_a_bad_query_option_are_one_clear_line(workspace, aws_env, moto_port):
    _, lake = workspace
    with pytest.raises(LakeError, match=r"^object store s3://no-such-bucket/lake: .*failed: .*NO_SUCH_BUCKET"):
        object_store.publish_lake(lake, s3_url(moto_port, "no-such-bucket", "lake"))
    with pytest.raises(LakeError, match=r"^object store s3://b/lake: opening failed: .*'bogus'"):
        object_store.publish_lake(lake, "s3://b/lake?region=us-east-1&bogus=1")


def test_a_listing_naming_files_outside_the_lake_or_malformed_is_refused(workspace, tmp_path):
    """`_current.json` decides local paths on pull: a name outside the lake folders, or a listing
    of another shape, is refused in one line."""
    _, lake = workspace
    url = (tmp_path / "store").as_uri()
    object_store.publish_lake(lake, url)
    current = tmp_path / "store" / object_store.CURRENT_FILE
    listing = json.loads(current.read_text())
    listing["tables"]["runs"]["files"].append("../../outside.parquet")
    listing["files"]["../../outside.parquet"] = {"size": 1, "sha256": "0" * 64}
    current.write_text(json.dumps(listing))
    with pytest.raises(LakeError, match="lists '../../outside.parquet', which is not a lake file"):
        object_store.pull_lake_state(url, tmp_path / "fresh")
    current.write_text(json.dumps({"format": 1, "tables": {}}))
    with pytest.raises(LakeError, match="_current.json is not a format-1 listing of a lake"):
        object_store.pull_lake_state(url, tmp_path / "fresh")
    assert not (tmp_path / "outside.parquet").exists()


def test_what_counts_as_a_lake_url():
    assert object_store.is_lake_url("s3://bucket/lake") and object_store.is_lake_url("gs://b/l")
    assert object_store.is_lake_url("file:///tmp/lake") and object_store.is_lake_url("memory://x/lake")
    assert not object_store.is_lake_url("lake") and not object_store.is_lake_url("/tmp/lake")
    assert not object_store.is_lake_url("./s3:/bucket") and not object_store.is_lake_url(Path("/tmp/s3"))
