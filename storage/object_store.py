"""The lake on an object store (S3, GCS, a `file://` folder, any fsspec file system): publish, pull.

troopledger writes a lake only on a local file system (storage/lake.py: symlink swaps, hard links,
flock). This module copies a local lake's current state to an object-store URL, and back:

    publish_lake(local_lake, url)    after a run: the current versions up, then the commit point
    pull_lake_state(url, local_lake) before a run: the published state down into a working lake

What lands under URL has the lake's public shape (../shared/contract/lake.md):

    URL/<table>/part-<version>-NNNNN.parquet   documents, claims, runs: the current version's parts
    URL/marts/<name>/<name>-<sha>.parquet      each mart (its content hash in the name, see below)
    URL/_state/manifest-<sha>.parquet          what the inputs were, for the next incremental run
    URL/_current.json                          the commit point: every file of the current state

Object stores have no atomic multi-file swap, so a publication is ordered: new files first (a
file name never changes content: part names are unique per version, marts and the manifest carry
their content hash), then `_current.json` in one PUT, then the files it no longer lists are
deleted. A reader that globs `URL/claims/**/*.parquet` during the seconds between the upload and
the deletes can see old and new parts together (duplicate rows); a reader that needs one
consistent state reads `_current.json` and opens exactly the files it lists. One writer per URL
at a time is the operator's duty (e.g. a deployment with concurrency_limit 1): nothing here
locks the object store.

`LAKE/warehouse.duckdb` is not published: its views hold absolute local paths. After a pull that
brought something, the caller rebuilds it and the marts (warehouse.runner.build_warehouse): this
module is storage and knows nothing of the SQL models.

URLs go to `pyarrow.fs.FileSystem.from_uri` (s3://, gs://, file://, ... with its query options,
e.g. `s3://bucket/lake?endpoint_override=localhost:9000&scheme=http&region=us-east-1`; credentials
from the usual environment variables and config files); a scheme pyarrow lacks (memory://, ...)
goes to fsspec when fsspec knows it. Every failure is a `LakeError` with one line.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from contextlib import contextmanager, nullcontext
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from storage import lake as lakefs
from storage.atomic import replace_atomically
from storage.lake import LakeError, first_line, is_lake_url  # noqa: F401 - is_lake_url: callers ask here
from schemas.tables import TABLES

LAKE_TABLES = lakefs.TABLE_NAMES
STATE_NAME = "manifest"
CURRENT_FILE = "_current.json"
LISTING_FORMAT = 1
# The folders under URL this module owns: only files in them are ever deleted, so other objects
# someone keeps under the same prefix are left alone.
OWNED_FOLDERS = (*LAKE_TABLES, "marts", lakefs.STATE)
COPY_CHUNK = 8 * 1024 * 1024
def working_lake(url: str) -> Path:
    """The local lake a run against `url` works in: $TROOPLEDGER_WORK_DIR, else the user's cache
    folder, one folder per URL (credentials and options left out of its name)."""
    root = Path(os.environ.get("TROOPLEDGER_WORK_DIR") or Path.home() / ".cache" / "troopledger" / "lakes")
    return (root / hashlib.sha256(shown_url(url).encode()).hexdigest()[:16]).absolute()


# --- opening the store -------------------------------------------------------------------------

def shown_url(url: str) -> str:
    """The URL for messages: no user:password and no query string (either may hold a secret)."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return f"{parts.scheme}://{host}{parts.path}"


@contextmanager
def store_errors(url: str, doing: str):
    """Turn whatever the file system raises into one LakeError line naming the URL and the step."""
    try:
        yield
    except LakeError:
        raise
    except (OSError, pa.ArrowException, ValueError, ImportError) as error:
        raise LakeError(f"object store {shown_url(url)}: {doing} failed: {first_line(error)}") from error


def open_store(url: str) -> tuple[pafs.FileSystem, str]:
    """The file system behind `url` and the lake's root path on it (no trailing slash)."""
    if not is_lake_url(url):
        raise LakeError(f"{url} is not an object-store URL (expected a scheme such as s3://, gs://, file://)")
    scheme = urlsplit(url).scheme.lower()
    with store_errors(url, "opening"):
        try:
            filesystem, root = pafs.FileSystem.from_uri(url)
        except pa.ArrowInvalid as error:
            if "Unrecognized filesystem type" not in str(error):
                raise
            filesystem, root = fsspec_store(url, scheme)
    if not root.strip("/"):
        raise LakeError(f"object store {shown_url(url)}: name a bucket or folder to hold the lake, not the root")
    return filesystem, root.rstrip("/")


