"""What a shop does in InkSoft's admin, from the simulator's pages: create an order, move it between
statuses, edit its ship-to, delete it. Each goes through the state (order_admin.py) and is journaled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, redirect, request
from inkship.simulators.inksoft.errors import NotFound
from inkship.simulators.inksoft.order_admin import (
    address_from_form,
    delete_order,
    move_to_status,
    order_from_form,
    store_of,
)
from inkship.simulators.inksoft.routes import current_state
from inkship.simulators.ui import UI_PREFIX, record_action

from inkship.webui import BadInput, protect

actions = protect(Blueprint("inksoft_actions", __name__, url_prefix=UI_PREFIX))


def _perform(body: dict[str, Any], action: Callable[[], dict]) -> dict:
    try:
        result = action()
    except NotFound as exc:
        record_action(body, 404)
        raise BadInput(exc.message, 404) from None
    except (ValueError, KeyError, TypeError) as exc:
        record_action(body, 400)
        raise BadInput(f"InkSoft refused: {exc}") from None
    record_action(body, 303)
    return result


def _to(path: str, notice: str) -> Response:
    return redirect(f"{UI_PREFIX}{path}?{urlencode({'notice': notice})}", code=303)  # type: ignore[return-value]


def _order_ref() -> str:
    ref = (request.form.get("order") or "").strip()
    if not ref:
        raise BadInput("order is required.")
    return ref


@actions.post("/orders")
def create_order() -> Response:
    state = current_state()

    def create() -> dict:
        return state.add_order(order_from_form(state, request.form))

    form = {k: v for k, v in request.form.items() if k != "csrf_token"}
    order = _perform(form, create)
    return _to(f"/orders/{order['ID']}", f"Order {order['ID']} created ({order['ProductionStatus']}).")


@actions.post("/orders/status")
def change_status() -> Response:
    ref, status = _order_ref(), (request.form.get("ProductionStatus") or "").strip()
    order = _perform({"order": ref, "ProductionStatus": status},
                     lambda: move_to_status(current_state(), ref, status))
    shown = "Cancelled" if order.get("Cancelled") else order["ProductionStatus"]
    return _to(f"/orders/{order['ID']}", f"Order {order['ID']} is now {shown}.")


@actions.post("/orders/ship-to")
def change_ship_to() -> Response:
    ref = _order_ref()
    remove = request.form.get("remove_address") == "on"
    form = {k: v for k, v in request.form.items() if k != "csrf_token"}

    def change() -> dict:
        address = None if remove else address_from_form(request.form)
        return current_state().update_order(ref, {"ShippingAddress": address})

    order = _perform(form, change)
    done = "removed" if remove else "saved"
    return _to(f"/orders/{order['ID']}", f"Ship-to of order {order['ID']} {done}.")


@actions.post("/orders/delete")
def delete() -> Response:
    ref = _order_ref()
    order = _perform({"order": ref}, lambda: delete_order(current_state(), ref))
    store_uri = store_of(current_state(), order)["StoreUri"]
    return _to(f"/stores/{quote(store_uri, safe='')}", f"Order {order['ID']} deleted.")
