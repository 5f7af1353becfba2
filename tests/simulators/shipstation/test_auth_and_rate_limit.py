"""Basic auth and the per-key 60-second window of 40 requests, driven by the simulator clock."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from flask import Flask
from inkship.simulators.clock import SimClock

from tests.simulators.shipstation.conftest import AUTH


def basic(user_pass: bytes) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(user_pass).decode()}


@pytest.mark.parametrize("headers", [{}, basic(b"test-key:wrong"), basic(b"other:test-secret"),
                                     basic(b"test-key"), {"Authorization": "Basic %%%"},
                                     {"Authorization": "Bearer test-key"}])
def test_bad_credentials_get_401_with_challenge(app: Flask, headers: dict[str, str]) -> None:
    response = app.test_client().get("/orders", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="ShipStation"'
    assert response.json == {"message": "Invalid API credentials"}


def test_secret_never_reaches_the_journal(app: Flask) -> None:
    client = app.test_client()
    client.get("/orders", headers=AUTH)
    assert "test-secret" not in str(client.get("/__sim/journal").json)


def test_forty_then_429_then_reset_after_the_window(make_app: Callable[..., Flask], clock: SimClock) -> None:
    client = make_app().test_client()
    remaining = []
    for _ in range(40):
        response = client.get("/carriers", headers=AUTH)
        assert response.status_code == 200
        remaining.append(int(response.headers["X-Rate-Limit-Remaining"]))
        assert response.headers["X-Rate-Limit-Limit"] == "40"
    assert remaining[0] == 39 and remaining[-1] == 0
    clock.advance(21)
    refused = client.get("/carriers", headers=AUTH)
    assert refused.status_code == 429
    assert refused.json == {"message": "Too Many Requests"}
    assert refused.headers["X-Rate-Limit-Remaining"] == "0"
    assert refused.headers["X-Rate-Limit-Reset"] == "39"
    clock.advance(39)
    again = client.get("/carriers", headers=AUTH)
    assert again.status_code == 200
    assert again.headers["X-Rate-Limit-Remaining"] == "39"
    assert again.headers["X-Rate-Limit-Reset"] == "60"


def test_reset_counts_down_from_the_first_request(make_app: Callable[..., Flask], clock: SimClock) -> None:
    client = make_app(rate_limit=5).test_client()
    resets = []
    for _ in range(3):
        resets.append(client.get("/stores", headers=AUTH).headers["X-Rate-Limit-Reset"])
        clock.advance(10)
    assert resets == ["60", "50", "40"]


def test_limit_is_per_key_and_control_plane_is_free(make_app: Callable[..., Flask]) -> None:
    app = make_app(rate_limit=1)
    client = app.test_client()
    assert client.get("/stores", headers=AUTH).status_code == 200
    assert client.get("/stores", headers=AUTH).status_code == 429
    assert client.get("/__sim/state").status_code == 200
    assert "X-Rate-Limit-Limit" not in client.get("/__sim/state").headers


def test_rate_limit_off(app: Flask) -> None:
    client = app.test_client()
    responses = [client.get("/stores", headers=AUTH) for _ in range(60)]
    assert {r.status_code for r in responses} == {200}
    assert "X-Rate-Limit-Limit" not in responses[-1].headers


def test_sim_reset_opens_a_new_window(make_app: Callable[..., Flask]) -> None:
    client = make_app(rate_limit=1).test_client()
    client.get("/stores", headers=AUTH)
    client.post("/__sim/reset")
    assert client.get("/stores", headers=AUTH).status_code == 200
