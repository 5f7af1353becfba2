"""The /__sim/ control plane and fault hooks, driven through Flask's test client."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from inkship.simulators.control import FAULT_HEADER, Simulator, current_sim


@pytest.fixture
def client(toy_app: Flask) -> FlaskClient:
    return toy_app.test_client()


def sim_of(app: Flask) -> Simulator:
    with app.app_context():
        return current_sim()


def add_fault(client: FlaskClient, rule: dict | list) -> dict:
    response = client.post("/__sim/faults", json=rule)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_seed_state_and_reset(client: FlaskClient, toy_app: Flask) -> None:
    assert client.post("/__sim/seed", json={"items": {"a": 1}}).get_json() == {"items": {"a": 1}}
    client.post("/__sim/toy/items", json={"b": 2})
    client.post("/items/c", json=3)
    add_fault(client, {"action": "status", "path": "^/nowhere"})
    client.post("/__sim/clock", json={"freeze": "2026-01-01T00:00:00+00:00"})
    assert client.get("/__sim/state").get_json() == {"items": {"a": 1, "b": 2, "c": 3}}
    assert client.post("/__sim/reset").status_code == 200
    assert client.get("/__sim/state").get_json() == {"items": {}}
    assert client.get("/__sim/faults").get_json() == {"faults": []}
    assert client.get("/__sim/journal/count").get_json() == {"count": 0}
    assert client.get("/__sim/clock").get_json()["mode"] == "real"


@pytest.mark.parametrize("body", [[1, 2], "text", {"items": [1]}])
def test_bad_seed_is_refused(client: FlaskClient, body: object) -> None:
    response = client.post("/__sim/seed", json=body)
    assert response.status_code == 400
    assert "error" in response.get_json()


def test_journal_routes_filter_and_skip_control_requests(client: FlaskClient) -> None:
    client.get("/echo?ApiKey=secret-key&x=1&x=2")
    client.post("/echo", data={"Password": "hunter2", "Username": "u"})
    client.post("/items/a", json={"SessionToken": "tok"})
    client.get("/missing")
    client.get("/__sim/state")
    everything = client.get("/__sim/journal").get_json()
    assert everything["count"] == 4
    assert "secret-key" not in json.dumps(everything) and "hunter2" not in json.dumps(everything)
    first, second, third, fourth = everything["requests"]
    assert first["query"] == {"ApiKey": "***", "x": ["1", "2"]}
    assert second["body"] == "Password=***&Username=u"
    assert json.loads(third["body"]) == {"SessionToken": "***"} and third["status"] == 201
    assert fourth["status"] == 404
    assert client.get("/__sim/journal?method=post").get_json()["count"] == 2
    assert client.get("/__sim/journal?path=/echo&method=GET").get_json()["count"] == 1
    assert client.get("/__sim/journal/count?path_prefix=/items").get_json() == {"count": 1}
    assert client.get("/__sim/journal/count?status=404").get_json() == {"count": 1}
    assert client.get("/__sim/journal/count?status=abc").status_code == 400
    client.delete("/__sim/journal")
    assert client.get("/__sim/journal").get_json() == {"requests": [], "count": 0}


def test_journal_time_comes_from_the_sim_clock(client: FlaskClient) -> None:
    state = client.post("/__sim/clock", json={"freeze": "2026-02-03T04:05:06Z"}).get_json()
    assert state == {"mode": "frozen", "now": "2026-02-03T04:05:06+00:00"}
    assert client.post("/__sim/clock", json={"advance": 60}).get_json()["now"] == "2026-02-03T04:06:06+00:00"
    assert client.get("/echo").get_json()["now"] == "2026-02-03T04:06:06+00:00"
    assert client.get("/__sim/journal").get_json()["requests"][0]["time"] == "2026-02-03T04:06:06+00:00"
    assert client.post("/__sim/clock", json={"freeze": None}).get_json()["mode"] == "frozen"
    real = client.post("/__sim/clock", json={"real": True}).get_json()
    assert real["mode"] == "real"
    assert abs(datetime.fromisoformat(real["now"]) - datetime.now(UTC)).total_seconds() < 5


@pytest.mark.parametrize("body", [{"freeze": "yesterday"}, {"advance": "soon"}, [1]])
def test_bad_clock_change_is_refused(client: FlaskClient, body: object) -> None:
    assert client.post("/__sim/clock", json=body).status_code == 400


def test_fault_routes_add_list_remove_clear(client: FlaskClient) -> None:
    one = add_fault(client, {"id": "boom", "action": "status", "status": 503})
    assert one["id"] == "boom" and one["calls"] == 0
    many = add_fault(client, [{"action": "drop"}, {"action": "empty", "path": "^/x"}])
    assert [r["id"] for r in many["faults"]] == ["fault-1", "fault-2"]
    listed = client.get("/__sim/faults").get_json()["faults"]
    assert [r["id"] for r in listed] == ["boom", "fault-1", "fault-2"]
    assert client.delete("/__sim/faults/boom").get_json() == {"removed": "boom"}
    assert client.delete("/__sim/faults/boom").status_code == 404
    client.delete("/__sim/faults")
    assert client.get("/__sim/faults").get_json() == {"faults": []}


def test_a_bad_rule_in_a_list_adds_nothing(client: FlaskClient) -> None:
    response = client.post("/__sim/faults", json=[{"action": "drop"}, {"action": "nope"}])
    assert response.status_code == 400
    assert "unknown fault action" in response.get_json()["error"]
    assert client.post("/__sim/faults", json=[1]).status_code == 400
    assert client.get("/__sim/faults").get_json() == {"faults": []}


def test_control_requests_are_never_faulted(client: FlaskClient) -> None:
    add_fault(client, {"action": "status", "status": 500})
    assert client.get("/__sim/state").status_code == 200
    assert client.get("/echo").status_code == 500


def test_status_fault_answers_instead_of_the_handler(client: FlaskClient, toy_app: Flask) -> None:
    add_fault(client, {"id": "limited", "action": "status", "method": "POST", "path": "^/items/",
                       "status": 429, "body": {"message": "Too Many Requests"},
                       "headers": {"X-Rate-Limit-Reset": "7"}})
    response = client.post("/items/a", json=1)
    assert response.status_code == 429
    assert response.get_json() == {"message": "Too Many Requests"}
    assert response.headers["X-Rate-Limit-Reset"] == "7"
    assert sim_of(toy_app).dump() == {"items": {}}
    entry = client.get("/__sim/journal").get_json()["requests"][0]
    assert (entry["status"], entry["fault"]) == (429, "limited")


def test_status_fault_defaults_to_500_with_text(client: FlaskClient) -> None:
    add_fault(client, {"action": "status", "body": "upstream down"})
    response = client.get("/echo")
    assert (response.status_code, response.get_data(as_text=True)) == (500, "upstream down")


def test_empty_fault_keeps_status_unless_given(client: FlaskClient, toy_app: Flask) -> None:
    add_fault(client, {"action": "empty", "path": "^/items/", "times": 1})
    add_fault(client, {"action": "empty", "path": "^/echo", "status": 502})
    response = client.post("/items/a", json=1)
    assert (response.status_code, response.data) == (201, b"")
    assert response.headers["Content-Length"] == "0"
    assert sim_of(toy_app).dump() == {"items": {"a": 1}}
    assert client.get("/echo").status_code == 502


def test_malformed_fault_truncates_json_and_xml(client: FlaskClient) -> None:
    add_fault(client, {"action": "malformed"})
    response = client.get("/echo")
    assert response.status_code == 200 and response.content_type == "application/json"
    with pytest.raises(ValueError):
        json.loads(response.data)
    xml = client.get("/xml").get_data(as_text=True)
    assert xml == "<Orders><Order><Id>1</Id></Order></Orders>"[:21]


def test_drop_under_the_bare_test_client_is_visible(client: FlaskClient, toy_app: Flask) -> None:
    add_fault(client, {"id": "cut", "action": "drop", "path": "^/items/"})
    response = client.post("/items/a", json=1)
    assert (response.status_code, response.headers[FAULT_HEADER]) == (503, "drop")
    assert sim_of(toy_app).dump() == {"items": {}}
    entry = client.get("/__sim/journal").get_json()["requests"][0]
    assert (entry["status"], entry["fault"]) == (0, "cut")
    client.delete("/__sim/faults")
    add_fault(client, {"action": "drop", "path": "^/items/", "stage": "after"})
    late = client.post("/items/b", json=2)
    assert (late.status_code, late.headers[FAULT_HEADER]) == (201, "drop")
    assert sim_of(toy_app).dump() == {"items": {"b": 2}}


def test_nth_fault_over_http(client: FlaskClient) -> None:
    add_fault(client, {"action": "status", "status": 500, "when": "nth", "n": 2, "repeat": True})
    assert [client.get("/echo").status_code for _ in range(5)] == [200, 500, 200, 500, 200]
    rule = client.get("/__sim/faults").get_json()["faults"][0]
    assert (rule["calls"], rule["fired"]) == (5, 2)


def test_near_misses_for_a_named_request_and_for_recent_ones(client: FlaskClient) -> None:
    add_fault(client, {"id": "post-only", "action": "status", "method": "POST", "path": "^/echo$"})
    named = client.get("/__sim/near-misses?method=get&path=/echo").get_json()
    assert named == {"near_misses": [{"method": "GET", "path": "/echo", "reports": [
        "post-only: path matches but method is GET, the rule wants POST"]}]}
    client.get("/echo")
    client.get("/xml")
    recent = client.get("/__sim/near-misses").get_json()["near_misses"]
    assert [(r["method"], r["path"]) for r in recent] == [("GET", "/echo")]


def test_simulator_blueprints_share_the_prefix(client: FlaskClient) -> None:
    assert client.post("/__sim/toy/items", json={"z": 26}).get_json() == {"items": {"z": 26}}
    assert client.get("/__sim/journal/count").get_json() == {"count": 0}
