"""Shared pytest fixtures."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Blueprint, Flask, Response, jsonify, request
from inkship.simulators.control import Simulator, current_sim, install
from inkship.simulators.server import ThreadedServer

from tests import route_builders
from tests.hypothesis_profiles import load_profile

load_profile()  # INKSHIP_HYPOTHESIS_PROFILE=fast|thorough|ci (see tests/hypothesis_profiles.py)
route_builders.install()  # apps of the same routes share their compiled URL builders (see the module)


def pytest_collection_finish(session: pytest.Session) -> None:
    """What is alive once collection ends (modules, the collected tests) stays alive to the end: taken
    out of the cyclic garbage collector's sight, full collections stop walking it after every few
    tests. They took a third of a worker's CPU; with this, a sixth."""
    gc.freeze()


@pytest.fixture
def threaded_server() -> Iterator[Callable[[Any], ThreadedServer]]:
    """Factory: `threaded_server(app)` serves `app` on a free port until the test ends."""
    started: list[ThreadedServer] = []

    def start(app: Any) -> ThreadedServer:
        server = ThreadedServer(app).start()
        started.append(server)
        return server

    yield start
    for server in reversed(started):
        server.stop()


class ToyState:
    """The smallest simulator state: named items, with the reset/seed/dump contract."""

    def __init__(self) -> None:
        self.items: dict[str, Any] = {}

    def reset(self) -> None:
        self.items = {}

    def seed(self, data: dict) -> None:
        if not isinstance(data.get("items", {}), dict):
            raise ValueError("items must be an object")
        self.items.update(data.get("items", {}))

    def dump(self) -> dict:
        return {"items": dict(self.items)}


def create_toy_app() -> Flask:
    """A tiny simulator on the shared control plane: echo, item creation, XML, its own /__sim/ route."""
    app = Flask("toy_simulator")
    install(app, Simulator(ToyState()))

    @app.route("/echo", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
    def echo() -> Response:
        return jsonify({
            "method": request.method, "args": request.args.to_dict(flat=False),
            "form": request.form.to_dict(), "json": request.get_json(silent=True),
            "body": request.get_data(as_text=True),
            "authorization": request.headers.get("Authorization"),
            "custom": request.headers.get("X-Custom"), "content_type": request.content_type,
            "now": current_sim().clock.now().isoformat()})

    @app.post("/items/<name>")
    def create_item(name: str) -> tuple[Response, int]:
        sim = current_sim()
        with sim.lock:
            sim.state.items[name] = request.get_json(silent=True)
        return jsonify({"created": name}), 201

    @app.get("/xml")
    def xml() -> Response:
        return Response("<Orders><Order><Id>1</Id></Order></Orders>", mimetype="application/xml")

    toy_control = Blueprint("toy_control", __name__, url_prefix="/__sim/toy")

    @toy_control.post("/items")
    def add_items() -> Response:
        current_sim().seed({"items": request.get_json()})
        return jsonify(current_sim().dump())

    app.register_blueprint(toy_control)
    return app


@pytest.fixture
def toy_app() -> Flask:
    return create_toy_app()
