"""WSGITransport: requests served in process, with faults turned into requests' own exceptions."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import requests
from flask import Flask
from inkship.simulators.control import current_sim
from inkship.simulators.transport import WSGITransport, mount_app, route_session
from urllib3.util import Timeout

BASE = "http://toy.sim"


@pytest.fixture
def session(toy_app: Flask) -> requests.Session:
    return route_session({BASE: toy_app})


def add_fault(session: requests.Session, rule: dict) -> None:
    session.post(f"{BASE}/__sim/faults", json=rule).raise_for_status()


def items(toy_app: Flask) -> dict:
    with toy_app.app_context():
        return current_sim().dump()["items"]


def test_carries_method_query_headers_auth_and_json(session: requests.Session) -> None:
    response = session.put(f"{BASE}/echo", params={"OrderIds": "[1,2]", "x": ["a", "b"]},
                           json={"n": 1}, headers={"X-Custom": "yes"}, auth=("key", "secret"))
    body = response.json()
    assert body["method"] == "PUT"
    assert body["args"] == {"OrderIds": ["[1,2]"], "x": ["a", "b"]}
    assert body["json"] == {"n": 1}
    assert body["custom"] == "yes"
    assert body["authorization"] == "Basic a2V5OnNlY3JldA=="
    assert body["content_type"] == "application/json"


def test_carries_form_bodies_and_raw_bytes(session: requests.Session) -> None:
    form = session.post(f"{BASE}/echo", data={"ApiKey": "k", "Items": "[1]"}).json()
    assert form["form"] == {"ApiKey": "k", "Items": "[1]"}
    raw = session.post(f"{BASE}/echo", data=b"<x>\xc3\xa9</x>", headers={"Content-Type": "application/xml"})
    assert raw.json()["body"] == "<x>\u00e9</x>"
    chunks = session.post(f"{BASE}/echo", data=iter([b"a=", b"1"]),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert chunks.json()["form"] == {"a": "1"}


def test_returns_a_complete_response(session: requests.Session) -> None:
    response = session.get(f"{BASE}/echo?q=1")
    assert response.status_code == 200 and response.ok and response.reason == "OK"
    assert response.headers["content-type"] == "application/json"
    assert response.url == f"{BASE}/echo?q=1"
    assert response.request.method == "GET"
    assert isinstance(response.elapsed, timedelta)
    assert response.encoding == "utf-8"
    assert response.json()["args"] == {"q": ["1"]}
    assert b"".join(response.iter_content(4)) == response.content
    missing = session.get(f"{BASE}/nowhere")
    assert (missing.status_code, missing.reason) == (404, "NOT FOUND")
    with pytest.raises(requests.HTTPError):
        missing.raise_for_status()


def test_unregistered_status_code_has_no_reason(session: requests.Session) -> None:
    add_fault(session, {"action": "status", "status": 599})
    response = session.get(f"{BASE}/echo")
    assert response.status_code == 599
    with pytest.raises(requests.HTTPError):
        response.raise_for_status()


def test_stream_mode_reads_the_body(session: requests.Session) -> None:
    response = session.get(f"{BASE}/xml", stream=True)
    assert b"".join(response.iter_content(8)).startswith(b"<Orders>")


def test_drop_becomes_connection_error_before_the_handler(session: requests.Session,
                                                           toy_app: Flask) -> None:
    add_fault(session, {"action": "drop", "path": "^/items/", "times": 1})
    with pytest.raises(requests.ConnectionError):
        session.post(f"{BASE}/items/a", json=1)
    assert items(toy_app) == {}
    assert session.post(f"{BASE}/items/a", json=1).status_code == 201


def test_drop_after_the_handler_keeps_the_work(session: requests.Session, toy_app: Flask) -> None:
    add_fault(session, {"action": "drop", "path": "^/items/", "stage": "after"})
    with pytest.raises(requests.ConnectionError):
        session.post(f"{BASE}/items/a", json=1)
    assert items(toy_app) == {"a": 1}
    entry = session.get(f"{BASE}/__sim/journal").json()["requests"][0]
    assert (entry["status"], entry["fault"]) == (201, "fault-1")


@pytest.mark.parametrize("timeout", [5, (1, 5), Timeout(connect=1, read=5)])
def test_long_delay_times_out_without_sleeping(session: requests.Session, toy_app: Flask,
                                               timeout: object) -> None:
    add_fault(session, {"action": "delay", "delay": 30, "path": "^/items/"})
    started = time.perf_counter()
    with pytest.raises(requests.ReadTimeout):
        session.post(f"{BASE}/items/a", json=1, timeout=timeout)
    assert time.perf_counter() - started < 1
    assert items(toy_app) == {"a": 1}


def test_short_delay_or_no_timeout_is_skipped(session: requests.Session) -> None:
    add_fault(session, {"action": "delay", "delay": 30})
    started = time.perf_counter()
    assert session.get(f"{BASE}/echo", timeout=31).status_code == 200
    assert session.get(f"{BASE}/echo").status_code == 200
    assert time.perf_counter() - started < 1


def test_mount_app_routes_by_prefix(toy_app: Flask) -> None:
    other = Flask("other")
    other.add_url_rule("/echo", "echo", lambda: "other")
    session = mount_app(requests.Session(), "http://other.sim", other)
    mount_app(session, BASE, toy_app)
    assert session.get("http://other.sim/echo").text == "other"
    assert session.get(f"{BASE}/echo").json()["method"] == "GET"
    assert isinstance(session.get_adapter(f"{BASE}/x"), WSGITransport)
