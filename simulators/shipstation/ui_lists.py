"""The ShipStation simulator's list pages: shipments (void a label), fulfillments, and webhook
subscriptions with their deliveries (send one again). Target URLs are shown with their tokens masked."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from inkship.simulators.control import current_sim
from inkship.simulators.shipstation.ui_support import back_to, notice, perform, state, succeeded
from inkship.simulators.ui import UI_PREFIX

from inkship.webui import choice, protect, whole_number

list_pages = protect(Blueprint("shipstation_lists", __name__, url_prefix=UI_PREFIX,
                               template_folder="templates"))

PAGE_SIZE = 50


@list_pages.get("/shipments")
def shipments_page() -> str:
    page = whole_number(request.args, "page", required=False, minimum=1) or 1
    listing = state().list_shipments({"pageSize": str(PAGE_SIZE), "page": str(page),
                                      "includeShipmentItems": "true", "sortDir": "DESC"})
    return render_template("shipstation/shipments.html", shipments=listing["shipments"],
                           total=listing["total"], page=page, pages=max(1, listing["pages"]), notice=notice())


@list_pages.post("/void")
def void_label() -> Response:
    shipment_id = whole_number(request.form, "shipmentId", minimum=1)
    body = {"shipmentId": shipment_id}
    perform(body, lambda: succeeded(state().void_label(body), "approved"))
    back = choice(request.form, "back", ("shipments", "order"), default="shipments")
    if back == "order":
        return back_to("/order", f"Voided the label of shipment {shipment_id}.",
                       orderId=whole_number(request.form, "orderId", minimum=1))
    return back_to("/shipments", f"Voided the label of shipment {shipment_id}.")


@list_pages.get("/fulfillments")
def fulfillments_page() -> str:
    page = whole_number(request.args, "page", required=False, minimum=1) or 1
    listing = state().list_fulfillments({"pageSize": str(PAGE_SIZE), "page": str(page), "sortDir": "DESC"})
    return render_template("shipstation/fulfillments.html", fulfillments=listing["fulfillments"],
                           total=listing["total"], page=page, pages=max(1, listing["pages"]))


@list_pages.get("/webhooks")
def webhooks_page() -> str:
    sim_state = state()
    return render_template("shipstation/webhooks.html", webhooks=sim_state.list_webhooks()["webhooks"],
                           deliveries=list(reversed(sim_state.dump()["deliveries"])), notice=notice())


@list_pages.post("/webhooks/redeliver")
def redeliver() -> Response:
    """A past delivery sent again, as `/__sim/webhooks/redeliver` does (fault rules apply again)."""
    delivery_id = whole_number(request.form, "deliveryId", minimum=1)
    sim = current_sim()
    delivery = perform({"id": delivery_id}, lambda: sim.state.delivery(delivery_id))
    sim.dispatcher.send(delivery)
    return back_to("/webhooks", f"Delivery {delivery_id} sent again.")
