"""`inkship serve`'s status page and /status.json: off without its secret, signed in by form (cookie)
or bearer header, showing links, runs, write-backs and problems, never a credential."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from inkship.connector.clients.inksoft import InkSoftClient
from inkship.connector.clients.shipstation import ShipStationClient
from inkship.connector.commands.context import Runtime
from inkship.connector.config import Config, load_config
from inkship.connector.engine.sync import SyncEngine
from inkship.connector.logging import secrets_of
from inkship.connector.state.store import StateStore
from inkship.connector.web.app import create_app

from tests.connector.test_cli_support import (
    CapturedServe,
    Sims,
    invoke,
    isolated_cli,  # noqa: F401 - a fixture
    make_sims,
    write_config,
)

STATUS_SECRET = "status-secret-4f1e9a7c2b"


@pytest.fixture
def sims() -> Sims:
    return make_sims()


@pytest.fixture
def config(tmp_path: Path, sims: Sims) -> Config:
    loaded = load_config(write_config(tmp_path, sims.credentials), env={})
    return replace(loaded, webhook=replace(loaded.webhook, status_token=STATUS_SECRET))


def _engine(config: Config, sims: Sims) -> SyncEngine:
    return SyncEngine(config, InkSoftClient(config.inksoft, session=sims.session),
                      ShipStationClient(config.shipstation, session=sims.session),
                      StateStore(config.state.database))


def _sync(config: Config, sims: Sims) -> None:
    engine = _engine(config, sims)
    try:
        engine.sync()
    finally:
        engine.close()


@pytest.fixture
def app(config: Config, sims: Sims) -> Flask:
    return create_app(config, lambda: _engine(config, sims))


def _signed_in(app: Flask) -> FlaskClient:
    client = app.test_client()
    form = client.get("/status").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    response = client.post("/status/sign-in", data={"csrf_token": token.group(1), "secret": STATUS_SECRET})
    assert response.status_code == 303
    return client


def test_without_its_secret_there_is_no_status_page(sims: Sims, config: Config) -> None:
    off = replace(config, webhook=replace(config.webhook, status_token=None))
    client = create_app(off, lambda: _engine(off, sims)).test_client()

    assert client.get("/status").status_code == 404
    assert client.get("/status.json").status_code == 404


def test_a_stranger_gets_the_sign_in_form_and_no_data(app: Flask) -> None:
    client = app.test_client()

    page = client.get("/status")
    assert page.status_code == 401 and 'type="password"' in page.get_data(as_text=True)
    assert client.get("/status.json").status_code == 401
    assert client.get("/status.json", headers={"Authorization": "Bearer guess"}).status_code == 401


def test_sign_in_needs_the_form_token_and_the_right_secret(app: Flask) -> None:
    client = app.test_client()
    form = client.get("/status").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None

    forged = client.post("/status/sign-in", data={"secret": STATUS_SECRET})
    wrong = client.post("/status/sign-in", data={"csrf_token": token.group(1), "secret": "guess"})

    assert forged.status_code == 400 and "did not come from this page" in forged.get_data(as_text=True)
    assert wrong.status_code == 403
    assert client.get("/status").status_code == 401


def test_the_page_shows_what_the_connector_did_and_no_credential(app: Flask, config: Config,
                                                                 sims: Sims) -> None:
    _sync(config, sims)
    numbers = [o["orderNumber"] for o in sims.shipstation_state()["orders"]]
    sims.create_labels({"orderNumbers": numbers[:1]})
    _sync(config, sims)
    client = _signed_in(app)

    page = client.get("/status").get_data(as_text=True)
    data = client.get("/status.json").get_json()

    assert data["counts"]["orders_linked"] == len(numbers) > 0
    [written] = data["writebacks_written"]
    assert written["tracking_number"] in page
    assert [r["kind"] for r in data["runs"]] == ["sync", "sync"]
    assert data["runs"][1]["imported"] == len(numbers) and data["runs"][0]["written"] == 1
    assert sum(h["imported"] for h in data["per_hour"]) == len(numbers)
    assert sum(h["written"] for h in data["per_hour"]) == 1
    assert "payload" not in written
    for secret in (STATUS_SECRET, config.webhook.token, config.inksoft.api_key,
                   config.shipstation.api_key, config.shipstation.api_secret):
        assert secret and secret not in page and secret not in str(data)


def test_a_script_reads_status_json_with_the_bearer_secret(app: Flask) -> None:
    response = app.test_client().get("/status.json", headers={"Authorization": f"Bearer {STATUS_SECRET}"})

    assert response.status_code == 200
    assert response.get_json()["counts"]["orders_linked"] == 0
    assert len(response.get_json()["per_hour"]) == 24


def test_signing_out_forgets_the_session(app: Flask) -> None:
    client = _signed_in(app)
    page = client.get("/status").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None

    client.post("/status/sign-out", data={"csrf_token": token.group(1)})

    assert client.get("/status").status_code == 401


@pytest.mark.usefixtures("isolated_cli")
def test_serve_prints_the_status_page_and_masks_its_secret(sims: Sims, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INKSHIP_WEBHOOK_STATUS_TOKEN", STATUS_SECRET)
    served = CapturedServe()
    path = write_config(tmp_path, sims.credentials)

    result = invoke(sims, path, "-v", "serve", runtime=Runtime(session=sims.session, serve_forever=served))

    assert result.exit_code == 0, result.output
    assert "status page: http://127.0.0.1:8765/status" in result.output
    assert STATUS_SECRET not in result.output
    assert STATUS_SECRET in secrets_of(load_config(path, env={"INKSHIP_WEBHOOK_STATUS_TOKEN": STATUS_SECRET}))
    [(app, _, _)] = served.calls
    assert app.test_client().get("/status").status_code == 401
