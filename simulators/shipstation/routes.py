"""The ShipStation API v1 blueprint: Basic auth, the rate limit, and thin routes over `ShipStationState`.

Errors come back in ASP.NET Web API shapes: 400 `{"Message","ModelState"}`, 404 `{"Message"}`, 500
`{"Message","ExceptionMessage","ExceptionType","StackTrace"}`.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import importlib
import json
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from inkship.simulators.control import current_sim
from inkship.simulators.shipstation import pacific
from inkship.simulators.shipstation.models import (
    ModelStateError,
    NotFoundError,
    ServerFault,
    deserialise_error,
)
from inkship.simulators.shipstation.seed import CUSTOM_STORE_MARKETPLACE
from inkship.simulators.shipstation.validation import check_binding

api = Blueprint("shipstation_api", __name__)


def _state() -> Any:
    return current_sim().state


@api.before_request
def authenticate_and_count() -> Response | tuple[Response, int] | None:
    sim = current_sim()
    key = _basic_key(sim.credentials)
    if key is None:
        response = jsonify({"message": "Invalid API credentials"})
        response.headers["WWW-Authenticate"] = 'Basic realm="ShipStation"'
        return response, 401
    if sim.limiter is None:
        return None
    g.rate_limit = sim.limiter.hit(key)
    if not g.rate_limit.allowed:
        return jsonify({"message": "Too Many Requests"}), 429
    return None


def _basic_key(credentials: Any) -> str | None:
    """The API key when the Basic credentials match, compared in constant time; None otherwise."""
    scheme, _, encoded = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        key, sep, secret = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    key_ok = hmac.compare_digest(key.encode(), credentials.shipstation_api_key.encode())
    secret_ok = hmac.compare_digest(secret.encode(), credentials.shipstation_api_secret.encode())
    return key if sep and key_ok and secret_ok else None


@api.after_request
def rate_limit_headers(response: Response) -> Response:
    verdict = g.get("rate_limit")
    if verdict is not None:
        response.headers.update(verdict.headers())
    return response


@api.app_errorhandler(ModelStateError)
def model_state(error: ModelStateError) -> tuple[Response, int]:
    return jsonify({"Message": "The request is invalid.", "ModelState": error.errors}), 400


@api.app_errorhandler(NotFoundError)
def not_found(error: NotFoundError) -> tuple[Response, int]:
    return jsonify({"Message": str(error)}), 404


@api.app_errorhandler(ServerFault)
def server_fault(error: ServerFault) -> tuple[Response, int]:
    return jsonify({"Message": "An error has occurred.", "ExceptionMessage": str(error),
                    "ExceptionType": error.exception_type,
                    "StackTrace": "   at ShipStation.Api.Controllers.OrdersController.Post()"}), 500


def body(prefix: str) -> Any:
    """The JSON body; unreadable JSON is a 400 naming the parameter, like Json.NET's binder."""
    raw = request.get_data(cache=True)
    try:
        return json.loads(raw or b"null")
    except ValueError:
        raise ModelStateError({prefix: ["Unexpected character encountered while parsing value."]}) from None


def object_body(prefix: str) -> dict:
    given = body(prefix)
    if not isinstance(given, dict):
        raise deserialise_error(prefix, "object", given)
    return given


# ---------------------------------------------------------------------- orders

@api.post("/orders/createorder")
def create_order() -> Response:
    return jsonify(_state().create_order(check_binding("apiOrder", body("apiOrder"))))


@api.post("/orders/createorders")
def create_orders() -> Response:
    return jsonify(_state().create_orders(check_binding("apiOrders", body("apiOrders"))))


@api.get("/orders")
def list_orders() -> Response:
    if current_app.debug:  # jsonify indents in debug mode; the spliced answer below is compact
        return jsonify(_state().list_orders(request.args))
    listing = _state().list_orders(request.args, encode=_json_bytes)
    return _spliced(listing, "orders")


def _compact_json(value: Any) -> str:
    return current_app.json.dumps(value, separators=(",", ":"))


def _json_bytes(value: Any) -> bytes:
    return _compact_json(value).encode()


_SPLICE_MARK = "\x00inkship-fragments\x00"


def _spliced(listing: dict, collection: str) -> Response:
    """What `jsonify(listing)` answers, built from the records' JSON bytes the state keeps: encoding
    100 orders anew was most of the cost of a page. One join: the page is copied once, not per step
    (a 200 KB copy is a fresh allocation, page faults included)."""
    head, tail = _compact_json({**listing, collection: _SPLICE_MARK}).split(_compact_json(_SPLICE_MARK))
    records = listing[collection]
    pieces = [b","] * (2 * len(records) - 1)  # the records with a comma between each two
    pieces[::2] = records
    body = b"".join([head.encode(), b"[", *pieces, b"]", tail.encode(), b"\n"])
    return current_app.response_class(body, mimetype=current_app.json.mimetype)  # type: ignore[attr-defined]


