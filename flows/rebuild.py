"""The nightly flow: rebuild every SQL model from the current tables, without reading inputs."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger

from flows import lake as lakefs
from warehouse.runner import build_warehouse


@flow(name="troopledger-rebuild-models")
def rebuild_models(lake: str = "lake", lock_wait_seconds: float = 300.0) -> dict:
    logger = get_run_logger()
    lake_dir = Path(lake).absolute()
    with lakefs.lake_lock(lake_dir, lock_wait_seconds):
        result = build_warehouse(lake_dir)
    logger.info("rebuilt %d marts in %s", len(result.get("marts", {})), lake_dir)
    return result
