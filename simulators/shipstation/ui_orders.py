"""The ShipStation simulator's order pages: the list (status tabs with counts, search, store filter,
sorting, paging, bulk "Create labels") and an order's detail with what a user does to one order:
a label with carrier, service, package and weight, split over packages by quantity; mark as shipped
without a label; hold until a date or restore. Every action calls the state method the API calls.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request
from inkship.simulators.shipstation.ui_support import (
    ORDER_STATUSES,
    STATUS_NAMES,
    back_to,
    carriers_with_options,
    notice,
    order_or_404,
    perform,
    state,
    succeeded,
)
from inkship.simulators.ui import UI_PREFIX

from inkship.webui import BadInput, choice, protect, whole_number

order_pages = protect(Blueprint("shipstation_orders", __name__, url_prefix=UI_PREFIX,
                                template_folder="templates"))

PAGE_SIZE = 25
# A label form offers this many package columns; more parcels are more labels of the same form.
MAX_PACKAGES = 3
SEARCH_FIELDS = {"number": "orderNumber", "customer": "customerName", "item": "itemKeyword"}
SORT_FIELDS = ("orderDate", "modifyDate", "createDate")


def _list_filters() -> dict[str, str]:
    """The API query of the list's search box and store filter (status and paging apart)."""
    query = {}
    text = (request.args.get("q") or "").strip()
    if text:
        by = choice(request.args, "by", tuple(SEARCH_FIELDS), default="number")
        query[SEARCH_FIELDS[by or "number"]] = text
    store_id = whole_number(request.args, "storeId", required=False, minimum=1)
    if store_id is not None:
        query["storeId"] = str(store_id)
    return query


@order_pages.get("/")
@order_pages.get("/orders")
def orders_page() -> str:
    filters = _list_filters()
    status = choice(request.args, "status", (*STATUS_NAMES, "all"), default="awaiting_shipment")
    sort_by = choice(request.args, "sortBy", SORT_FIELDS, default="orderDate")
    sort_dir = choice(request.args, "sortDir", ("ASC", "DESC"), default="DESC")
    page = whole_number(request.args, "page", required=False, minimum=1) or 1
    sim_state = state()
    counts = {code: sim_state.list_orders({**filters, "orderStatus": code, "pageSize": "1"})["total"]
              for code, _ in ORDER_STATUSES}
    listing = sim_state.list_orders({**filters, **({} if status == "all" else {"orderStatus": status}),
                                     "sortBy": sort_by, "sortDir": sort_dir, "page": str(page),
                                     "pageSize": str(PAGE_SIZE)})
    args = {k: v for k, v in request.args.items() if k not in ("page", "notice")}
    return render_template(
        "shipstation/orders.html", orders=listing["orders"], total=listing["total"], page=page,
        pages=max(1, listing["pages"]), status=status, statuses=ORDER_STATUSES, status_names=STATUS_NAMES,
        counts=counts, all_count=sum(counts.values()), stores=sim_state.list_stores({}), args=args,
        sort_by=sort_by, sort_dir=sort_dir, sort_fields=SORT_FIELDS, carriers=sim_state.list_carriers(),
        notice=notice())


@order_pages.post("/labels")
def create_labels_from_list() -> Response:
    order_ids = [whole_number({"orderId": v}, "orderId", minimum=1) for v in request.form.getlist("orderId")]
    if not order_ids:
        raise BadInput("Tick at least one order to create labels for.")
    spec: dict[str, Any] = {"orderIds": order_ids}
    carrier = (request.form.get("carrierCode") or "").strip()
    if carrier:
        spec["carrierCode"] = carrier
    made = perform(spec, lambda: state().create_labels(spec))
    return back_to("/orders", f"Created {len(made['shipments'])} label(s).", status="shipped")


@order_pages.get("/order")
def order_page() -> str:
    order_id = whole_number(request.args, "orderId", minimum=1)
    assert order_id is not None
    order = order_or_404(order_id)
    sim_state = state()
    shipments = sim_state.list_shipments({"orderId": str(order_id), "includeShipmentItems": "true",
                                          "pageSize": "500"})["shipments"]
    tags = {tag["tagId"]: tag["name"] for tag in sim_state.list_tags()}
    return render_template(
        "shipstation/order.html", order=order, shipments=shipments, remaining=_remaining(order, shipments),
        fulfillments=sim_state.list_fulfillments({"orderId": str(order_id)})["fulfillments"],
        carriers=carriers_with_options(), tag_names=[tags.get(t, str(t)) for t in order["tagIds"] or []],
        status_names=STATUS_NAMES, package_numbers=range(1, MAX_PACKAGES + 1),
        today=sim_state.clock.now().date().isoformat(), notice=notice())


def _remaining(order: dict, shipments: list[dict]) -> dict[int, int]:
    """orderItemId -> units not yet on a live label (adjustment lines never ship)."""
    left = {item["orderItemId"]: item["quantity"] for item in order["items"] if not item.get("adjustment")}
    for shipment in shipments:
        if not shipment["voided"]:
            for item in shipment["shipmentItems"] or []:
                if item["orderItemId"] in left:
                    left[item["orderItemId"]] -= item["quantity"]
    return left


