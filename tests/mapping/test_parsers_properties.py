"""Parsers of outside input never crash: InkSoft's answers (any status, any body, any headers) and
Custom Store ship notices (any bytes, any query) give a result or a documented `InkshipError`."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, date, datetime
from typing import Any
from xml.sax.saxutils import escape

import requests
from hypothesis import given
from hypothesis import strategies as st
from inkship.connector.clients.inksoft import Envelope, InkSoftClient
from inkship.connector.config import InkSoftConfig
from inkship.connector.customstore.shipnotify import ShipNotice, parse_ship_notice
from inkship.connector.errors import InkshipError
from inkship.connector.mapping.shipments import InkSoftShipment
from requests.adapters import BaseAdapter

from tests.strategies import free_texts

STORE = "https://stores.inksoft.example/Devo_Designs"

# ---------------------------------------------------------------- JSON as InkSoft might send it

# Every float JSON can carry once Python's decoder has read it, Infinity and NaN included.
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), free_texts(),
                    st.sampled_from(["OK", "NotFound", "InternalServerError", "false", "1e999", "/Date(0)/"]))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(free_texts(8), inner, max_size=4), max_leaves=12)


def spelled(name: str) -> st.SearchStrategy[str]:
    """A key as InkSoft (or `Format=JSONCamelCase`) may spell it."""
    return st.sampled_from([name, name.lower(), name[0].lower() + name[1:], name.upper()])


def maybe(keys: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """A dict holding some of `keys` (each under one of its spellings)."""
    return st.lists(st.sampled_from(sorted(keys)), unique=True).flatmap(
        lambda chosen: st.tuples(*(st.tuples(spelled(k), keys[k]) for k in chosen)).map(dict))


NUMBERS = st.one_of(st.integers(-3, 10**12), st.floats(), st.text(max_size=4), st.none(), JSON)
SUMMARY_OR_ORDER = maybe({"ID": NUMBERS, "UniqueId": JSON, "Items": JSON, "ShippingAddress": JSON,
                          "ProductionStatus": JSON, "Shipments": JSON})
MESSAGES = st.lists(maybe({"Content": JSON, "Title": JSON, "Severity": JSON, "Serverity": JSON}), max_size=2)
ENVELOPES = maybe({
    "OK": st.one_of(st.booleans(), JSON),
    "StatusCode": st.one_of(st.sampled_from(["OK", "NotFound", "InternalServerError", "BadRequest"]), JSON),
    "Data": st.one_of(st.just(False), st.none(), SUMMARY_OR_ORDER, st.lists(SUMMARY_OR_ORDER, max_size=3),
                      maybe({"Token": JSON, "Name": JSON, "StoreId": JSON}), JSON),
    "Pagination": st.one_of(st.none(), maybe({"IncludedResults": NUMBERS, "TotalResults": NUMBERS,
                                              "Index": NUMBERS}), JSON),
    "Messages": st.one_of(MESSAGES, JSON),
})
BODIES = st.one_of(ENVELOPES, JSON)


def body_bytes(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


RAW_BODIES = st.one_of(
    BODIES.map(body_bytes),
    st.binary(max_size=64),
    BODIES.map(body_bytes).flatmap(lambda b: st.integers(0, len(b)).map(lambda n: b[:n])),  # truncated
    st.sampled_from([b"", b"  ", b"<html>Bad Gateway</html>", b"\xef\xbb\xbf{}", b'{"OK": true, "Data": ',
                     b"[" * 5000]),  # deeper than the JSON decoder recurses
)
STATUSES = st.sampled_from([200, 200, 200, 201, 204, 301, 400, 401, 403, 404, 409, 429, 500, 502, 503])
HEADER_VALUES = st.one_of(st.sampled_from(["0", "1", "-5", "nan", "inf", "1e999", "", "soon"]),
                          st.integers(-10, 100).map(str))
HEADERS = maybe({"X-Rate-Limit-Remaining": HEADER_VALUES, "X-Rate-Limit-Reset": HEADER_VALUES,
                 "Retry-After": HEADER_VALUES, "Location": st.sampled_from(["/elsewhere", "https://x.example/"])})


def results_of(envelope: Envelope) -> None:
    """Use the envelope as the client does: check it, read its records and its message."""
    envelope.records()
    envelope.message_text()
    envelope.raise_if_failed("GetOrder")


@given(body=BODIES, status=STATUSES)
def test_any_decoded_body_is_an_envelope_or_a_clear_error(body, status):
    with contextlib.suppress(InkshipError):
        results_of(Envelope(body, status))


class CannedAdapter(BaseAdapter):
    """Answers every request with the same status, headers and body bytes."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        super().__init__()
        self.status, self.headers, self.body = status, headers, body

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        response = requests.Response()
        response.status_code = self.status
        response.headers.update({"Content-Type": "application/json", **self.headers})
        response._content = self.body
        response.url = str(request.url)
        response.request = request
        return response

    def close(self) -> None:
        """Nothing to release."""


def canned_client(status: int, headers: dict[str, str], body: bytes, **config: Any) -> InkSoftClient:
    session = requests.Session()
    session.mount("https://", CannedAdapter(status, headers, body))
    config.setdefault("api_key", "canned-key")
    return InkSoftClient(InkSoftConfig(base_url=STORE, page_size=2, **config), session=session,
                         sleep=lambda seconds: None, clock=lambda: 0.0, max_attempts=2)