def fsspec_store(url: str, scheme: str) -> tuple[pafs.FileSystem, str]:
    """A scheme pyarrow has no file system for, through fsspec when fsspec (and its driver) is installed."""
    try:
        import fsspec
    except ImportError:
        raise LakeError(f"object store {shown_url(url)}: unknown scheme {scheme}:// "
                        "(pyarrow knows s3, gs, file, hdfs; install fsspec for others)") from None
    if scheme not in fsspec.available_protocols():
        raise LakeError(f"object store {shown_url(url)}: unknown scheme {scheme}:// "
                        "(neither pyarrow nor fsspec has a file system for it)")
    filesystem, root = fsspec.core.url_to_fs(url)
    return pafs.PyFileSystem(pafs.FSSpecHandler(filesystem)), root


def join(root: str, key: str) -> str:
    return f"{root}/{key}" if root else key


# --- what the local lake holds -----------------------------------------------------------------

def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(COPY_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def content_tagged(name: str, sha256: str) -> str:
    """`latest_estimates.parquet` -> `latest_estimates-<16 hex>.parquet`: a file rewritten in place
    locally gets a new name on the store for each content, so uploading it never changes a file
    that the published `_current.json` lists."""
    stem, suffix = name.rsplit(".", 1)
    return f"{stem}-{sha256[:16]}.{suffix}"


def describe(path: Path) -> dict:
    return {"size": path.stat().st_size, "sha256": file_sha256(path)}


def local_listing(lake: Path) -> dict:
    """The listing `_current.json` will hold for this lake, plus where each key's bytes are locally.

    Returns {"tables": {table: {"version", "files"}}, "marts": {name: [key]}, "manifest": key or
    None, "files": {key: {"size", "sha256"}}, "sources": {key: Path}}.
    """
    listing = {"tables": {}, "marts": {}, "manifest": None, "files": {}, "sources": {}}

    def add(key: str, path: Path, info: dict | None = None) -> str:
        listing["files"][key] = info or describe(path)
        listing["sources"][key] = path
        return key

    for table in LAKE_TABLES:
        version = lakefs.current_version_dir(lake, table)
        if version is None:
            raise LakeError(f"lake {lake} has no table {table} yet; run troopledger first, then publish")
        keys = [add(f"{table}/{part.name}", part) for part in lakefs.current_parts(lake, table)]
        listing["tables"][table] = {"version": version.name, "files": keys}
    for mart in sorted((lake / "marts").glob("*/*.parquet")):
        if mart.name.startswith("."):
            continue  # a mart being written (warehouse.runner stages them under hidden names)
        info = describe(mart)
        key = add(f"marts/{mart.parent.name}/{content_tagged(mart.name, info['sha256'])}", mart, info)
        listing["marts"].setdefault(mart.parent.name, []).append(key)
    manifest = lake / lakefs.STATE / f"{STATE_NAME}.parquet"
    if manifest.is_file():
        info = describe(manifest)
        listing["manifest"] = add(f"{lakefs.STATE}/{content_tagged(manifest.name, info['sha256'])}", manifest, info)
    return listing


@contextmanager
def lake_held(lake: Path, wait_seconds: float):
    """The local lake's writer lock, unless this process holds it already (a flow that publishes
    from inside its own run): a second flock from the same process would wait on itself."""
    with nullcontext() if lakefs.holds_lock(lake) else lakefs.lake_lock(lake, wait_seconds):
        yield


# --- what the store holds ----------------------------------------------------------------------

def read_current(filesystem: pafs.FileSystem, root: str, url: str) -> dict | None:
    """The published `_current.json`, or None when nothing was published at URL yet."""
    path = join(root, CURRENT_FILE)
    with store_errors(url, f"reading {CURRENT_FILE}"):
        if filesystem.get_file_info(path).type == pafs.FileType.NotFound:
            return None
        with filesystem.open_input_stream(path, compression=None) as stream:
            raw = stream.read()
    try:
        current = json.loads(raw)
    except ValueError as error:
        raise LakeError(f"object store {shown_url(url)}: {CURRENT_FILE} is not JSON ({error}); "
                        "publish again from a local lake") from error
    if not is_listing(current):
        raise LakeError(f"object store {shown_url(url)}: {CURRENT_FILE} is not a format-{LISTING_FORMAT} "
                        "listing of a lake; publish again from a local lake")
    return current


def is_listing(current) -> bool:
    """The shape pull relies on: every table with its version and files, each file described."""
    try:
        return current["format"] == LISTING_FORMAT and isinstance(current["files"], dict) and all(
            isinstance(current["tables"][table]["version"], str)
            and all(key in current["files"] for key in current["tables"][table]["files"])
            for table in LAKE_TABLES) and (current.get("manifest") in (None, *current["files"]))
    except (KeyError, TypeError):
        return False


def stored_files(filesystem: pafs.FileSystem, root: str, url: str) -> dict[str, int]:
    """Every file under the folders this module owns, as {key relative to URL: size}."""
    found = {}
    with store_errors(url, "listing"):
        for folder in OWNED_FOLDERS:
            selector = pafs.FileSelector(join(root, folder), recursive=True, allow_not_found=True)
            for info in filesystem.get_file_info(selector):
                if info.type == pafs.FileType.File:
                    found[relative_key(info.path, root)] = info.size
    return found


def relative_key(path: str, root: str) -> str:
    # fsspec file systems may drop or add the leading slash of the root; compare without it.
    path, root = path.lstrip("/"), root.strip("/")
    return path[len(root) + 1:] if root and path.startswith(root + "/") else path


def upload(filesystem: pafs.FileSystem, source: Path, target: str) -> None:
    with open(source, "rb") as handle:
        write_object(filesystem, iter(lambda: handle.read(COPY_CHUNK), b""), target)


def write_object(filesystem: pafs.FileSystem, chunks, target: str) -> None:
    """Write one file on the store. An object PUT appears whole or not at all; on a local or
    mounted file system a reader could see a half-written file, so it is written aside and
    renamed (storage/atomic.py)."""
    if isinstance(filesystem, pafs.LocalFileSystem):
        final = Path(target)
        final.parent.mkdir(parents=True, exist_ok=True)
        replace_atomically(final, lambda temp: write_chunks(temp, chunks))
        return
    with filesystem.open_output_stream(target, compression=None) as stream:
        for chunk in chunks:
            stream.write(chunk)


def write_chunks(path: Path, chunks) -> None:
    with open(path, "wb") as handle:
        for chunk in chunks:
            handle.write(chunk)


def download(filesystem: pafs.FileSystem, source: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with filesystem.open_input_stream(source, compression=None) as stream, open(target, "wb") as handle:
        while chunk := stream.read(COPY_CHUNK):
            handle.write(chunk)


def already_stored(key: str, info: dict, stored: dict[str, int], previous: dict | None) -> bool:
    """A key on the store with the same size is the same file (names never change content), unless
    the previous listing says that name held other bytes."""
    if stored.get(key) != info["size"]:
        return False
    listed = ((previous or {}).get("files") or {}).get(key)
    return listed is None or listed.get("sha256") == info["sha256"]


# --- publish -----------------------------------------------------------------------------------

def publish_lake(local_lake: Path, url: str, lock_wait_seconds: float = 60.0) -> dict:
    """Copy the local lake's current tables, marts and manifest to `url`; return what it did.

    Order: upload the files the store lacks, write `_current.json` (the commit point), delete the
    files it no longer lists. A publication that fails before the commit leaves the previous one
    standing (with some unlisted new files, deleted by the next publication). Holds the local
    lake's lock meanwhile, so a run cannot replace the version being copied.

    Returns {"uploaded", "skipped", "deleted", "bytes" (uploaded), "url"}.
    """
    lake = lakefs.local_lake(local_lake)
    if not lake.is_dir():
        raise LakeError(f"lake {lake} does not exist; run troopledger first, then publish")
    filesystem, root = open_store(url)
    with lake_held(lake, lock_wait_seconds):
        listing = local_listing(lake)
        previous = read_current(filesystem, root, url)
        stored = stored_files(filesystem, root, url)
        uploaded = skipped = sent = 0
        with store_errors(url, "uploading"):
            for key, info in listing["files"].items():
                if already_stored(key, info, stored, previous):
                    skipped += 1
                    continue
                upload(filesystem, listing["sources"][key], join(root, key))
                uploaded += 1
                sent += info["size"]
        with store_errors(url, f"writing {CURRENT_FILE}"):
            write_object(filesystem, [current_json(listing)], join(root, CURRENT_FILE))
        deleted = delete_unlisted(filesystem, root, url, set(listing["files"]))
    return {"uploaded": uploaded, "skipped": skipped, "deleted": deleted, "bytes": sent, "url": shown_url(url)}


def current_json(listing: dict) -> bytes:
    current = {
        "format": LISTING_FORMAT,
        "published_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tables": listing["tables"],
        "marts": listing["marts"],
        "manifest": listing["manifest"],
        "files": listing["files"],
    }
    return json.dumps(current, indent=1, sort_keys=True).encode("utf-8")


def delete_unlisted(filesystem: pafs.FileSystem, root: str, url: str, listed: set[str]) -> int:
    """After the commit point: remove superseded parts, marts and manifests (and a failed
    publication's strays), only inside the folders this module owns."""
    stale = sorted(set(stored_files(filesystem, root, url)) - listed)
    with store_errors(url, "deleting superseded files"):
        for key in stale:
            filesystem.delete_file(join(root, key))
    return len(stale)


# --- pull --------------------------------------------------------------------------------------

def pull_lake_state(url: str, local_lake: Path, lock_wait_seconds: float = 60.0) -> bool:
    """Make the local working lake hold what `url` published, so the next local run is incremental
    against it; the store is the source of truth.

    Downloads the parts and the manifest `_current.json` lists, swaps them in as new table versions
    with lake.publish_version and lake.write_state under the local lake's lock (all or nothing, as
    a run). The caller rebuilds the marts and warehouse.duckdb when it returns True. Returns False, changing nothing,
    when nothing was published at `url` yet or the local lake already holds the published tables
    and manifest; True when it pulled. A local lake ahead of the store (a publication that failed)
    is reset to the store's state: its manifest goes back too, so the next run reads those inputs
    again and nothing is lost.
    """
    lake = lakefs.local_lake(local_lake)
    filesystem, root = open_store(url)
    current = read_current(filesystem, root, url)
    if current is None:
        return False
    with lake_held(lake, lock_wait_seconds):
        if holds_published_state(lake, current):
            return False
        staging = lake / f".pull-{uuid.uuid4().hex[:8]}.tmp"  # a dead pull's leftovers are debris
        try:
            downloaded = download_listed(filesystem, root, url, current, staging)
            with lakefs.writable_lake(lake):  # a full or read-only disk: one line, rolled back
                swap_in_pulled(lake, current, downloaded)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return True


def pulled_keys(current: dict) -> list[str]:
    """What an incremental run needs: every table's parts and the manifest (marts are rebuilt)."""
    keys = [key for table in LAKE_TABLES for key in current["tables"][table]["files"]]
    keys += [current["manifest"]] if current.get("manifest") else []
    for key in keys:
        check_key(key)
    return keys


def check_key(key: str) -> None:
    """A listed name becomes a local path: it must stay inside the folders this module writes."""
    parts = PurePosixPath(key).parts
    if key.startswith("/") or ".." in parts or len(parts) < 2 or parts[0] not in OWNED_FOLDERS:
        raise LakeError(f"{CURRENT_FILE} lists {key!r}, which is not a lake file; publish again from a local lake")


def holds_published_state(lake: Path, current: dict) -> bool:
    try:
        mine = local_listing(lake)
    except LakeError:
        return False  # a table is missing locally: an empty working lake
    return all(mine["files"].get(key) == current["files"].get(key) for key in pulled_keys(current)) and \
        all(mine["tables"][t]["files"] == current["tables"][t]["files"] for t in LAKE_TABLES) and \
        mine["manifest"] == current.get("manifest")


def download_listed(filesystem: pafs.FileSystem, root: str, url: str, current: dict, staging: Path) -> dict[str, Path]:
    """Each listed key downloaded below `staging`, checked against its listed size and hash."""
    downloaded = {}
    for key in pulled_keys(current):
        target = staging / PurePosixPath(key)
        with store_errors(url, f"downloading {key}"):
            download(filesystem, join(root, key), target)
        if describe(target) != current["files"].get(key):
            raise LakeError(f"object store {shown_url(url)}: {key} does not match {CURRENT_FILE} "
                            "(a publication running meanwhile?); pull again")
        downloaded[key] = target
    return downloaded


def swap_in_pulled(lake: Path, current: dict, downloaded: dict[str, Path]) -> None:
    """The downloaded parts become each table's next version (hard links, as a run keeps parts),
    and the manifest the lake's state."""
    for table in LAKE_TABLES:
        parts = [downloaded[key] for key in current["tables"][table]["files"]]
        lakefs.publish_version(lake, table, parts, [], free_version_name(lake, table, current["tables"][table]["version"]))
    manifest = current.get("manifest")
    if manifest:
        state = pq.read_table(downloaded[manifest])  # its hash was checked: it is what was published
    else:
        # No manifest published: an empty one makes the next run read every input again, which
        # replaces their rows; a stale local one would make it skip inputs these tables lack.
        state = TABLES[STATE_NAME].empty_table()
    lakefs.write_state(lake, STATE_NAME, state)


def free_version_name(lake: Path, table: str, version: str) -> str:
    """The published version's own name, unless a folder of that name exists here already
    (publish_version would replace it, and it may be the live one)."""
    if not (lake / lakefs.VERSIONS / table / version).exists():
        return version
    return f"{version}-pulled-{uuid.uuid4().hex[:6]}"