def _packages(order: dict) -> list[list[dict[str, Any]]]:
    """The label form's quantities: per package, the (lineItemKey, quantity) of each line it carries."""
    packages = []
    for number in range(1, MAX_PACKAGES + 1):
        lines = []
        for item in order["items"]:
            if item.get("adjustment"):
                continue
            name = f"qty-{number}-{item['orderItemId']}"
            quantity = whole_number(request.form, name, required=False, minimum=0, maximum=100000) or 0
            if quantity:
                if not item.get("lineItemKey"):
                    raise BadInput(f"Line {item.get('sku') or item['orderItemId']} has no lineItemKey, "
                                   "so it cannot be split; ship the whole order in one package.")
                lines.append({"lineItemKey": item["lineItemKey"], "quantity": quantity})
        if lines:
            packages.append(lines)
    return packages


def _label_request(order: dict) -> dict[str, Any]:
    carriers = {c["code"]: c for c in carriers_with_options()}
    carrier_code = choice(request.form, "carrierCode", tuple(carriers))
    if carrier_code is None:
        raise BadInput("carrierCode is required.")
    carrier = carriers[carrier_code]
    service = choice(request.form, "serviceCode", [s["code"] for s in carrier["services"]])
    package = choice(request.form, "packageCode", [p["code"] for p in carrier["packages"]])
    spec: dict[str, Any] = {"orderIds": [order["orderId"]], "carrierCode": carrier_code}
    if service:
        spec["serviceCode"] = service
    if package:
        spec["packageCode"] = package
    ounces = whole_number(request.form, "weightOunces", required=False, minimum=1, maximum=2400)
    if ounces:
        spec["weight"] = {"value": ounces, "units": "ounces"}
    ship_date = (request.form.get("shipDate") or "").strip()
    if ship_date:
        spec["shipDate"] = ship_date
    return spec


@order_pages.post("/order/label")
def create_label() -> Response:
    order = order_or_404(whole_number(request.form, "orderId", minimum=1) or 0)
    spec = _label_request(order)
    packages = _packages(order)
    if not packages:
        raise BadInput("Put at least one unit in a package.")
    # One label per package: each is the control plane's split label, exactly as a scenario makes it.
    # Quantities are checked against what is left before the first label, so a refusal changes nothing.
    left = {item["lineItemKey"]: 0 for item in order["items"] if item.get("lineItemKey")}
    for package in packages:
        for line in package:
            left[line["lineItemKey"]] += line["quantity"]
    shipments = state().list_shipments({"orderId": str(order["orderId"]), "includeShipmentItems": "true",
                                        "pageSize": "500"})["shipments"]
    remaining = _remaining(order, shipments)
    for item in order["items"]:
        key = item.get("lineItemKey")
        if key and left.get(key, 0) > remaining.get(item["orderItemId"], 0):
            raise BadInput(f"Line {item.get('sku') or key}: {left[key]} unit(s) asked, "
                           f"{remaining.get(item['orderItemId'], 0)} left to ship.")
    made: list[dict] = []
    for package in packages:
        made += _label(spec, package)["shipments"]
    tracking = ", ".join(s["trackingNumber"] for s in made)
    return back_to("/order", f"Created {len(made)} label(s): {tracking}.", orderId=order["orderId"])


def _label(spec: dict[str, Any], package: list[dict[str, Any]]) -> dict:
    labelled = {**spec, "items": package}
    made: dict = perform(labelled, lambda: state().create_labels(labelled))
    return made


@order_pages.post("/order/mark-shipped")
def mark_shipped() -> Response:
    order_id = whole_number(request.form, "orderId", minimum=1)
    body: dict[str, Any] = {"orderId": order_id,
                            "carrierCode": (request.form.get("carrierCode") or "").strip(),
                            "notifyCustomer": request.form.get("notifyCustomer") == "on",
                            "notifySalesChannel": request.form.get("notifySalesChannel") == "on"}
    for field in ("trackingNumber", "shipDate"):
        if (value := (request.form.get(field) or "").strip()):
            body[field] = value
    perform(body, lambda: state().mark_as_shipped(body))
    return back_to("/order", "Marked as shipped.", orderId=order_id)


@order_pages.post("/order/hold")
def hold() -> Response:
    order_id = whole_number(request.form, "orderId", minimum=1)
    body = {"orderId": order_id, "holdUntilDate": (request.form.get("holdUntilDate") or "").strip()}
    result = perform(body, lambda: succeeded(state().hold_until(body)))
    return back_to("/order", result["message"], orderId=order_id)


@order_pages.post("/order/restore")
def restore() -> Response:
    order_id = whole_number(request.form, "orderId", minimum=1)
    body = {"orderId": order_id}
    result = perform(body, lambda: succeeded(state().restore_from_hold(body)))
    return back_to("/order", result["message"], orderId=order_id)
