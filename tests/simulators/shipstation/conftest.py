"""ShipStation simulator fixtures: a frozen clock, the app, an authenticated client, a webhook receiver."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from flask import Flask, Response, request
from flask.testing import FlaskClient
from inkship.simulators.clock import SimClock
from inkship.simulators.credentials import SimCredentials
from inkship.simulators.shipstation.app import create_app
from inkship.simulators.transport import mount_app

# Saturday 9 March 2024, 12:00 UTC (04:00 PST): the night after is the spring-forward DST change.
START = datetime(2024, 3, 9, 12, 0, tzinfo=UTC)
CREDENTIALS = SimCredentials(shipstation_api_key="test-key", shipstation_api_secret="test-secret")
AUTH = {"Authorization": "Basic " + base64.b64encode(b"test-key:test-secret").decode()}
RECEIVER = "http://receiver.test"


class ApiClient:
    """The Flask test client with ShipStation Basic auth on every call."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, headers=AUTH, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self.client.post(path, json=json, headers=AUTH, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.client.delete(path, headers=AUTH, **kw)


class Receiver:
    """An in-process webhook receiver: records each POST (raw body) and can fetch resource URLs back."""

    def __init__(self) -> None:
        self.calls: list[bytes] = []
        self.status = 200
        self.app = Flask("webhook_receiver")

        @self.app.post("/hooks/<name>")
        def receive(name: str) -> Response:
            self.calls.append(request.get_data())
            return Response(status=self.status)


@pytest.fixture
def clock() -> SimClock:
    return SimClock(frozen_at=START)


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def webhook_session(receiver: Receiver) -> requests.Session:
    return mount_app(requests.Session(), RECEIVER, receiver.app)


@pytest.fixture
def make_app(clock: SimClock, webhook_session: requests.Session) -> Callable[..., Flask]:
    def make(**config: Any) -> Flask:
        return create_app(
            {"clock": clock, "credentials": CREDENTIALS, "webhook_session": webhook_session, **config}
        )

    return make


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app(rate_limit=None)


@pytest.fixture
def api(app: Flask) -> ApiClient:
    return ApiClient(app.test_client())


def order_payload(number: str = "INK-1001", key: str | None = "inksoft:1001", **changes: Any) -> dict:
    """A complete createorder body, as the connector sends it."""
    payload = {
        "orderNumber": number,
        "orderDate": "2024-03-08 10:15:00",
        "orderStatus": "awaiting_shipment",
        "paymentDate": "2024-03-08 10:16:00",
        "customerUsername": "ada@example.com",
        "customerEmail": "ada@example.com",
        "billTo": {"name": "Ada Lovelace"},
        "shipTo": {
            "name": "Ada Lovelace",
            "street1": "12 Analytical Way",
            "city": "Portland",
            "state": "OR",
            "postalCode": "97201",
            "country": "US",
            "residential": True,
        },
        "items": [
            {
                "lineItemKey": "line-a",
                "sku": "TEE-BLK-M",
                "name": "Black tee",
                "quantity": 2,
                "unitPrice": 12.5,
                "options": [{"name": "Size", "value": "M"}],
                "weight": {"value": 6, "units": "ounces"},
            },
            {
                "lineItemKey": "line-b",
                "sku": "HOOD-GRY-L",
                "name": "Grey hoodie",
                "quantity": 1,
                "unitPrice": 30.0,
                "options": [{"name": "Design", "value": "Front logo"}],
            },
        ],
        "taxAmount": 4.0,
        "shippingAmount": 6.0,
        "amountPaid": 65.0,
    }
    if key is not None:
        payload["orderKey"] = key
    payload.update(changes)
    return payload


def create(api: ApiClient, **kw: Any) -> dict:
    response = api.post("/orders/createorder", order_payload(**kw))
    assert response.status_code == 200, response.json
    return response.json


def labels(api: ApiClient, **spec: Any) -> dict:
    response = api.client.post("/__sim/labels", json=spec)
    assert response.status_code == 200, response.json
    return response.json
