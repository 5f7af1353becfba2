"""The InkSoft simulator's pages for a developer: stores, their orders (ship-to, status, totals, item
count, modification time), an order's detail (lines with options and previews, notes, payment, the
shipments written back), and the quirk switches. The shop's actions are in ui_actions.py.

They live under `/__sim/ui/`, so browsing neither lands in the request journal nor meets fault rules.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, redirect, render_template, request
from inkship.simulators.control import current_sim
from inkship.simulators.inksoft.errors import NotFound
from inkship.simulators.inksoft.order_admin import statuses_of, store_of, templates
from inkship.simulators.inksoft.routes import current_state
from inkship.simulators.inksoft.shipments import unshipped_quantities
from inkship.simulators.inksoft.state import QUIRKS
from inkship.simulators.inksoft.times import render_datetime
from inkship.simulators.ui import UI_PREFIX

from inkship.webui import BadInput

views = Blueprint("inksoft_views", __name__, template_folder="templates")
NAV = (("Stores", UI_PREFIX + "/"), ("New order", UI_PREFIX + "/orders/new"))


@views.app_template_filter("when")
def _when(value: object) -> str:
    return render_datetime(value, "iso_z") if isinstance(value, datetime) else str(value or "")


def notice() -> str | None:
    return (request.args.get("notice") or "")[:300] or None


def all_stores() -> list[dict]:
    state = current_state()
    return [store for publisher_id in sorted(state.publishers) for store in state.stores_of(publisher_id)]


@views.get("/")
def home() -> Response:
    return redirect(UI_PREFIX + "/")  # type: ignore[return-value]


@views.get(UI_PREFIX + "/")
def index() -> str:
    state = current_state()
    stores = [{**store, "order_count": len(state.list_orders(store["StoreUri"]))} for store in all_stores()]
    return render_template("inksoft/index.html", stores=stores, quirks=state.quirk_values(), docs=QUIRKS,
                           now=current_sim().clock.now(), notice=notice())


@views.get(UI_PREFIX + "/stores/<store_uri>")
def store_orders(store_uri: str) -> str:
    try:
        store = current_state().store(store_uri)
    except NotFound:
        raise BadInput(f"No store {store_uri!r}.", 404) from None
    statuses = statuses_of(store)[:-1]
    wanted = (request.args.get("status") or "").strip()
    if wanted and wanted not in statuses:
        raise BadInput(f"status must be one of {', '.join(statuses)}, not {wanted[:40]!r}.")
    orders = [o for o in reversed(current_state().list_orders(store_uri))
              if not wanted or o["ProductionStatus"] == wanted]
    return render_template("inksoft/store.html", store=store, orders=orders, statuses=statuses,
                           status=wanted, notice=notice())


@views.get(UI_PREFIX + "/orders/<order_ref>")
def order_detail(order_ref: str) -> str:
    try:
        order = current_state().find_order(order_ref)
    except NotFound:
        raise BadInput(f"No order {order_ref!r} (give its ID or UniqueId).", 404) from None
    item_names = {item.get("OrderRetailItemSizeId"): item.get("FullName")
                  for item in order.get("Items") or []}
    return render_template("inksoft/order.html", order=order, lines=order_lines(order), item_names=item_names,
                           unshipped=unshipped_quantities(order),
                           statuses=statuses_of(store_of(current_state(), order)), notice=notice())


@views.get(UI_PREFIX + "/orders/new")
def new_order() -> str:
    stores = all_stores()
    return render_template("inksoft/new_order.html", stores=stores, templates=templates(current_state()),
                           statuses=statuses_of(stores[0])[:-1] if stores else ())


def order_lines(order: dict) -> list[dict]:
    """Each line with what its production card says of it: product, SKU, colour, size, print method,
    art and preview images (a card lists the sizes of one product; a line is one size)."""
    cards = {}
    for card in order.get("ProductionCards") or []:
        for size in card.get("Items") or []:
            cards[size.get("OrderRetailItemSizeId")] = (card, size)
    lines = []
    for item in order.get("Items") or []:
        card, size = cards.get(item.get("OrderRetailItemSizeId"), ({}, {}))
        previews = [(p.get("SideName"), p.get("DesignOnProductUrl")) for p in item.get("SidePreviews") or []
                    if p.get("DesignOnProductUrl")]
        if not previews and card.get("PreviewUrl"):
            previews = [("Preview", card["PreviewUrl"])]
        options = [("Product", card.get("ProductName")), ("SKU", card.get("ProductSku")),
                   ("Colour", card.get("ColorwayName")), ("Size", size.get("Size")),
                   ("Print method", card.get("PrintMethod")), ("Design", (card.get("Art") or {}).get("Name"))]
        lines.append({"item": item, "options": [(k, v) for k, v in options if v], "previews": previews})
    return lines
