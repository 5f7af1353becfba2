"""The InkSoft simulator's own `/__sim/` routes: add, change, cancel and delete orders; quirk switches;
sessions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from inkship.simulators.control import SIM_PREFIX
from inkship.simulators.inksoft.errors import NotFound
from inkship.simulators.inksoft.order_admin import delete_order
from inkship.simulators.inksoft.routes import current_state
from inkship.simulators.inksoft.state import QUIRKS
from inkship.simulators.inksoft.times import render_dates

sim_routes = Blueprint("inksoft_sim_routes", __name__, url_prefix=SIM_PREFIX)

_REFUSALS = (ValueError, KeyError, TypeError)


def _as_json(order: dict) -> Any:
    return render_dates(order, "iso_z")


def _error(message: str, status: int = 400) -> tuple[Response, int]:
    return jsonify({"error": message}), status


@sim_routes.post("/orders")
def add_orders() -> tuple[Response, int]:
    """Body: one partial order or a list; `?store=<StoreUri>` picks the store for those without one."""
    body = request.get_json(silent=True)
    partials: list = body if isinstance(body, list) else [body]
    if not all(isinstance(p, dict) for p in partials):
        return _error("send one partial order (a JSON object) or a list of them")
    store_uri = request.args.get("store") or None
    try:
        added = current_state().add_orders(partials, store_uri)
    except _REFUSALS as exc:
        return _error(f"order refused: {exc}")
    result = [_as_json(o) for o in added]
    return jsonify({"orders": result} if isinstance(body, list) else result[0]), 201


@sim_routes.patch("/orders/<order_ref>")
def change_order(order_ref: str) -> Response | tuple[Response, int]:
    changes = request.get_json(silent=True)
    if not isinstance(changes, dict):
        return _error("send the changes as a JSON object")
    try:
        return jsonify(_as_json(current_state().update_order(order_ref, changes)))
    except NotFound as exc:
        return _error(exc.message, 404)
    except _REFUSALS as exc:
        return _error(f"change refused: {exc}")


@sim_routes.delete("/orders/<order_ref>")
def delete(order_ref: str) -> Response | tuple[Response, int]:
    try:
        return jsonify(_as_json(delete_order(current_state(), order_ref)))
    except NotFound as exc:
        return _error(exc.message, 404)


@sim_routes.post("/orders/<order_ref>/cancel")
def cancel_order(order_ref: str) -> Response | tuple[Response, int]:
    try:
        return jsonify(_as_json(current_state().cancel_order(order_ref)))
    except NotFound as exc:
        return _error(exc.message, 404)


@sim_routes.get("/quirks")
def list_quirks() -> Response:
    return jsonify({"quirks": current_state().quirk_values(),
                    "docs": {name: {"default": q.default, "choices": list(q.choices), "doc": q.doc}
                             for name, q in QUIRKS.items()}})


@sim_routes.post("/quirks")
def set_quirks() -> Response | tuple[Response, int]:
    changes = request.get_json(silent=True)
    if not isinstance(changes, dict):
        return _error("send the quirk switches as a JSON object")
    try:
        return jsonify({"quirks": current_state().set_quirks(changes)})
    except ValueError as exc:
        return _error(str(exc))


@sim_routes.delete("/sessions")
def end_sessions() -> Response:
    """Expire every SignIn session, so a client's re-sign-in path can be tested."""
    return jsonify({"ended": current_state().end_sessions()})
