"""`troopledger run` launches Prefect's temporary server before importing Prefect, and stops it
again when Prefect's settings name an API after all."""

from __future__ import annotations

import os

from flows import temporary_server


class FakeServer:
    def __init__(self):
        self.stopped = False
        self.api_url = "http://127.0.0.1:1/api"

    def stop(self):
        self.stopped = True


def test_a_server_launched_early_is_stopped_when_the_settings_name_an_api(monkeypatch):
    launched = []
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setattr(temporary_server, "launch", lambda: launched.append(FakeServer()) or launched[-1])
    monkeypatch.setattr(temporary_server, "configured_api_url", lambda: "http://127.0.0.1:4200/api")
    wait = temporary_server.ensure_prefect_api()
    assert [server.stopped for server in launched] == [True]
    work = []
    wait(while_waiting=lambda: work.append("done"))
    assert work == []  # nothing to wait for: the work is left to the run itself
    assert "PREFECT_API_URL" not in os.environ


def test_no_server_is_launched_when_the_environment_names_an_api(monkeypatch):
    launched = []
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    monkeypatch.setattr(temporary_server, "launch", lambda: launched.append(FakeServer()))
    temporary_server.ensure_prefect_api()
    assert launched == []
