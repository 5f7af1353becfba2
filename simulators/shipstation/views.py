"""ShipStation-only control routes (`/__sim/labels`, webhook outbox, store imports) and small HTML pages.

The pages do what a user does in the ShipStation app: tick orders and press "Create labels", look at
shipments (and void one), look at webhook subscriptions and deliveries.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from inkship.simulators.control import current_sim
from inkship.simulators.shipstation.models import ModelStateError, NotFoundError

sim_routes = Blueprint("shipstation_sim", __name__, url_prefix="/__sim", template_folder="templates")


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


# ---------------------------------------------------------------------- HTML


@sim_routes.get("/ui/")
@sim_routes.get("/ui/orders")
def orders_page() -> str:
    listing = current_sim().state.list_orders({"pageSize": "500", "sortDir": "DESC"})
    return render_template(
        "shipstation/orders.html",
        orders=listing["orders"],
        total=listing["total"],
        carriers=current_sim().state.list_carriers(),
        message=request.args.get("message"),
    )


@sim_routes.post("/ui/labels")
def create_labels_from_page() -> Any:
    order_ids = [int(i) for i in request.form.getlist("orderId")]
    try:
        made = current_sim().state.create_labels(
            {"orderIds": order_ids, "carrierCode": request.form.get("carrierCode") or None}
        )
        message = f"Created {len(made['shipments'])} label(s)."
    except (ModelStateError, NotFoundError) as exc:
        message = f"Not created: {exc}"
    return redirect(url_for("shipstation_sim.orders_page", message=message))


@sim_routes.get("/ui/shipments")
def shipments_page() -> str:
    listing = current_sim().state.list_shipments(
        {"pageSize": "500", "includeShipmentItems": "true", "sortDir": "DESC"}
    )
    return render_template("shipstation/shipments.html", shipments=listing["shipments"])


@sim_routes.post("/ui/void")
def void_from_page() -> Any:
    current_sim().state.void_label({"shipmentId": int(request.form["shipmentId"])})
    return redirect(url_for("shipstation_sim.shipments_page"))


@sim_routes.get("/ui/webhooks")
def webhooks_page() -> str:
    state = current_sim().state
    return render_template(
        "shipstation/webhooks.html",
        webhooks=state.list_webhooks()["webhooks"],
        deliveries=state.dump()["deliveries"],
    )
