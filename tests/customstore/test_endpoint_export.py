"""The Custom Store endpoint, export side: auth, windows, paging, date variants, errors, empty windows."""

from __future__ import annotations

import base64
import logging
from datetime import timedelta
from typing import Any

import pytest
from defusedxml.ElementTree import fromstring
from inkship.connector.customstore.export import PAGE_SIZE

from tests.customstore.conftest import PASSWORD, PATH, SCHEMA, USERNAME, CustomStoreWorld
from tests.e2e.conftest import T0

BASIC = {"Authorization": "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()}
WINDOW = {"start_date": "11/02/2026 15:00", "end_date": "11/02/2026 17:00"}  # around T0 = 16:00 UTC


def export(world: CustomStoreWorld, headers: dict[str, str] | None = None, **params: Any) -> Any:
    query = {"action": "export", **WINDOW, **params}
    return world.endpoint().get(PATH, query_string={k: v for k, v in query.items() if v is not None},
                                headers=BASIC if headers is None else headers)


def orders_of(response: Any) -> tuple[int, list[str]]:
    """(pages, order numbers) of a valid export document."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type == "application/xml; charset=utf-8"
    SCHEMA.validate(response.get_data(as_text=True))
    root = fromstring(response.data)
    return int(root.get("pages")), [order.findtext("OrderNumber") for order in root.findall("Order")]


def test_export_returns_the_window_orders(cs_world):
    added = cs_world.add_orders({"ShippingAddress": True}, {"ShippingAddress": True})
    assert orders_of(export(cs_world)) == (1, [str(order["ID"]) for order in added])


@pytest.mark.parametrize("headers, query", [
    ({}, {}),
    ({"Authorization": "Basic " + base64.b64encode(f"{USERNAME}:wrong".encode()).decode()}, {}),
    ({"Authorization": "Basic " + base64.b64encode(f"other:{PASSWORD}".encode()).decode()}, {}),
    ({"Authorization": "Bearer " + PASSWORD}, {}),
    ({}, {"SS-UserName": USERNAME, "SS-Password": "wrong"}),
], ids=["none", "wrong-password", "wrong-user", "not-basic", "wrong-query-password"])
def test_wrong_or_missing_credentials_get_401(cs_world, headers, query, caplog):
    response = export(cs_world, headers=headers, **query)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert PASSWORD not in caplog.text


def test_credentials_in_the_query_string_are_accepted(cs_world):
    cs_world.add_orders({"ShippingAddress": True})
    assert orders_of(export(cs_world, headers={}, **{"SS-UserName": USERNAME, "SS-Password": PASSWORD}))[1]


def test_no_configured_credentials_means_nothing_is_accepted(cs_world):
    import dataclasses

    from inkship.connector.config import CustomStoreConfig
    from inkship.connector.web.app import create_app

    config = dataclasses.replace(cs_world.cs_config, custom_store=CustomStoreConfig(enabled=True, path=PATH))
    app = create_app(config, lambda: cs_world.engine(config=config))
    response = app.test_client().get(PATH, query_string={"action": "export", **WINDOW,
                                                         "SS-UserName": "", "SS-Password": ""})
    assert response.status_code == 401


def test_orders_modified_outside_the_window_are_not_exported(cs_world):
    early = cs_world.add_orders({"ShippingAddress": True})[0]
    cs_world.clock.advance(3 * 3600)  # 19:00
    late = cs_world.add_orders({"ShippingAddress": True})[0]
    assert orders_of(export(cs_world)) == (1, [str(early["ID"])])
    later = {"start_date": "11/02/2026 18:30", "end_date": "11/02/2026 19:00"}
    assert orders_of(export(cs_world, **later)) == (1, [str(late["ID"])])


def test_a_change_brings_an_old_order_into_a_later_window(cs_world):
    order = cs_world.add_orders({"ShippingAddress": True, "ProductionStatus": "Open"})[0]
    cs_world.clock.advance(6 * 3600)  # 22:00
    cs_world.inksoft_state.update_order(order["ID"], {"ProductionStatus": "Ready to Ship"})
    response = export(cs_world, start_date="11/02/2026 21:00", end_date="11/02/2026 22:00")
    assert orders_of(response) == (1, [str(order["ID"])])
    assert fromstring(response.data).findtext("Order/OrderStatus") == "Ready to Ship"


@pytest.mark.parametrize("start, end", [
    ("11/02/2026 15:00", "11/02/2026 17:00"),
    ("11/2/2026 3:00 PM", "11/2/2026 5:00 PM"),
    ("11/2/26 15:00:00", "11/2/26 17:00:59"),
    ("110220261500", "11022026T1700"),
], ids=["documented", "12-hour", "short-year-seconds", "compact"])
def test_date_variants_are_read_leniently(cs_world, start, end):
    order = cs_world.add_orders({"ShippingAddress": True})[0]
    assert orders_of(export(cs_world, start_date=start, end_date=end)) == (1, [str(order["ID"])])


@pytest.mark.parametrize("missing", ["start_date", "end_date"])
def test_missing_dates_get_a_clear_xml_400(cs_world, missing):
    response = export(cs_world, **{missing: None})
    assert response.status_code == 400
    assert response.content_type == "application/xml; charset=utf-8"
    assert f"{missing} is required" in fromstring(response.data).findtext("Message")


def test_unreadable_date_gets_a_clear_xml_400(cs_world):
    response = export(cs_world, start_date="yesterday")
    assert response.status_code == 400
    assert "'yesterday' is not a date" in fromstring(response.data).findtext("Message")


def test_empty_window_is_a_well_formed_empty_document(cs_world):
    response = export(cs_world)
    assert orders_of(response) == (0, [])
    assert response.get_data(as_text=True).strip().endswith('<Orders pages="0"/>')


def test_paging_walks_every_order_once_in_id_order(cs_world):
    added = cs_world.add_orders(*({"ShippingAddress": True} for _ in range(PAGE_SIZE * 2 + 5)))
    pages = [orders_of(export(cs_world, page=page)) for page in (1, 2, 3)]
    assert {count for count, _ in pages} == {3}
    numbers = [number for _, page in pages for number in page]
    assert numbers == [str(order["ID"]) for order in added]
    assert [len(page) for _, page in pages] == [PAGE_SIZE, PAGE_SIZE, 5]


@pytest.mark.parametrize("page", ["0", "-3", "one", ""])
def test_page_below_one_or_unreadable_means_page_one(cs_world, page):
    order = cs_world.add_orders({"ShippingAddress": True})[0]
    assert orders_of(export(cs_world, page=page)) == (1, [str(order["ID"])])


def test_page_past_the_end_is_empty_but_says_how_many_pages_there_are(cs_world):
    cs_world.add_orders({"ShippingAddress": True})
    assert orders_of(export(cs_world, page=7)) == (1, [])


def test_orders_without_a_shipping_address_are_left_out_and_logged(cs_world, caplog):
    kept, left_out = cs_world.add_orders({"ShippingAddress": True}, {})
    with caplog.at_level(logging.INFO, logger="inkship.connector.customstore"):
        assert orders_of(export(cs_world))[1] == [str(kept["ID"])]
    assert f"#{left_out['ID']} left out" in caplog.text and "shipping address" in caplog.text


def test_order_the_protocol_cannot_carry_is_left_out_and_logged(cs_world, caplog):
    bulk = {"ShippingAddress": True, "Items": [{"Quantity": 9999, "UnitPrice": 1500.0}]}
    kept, huge = cs_world.add_orders({"ShippingAddress": True}, bulk)
    with caplog.at_level(logging.INFO, logger="inkship.connector.customstore"):
        assert orders_of(export(cs_world))[1] == [str(kept["ID"])]
    assert f"#{huge['ID']} left out" in caplog.text and "decimal(9,2)" in caplog.text


def test_unmapped_status_is_left_out(cs_world):
    store = cs_world.inksoft_state.store(cs_world.config.inksoft.base_url.rsplit("/", 1)[-1])
    store["CustomStatuses"] = [*store.get("CustomStatuses", []), "At Embroiderer"]
    kept, unmapped = cs_world.add_orders({"ShippingAddress": True},
                                         {"ShippingAddress": True, "ProductionStatus": "At Embroiderer"})
    assert orders_of(export(cs_world))[1] == [str(kept["ID"])]
    assert unmapped["ProductionStatus"] == "At Embroiderer"


def test_exporting_moves_no_modification_date(cs_world):
    order = cs_world.add_orders({"ShippingAddress": True})[0]
    before = cs_world.inksoft_order(order["ID"])["DateModified"]
    cs_world.clock.advance(120)
    first = export(cs_world).get_data(as_text=True)
    cs_world.clock.advance(120)
    assert export(cs_world).get_data(as_text=True) == first
    assert cs_world.inksoft_order(order["ID"])["DateModified"] == before
    assert cs_world.journal_count(cs_world.inksoft_url, method="POST") == 0


def test_inksoft_unavailable_is_a_503_never_an_empty_document(cs_world):
    cs_world.add_orders({"ShippingAddress": True})
    cs_world.add_fault(cs_world.inksoft_url, id="down", method="*", path="GetOrderSummaries", action="status",
                       status=503)
    response = export(cs_world)
    assert response.status_code == 503
    assert "temporarily unavailable" in fromstring(response.data).findtext("Message")


def test_unknown_action_or_method_is_a_400(cs_world):
    client = cs_world.endpoint()
    assert client.get(PATH, query_string={"action": "nothing"}, headers=BASIC).status_code == 400
    assert client.post(PATH, query_string={"action": "export", **WINDOW}, headers=BASIC).status_code == 400


def test_window_has_a_few_minutes_of_overlap(cs_world):
    order = cs_world.add_orders({"ShippingAddress": True})[0]  # modified at 16:00:00
    just_after = (T0 + timedelta(minutes=3)).strftime("%m/%d/%Y %H:%M")
    response = export(cs_world, start_date=just_after, end_date="11/02/2026 17:00")
    assert orders_of(response)[1] == [str(order["ID"])]
