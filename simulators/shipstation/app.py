"""`create_app(config)`: the ShipStation API v1 simulator as a Flask app, with the shared control plane.

Config keys: `credentials` (SimCredentials; default from INKSHIP_SIM_*), `rate_limit` (per minute,
default 40; None or 0 turns it off), `webhook_session` (requests.Session for webhooks and ship notices),
`public_base_url` (base of `resource_url`s; default the request's host URL), `void_returns_to_awaiting`
(default true), `fire_order_notify_on_create` (default false), `quirks` (see state.py), `seed` (a seed
document merged at start), `clock` (a SimClock), `seed_demo` (accepted; the defaults are always there).
"""

from __future__ import annotations

from typing import Any

import requests
from flask import Flask, Response, redirect, request
from inkship.simulators.clock import SimClock
from inkship.simulators.control import Simulator, current_sim, install
from inkship.simulators.credentials import SimCredentials
from inkship.simulators.shipstation.ratelimit import RateLimiter
from inkship.simulators.shipstation.routes import api
from inkship.simulators.shipstation.state import ShipStationState
from inkship.simulators.shipstation.ui_lists import list_pages
from inkship.simulators.shipstation.ui_orders import order_pages
from inkship.simulators.shipstation.ui_support import NAV
from inkship.simulators.shipstation.views import sim_routes
from inkship.simulators.shipstation.webhooks import Dispatcher
from inkship.simulators.ui import install_pages

DEFAULT_RATE_LIMIT = 40


class ShipStationSimulator(Simulator):
    """The shared Simulator plus what ShipStation adds: credentials, a rate limiter, a webhook dispatcher."""

    def __init__(self, config: dict[str, Any]) -> None:
        clock = config.get("clock") or SimClock()
        state = ShipStationState(
            clock, void_returns_to_awaiting=config.get("void_returns_to_awaiting", True),
            fire_order_notify_on_create=config.get("fire_order_notify_on_create", False),
            quirks=config.get("quirks"))
        super().__init__(state, clock=clock)
        self.state: ShipStationState = state
        self.credentials = config.get("credentials") or SimCredentials.from_env()
        limit = config.get("rate_limit", DEFAULT_RATE_LIMIT)
        self.limiter = RateLimiter(limit, clock.now) if limit else None
        self.public_base_url = config.get("public_base_url")
        self.dispatcher = Dispatcher(state, self.faults, config.get("webhook_session") or requests.Session())

    def reset(self) -> None:
        super().reset()
        if self.limiter is not None:
            self.limiter.reset()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    config = dict(config or {})
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep ShipStation's field order
    sim = ShipStationSimulator(config)
    install(app, sim)
    app.register_blueprint(api)
    app.register_blueprint(sim_routes)
    install_pages(app, "ShipStation simulator", NAV)
    app.register_blueprint(order_pages)
    app.register_blueprint(list_pages)
    app.after_request(_dispatch_pending)
    app.add_url_rule("/", "home", lambda: redirect("/__sim/ui/orders"))
    if config.get("seed"):
        sim.seed(config["seed"])
    return app


def _dispatch_pending(response: Response) -> Response:
    """Send what the request queued (webhooks, ship notices) now that the state lock is free."""
    sim = current_sim()
    assert isinstance(sim, ShipStationSimulator)
    pending = sim.state.take_pending()
    if pending:
        sim.dispatcher.dispatch(pending, sim.public_base_url or request.host_url)
    return response
