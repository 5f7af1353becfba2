"""Fixtures for the InkSoft simulator: a frozen clock, the app, its state, and an Api2 caller."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from inkship.simulators.clock import SimClock
from inkship.simulators.control import current_sim
from inkship.simulators.credentials import SimCredentials
from inkship.simulators.inksoft.app import create_app
from inkship.simulators.inksoft.state import InkSoftState

START = datetime(2026, 10, 2, 17, 41, 9, tzinfo=UTC)
CREDENTIALS = SimCredentials(inksoft_store="demo_print_shop", inksoft_api_key="test-inksoft-key",
                             inksoft_username="fulfil@example.com", inksoft_password="test-password",
                             inksoft_publisher_id=4242)
KEY = CREDENTIALS.inksoft_api_key
STORE = CREDENTIALS.inksoft_store
SECOND_STORE = "riverside_youth_soccer"


def make_app(**config: Any) -> Flask:
    return create_app({"credentials": CREDENTIALS, "clock": SimClock(START), **config})


@pytest.fixture
def app() -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def state(app: Flask) -> InkSoftState:
    with app.app_context():
        return current_sim().state


@pytest.fixture
def clock(app: Flask) -> SimClock:
    with app.app_context():
        return current_sim().clock


class Api2:
    """Calls `/{store}/Api2/{method}` with the API key (unless told otherwise); arrays and objects are
    sent as JSON literals, as InkSoft clients do."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    @staticmethod
    def _encode(params: dict) -> dict:
        return {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in params.items()}

    def get(self, method: str, store: str = STORE, key: str | None = KEY, **params: Any) -> Any:
        auth = {"ApiKey": key} if key else {}
        return self.client.get(f"/{store}/Api2/{method}", query_string=self._encode({**auth, **params}))

    def post(self, method: str, store: str = STORE, key: str | None = KEY, **params: Any) -> Any:
        auth = {"ApiKey": key} if key else {}
        return self.client.post(f"/{store}/Api2/{method}", data=self._encode({**auth, **params}))

    def data(self, method: str, **params: Any) -> Any:
        """GET and return `Data`, asserting a 200 with OK:true."""
        response = self.get(method, **params)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        assert body["OK"] is True and body["StatusCode"] == "OK"
        return body["Data"]


@pytest.fixture
def api(client: FlaskClient) -> Api2:
    return Api2(client)


def assert_error(response: Any, status: int, status_code: str, *, contains: str = "") -> dict:
    """The InkSoft error envelope: HTTP status, OK:false, Data:false, one Error message."""
    assert response.status_code == status, response.text if hasattr(response, "text") else response.data
    # A Flask test response or a `requests` one.
    body = response.get_json() if hasattr(response, "get_json") else response.json()
    assert body["OK"] is False and body["Data"] is False and body["Pagination"] is None
    assert body["StatusCode"] == status_code
    [message] = body["Messages"]
    assert message["Title"] is None and message["Severity"] == "Error"
    assert contains in message["Content"]
    return body
