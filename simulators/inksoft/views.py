"""Small HTML pages for a developer: stores, their orders, production status and shipments, quirks.

They live under `/__sim/ui/` so browsing neither lands in the request journal nor meets fault rules.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, redirect, render_template
from inkship.simulators.control import SIM_PREFIX, current_sim
from inkship.simulators.inksoft.errors import NotFound
from inkship.simulators.inksoft.routes import current_state
from inkship.simulators.inksoft.shipments import unshipped_quantities
from inkship.simulators.inksoft.state import QUIRKS
from inkship.simulators.inksoft.times import render_datetime

views = Blueprint("inksoft_views", __name__, template_folder="templates")
UI_PREFIX = SIM_PREFIX + "/ui"


@views.app_template_filter("when")
def _when(value: object) -> str:
    return render_datetime(value, "iso_z") if isinstance(value, datetime) else str(value or "")


@views.get("/")
def home() -> Response:
    return redirect(UI_PREFIX + "/")  # type: ignore[return-value]


@views.get(UI_PREFIX + "/")
def index() -> str:
    state = current_state()
    stores = []
    for publisher_id in sorted(state.publishers):
        for store in state.stores_of(publisher_id):
            stores.append({**store, "order_count": len(state.list_orders(store["StoreUri"]))})
    return render_template("inksoft/index.html", stores=stores, quirks=state.quirk_values(), docs=QUIRKS,
                           now=current_sim().clock.now())


@views.get(UI_PREFIX + "/stores/<store_uri>")
def store_orders(store_uri: str) -> str:
    try:
        store = current_state().store(store_uri)
    except NotFound:
        abort(404)
    return render_template("inksoft/store.html", store=store, orders=current_state().list_orders(store_uri))


@views.get(UI_PREFIX + "/orders/<order_ref>")
def order_detail(order_ref: str) -> str:
    try:
        order = current_state().find_order(order_ref)
    except NotFound:
        abort(404)
    return render_template("inksoft/order.html", order=order, unshipped=unshipped_quantities(order))
