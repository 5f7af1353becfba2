"""Custom Store fixtures: the e2e world (both simulators, the real clients, a state file) plus the
connector's Custom Store endpoint, reachable by the ShipStation simulator as a store URL."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests
import xmlschema
from flask import Flask, Response, request
from inkship.connector.config import Config, CustomStoreConfig
from inkship.connector.customstore.export import suggested_status_mappings
from inkship.connector.web.app import create_app as create_web_app
from inkship.simulators.clock import SimClock
from inkship.simulators.shipstation.app import create_app as create_shipstation_app
from inkship.simulators.transport import mount_app

from tests.e2e.conftest import CREDENTIALS, HOOKS_HOST, T0, World, hook_receiver

SHOP_HOST = "http://shop.sim"
PATH = "/shipstation/custom-store"
ENDPOINT = SHOP_HOST + PATH
USERNAME, PASSWORD = "shipstation-user", "cs-Secret-4242"
CUSTOM_STORE_ID = 310100
SCHEMA = xmlschema.XMLSchema(str(Path(__file__).parents[2] / "connector/customstore/schema/export.xsd"))


def custom_store_config(config: Config, **changes: Any) -> Config:
    return dataclasses.replace(config, custom_store=CustomStoreConfig(
        enabled=True, path=PATH, username=USERNAME, password=PASSWORD), **changes)


def shipstation_store(config: Config, **changes: Any) -> dict[str, Any]:
    """The Custom Store as a shop sets it up in ShipStation, with the mapping boxes the README suggests."""
    boxes = suggested_status_mappings(config.mapping)
    return {"storeId": CUSTOM_STORE_ID, "storeName": "Print shop (Custom Store)",
            "marketplaceName": "Custom Store", "integrationUrl": ENDPOINT,
            "credentials": {"username": USERNAME, "password": PASSWORD},
            "statusMappings": [{"orderStatus": status, "statusKey": ", ".join(names)}
                               for status, names in boxes.items()], **changes}


class CustomStoreWorld(World):
    """The e2e world whose ShipStation simulator reaches the connector's endpoint at SHOP_HOST."""

    def __init__(self, tmp_path: Path) -> None:
        clock = SimClock(frozen_at=T0)
        self.outbound = requests.Session()
        self.webhooks_caught: list[dict[str, Any]] = []
        mount_app(self.outbound, HOOKS_HOST, hook_receiver(self.webhooks_caught))
        shipstation_app = create_shipstation_app({"clock": clock, "credentials": CREDENTIALS,
                                                  "rate_limit": None, "webhook_session": self.outbound})
        super().__init__(tmp_path, clock=clock, shipstation_app=shipstation_app,
                         webhooks=self.webhooks_caught)
        self.cs_config = custom_store_config(self.config)
        self.endpoint_app: Flask = create_web_app(self.cs_config, lambda: self.engine(config=self.cs_config))
        self.invalid_exports: list[str] = []
        self.endpoint_app.after_request(self._validate_export)
        mount_app(self.outbound, SHOP_HOST, self.endpoint_app)
        self.shipstation_sim.state.seed({"stores": [shipstation_store(self.cs_config)]})

    def _validate_export(self, response: Response) -> Response:
        """Every export document the endpoint serves in a test is checked against the XSD."""
        if request.args.get("action") == "export" and response.status_code == 200:
            errors = list(SCHEMA.iter_errors(response.get_data(as_text=True)))
            self.invalid_exports += [str(error) for error in errors]
        return response

    def endpoint(self) -> Any:
        """A Flask test client of the endpoint, for requests ShipStation would make."""
        return self.endpoint_app.test_client()

    def refresh_store(self, refresh_date: datetime | None = None) -> dict[str, Any]:
        """`POST /stores/refreshstore` as the user's "Update store" button; returns the refresh status."""
        params: dict[str, Any] = {"storeId": CUSTOM_STORE_ID}
        if refresh_date is not None:
            params["refreshDate"] = refresh_date.strftime("%Y-%m-%d %H:%M:%S")  # Pacific per the API
        auth = (CREDENTIALS.shipstation_api_key, CREDENTIALS.shipstation_api_secret)
        self.session.post(f"{self.shipstation_url}/stores/refreshstore", params=params, auth=auth,
                          timeout=10).raise_for_status()
        return self.sim_get(self.shipstation_url, "/stores/getrefreshstatus", storeId=CUSTOM_STORE_ID)

    def store_orders(self) -> list[dict[str, Any]]:
        return [o for o in self.shipstation_orders() if o["advancedOptions"]["storeId"] == CUSTOM_STORE_ID]

    def close(self) -> None:
        super().close()
        self.outbound.close()


@pytest.fixture
def cs_world(tmp_path: Path) -> Iterator[CustomStoreWorld]:
    world = CustomStoreWorld(tmp_path)
    yield world
    world.close()
    assert world.invalid_exports == []
