"""The shared HTTP core: error mapping, bounded retry with jitter, rate limits, counting, redaction."""

from __future__ import annotations

import logging

import pytest
import requests
import responses
from hypothesis import given
from hypothesis import strategies as st
from inkship.connector.clients.http import ApiHttp, SlidingWindowLimiter, describe_error_body
from inkship.connector.errors import (
    AuthError,
    ConnectionLost,
    MalformedResponse,
    NotFound,
    PermissionDenied,
    RateLimited,
    RequestRejected,
    ServerError,
    TransportTimeout,
)

BASE = "https://api.example.test/v1"
SECRET = "key-Zq81-very-secret"


class FakeTime:
    """A clock that only moves when the code under test sleeps; records every wait."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture
def fake_time():
    return FakeTime()


def make_http(fake_time: FakeTime, **kw) -> ApiHttp:
    kw.setdefault("rng", lambda: 0.5)
    return ApiHttp("test", BASE, None, kw.pop("timeout", 12.5), sleep=fake_time.sleep, clock=fake_time.clock,
                   **kw)


@responses.activate
def test_joins_base_url_and_sets_timeout_and_auth(fake_time):
    responses.get(f"{BASE}/orders/5", json={"ok": 1})
    http = make_http(fake_time, auth=("user", "pw"))
    assert http.request_json("GET", "/orders/5", params={"a": "b"}) == {"ok": 1}
    call = responses.calls[0]
    assert call.request.url == f"{BASE}/orders/5?a=b"
    assert call.request.req_kwargs["timeout"] == (12.5, 12.5)
    assert call.request.headers["Authorization"].startswith("Basic ")
    assert http.calls == 1 and http.calls_by_endpoint[("GET", "/v1/orders/5")] == 1
    assert http.url_for("https://other.test/x") == "https://other.test/x"


@pytest.mark.parametrize(("status", "error"), [
    (401, AuthError), (403, PermissionDenied), (404, NotFound), (400, RequestRejected),
    (409, RequestRejected), (422, RequestRejected),
])
@responses.activate
def test_fatal_statuses_raise_at_once_with_details(fake_time, status, error):
    body = {"Message": "The request is invalid.", "ModelState": {"apiOrder.orderNumber": ["required"]}}
    responses.post(f"{BASE}/orders", status=status, json=body)
    http = make_http(fake_time)
    with pytest.raises(error) as excinfo:
        http.request("POST", "orders", json={})
    assert excinfo.value.status == status and excinfo.value.details == body
    assert "apiOrder.orderNumber: required" in str(excinfo.value)
    assert http.calls == 1 and fake_time.waits == []


@responses.activate
def test_server_errors_back_off_exponentially_with_full_jitter(fake_time):
    for _ in range(3):
        responses.get(f"{BASE}/x", status=503, body="busy")
    responses.get(f"{BASE}/x", json=[1])
    http = make_http(fake_time, backoff_base=1.0)
    assert http.request_json("GET", "x") == [1]
    assert fake_time.waits == [0.5, 1.0, 2.0]  # rng 0.5 of 1, 2, 4
    assert http.calls == 4


@responses.activate
def test_server_error_storm_is_bounded(fake_time):
    responses.get(f"{BASE}/x", status=500, json={"Message": "An error has occurred."})
    http = make_http(fake_time, rng=lambda: 1.0, max_attempts=6, max_backoff=8.0)
    with pytest.raises(ServerError, match="An error has occurred"):
        http.request("GET", "x")
    assert http.calls == 6
    assert fake_time.waits == [1.0, 2.0, 4.0, 8.0, 8.0]  # capped at max_backoff


@responses.activate
def test_429_waits_the_reset_header(fake_time):
    responses.get(f"{BASE}/x", status=429, json={"message": "Too Many Requests"},
                  headers={"X-Rate-Limit-Reset": "17", "X-Rate-Limit-Remaining": "0"})
    responses.get(f"{BASE}/x", json={})
    http = make_http(fake_time)
    http.request("GET", "x")
    assert fake_time.waits == [17.0]


@responses.activate
def test_429_falls_back_to_retry_after_and_caps_the_wait(fake_time):
    responses.get(f"{BASE}/x", status=429, headers={"Retry-After": "500"})
    http = make_http(fake_time, max_attempts=2, max_wait=90.0)
    with pytest.raises(RateLimited) as excinfo:
        http.request("GET", "x")
    assert excinfo.value.retry_after == 500.0
    assert fake_time.waits == [90.0]


@responses.activate
def test_proactive_wait_when_remaining_reaches_zero(fake_time):
    responses.get(f"{BASE}/a", json={}, headers={"X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "7"})
    responses.get(f"{BASE}/b", json={}, headers={"X-Rate-Limit-Remaining": "39", "X-Rate-Limit-Reset": "60"})
    http = make_http(fake_time)
    http.request("GET", "a")
    assert fake_time.waits == []
    fake_time.now += 2  # time spent elsewhere counts against the reset
    http.request("GET", "b")
    http.request("GET", "b")
    assert fake_time.waits == [5.0]


@responses.activate
def test_client_side_limiter_uses_a_sliding_window(fake_time):
    responses.get(f"{BASE}/x", json={})
    http = make_http(fake_time, requests_per_minute=3)
    for gap in (0, 10, 10):
        fake_time.now += gap
        http.request("GET", "x")
    http.request("GET", "x")  # 4th call at t=20 must wait until t=60
    assert fake_time.waits == [40.0]
    http.request("GET", "x")  # window now holds t=10, 20, 60: wait for t=70
    assert fake_time.waits == [40.0, 10.0]
    assert http.calls == 5


@pytest.mark.parametrize(("exc", "error"), [
    (requests.ReadTimeout("read timed out"), TransportTimeout),
    (requests.ConnectTimeout("connect timed out"), TransportTimeout),
    (requests.ConnectionError("reset by peer"), ConnectionLost),
])
@responses.activate
def test_transport_failures_are_retried_then_raised(fake_time, exc, error):
    responses.get(f"{BASE}/x", body=exc)
    http = make_http(fake_time, max_attempts=3)
    with pytest.raises(error):
        http.request("GET", "x")
    assert http.calls == 3 and len(fake_time.waits) == 2


@responses.activate
def test_transport_failure_then_success(fake_time):
    responses.get(f"{BASE}/x", body=requests.ConnectionError("dropped"))
    responses.get(f"{BASE}/x", json={"fine": True})
    assert make_http(fake_time).request_json("GET", "x") == {"fine": True}


@pytest.mark.parametrize(("first", "retried"), [
    ({"status": 500}, False),
    ({"body": requests.ReadTimeout("?")}, False),
    ({"body": requests.ConnectionError("?")}, False),
    ({"status": 429, "headers": {"X-Rate-Limit-Reset": "3"}}, True),
    ({"body": requests.ConnectTimeout("never connected")}, True),
])
@responses.activate
def test_retry_false_retries_only_what_changed_nothing(fake_time, first, retried):
    responses.post(f"{BASE}/write", **first)
    responses.post(f"{BASE}/write", json={"done": True})
    http = make_http(fake_time)
    if retried:
        assert http.request_json("POST", "write", data={"a": 1}, retry=False) == {"done": True}
        assert http.calls == 2
    else:
        with pytest.raises((ServerError, TransportTimeout, ConnectionLost)):
            http.request("POST", "write", data={"a": 1}, retry=False)
        assert http.calls == 1


@responses.activate
def test_malformed_2xx_body_is_retried_then_reported(fake_time):
    responses.get(f"{BASE}/x", body='{"truncated": ')
    responses.get(f"{BASE}/x", body="")
    responses.get(f"{BASE}/x", json={"whole": 1})
    http = make_http(fake_time)
    assert http.request_json("GET", "x") == {"whole": 1}
    assert http.calls == 3
    responses.replace(responses.GET, f"{BASE}/x", body="<html>")
    with pytest.raises(MalformedResponse, match="not JSON"):
        make_http(fake_time, max_attempts=1).request_json("GET", "x")


@responses.activate
def test_no_secret_in_logs_or_errors(fake_time, caplog):
    responses.get(f"{BASE}/x", status=400, json={"Messages": [{"Content": f"bad key {SECRET}"}],
                                                 "ApiKey": SECRET})
    responses.post(f"{BASE}/y", status=502, body=f"proxy saw ApiKey={SECRET}")
    http = make_http(fake_time, secrets=[SECRET], max_attempts=2)
    with caplog.at_level(logging.DEBUG, logger="inkship.http"):
        with pytest.raises(RequestRejected) as rejected:
            http.request("GET", "x", params={"ApiKey": SECRET, "OrderId": 7})
        with pytest.raises(ServerError) as server:
            http.request("POST", "y", data={"Password": SECRET})
    texts = [caplog.text, str(rejected.value), repr(rejected.value.details), str(server.value)]
    assert all(SECRET not in text for text in texts)
    assert "OrderId=7" in caplog.text and "-> 400 in" in caplog.text
    debug_lines = [r for r in caplog.records if r.levelno == logging.DEBUG]
    assert len(debug_lines) == 3  # one per call made


def test_error_body_descriptions():
    inksoft = {"OK": False, "Messages": [{"Content": "No such order", "Severity": "Error"}]}
    assert describe_error_body(inksoft) == "No such order"
    assert describe_error_body({"ok": False, "messages": [{"content": "camel"}]}) == "camel"
    assert describe_error_body({"message": "Invalid API credentials"}) == "Invalid API credentials"
    assert describe_error_body({"Message": "An error has occurred.", "ExceptionMessage": "boom"}) \
        == "An error has occurred. boom"
    assert describe_error_body("  ") is None and describe_error_body([1]) is None


@responses.activate
def test_redirects_are_reported_not_followed(fake_time):
    location = f"https://elsewhere.test/SignIn?ApiKey={SECRET}"
    responses.post(f"{BASE}/SignIn", status=307, headers={"Location": location})
    http = make_http(fake_time, secrets=[SECRET])
    with pytest.raises(RequestRejected, match="redirected to https://elsewhere.test/SignIn") as excinfo:
        http.request("POST", "SignIn", data={"Password": SECRET})
    assert len(responses.calls) == 1 and SECRET not in str(excinfo.value)


@given(gaps=st.lists(st.floats(min_value=0, max_value=30), min_size=1, max_size=60),
       per_minute=st.integers(min_value=1, max_value=10))
def test_limiter_never_exceeds_its_rate_in_any_window(gaps, per_minute):
    fake = FakeTime()
    limiter = SlidingWindowLimiter(per_minute, fake.clock)
    sent = []
    for gap in gaps:
        fake.now += gap
        while (wait := limiter.wait_needed()) > 0:
            fake.sleep(wait)
        limiter.record()
        sent.append(fake.now)
    for moment in sent:
        assert sum(1 for other in sent if other <= moment < other + 60) <= per_minute


def test_a_reply_cut_short_of_its_content_length_is_a_lost_connection():
    from inkship.connector.errors import ConnectionLost
    from inkship.simulators.rawserver import RawServer, http_reply

    with RawServer(http_reply(b'{"orders": []}', content_length=500)) as server:
        http = ApiHttp("test", server.url, requests.Session(), 2.0, sleep=lambda s: None, max_attempts=2)
        with pytest.raises(ConnectionLost):
            http.request("GET", "/orders")
        assert http.calls == 2
