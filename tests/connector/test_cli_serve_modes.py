"""`inkship serve` with the Custom Store alone: no ShipStation API keys nor webhook token needed, the
receiver off and said so; with neither endpoint configured, a clear refusal."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result
from inkship.connector.commands.context import Runtime

from tests.connector.test_cli_support import (
    TOKEN,
    CapturedServe,
    Sims,
    invoke,
    isolated_cli,  # noqa: F401 - a fixture
    json_lines,
    make_sims,
    write_config,
)

pytestmark = pytest.mark.usefixtures("isolated_cli")

PATH = "/shipstation/custom-store"
BASIC = {"Authorization": "Basic " + base64.b64encode(b"shipstation:cs-pass-5150").decode()}
EXPORT = {"action": "export", "start_date": "01/01/2020 00:00", "end_date": "12/31/2030 23:59"}


@dataclass
class Shop:
    """Both simulators with the demo's print shop, and a config file pointing at them."""

    sims: Sims
    config: Path

    def serve(self, *args: str) -> tuple[Result, CapturedServe]:
        """`inkship [args] serve`, or `inkship serve [args]` for options of serve itself."""
        served = CapturedServe()
        command = [*args, "serve"] if args[:1] == ("--json",) else ["serve", *args]
        result = invoke(self.sims, self.config, *command,
                        runtime=Runtime(session=self.sims.session, serve_forever=served))
        return result, served


@pytest.fixture
def shop(tmp_path: Path) -> Shop:
    sims = make_sims()
    return Shop(sims, write_config(tmp_path, sims.credentials))


@pytest.fixture
def custom_store(isolated_cli: None, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """The Custom Store endpoint enabled (set after isolated_cli has cleared INKSHIP_* variables)."""
    monkeypatch.setenv("INKSHIP_CUSTOM_STORE_ENABLED", "true")
    monkeypatch.setenv("INKSHIP_CUSTOM_STORE_USERNAME", "shipstation")
    monkeypatch.setenv("INKSHIP_CUSTOM_STORE_PASSWORD", "cs-pass-5150")


def without(monkeypatch: pytest.MonkeyPatch, *keys: str) -> None:
    for key in keys:
        monkeypatch.setenv(f"INKSHIP_{key}", "")


@pytest.mark.usefixtures("custom_store")
def test_custom_store_alone_needs_no_shipstation_keys_nor_webhook_token(shop, monkeypatch):
    without(monkeypatch, "SHIPSTATION_API_KEY", "SHIPSTATION_API_SECRET", "WEBHOOK_TOKEN")

    result, served = shop.serve()

    assert result.exit_code == 0, result.output
    assert "serving the Custom Store endpoint only" in result.output
    assert "webhook.token" in result.output and "shipstation.api_key" in result.output
    assert "/webhooks/shipstation/" not in result.output  # no receiver URL to register
    [(app, _, _)] = served.calls
    client = app.test_client()
    exported = client.get(PATH, query_string=EXPORT, headers=BASIC)
    assert exported.status_code == 200 and b"<Orders" in exported.data
    assert client.post(f"/webhooks/shipstation/{TOKEN}", json={}).status_code == 404


@pytest.mark.usefixtures("custom_store")
def test_a_token_without_shipstation_keys_does_not_turn_the_receiver_on(shop, monkeypatch):
    without(monkeypatch, "SHIPSTATION_API_SECRET")

    result, served = shop.serve("--json")

    assert result.exit_code == 0, result.output
    [started] = json_lines(result.stdout)
    assert started["webhook_receiver"] is False and "webhook_url" not in started
    assert started["webhook_receiver_missing"] == ["shipstation.api_secret"]
    [(app, _, _)] = served.calls
    hook = {"resource_url": "http://shipstation.test/shipments?batchId=1", "resource_type": "SHIP_NOTIFY"}
    assert app.test_client().post(f"/webhooks/shipstation/{TOKEN}", json=hook).status_code == 404


@pytest.mark.usefixtures("custom_store")
def test_both_endpoints_when_everything_is_configured(shop):
    result, _ = shop.serve()

    assert result.exit_code == 0, result.output
    assert "/webhooks/shipstation/<webhook.token>" in result.output
    assert "Custom Store endpoint: http://127.0.0.1:8765/shipstation/custom-store" in result.output
    assert "only" not in result.output


@pytest.mark.usefixtures("custom_store")
def test_subscribing_needs_the_webhook_receiver(shop, monkeypatch):
    without(monkeypatch, "WEBHOOK_TOKEN")
    monkeypatch.setenv("INKSHIP_WEBHOOK_PUBLIC_URL", "https://hooks.example.com")

    result, served = shop.serve("--subscribe")

    assert result.exit_code == 2 and "webhook.token" in result.stderr
    assert served.calls == [] and shop.sims.shipstation_state()["webhooks"] == []


def test_neither_endpoint_configured_is_refused_saying_what_to_set(shop, monkeypatch):
    without(monkeypatch, "SHIPSTATION_API_KEY", "SHIPSTATION_API_SECRET", "WEBHOOK_TOKEN")

    result, served = shop.serve()

    assert result.exit_code == 2 and served.calls == []
    assert "nothing to serve" in result.stderr and "custom_store.enabled" in result.stderr


@pytest.mark.usefixtures("custom_store")
def test_the_custom_store_still_needs_its_own_credentials(shop, monkeypatch):
    without(monkeypatch, "CUSTOM_STORE_PASSWORD", "WEBHOOK_TOKEN")

    result, served = shop.serve()

    assert result.exit_code == 2 and served.calls == []
    assert "custom_store.password" in result.stderr
