"""The API 2 surface, `/{StoreUri}/Api2/{Method}`: parse the request, call the state, format the envelope."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from flask import Blueprint, Response, request
from inkship.simulators.control import current_sim
from inkship.simulators.inksoft.errors import ApiError, BadRequest, MethodNotAllowed, NotFound, Unauthorized
from inkship.simulators.inksoft.orders import PRODUCTION_STATUSES
from inkship.simulators.inksoft.params import Params, body_pairs
from inkship.simulators.inksoft.query import DateRange, SummaryQuery
from inkship.simulators.inksoft.render import (
    FORMATS,
    Reply,
    data_reply,
    error_reply,
    item_text,
    list_reply_from_texts,
    reply_from_texts,
    texts_allowed,
)
from inkship.simulators.inksoft.shipments import ShipmentRequest
from inkship.simulators.inksoft.state import InkSoftState, Principal

api = Blueprint("inksoft_api", __name__)


def current_state() -> InkSoftState:
    """The InkSoft state of the running app."""
    return cast(InkSoftState, current_sim().state)


@dataclass(frozen=True)
class Call:
    """One API call as a handler sees it."""

    state: InkSoftState
    store_uri: str
    params: Params
    fmt: str
    quirks: dict

    def principal(self) -> Principal:
        return self.state.authenticate(self.store_uri, self.params.text("ApiKey"),
                                       self.params.text("SessionToken"))

    def reply(self, data: Any, *, item_name: str = "Item") -> Reply:
        return data_reply(data, self.fmt, self.quirks, data_item_name=item_name)

    def list_reply(self, items: list, total: int, index: int, *, item_name: str) -> Reply:
        pagination = {"TotalResults": total, "IncludedResults": len(items), "Index": index}
        return data_reply(items, self.fmt, self.quirks, pagination=pagination, is_list=True,
                          data_item_name=item_name)


@dataclass(frozen=True)
class Method:
    handler: Callable[[Call], Reply]
    post_only: bool = False


def sign_in(call: Call) -> Reply:
    login = call.params.text("Username") or call.params.text("Email")
    password = call.params.text("Password")
    publisher_id = call.params.integer("PublisherId")
    if not login or not password:
        raise Unauthorized("Username (or Email) and Password are required")
    if publisher_id is None:
        raise BadRequest("PublisherId is required")
    return call.reply(call.state.sign_in(call.store_uri, login, password, publisher_id))


def _store_view(store: dict) -> dict:
    return {"StoreId": store["StoreId"], "StoreUri": store["StoreUri"], "Name": store["Name"],
            "Domain": store["Domain"], "PublisherId": store["PublisherId"],
            "CustomStatuses": list(store.get("CustomStatuses") or []),
            "ProductionStatuses": [*PRODUCTION_STATUSES, *(store.get("CustomStatuses") or [])]}


def get_stores(call: Call) -> Reply:
    stores = [_store_view(s) for s in call.state.stores_of(call.principal().publisher_id)]
    return call.list_reply(stores, len(stores), 0, item_name="Store")


def get_store_data(call: Call) -> Reply:
    call.principal()
    return call.reply(_store_view(call.state.store(call.store_uri)), item_name="Store")


def _date_range(params: Params, name: str) -> DateRange | None:
    value = params.json_value(name)
    if value is None:
        return None
    try:
        return DateRange.from_param(value)
    except (ValueError, TypeError) as exc:
        raise BadRequest(f"{name} {exc}") from None


def _strings(params: Params, *names: str) -> tuple[str, ...] | None:
    values = params.array(*names)
    return None if values is None else tuple(str(v) for v in values)


def _summary_query(call: Call) -> SummaryQuery:
    params = call.params
    page_size = min(params.integer("MaxResults", call.state.default_page_size) or 0, call.state.max_page_size)
    direction = (params.text("OrderByDirection") or "Ascending").lower()
    if direction not in ("ascending", "descending", "asc", "desc"):
        raise BadRequest("OrderByDirection must be Ascending or Descending")
    store_ids = params.array("StoreIds")
    try:
        return SummaryQuery(
            index=params.integer("Index", 0) or 0, max_results=page_size,
            production_statuses=_strings(params, "ProductionStatuses"),
            # `PaymentSatuses` [sic] is what clients send; the fixed spelling is accepted too.
            payment_statuses=_strings(params, "PaymentSatuses", "PaymentStatuses"),
            statuses=_strings(params, "Status"),
            store_ids=None if store_ids is None else tuple(int(i) for i in store_ids),
            created=_date_range(params, "DateCreatedRange"),
            modified=_date_range(params, "DateModifiedRange"),
            order_by=params.text("OrderBy") or "ID", descending=direction.startswith("desc"),
            include_cards=params.boolean("IncludeProductionCards"))
    except ValueError as exc:
        raise BadRequest(str(exc)) from None


def get_order_summaries(call: Call) -> Reply:
    principal = call.principal()
    query = _summary_query(call)
    if texts_allowed(call.fmt, call.quirks):
        how = (call.fmt, tuple(sorted(call.quirks.items())))
        texts, total = call.state.order_summary_texts(
            principal, call.store_uri, query, render=lambda s: item_text(s, call.fmt, call.quirks), how=how)
        pagination = {"TotalResults": total, "IncludedResults": len(texts), "Index": query.index}
        return list_reply_from_texts(texts, call.fmt, call.quirks, pagination=pagination,
                                     data_item_name="OrderSummary")
    summaries, total = call.state.order_summaries(principal, call.store_uri, query)
    return call.list_reply(summaries, total, query.index, item_name="OrderSummary")


def _without_cards(order: dict, include_cards: bool) -> dict:
    return order if include_cards else {**order, "ProductionCards": None}


def get_order(call: Call) -> Reply:
    order_id = call.params.raw("OrderId")
    if order_id in (None, ""):
        raise BadRequest("OrderId is required")
    email = call.params.text("OrderEmail")
    has_credentials = call.params.text("ApiKey") or call.params.text("SessionToken")
    if email and not has_credentials:
        order = call.state.get_order_by_email(call.store_uri, order_id, email)
    else:
        order = call.state.get_order(call.principal(), order_id)
    return call.reply(_without_cards(order, call.params.boolean("IncludeProductionCards")), item_name="Order")


def get_order_package(call: Call) -> Reply:
    """The batch read. One id answers one Order object, several an array: the documented quirk."""
    principal = call.principal()
    refs = call.params.array("OrderIds", "OrderId")
    if not refs:
        raise BadRequest("OrderIds is required")
    include_cards = call.params.boolean("IncludeProductionCards", default=True)
    if texts_allowed(call.fmt, call.quirks):
        how = ("package", include_cards, call.fmt, tuple(sorted(call.quirks.items())))
        texts = call.state.order_texts(principal, refs, how=how, render=lambda o: item_text(
            _without_cards(o, include_cards), call.fmt, call.quirks))
        return reply_from_texts(texts, call.fmt, data_item_name="Order")
    orders = [_without_cards(o, include_cards) for o in call.state.get_orders(principal, refs)]
    return call.reply(orders[0] if len(orders) == 1 else orders, item_name="Order")


def _shipment_items(params: Params) -> tuple[tuple[str, int], ...] | None:
    entries = params.array("Items")
    if entries is None:
        return None
    items = []
    for entry in entries:
        fields = {str(k).lower(): v for k, v in entry.items()} if isinstance(entry, dict) else {}
        ref = fields.get("orderretailitemsizeid") or fields.get("itemguid")
        quantity = fields.get("quantity")
        if ref is None or not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise BadRequest("Items must be [{OrderRetailItemSizeId or ItemGuid, Quantity >= 1}]")
        items.append((str(ref), quantity))
    return tuple(items)


def create_order_shipments(call: Call) -> Reply:
    principal = call.principal()
    params = call.params
    shipment = ShipmentRequest(
        tracking_number=params.text("TrackingNumber") or "", tracking_url=params.text("TrackingUrl"),
        carrier_name=params.text("CarrierName"), service=params.text("ShippingServiceType"),
        shipped_date=params.datetime("ShippedDate"), items=_shipment_items(params),
        mark_completed=params.boolean("MarkOrderAsCompleted"),
        notify_customer=params.boolean("NotifyCustomer"))
    call.state.create_shipments(principal, params.array("OrderIds") or [], shipment)
    return call.reply(True)


METHODS: dict[str, Method] = {
    "signin": Method(sign_in),
    "getstores": Method(get_stores),
    "getstoredata": Method(get_store_data),
    "getordersummaries": Method(get_order_summaries),
    "getorder": Method(get_order),
    "getorderpackage": Method(get_order_package),
    "createordershipments": Method(create_order_shipments, post_only=True),
}


def _to_response(reply: Reply) -> Response:
    return Response(reply.body, status=reply.status, mimetype=reply.mimetype)


@api.route("/<store_uri>/Api2/<method>", methods=["GET", "POST"])
@api.route("/<store_uri>/api2/<method>", methods=["GET", "POST"])
def call_method(store_uri: str, method: str) -> Response:
    state = current_state()
    quirks = state.quirk_values()
    fmt = "JSON"
    try:
        body = body_pairs(request.content_type or "", request.get_data(cache=True), request.form.items())
        params = Params(request.args.items(), body)
        requested_format = params.text("Format") or "JSON"
        if requested_format.lower() not in FORMATS:
            raise BadRequest("Format must be JSON, JSONCamelCase or XML")
        fmt = FORMATS[requested_format.lower()]
        found = METHODS.get(method.lower())
        if found is None:
            raise NotFound(f"Method '{method}' was not found")
        if found.post_only and request.method != "POST":
            raise MethodNotAllowed(f"{method} must be called with POST")
        reply = found.handler(Call(state, store_uri, params, fmt, quirks))
    except ApiError as exc:
        reply = error_reply(exc.http_status, exc.status_code, exc.message, fmt, quirks)
    return _to_response(reply)
