"""ShipStation-only control routes (`/__sim/labels`, webhook outbox, store imports).

The HTML pages under `/__sim/ui/` are in ui_orders.py and ui_lists.py.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from inkship.simulators.control import current_sim
from inkship.simulators.shipstation.models import ModelStateError

sim_routes = Blueprint("shipstation_sim", __name__, url_prefix="/__sim")


def _json_object() -> dict:
    given = request.get_json(silent=True)
    if not isinstance(given, dict):
        raise ModelStateError({"body": ["Send a JSON object."]})
    return given


@sim_routes.post("/labels")
def create_labels() -> Response:
    """`{"orderIds"|"orderNumbers"|"all", "carrierCode"?, "serviceCode"?, "items"?, "packages"?}`."""
    return jsonify(current_sim().state.create_labels(_json_object()))


@sim_routes.post("/labels/void")
def void_label() -> Response:
    return jsonify(current_sim().state.void_label(_json_object()))


@sim_routes.post("/stores/<int:store_id>/import")
def import_orders(store_id: int) -> Response:
    """Orders arriving from a store's channel, as a refresh imports them: one importBatch, ORDER_NOTIFY."""
    orders = _json_object().get("orders")
    if not isinstance(orders, list):
        raise ModelStateError({"orders": ['Send {"orders": [...]}.']})
    return jsonify(current_sim().state.import_orders(store_id, orders))


@sim_routes.get("/webhooks/deliveries")
def deliveries() -> Response:
    return jsonify({"deliveries": current_sim().state.dump()["deliveries"]})


@sim_routes.post("/webhooks/redeliver")
def redeliver() -> Response:
    """Send a past delivery again (a late or repeated webhook); fault rules apply again."""
    sim = current_sim()
    delivery = sim.state.delivery(_json_object().get("id"))
    sim.dispatcher.send(delivery)
    return jsonify(delivery)
