"""Journal: recording, finding, counting, truncating, and the one credential-masking function."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from inkship.simulators.journal import (
    BODY_LIMIT,
    MASK,
    Journal,
    JournalEntry,
    is_secret_name,
    mask_credentials,
)

T0 = datetime(2026, 3, 8, 9, 30, tzinfo=UTC)


def entry(method: str = "GET", path: str = "/a", status: int = 200, **kw: object) -> JournalEntry:
    return JournalEntry(time=T0, method=method, path=path, status=status, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["ApiKey", "APIKey", "apikey", "api_key", "Password", "SessionToken",
                                  "SS-Password", "ss_password", "api_secret", "IntegrationKey",
                                  "Authorization", "token"])
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["Username", "Email", "SS-UserName", "OrderIds", "PublisherId", "key"])
def test_ordinary_names(name: str) -> None:
    assert not is_secret_name(name)


def test_mask_query_form_and_headers() -> None:
    masked = mask_credentials({
        "query": {"APIKey": "k-123", "Format": "JSON", "SS-Password": "pw"},
        "body": "Email=a%40b.c&Password=hunter2&PublisherId=4242",
        "headers": {"Authorization": "Basic c2VjcmV0"},
    })
    assert masked["query"] == {"APIKey": MASK, "Format": "JSON", "SS-Password": MASK}
    assert masked["body"] == "Email=a%40b.c&Password=***&PublisherId=4242"
    assert "headers" not in masked
    assert "hunter2" not in json.dumps(masked) and "c2VjcmV0" not in json.dumps(masked)


def test_mask_nested_json_keeps_structure() -> None:
    body = json.dumps({"api_secret": "s", "orders": [{"SessionToken": "t", "n": 1}], "apiKey": None})
    masked = json.loads(mask_credentials({"query": {}, "body": body})["body"])
    assert masked == {"api_secret": MASK, "orders": [{"SessionToken": MASK, "n": 1}], "apiKey": None}


def test_mask_leaves_ordinary_bodies_byte_for_byte() -> None:
    for body in ["<Orders><Password>x</Password></Orders>", "a=b c&d=e", "{not json", "",
                 '{"a":  1, "b":[ 2]}']:
        assert mask_credentials({"query": {}, "body": body})["body"] == body


def test_mask_truncated_json_textually() -> None:
    body = '{"Password": "a\\"bc", "x": "y", "api_secret" : "cut-sho'
    assert mask_credentials({"query": {}, "body": body})["body"] == \
        '{"Password": "***", "x": "y", "api_secret" : "***"'


def test_journal_masks_before_storing() -> None:
    journal = Journal()
    stored = journal.record(entry("POST", "/Api2/SignIn", query={"ApiKey": "k"},
                                  body=b"Username=u&Password=p",
                                  content_type="application/x-www-form-urlencoded"))
    assert stored["query"] == {"ApiKey": MASK}
    assert stored["body"] == "Username=u&Password=***"
    assert journal.entries()[0] == stored
    assert set(stored) == {"id", "time", "method", "path", "query", "body", "content_type", "status", "fault"}


def test_journal_uses_the_given_mask() -> None:
    journal = Journal(mask=lambda e: {**e, "path": "/hidden"})
    assert journal.record(entry(path="/secret"))["path"] == "/hidden"


def test_body_truncated_before_masking() -> None:
    big = json.dumps({"Password": "p", "pad": "x" * (BODY_LIMIT * 2)})
    stored = Journal().record(entry("POST", body=big))
    # The cut JSON is masked textually: "p" became "***".
    assert stored["body"] == big[:BODY_LIMIT].replace('"p"', '"***"', 1)


def test_a_url_cut_by_truncation_keeps_no_part_of_its_token() -> None:
    token = "a1" * 20
    body = json.dumps({"target_url": f"https://hooks.example/in/{token}"})
    cut_at = body.index(token) + 12
    padded = "x" * (BODY_LIMIT - cut_at) + body
    stored = Journal().record(entry("POST", body=padded))
    assert token[:12] not in stored["body"]
    assert stored["body"].endswith("https://hooks.example/in/***")


def test_find_count_and_clear() -> None:
    journal = Journal()
    journal.record(entry("GET", "/orders", 200))
    journal.record(entry("POST", "/orders/createorder", 200))
    journal.record(entry("post", "/orders/createorders", 429))
    journal.record(entry("GET", "/shipments", 500, fault="fault-1"))
    assert [e["id"] for e in journal.entries()] == [1, 2, 3, 4]
    assert journal.count(method="post") == 2
    assert journal.count(path="/orders") == 1
    assert journal.count(path_prefix="/orders") == 3
    assert journal.count(status=429) == 1
    assert journal.count(status="500") == 1
    assert journal.count(method="POST", path_prefix="/orders", status=200) == 1
    assert journal.entries(status=500)[0]["fault"] == "fault-1"
    journal.clear()
    assert journal.count() == 0
    assert journal.record(entry())["id"] == 5


SECRET_NAMES = st.sampled_from(["ApiKey", "APIKey", "apikey", "Password", "SessionToken", "SS-Password",
                                "api_secret"])
# Digits only, at least 8: such a value cannot occur by chance in a field name or a plain value.
SECRET_VALUES = st.text(alphabet="0123456789", min_size=8, max_size=20)


@given(secrets=st.dictionaries(SECRET_NAMES, SECRET_VALUES, min_size=1),
       plain=st.dictionaries(st.sampled_from(["Format", "OrderIds", "Email"]), st.text(max_size=7)),
       shape=st.sampled_from(["query", "form", "json"]))
def test_no_secret_value_survives_masking(secrets: dict, plain: dict, shape: str) -> None:
    fields = {**plain, **secrets}
    bodies = {"query": "", "form": urlencode(fields), "json": json.dumps({"nested": [fields]})}
    entry = {"query": fields if shape == "query" else {}, "body": bodies[shape]}
    masked = json.dumps(mask_credentials(entry))
    assert not [value for value in secrets.values() if value in masked]


def test_a_webhook_target_url_keeps_its_shape_but_not_its_token():
    token = "k3J9xQ_a8Zt2LmN0pQrS7vW"
    body = json.dumps({"target_url": f"https://shop.example/webhooks/shipstation/{token}",
                       "event": "SHIP_NOTIFY", "friendly_name": "inkship"})
    masked = mask_credentials({"query": {}, "body": body})["body"]
    assert token not in masked
    assert json.loads(masked)["target_url"] == "https://shop.example/webhooks/shipstation/***"


def test_ordinary_urls_and_words_are_left_alone():
    body = json.dumps({"resource_url": "https://ssapi.shipstation.com/shipments?storeID=310001&batchId=77",
                       "note": "Riverside Youth Soccer 2026"})
    assert mask_credentials({"query": {}, "body": body})["body"] == body


def test_secret_query_parameters_inside_a_url_are_masked():
    body = "url=https%3A%2F%2Fshop.example%2Fcs%3Faction%3Dexport%26SS-Password%3Dhunter2"
    assert "hunter2" not in mask_credentials({"query": {}, "body": body})["body"]
