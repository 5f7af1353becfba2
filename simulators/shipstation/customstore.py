"""ShipStation's side of the Custom Store protocol: on a store refresh, pull every page of the store's XML
export and import the orders whose status is mapped; when a label is created, POST the ship notice.

A Custom Store is a store record (seed document) like:
    {"storeId": 310100, "storeName": "Print shop", "marketplaceName": "Custom Store",
     "integrationUrl": "http://shop.example/shipstation/custom-store",
     "credentials": {"username": "...", "password": "..."},
     "statusMappings": [{"orderStatus": "awaiting_shipment", "statusKey": "Ready to Ship, Awaiting Art"}]}
`statusKey` takes several store statuses, comma-separated, as ShipStation's setup screen does.
Errors are recorded as ShipStation words them (reference §10) in the refresh status and in the
store's `lastRefreshError` (a field of this simulator, inferred).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from http import HTTPStatus
from typing import Any

import requests
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from inkship.simulators.faults import FaultSet
from inkship.simulators.shipstation import pacific
from inkship.simulators.shipstation.storexml import (
    parse_store_date,
    store_date_text,
    xml_child,
    xml_children,
    xml_local,
    xml_text,
)

SHIP_NOTICE_EVENT = "SHIP_NOTICE"  # what fault rules (duplicate/empty/drop_webhook) match for ship notices
TIMEOUT = 30.0
MAX_PAGES = 1000  # a runaway `pages` attribute must not keep the refresh going forever
REFRESH_ERROR = 3  # refreshStatusId of a failed refresh (inferred; 2 is "Completed")
RECEIVED_PREVIEW = 200  # characters of the body quoted in an "Invalid XML" error
XML = "application/xml; charset=utf-8"

_CARRIER_NAMES = {"stamps_com": "USPS", "usps": "USPS", "endicia": "USPS", "ups": "UPS",
                  "ups_walleted": "UPS", "fedex": "FedEx", "fedex_walleted": "FedEx", "dhl_express": "DHL",
                  "ontrac": "OnTrac", "canada_post": "CanadaPost"}
# (element path, maximum length) of the text fields ShipStation checks (reference §4.1).
_ORDER_LIMITS = {"OrderID": 50, "OrderNumber": 50, "OrderStatus": 50, "ShippingMethod": 1000,
                 "PaymentMethod": 50, "CustomerNotes": 1000, "InternalNotes": 1000, "GiftMessage": 1000,
                 "CustomField1": 100, "CustomField2": 100, "CustomField3": 100}
_ADDRESS_LIMITS = {"Name": 100, "Company": 100, "Address1": 100, "Address2": 100, "City": 100, "State": 100,
                   "PostalCode": 50, "Phone": 50}
_ITEM_LIMITS = {"LineItemID": 50, "SKU": 100, "Name": 200, "Location": 100}


class StoreError(Exception):
    """A refresh that failed as a whole; the message is what ShipStation shows."""


class InvalidOrder(Exception):
    """One order of the export that does not pass ShipStation's (lenient) validation."""


def _invalid_xml(message: str, body: str) -> StoreError:
    return StoreError(f"Invalid XML. Error: '{message}' We received: '{body[:RECEIVED_PREVIEW]}'")


