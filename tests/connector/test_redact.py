"""Secret redaction by parameter name and by known value."""

from __future__ import annotations

import json
import logging
import string
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from inkship.connector.redact import (
    MASK,
    RedactingFilter,
    is_secret_name,
    redact_body,
    redact_query,
    redact_text,
    redact_url,
    redact_value,
)

SECRET = "s3cr3t-Value-8f2a"


@pytest.mark.parametrize("name", ["ApiKey", "APIKey", "apikey", "api_key", "Password", "SessionToken",
                                  "SS-Password", "api_secret", "token", "Authorization", "IntegrationKey"])
def test_secret_names(name):
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["Username", "OrderIds", "TrackingNumber", "PublisherId", "Format"])
def test_ordinary_names(name):
    assert not is_secret_name(name)


def test_url_query_and_userinfo():
    url = f"https://user:{SECRET}@stores.inksoft.com/S/Api2/GetOrder?OrderId=5&ApiKey={SECRET}&Format=JSON"
    shown = redact_url(url)
    assert SECRET not in shown
    assert "OrderId=5" in shown and "Format=JSON" in shown and f"ApiKey={MASK}" in shown
    assert f"user:{MASK}@stores.inksoft.com" in shown


def test_query_keeps_json_literals_readable():
    shown = redact_query('OrderIds=[1,2]&SessionToken=abcd-efgh&DateModifiedRange={"Begin":"x"}')
    assert "OrderIds=[1,2]" in shown and f"SessionToken={MASK}" in shown
    assert "abcd-efgh" not in shown


def test_json_body_nested_by_name_and_value():
    body = json.dumps({"Username": "u", "Password": SECRET, "Nested": [{"api_secret": SECRET}],
                       "Note": f"echo {SECRET}"})
    shown = redact_body(body, [SECRET])
    assert SECRET not in shown
    decoded = json.loads(shown)
    assert decoded["Password"] == MASK and decoded["Nested"][0]["api_secret"] == MASK
    assert decoded["Username"] == "u" and decoded["Note"] == f"echo {MASK}"


def test_form_and_plain_bodies():
    assert SECRET not in redact_body(f"Username=u&Password={SECRET}".encode())
    assert redact_body(f"server said {SECRET}", [SECRET]) == f"server said {MASK}"
    assert redact_body(None) == ""


def test_empty_secret_values_stay_visible_and_short_values_are_not_scrubbed():
    assert redact_value({"Password": "", "ApiKey": None}) == {"Password": "", "ApiKey": None}
    assert redact_text("a1 b2", ["a1", None, ""]) == "a1 b2"


def test_filter_scrubs_log_records(caplog):
    logger = logging.getLogger("inkship.test.redact")
    handler_filter = RedactingFilter([SECRET])
    logger.addFilter(handler_filter)
    try:
        with caplog.at_level(logging.INFO, logger="inkship.test.redact"):
            logger.info("key is %s", SECRET)
    finally:
        logger.removeFilter(handler_filter)
    assert caplog.records[0].getMessage() == f"key is {MASK}"
    assert SECRET not in caplog.text


SECRET_CHARACTERS = string.ascii_letters + string.digits + "-_.~!$%^*&=+/ "


@given(tail=st.text(alphabet=SECRET_CHARACTERS, min_size=2, max_size=40),
       name=st.sampled_from(["ApiKey", "APIKey", "Password", "SessionToken", "SS-Password", "api_secret"]))
def test_a_secret_under_a_secret_name_never_survives(tail, name):
    secret = "Zz" + tail  # the prefix keeps it from matching ordinary text by chance
    assert secret not in redact_url(f"https://x.test/p?{urlencode({name: secret, 'OrderId': 5})}")
    assert secret not in redact_body(json.dumps({"outer": [{name: secret}], "n": 1}))
    assert secret not in redact_body(urlencode({name: secret, "Username": "u"}))
    assert secret not in redact_text(f"said {secret}!", [secret])
