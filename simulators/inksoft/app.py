"""`create_app(config)`: the InkSoft API 2 simulator as a Flask app, with the shared control plane."""

from __future__ import annotations

from flask import Flask
from inkship.simulators import control
from inkship.simulators.clock import SimClock
from inkship.simulators.credentials import SimCredentials
from inkship.simulators.inksoft.control_routes import sim_routes
from inkship.simulators.inksoft.routes import api
from inkship.simulators.inksoft.state import InkSoftState
from inkship.simulators.inksoft.ui_actions import actions
from inkship.simulators.inksoft.views import NAV, views
from inkship.simulators.ui import install_pages


def create_app(config: dict | None = None) -> Flask:
    """Config keys: `credentials` (SimCredentials; default from INKSHIP_SIM_*), `quirks` (see
    state.QUIRKS), `default_page_size` (100), `max_page_size` (500; larger MaxResults are capped),
    `seed` (a seed document applied after the defaults), `seed_demo` (add the demo orders), `clock`."""
    config = config or {}
    credentials = config.get("credentials") or SimCredentials.from_env()
    clock = config.get("clock") or SimClock()
    state = InkSoftState(clock, credentials, quirks=config.get("quirks"), seed=config.get("seed"),
                         seed_demo=bool(config.get("seed_demo")),
                         default_page_size=int(config.get("default_page_size") or 100),
                         max_page_size=int(config.get("max_page_size") or 500))
    sim = control.Simulator(state, clock=clock)
    # One lock for the whole simulator: the control plane's reset and the state's rules share it.
    sim.lock = state.lock
    app = Flask(__name__)
    control.install(app, sim)
    app.register_blueprint(sim_routes)
    install_pages(app, "InkSoft simulator", NAV)
    app.register_blueprint(views)
    app.register_blueprint(actions)
    app.register_blueprint(api)
    return app