SHIPMENT = InkSoftShipment(tracking_number="9400111899223197428490", carrier="USPS",
                           service="USPS Priority Mail", ship_date=date(2026, 10, 5),
                           items=[("a1d3e0c4", 2), (120455, 1)], mark_completed=True)
SINCE = datetime(2026, 1, 1, tzinfo=UTC)
CALLS = {
    "get_order": lambda client: client.get_order(7),
    "get_orders": lambda client: client.get_orders([7, 8, 9]),
    "iter_order_summaries": lambda client: list(client.iter_order_summaries(SINCE)),
    "create_order_shipment": lambda client: client.create_order_shipment({"ID": 7}, SHIPMENT),
    "check_access": lambda client: client.check_access(),
}


@given(status=STATUSES, headers=HEADERS, body=RAW_BODIES, call=st.sampled_from(sorted(CALLS)))
def test_any_answer_to_any_client_call_is_a_result_or_a_clear_error(status, headers, body, call):
    with contextlib.suppress(InkshipError):
        CALLS[call](canned_client(status, headers, body))


@given(status=STATUSES, headers=HEADERS, body=RAW_BODIES)
def test_any_answer_to_sign_in_is_a_token_or_a_clear_error(status, headers, body):
    client = canned_client(status, headers, body, api_key=None, username="fulfil@example.com",
                           password="canned-password", publisher_id="4242")
    try:
        token = client.sign_in()
    except InkshipError:
        return
    assert isinstance(token, str) and token


# ---------------------------------------------------------------- ship notices

NOTICE_FIELDS = ("OrderID", "OrderNumber", "Carrier", "Service", "TrackingNumber", "ShipDate",
                 "LabelCreateDate", "NotifyCustomer", "CustomerCode", "ShippingCost")
NOTICE_TEXTS = st.one_of(free_texts(12), st.sampled_from(
    ["12/8/2011", "2026-02-30", "13/45/2026 25:61", "9999-12-31", "0/0/0", "true", "1", "yes", "0", "-1",
     "99999999999", "١٢", "inksoft:1201:1001", "  "]))
QUERY_NAMES = st.sampled_from(["action", "order_number", "carrier", "service", "tracking_number", "OrderID"])


def xml_text(text: str) -> str:
    """Text as a careless sender would put it in XML: escaped, but control characters and lone
    surrogates left in (the parser must refuse those, not crash on them)."""
    return escape(text)


@st.composite
def element(draw: st.DrawFn, names: st.SearchStrategy[str], depth: int = 0) -> str:
    name = draw(names)
    if depth < 2 and draw(st.integers(0, 3)) == 0:
        inner = "".join(draw(st.lists(element(names, depth + 1), max_size=3)))
    else:
        inner = xml_text(draw(NOTICE_TEXTS))
    return f"<{name}>{inner}</{name}>"


ITEM_FIELDS = st.sampled_from(["LineItemID", "Quantity", "SKU", "Name", "Options"])


@st.composite
def notice_documents(draw: st.DrawFn) -> bytes:
    """ShipNotice-shaped XML: known fields with odd values, Items with odd lines, odd nesting,
    namespaces, a different root now and then."""
    fields = "".join(draw(st.lists(element(st.sampled_from(NOTICE_FIELDS)), max_size=6)))
    items = ""
    if draw(st.booleans()):
        lines = draw(st.lists(st.lists(element(ITEM_FIELDS), max_size=4).map(
            lambda parts: "<Item>" + "".join(parts) + "</Item>"), max_size=3))
        strays = draw(st.lists(element(ITEM_FIELDS), max_size=1))  # not in an <Item>
        items = "<Items>" + "".join(lines + strays) + "</Items>"
    root = draw(st.sampled_from(["ShipNotice", "ShipNotice", "ns:ShipNotice", "Orders"]))
    namespace = ' xmlns:ns="urn:x"' if root.startswith("ns:") else draw(
        st.sampled_from(["", ' xmlns="http://www.shipstation.com/"']))
    prolog = draw(st.sampled_from(["", '<?xml version="1.0" encoding="utf-8"?>\n',
                                   '<?xml version="1.0" encoding="utf-16"?>']))
    text = f"{prolog}<{root}{namespace}>{fields}{items}</{root}>"
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="surrogatepass" if encoding != "latin-1" else "replace")


NOTICE_BODIES = st.one_of(
    notice_documents(),
    notice_documents().flatmap(lambda b: st.integers(0, len(b)).map(lambda n: b[:n])),  # truncated
    st.binary(max_size=200),
    st.sampled_from([b"", b" \n", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><ShipNotice>&a;</ShipNotice>',
                     b"<ShipNotice><OrderID>1</OrderID></ShipNotice>trailing",
                     b"<ShipNotice>" * 500]),
)
QUERIES = st.dictionaries(QUERY_NAMES, st.one_of(NOTICE_TEXTS, st.none()), max_size=4)


@given(body=NOTICE_BODIES, query=QUERIES)
def test_any_ship_notice_is_read_or_refused_with_a_clear_error(body, query):
    try:
        notice = parse_ship_notice(body, query)
    except InkshipError:
        return
    assert isinstance(notice, ShipNotice)
    assert notice.order_id or notice.order_number
    quantities = notice.shipped_quantities()
    assert quantities is None or all(quantity >= 1 for quantity in quantities.values())
    assert notice.ledger_key("inksoft:1201:1001").startswith("shipnotify:")