@api.get("/orders/listbytag")
def list_orders_by_tag() -> Response:
    return jsonify(_state().list_orders_by_tag(request.args))


@api.get("/orders/<order_id>")
def get_order(order_id: str) -> Response:
    return jsonify(_state().get_order(order_id))


@api.delete("/orders/<order_id>")
def delete_order(order_id: str) -> Response:
    return jsonify(_state().delete_order(order_id))


@api.post("/orders/createlabelfororder")
def create_label_for_order() -> Response:
    return jsonify(_state().create_label_for_order(body("request")))


@api.post("/orders/markasshipped")
def mark_as_shipped() -> Response:
    return jsonify(_state().mark_as_shipped(object_body("request")))


@api.post("/orders/holduntil")
def hold_until() -> Response:
    return jsonify(_state().hold_until(object_body("request")))


@api.post("/orders/restorefromhold")
def restore_from_hold() -> Response:
    return jsonify(_state().restore_from_hold(object_body("request")))


@api.post("/orders/addtag")
def add_tag() -> Response:
    return jsonify(_state().change_tag(object_body("request"), add=True))


@api.post("/orders/removetag")
def remove_tag() -> Response:
    return jsonify(_state().change_tag(object_body("request"), add=False))


@api.get("/accounts/listtags")
def list_tags() -> Response:
    return jsonify(_state().list_tags())


# ---------------------------------------------------------------------- shipments, fulfillments

@api.get("/shipments")
def list_shipments() -> Response:
    return jsonify(_state().list_shipments(request.args))


@api.post("/shipments/createlabel")
def create_label() -> Response:
    return jsonify(_state().create_orderless_label(body("request")))


@api.post("/shipments/voidlabel")
def void_label() -> Response:
    return jsonify(_state().void_label(body("request")))


@api.get("/fulfillments")
def list_fulfillments() -> Response:
    return jsonify(_state().list_fulfillments(request.args))


# ---------------------------------------------------------------------- stores, carriers, warehouses

@api.get("/stores")
def list_stores() -> Response:
    return jsonify(_state().list_stores(request.args))


@api.get("/stores/<int:store_id>")
def get_store(store_id: int) -> Response:
    return jsonify(_state().get_store(store_id))


@api.post("/stores/refreshstore")
def refresh_store() -> Response:
    """Parameters in the query string (as documented) or a JSON body. A Custom Store is pulled through
    the `customstore.refresh(state, store, refresh_date=..., session=...)` hook when that module exists;
    any other store only has its refresh recorded."""
    given = {**(object_body("request") if request.get_data() else {}), **request.args.to_dict()}
    params = {k.lower(): v for k, v in given.items()}
    refresh_date = None
    if params.get("refreshdate"):
        try:
            refresh_date = pacific.parse_pacific(str(params["refreshdate"]))
        except ValueError as exc:
            raise ModelStateError({"refreshDate": [str(exc)]}) from None
    state = _state()
    for store in state.stores_to_refresh(params.get("storeid")):
        window_start = state.record_refresh(store, refresh_date)
        if store["marketplaceName"] == CUSTOM_STORE_MARKETPLACE:
            _custom_store_refresh(state, store, window_start)
    return jsonify({"success": True, "message": "A store refresh has been initiated."})


def _custom_store_refresh(state: Any, store: dict, window_start: Any) -> None:
    try:
        customstore = importlib.import_module("inkship.simulators.shipstation.customstore")
    except ModuleNotFoundError:
        return
    customstore.refresh(state, store, refresh_date=window_start, session=current_sim().dispatcher.session)


@api.get("/stores/getrefreshstatus")
def refresh_status() -> Response:
    store_id = {k.lower(): v for k, v in request.args.items()}.get("storeid")
    return jsonify(_state().refresh_status(store_id))


@api.get("/carriers")
def list_carriers() -> Response:
    return jsonify(_state().list_carriers())


@api.get("/carriers/listservices")
def list_services() -> Response:
    return jsonify(_state().carrier_options(request.args.get("carrierCode"), "services"))


@api.get("/carriers/listpackages")
def list_packages() -> Response:
    return jsonify(_state().carrier_options(request.args.get("carrierCode"), "packages"))


@api.get("/warehouses")
def list_warehouses() -> Response:
    return jsonify(_state().list_warehouses())


# ---------------------------------------------------------------------- webhooks

@api.get("/webhooks")
def list_webhooks() -> Response:
    return jsonify(_state().list_webhooks())


@api.post("/webhooks/subscribe")
def subscribe_webhook() -> tuple[Response, int]:
    return jsonify(_state().subscribe_webhook(body("request"))), 201


@api.delete("/webhooks/<hook_id>")
def unsubscribe_webhook(hook_id: str) -> Response:
    _state().unsubscribe_webhook(hook_id)
    return Response(status=200)
