"""Helpers of the ShipStation simulator's pages: running a page action through the state as the API
does (refusals become a 400 page, every action lands in the journal), and the lookups pages share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Response, redirect, request
from inkship.simulators.control import current_sim
from inkship.simulators.shipstation.models import ModelStateError, NotFoundError, ServerFault
from inkship.simulators.ui import UI_PREFIX, record_action

from inkship.webui import BadInput

ORDER_STATUSES = (("awaiting_payment", "Awaiting Payment"), ("awaiting_shipment", "Awaiting Shipment"),
                  ("pending_fulfillment", "Pending Fulfillment"), ("on_hold", "On Hold"),
                  ("shipped", "Shipped"), ("cancelled", "Cancelled"))
STATUS_NAMES = dict(ORDER_STATUSES)
NAV = (("Orders", UI_PREFIX + "/orders"), ("Shipments", UI_PREFIX + "/shipments"),
       ("Fulfillments", UI_PREFIX + "/fulfillments"), ("Webhooks", UI_PREFIX + "/webhooks"))


def state() -> Any:
    return current_sim().state


def perform(body: dict[str, Any], action: Callable[[], Any]) -> Any:
    """Run one page action; the state's refusals become a 400 with their message. Journaled either way,
    with the JSON the page gave the state."""
    try:
        result = action()
    except (ModelStateError, ServerFault) as exc:
        record_action(body, 400)
        raise BadInput(f"ShipStation refused: {exc}") from None
    except NotFoundError as exc:
        record_action(body, 404)
        raise BadInput(str(exc), 404) from None
    record_action(body, 303)
    return result


def succeeded(result: dict[str, Any], flag: str = "success") -> dict[str, Any]:
    """An answer the API gives with 200 but `success: false` (or `approved: false`) is a refusal here."""
    if not result.get(flag):
        raise ModelStateError({"request": [str(result.get("message"))]})
    return result


def back_to(path: str, notice: str, **args: Any) -> Response:
    """303 to a page, carrying a short notice of what was done."""
    query = urlencode({**{k: v for k, v in args.items() if v not in (None, "")}, "notice": notice})
    return redirect(f"{UI_PREFIX}{path}?{query}", code=303)  # type: ignore[return-value]


def notice() -> str | None:
    return (request.args.get("notice") or "")[:300] or None


def carriers_with_options() -> list[dict[str, Any]]:
    """Carriers, each with its services and packages, for the label form."""
    sim_state = state()
    return [{**carrier, "services": sim_state.carrier_options(carrier["code"], "services"),
             "packages": sim_state.carrier_options(carrier["code"], "packages")}
            for carrier in sim_state.list_carriers()]


def order_or_404(order_id: int) -> dict:
    try:
        order: dict = state().get_order(order_id)
        return order
    except NotFoundError:
        raise BadInput(f"No order with orderId {order_id}.", 404) from None