def parse_export(body: bytes) -> ET.Element:
    """The `<Orders>` root of an export page, or a StoreError worded as ShipStation's .NET parser would."""
    text = body.decode("utf-8", "replace")
    stripped = text.strip()
    if not stripped:
        raise _invalid_xml("Root element is missing.", text)
    if not stripped.startswith("<"):
        raise _invalid_xml("Data at the root level is invalid. Line 1, position 1.", text)
    try:
        root = fromstring(body, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise _invalid_xml(f"{type(exc).__name__}: DTDs and entities are not processed.", text) from None
    except (ET.ParseError, ValueError, LookupError) as exc:
        raise _invalid_xml(str(exc), text) from None
    if xml_local(root.tag) != "Orders":
        raise _invalid_xml(f"The root element is '{xml_local(root.tag)}', expected 'Orders'.", text)
    return root


def _page_count(root: ET.Element) -> int:
    try:
        return min(max(int(root.get("pages", "1")), 0), MAX_PAGES)
    except ValueError:
        return 1


# ---------------------------------------------------------------- the export → ShipStation orders

def status_mapping(store: Mapping[str, Any]) -> dict[str, str]:
    """Store status (case-insensitive, trimmed) → ShipStation status, from the comma-separated boxes."""
    mapping: dict[str, str] = {}
    for entry in store.get("statusMappings") or []:
        for key in str(entry.get("statusKey") or "").split(","):
            if key.strip():
                mapping[key.strip().casefold()] = entry["orderStatus"]
    return mapping


def _checked(parent: ET.Element | None, limits: Mapping[str, int], where: str, required: tuple[str, ...]
             ) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for name, limit in limits.items():
        value = xml_text(parent, name)
        if name in required and not value:
            raise InvalidOrder(f"{where}{name} is required")
        if len(value) > limit:
            raise InvalidOrder(f"{where}{name} is longer than {limit} characters")
        values[name] = value or None
    return values


def _date_field(order: ET.Element, name: str) -> datetime:
    try:
        return parse_store_date(xml_text(order, name))
    except ValueError:
        raise InvalidOrder(f"{name} {xml_text(order, name)[:30]!r} is not a date") from None


def _money(parent: ET.Element | None, name: str, *, required: bool = False) -> float | None:
    text = xml_text(parent, name)
    if not text:
        if required:
            raise InvalidOrder(f"{name} is required")
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise InvalidOrder(f"{name} {text[:20]!r} is not a number")
    return float(number)


def _address(element: ET.Element | None, where: str, required: tuple[str, ...]) -> dict[str, Any]:
    if element is None:
        raise InvalidOrder(f"{where} is required")
    values = _checked(element, _ADDRESS_LIMITS, f"{where}/", required)
    country = xml_text(element, "Country")
    if "Country" in required and len(country) != 2:
        raise InvalidOrder(f"{where}/Country must be a 2-letter code, got {country[:30]!r}")
    return {"name": values["Name"], "company": values["Company"], "street1": values["Address1"],
            "street2": values["Address2"], "city": values["City"], "state": values["State"],
            "postalCode": values["PostalCode"], "country": country.upper() or None, "phone": values["Phone"]}


def _item(element: ET.Element) -> dict[str, Any]:
    values = _checked(element, _ITEM_LIMITS, "Item/", ("Name",))
    quantity_text = xml_text(element, "Quantity")
    # Not xs:byte as the published XSD says: print shops ship bulk quantities.
    if not re.fullmatch(r"[0-9]{1,9}", quantity_text):
        raise InvalidOrder(f"Item/Quantity {quantity_text[:20]!r} is not a whole number")
    options = [{"name": xml_text(option, "Name"), "value": xml_text(option, "Value")}
               for option in xml_children(xml_child(element, "Options"), "Option")]
    if len(options) > 10 or any(len(o["name"]) > 30 or len(o["value"]) > 30 for o in options):
        raise InvalidOrder("Item/Options: at most 10, names and values at most 30 characters")
    weight = _money(element, "Weight")
    units = xml_text(element, "WeightUnits").lower()
    units = {"pound": "pounds", "lb": "pounds", "lbs": "pounds", "oz": "ounces", "ounce": "ounces",
             "gram": "grams", "gm": "grams"}.get(units, units) or "ounces"
    return {"lineItemKey": values["LineItemID"], "sku": values["SKU"], "name": values["Name"],
            "imageUrl": xml_text(element, "ImageUrl") or None,
            "weight": None if weight is None else {"value": weight, "units": units},
            "quantity": int(quantity_text), "unitPrice": _money(element, "UnitPrice", required=True),
            "warehouseLocation": values["Location"], "options": options,
            "adjustment": xml_text(element, "Adjustment").lower() == "true"}


def order_payload(order: ET.Element, mapping: Mapping[str, str]) -> dict[str, Any] | None:
    """The ShipStation order (createorder shape) for one exported Order; None when its status is not
    mapped (ShipStation skips those silently). InvalidOrder when it fails the lenient validation."""
    values = _checked(order, _ORDER_LIMITS, "", ("OrderNumber", "OrderStatus"))
    reference = values["OrderNumber"] or "?"
    status = mapping.get(str(values["OrderStatus"]).casefold())
    if status is None:
        return None
    try:
        order_date = _date_field(order, "OrderDate")
        _date_field(order, "LastModified")
        customer = xml_child(order, "Customer")
        if customer is None:
            raise InvalidOrder("Customer is required")
        bill_to = _address(xml_child(customer, "BillTo"), "BillTo", ("Name",))
        # State may be empty: the table marks it required, but many countries have none (inferred).
        ship_to = _address(xml_child(customer, "ShipTo"), "ShipTo", ("Name", "Address1", "City", "Country"))
        items_element = xml_child(order, "Items")
        if items_element is None:
            raise InvalidOrder("Items is required")
        items = [_item(item) for item in xml_children(items_element, "Item")]
        order_total = _money(order, "OrderTotal", required=True)
        tax, shipping = _money(order, "TaxAmount"), _money(order, "ShippingAmount")
    except InvalidOrder as exc:
        raise InvalidOrder(f"Order {reference}: {exc}") from None
    paid = status not in ("awaiting_payment", "cancelled")
    email = xml_text(xml_child(customer, "BillTo"), "Email") or None
    return {
        "orderNumber": values["OrderNumber"], "orderKey": values["OrderID"] or values["OrderNumber"],
        "orderDate": pacific.render_datetime(order_date),
        # The protocol has no payment date or amount: a paid order is taken as paid in full when placed
        # (inferred).
        "paymentDate": pacific.render_datetime(order_date) if paid else None,
        "orderStatus": status, "customerUsername": xml_text(customer, "CustomerCode") or None,
        "customerEmail": email, "billTo": {key: bill_to[key] for key in ("name", "company", "phone")},
        "shipTo": ship_to, "items": items, "amountPaid": order_total if paid else 0.0,
        "taxAmount": tax, "shippingAmount": shipping,
        "customerNotes": values["CustomerNotes"], "internalNotes": values["InternalNotes"],
        "gift": xml_text(order, "Gift").lower() == "true", "giftMessage": values["GiftMessage"],
        "paymentMethod": values["PaymentMethod"], "requestedShippingService": values["ShippingMethod"],
        "advancedOptions": {f"customField{n}": values[f"CustomField{n}"] for n in (1, 2, 3)},
    }


# ---------------------------------------------------------------- refresh

def _http_error(response: requests.Response) -> StoreError:
    try:
        reason = HTTPStatus(response.status_code).phrase
    except ValueError:
        reason = response.reason or "Error"
    return StoreError(f"({response.status_code}) {reason}")


def _fetch_page(store: Mapping[str, Any], session: requests.Session, start: datetime, end: datetime,
                page: int) -> ET.Element:
    credentials = store.get("credentials") or {}
    params: dict[str, str | int] = {"action": "export", "start_date": store_date_text(start),
                                    "end_date": store_date_text(end), "page": page}
    try:
        response = session.get(store["integrationUrl"], params=params, timeout=TIMEOUT,
                               auth=(credentials.get("username", ""), credentials.get("password", "")))
    except requests.Timeout:
        raise StoreError("The operation has timed out") from None
    except requests.RequestException:
        raise StoreError("Unable to connect to the remote server") from None
    if not 200 <= response.status_code < 300:
        raise _http_error(response)
    return parse_export(response.content)


def pull_export(store: Mapping[str, Any], session: requests.Session, start: datetime, end: datetime
                ) -> list[ET.Element]:
    """Every page of the store's export for the window, as ShipStation walks it: page 1, then 2..pages."""
    first = _fetch_page(store, session, start, end, 1)
    return [first] + [_fetch_page(store, session, start, end, page)
                      for page in range(2, _page_count(first) + 1)]


def _record(state: Any, store: dict, error: str | None, window_start: datetime) -> None:
    with state.lock:
        store["lastRefreshError"] = error
        if error is not None:
            store["_refreshStatus"] = (REFRESH_ERROR, error)
            # A failed pull must not lose its window: the next refresh starts where this one did.
            store["refreshDate"] = window_start


def refresh(state: Any, store: dict, *, refresh_date: datetime, session: requests.Session) -> dict[str, Any]:
    """The `refreshstore` hook: pull the export for [refresh_date, now] and import what maps.

    Orders ShipStation has shipped or cancelled are left as they are (a store's later status does not
    reopen them); invalid orders are left out and reported in the refresh status. Returns a summary."""
    end = state.clock.now()
    if not store.get("integrationUrl"):
        _record(state, store, "The Custom Store has no URL to Custom XML Page.", refresh_date)
        return {"error": store["lastRefreshError"]}
    try:
        pages = pull_export(store, session, refresh_date, end)
    except StoreError as exc:
        _record(state, store, str(exc), refresh_date)
        return {"error": str(exc)}
    mapping, locked = status_mapping(store), state.locked_order_keys()
    payloads, problems, unmapped = [], [], 0
    for root in pages:
        for element in xml_children(root, "Order"):
            try:
                payload = order_payload(element, mapping)
            except InvalidOrder as exc:
                problems.append(str(exc))
                continue
            if payload is None:
                unmapped += 1
            elif payload["orderKey"] not in locked:
                payloads.append(payload)
    result = state.import_orders(store["storeId"], payloads)
    problems += [str(r["errorMessage"]) for r in result["results"] if not r["success"]]
    error = f"Error importing orders: {'; '.join(problems[:5])}" if problems else None
    _record(state, store, error, refresh_date)
    return {"pages": len(pages), "imported": sum(r["success"] for r in result["results"]),
            "unmapped": unmapped, "problems": problems}


# ---------------------------------------------------------------- ship notice

def _add(parent: ET.Element, name: str, value: Any) -> None:
    ET.SubElement(parent, name).text = "" if value is None else str(value)


_RECIPIENT = (("Name", "name"), ("Company", "company"), ("Address1", "street1"), ("Address2", "street2"),
              ("City", "city"), ("State", "state"), ("PostalCode", "postalCode"), ("Country", "country"))
_NOTICE_ITEM = (("LineItemID", "lineItemKey"), ("SKU", "sku"), ("Name", "name"), ("Quantity", "quantity"))


def ship_notice_xml(order: Mapping[str, Any], shipment: Mapping[str, Any], carrier: str,
                    service: str) -> bytes:
    """The `ShipNotice` document for one label (a stored shipment record): only the items on it."""
    root = ET.Element("ShipNotice")
    ship_date: date = shipment["shipDate"]
    for name, value in (
            ("OrderNumber", order["orderNumber"]), ("OrderID", order["orderKey"]),
            ("CustomerCode", order.get("customerUsername")), ("CustomerNotes", order.get("customerNotes")),
            ("InternalNotes", order.get("internalNotes")), ("NotesToCustomer", None),
            ("NotifyCustomer", "false"), ("LabelCreateDate", store_date_text(shipment["createDate"])),
            ("ShipDate", ship_date.strftime("%m/%d/%Y")), ("Carrier", carrier), ("Service", service),
            ("TrackingNumber", shipment["trackingNumber"]),
            ("ShippingCost", f"{shipment.get('shipmentCost') or 0:.2f}")):
        _add(root, name, value)
    recipient = ET.SubElement(root, "Recipient")
    ship_to = shipment.get("shipTo") or order.get("shipTo") or {}
    for name, key in _RECIPIENT:
        _add(recipient, name, ship_to.get(key))
    items = ET.SubElement(root, "Items")
    for line in shipment.get("_items") or []:
        item = ET.SubElement(items, "Item")
        for name, key in _NOTICE_ITEM:
            _add(item, name, line.get(key))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _names(state: Any, shipment: Mapping[str, Any]) -> tuple[str, str]:
    """The carrier and service as ShipStation names them to a store (`USPS`, `USPS Priority Mail`)."""
    code, service_code = shipment.get("carrierCode") or "", shipment.get("serviceCode") or ""
    services = (state.carriers.get(code) or {}).get("services") or []
    service = next((s["name"] for s in services if s["code"] == service_code), service_code)
    return _CARRIER_NAMES.get(code.lower(), "Other"), service


def send_ship_notice(state: Any, store: Mapping[str, Any], shipment: Mapping[str, Any], *,
                     session: requests.Session, faults: FaultSet | None = None) -> None:
    """The label hook: POST one ship notice to the store. The simulator's `faults` (rules matched
    against `SHIP_NOTICE`) may send it twice, with an empty body, or not at all. Raises StoreError
    when the store refuses it."""
    with state.lock:
        order = state.order_record(shipment["orderId"])
        carrier, service = _names(state, shipment)
    rule = faults.match_webhook(SHIP_NOTICE_EVENT) if faults is not None else None
    action = rule.action if rule else None
    if action == "drop_webhook":
        return
    body = b"" if action == "empty_webhook" else ship_notice_xml(order, shipment, carrier, service)
    credentials = store.get("credentials") or {}
    params = {"action": "shipnotify", "order_number": order["orderNumber"], "carrier": carrier,
              "service": service, "tracking_number": shipment["trackingNumber"]}
    for _ in range(2 if action == "duplicate_webhook" else 1):
        try:
            response = session.post(store["integrationUrl"], params=params, data=body, timeout=TIMEOUT,
                                    headers={"Content-Type": XML},
                                    auth=(credentials.get("username", ""), credentials.get("password", "")))
        except requests.RequestException:
            raise StoreError("Unable to connect to the remote server") from None
        if not 200 <= response.status_code < 300:
            raise _http_error(response)
