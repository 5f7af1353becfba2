"""What a shop does to its orders in InkSoft's admin, as operations over the state's public methods:
an order from a short form (or from a template), a new ship-to, a status move, deletion. Each one moves
DateModified (the state's update does), which is what the connector's import window reads.

Form values come in as plain text; a value the order cannot take raises ValueError with the field.
"""

from __future__ import annotations

import copy
from typing import Any

from inkship.simulators.inksoft.defaults import demo_orders
from inkship.simulators.inksoft.orders import PRODUCTION_STATUSES
from inkship.simulators.inksoft.state import InkSoftState

CANCELLED = "Cancelled"
COUNTRY_NAMES = {"US": "United States", "CA": "Canada", "GB": "United Kingdom", "AU": "Australia"}
ADDRESS_FIELDS = ("Name", "CompanyName", "Street1", "Street2", "City", "State", "PostCode", "CountryCode",
                  "Phone")
REQUIRED_ADDRESS_FIELDS = ("Name", "Street1", "City", "PostCode", "CountryCode")


def templates(state: InkSoftState) -> dict[str, dict]:
    """Ready-made orders a shop can start from, named by their first line (the demo's orders)."""
    found = {}
    for partial in demo_orders(state.credentials):
        items = partial.get("Items") or [{"ProductName": "Youth Performance Tee"}]
        found[f"{partial['FirstName']} {partial['LastName']}: {items[0].get('ProductName')}"] = partial
    return found


def address_from_form(form: Any) -> dict[str, Any]:
    """A ShippingAddress from form fields named as InkSoft names them; ValueError naming a missing one."""
    given = {name: (form.get(name) or "").strip() or None for name in ADDRESS_FIELDS}
    missing = [name for name in REQUIRED_ADDRESS_FIELDS if not given[name]]
    if missing:
        raise ValueError(f"ship-to {', '.join(missing)} required")
    code = str(given["CountryCode"]).upper()
    if len(code) != 2 or not code.isalpha():
        raise ValueError(f"ship-to CountryCode must be two letters, not {code!r}")
    first, _, last = str(given["Name"]).partition(" ")
    return {**given, "FirstName": first, "LastName": last or None, "CountryCode": code,
            "Country": COUNTRY_NAMES.get(code, code), "StateName": None}


def order_from_form(state: InkSoftState, form: Any) -> dict[str, Any]:
    """The partial order a "new order" form describes: a template, or one line typed in."""
    store_uri = (form.get("StoreUri") or "").strip()
    status = (form.get("ProductionStatus") or "").strip() or "Open"
    chosen = (form.get("template") or "").strip()
    if chosen:
        known = templates(state)
        if chosen not in known:
            raise ValueError(f"template {chosen!r} is not one of {', '.join(known)}")
        return {**copy.deepcopy(known[chosen]), "StoreUri": store_uri, "ProductionStatus": status}
    quantity_text = (form.get("Quantity") or "").strip()
    if not quantity_text.isdigit() or not 1 <= int(quantity_text) <= 10000:
        raise ValueError(f"Quantity must be a whole number from 1 to 10000, not {quantity_text!r}")
    fields = ("FirstName", "LastName", "Email", "ProductName", "ColorwayName", "Size", "PrintMethod")
    names = {name: (form.get(name) or "").strip() for name in fields}
    for required in ("FirstName", "LastName", "ProductName"):
        if not names[required]:
            raise ValueError(f"{required} required")
    line = {key: names[key] for key in ("ProductName", "ColorwayName", "Size", "PrintMethod") if names[key]}
    partial: dict[str, Any] = {
        "StoreUri": store_uri, "FirstName": names["FirstName"], "LastName": names["LastName"],
        "ProductionStatus": status, "BillingAddress": True,
        "Items": [{**line, "Quantity": int(quantity_text)}]}
    if names["Email"]:
        partial["Email"] = names["Email"]
    if form.get("has_address") == "on":
        partial["ShippingAddress"] = address_from_form(form)
    return partial


def move_to_status(state: InkSoftState, order_ref: Any, status: str) -> dict:
    """A production status of the order's store (the state checks it), or Cancelled: InkSoft's cancel,
    which is an order status rather than a production status."""
    if status.strip().lower() in ("cancelled", "canceled"):
        return state.cancel_order(order_ref)
    return state.update_order(order_ref, {"ProductionStatus": status})


def store_of(state: InkSoftState, order: dict) -> dict:
    """The store holding an order (ValueError if none does)."""
    for publisher_id in sorted(state.publishers):
        for store in state.stores_of(publisher_id):
            if store["StoreId"] == order["StoreId"]:
                return store
    raise ValueError(f"order {order['ID']} is in no known store")


def statuses_of(store: dict) -> tuple[str, ...]:
    """What an order of this store can be moved to from the order page."""
    return (*PRODUCTION_STATUSES, *(store.get("CustomStatuses") or []), CANCELLED)


def delete_order(state: InkSoftState, order_ref: Any) -> dict:
    """Delete an order as a shop admin can; returns what was deleted. NotFound for an unknown one."""
    return state.delete_order(order_ref)
