"""The control plane shared by both simulators: `/__sim/` routes, fault hooks and the request journal.

How faults reach the client. A `before_request` hook picks the rule (`FaultSet.match`) and an
`after_request` hook applies what needs the handler's answer, then journals the request. Over real
sockets (werkzeug's server) a `drop` shuts down `environ["werkzeug.socket"]` and a `delay` really
sleeps. In process, `simulators.transport.WSGITransport` puts a dict at `environ[ENV_FAULT_SIGNALS]`
(a dict, because werkzeug copies the environ); the hooks then only note the fault there (`"drop"`,
`"delay"`) and the transport turns it into `requests.ConnectionError` or `requests.ReadTimeout`
without sleeping. Flask's bare test client cannot drop a connection: there a drop shows as the header
`X-Inkship-Sim-Fault: drop`, on an empty 503 (stage "before") or on the handler's own answer (stage
"after"). `/__sim/` requests are neither journaled nor subject to faults.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from datetime import datetime
from typing import Any, Protocol

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from inkship.simulators.clock import SimClock
from inkship.simulators.faults import FaultRule, FaultSet
from inkship.simulators.journal import Journal, JournalEntry

SIM_PREFIX = "/__sim"
EXTENSION_KEY = "inkship_sim"
ENV_FAULT_SIGNALS = "inkship.fault_signals"
# A server that can drop a request itself puts a callable here (simulators/server.py does); others give
# the socket under "werkzeug.socket", which is shut down instead.
ENV_DROP_CONNECTION = "inkship.drop_connection"
FAULT_HEADER = "X-Inkship-Sim-Fault"
# Journal status of a request whose connection was dropped before any answer was made.
DROPPED_STATUS = 0
# How many recent journal entries `/__sim/near-misses` explains when no request is named.
NEAR_MISS_RECENT = 10


class SimState(Protocol):
    """What every simulator's state offers the control plane."""

    def reset(self) -> None: ...
    def seed(self, data: dict) -> Any: ...
    def dump(self) -> dict: ...


class Simulator:
    """What one simulated API holds besides its routes: state, clock, journal, faults and a lock."""

    def __init__(self, state: SimState, clock: SimClock | None = None, journal: Journal | None = None,
                 faults: FaultSet | None = None) -> None:
        # Any: routes use their own state class's methods beyond the control-plane protocol.
        self.state: Any = state
        self.clock = clock or SimClock()
        self.journal = journal or Journal()
        self.faults = faults or FaultSet()
        self.lock = threading.RLock()

    def reset(self) -> None:
        with self.lock:
            self.state.reset()
            self.journal.clear()
            self.faults.clear()
            self.clock.reset()

    def seed(self, data: dict) -> None:
        with self.lock:
            self.state.seed(data)

    def dump(self) -> dict:
        with self.lock:
            return self.state.dump()


def current_sim() -> Any:
    """The running app's Simulator. Typed Any: each simulator reads its own subclass and state type."""
    return current_app.extensions[EXTENSION_KEY]


def _sim() -> Simulator:
    return current_sim()


def install(app: Flask, sim: Simulator) -> Simulator:
    """Attach `sim` to `app`: control routes, fault hooks, journal."""
    app.extensions[EXTENSION_KEY] = sim
    app.register_blueprint(control)
    app.before_request(_apply_fault_before_handler)
    app.after_request(_apply_fault_after_handler_and_journal)
    return sim


def _is_control(path: str) -> bool:
    # A browser asks every host for /favicon.ico: that is not API traffic, so it stays out of the journal.
    return path in (SIM_PREFIX, "/favicon.ico") or path.startswith(SIM_PREFIX + "/")


def _drop_connection() -> None:
    signals = request.environ.get(ENV_FAULT_SIGNALS)
    if signals is not None:
        signals["drop"] = True
        return
    drop = request.environ.get(ENV_DROP_CONNECTION)
    if drop is not None:
        drop()
        return
    sock = request.environ.get("werkzeug.socket")
    if sock is not None:
        # OSError: the client already went away, so the connection is dropped either way.
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _rule_body(rule: FaultRule) -> Response:
    if rule.body is None or isinstance(rule.body, str):
        response = Response(rule.body or "", mimetype="text/plain")
    else:
        response = jsonify(rule.body)
    response.status_code = rule.status or 500
    response.headers.update(rule.headers)
    return response


def _apply_fault_before_handler() -> Response | None:
    if _is_control(request.path):
        return None
    # Keep the raw body for the journal: form parsing later reads from this cache.
    request.get_data(cache=True)
    rule = _sim().faults.match(request.method, request.path)
    g.inkship_fault = rule
    if rule is None:
        return None
    if rule.action == "status":
        return _rule_body(rule)
    if rule.action == "delay":
        signals = request.environ.get(ENV_FAULT_SIGNALS)
        if signals is not None:
            signals["delay"] = rule.delay
        else:
            time.sleep(rule.delay)
    if rule.action == "drop" and rule.stage == "before":
        _drop_connection()
        g.inkship_dropped_before = True
        return Response(b"", status=503, headers={FAULT_HEADER: "drop"})
    return None


def _apply_fault_after_handler_and_journal(response: Response) -> Response:
    if _is_control(request.path):
        return response
    rule: FaultRule | None = g.get("inkship_fault")
    if rule is not None and rule.action in ("empty", "malformed"):
        data = response.get_data()
        # Half the body goes missing: a JSON or XML document cut mid-way cannot be parsed.
        response.set_data(b"" if rule.action == "empty" else data[: len(data) // 2])
        if rule.status:
            response.status_code = rule.status
        response.headers.update(rule.headers)
    elif rule is not None and rule.action == "drop" and rule.stage == "after":
        _drop_connection()
        response.headers[FAULT_HEADER] = "drop"  # only Flask's bare test client ever sees it
    sim = _sim()
    sim.journal.record(JournalEntry(
        time=sim.clock.now(), method=request.method, path=request.path,
        query={k: v[0] if len(v) == 1 else v for k, v in request.args.lists()},
        body=request.get_data(cache=True), content_type=request.content_type or "",
        status=DROPPED_STATUS if g.get("inkship_dropped_before") else response.status_code,
        fault=rule.id if rule is not None else None))
    return response


control = Blueprint("inkship_sim_control", __name__, url_prefix=SIM_PREFIX)


def _error(message: str, status: int = 400) -> tuple[Response, int]:
    return jsonify({"error": message}), status


def _json_body() -> Any:
    return request.get_json(silent=True)


def _journal_filters() -> dict:
    return {key: request.args.get(key) or None for key in ("method", "path", "path_prefix", "status")}


@control.post("/reset")
def reset_simulator() -> Response:
    _sim().reset()
    return jsonify({"reset": True})


@control.post("/seed")
def seed_simulator() -> Response | tuple[Response, int]:
    data = _json_body()
    if not isinstance(data, dict):
        return _error("the seed document must be a JSON object")
    sim = _sim()
    try:
        sim.seed(data)
    except (ValueError, KeyError, TypeError) as exc:
        return _error(f"seed refused: {exc}")
    return jsonify(sim.dump())


@control.get("/state")
def dump_state() -> Response:
    return jsonify(_sim().dump())


@control.get("/journal")
def list_journal() -> Response | tuple[Response, int]:
    try:
        found = _sim().journal.entries(**_journal_filters())
    except ValueError:
        return _error("status must be an integer")
    return jsonify({"requests": found, "count": len(found)})


@control.get("/journal/count")
def count_journal() -> Response | tuple[Response, int]:
    try:
        return jsonify({"count": _sim().journal.count(**_journal_filters())})
    except ValueError:
        return _error("status must be an integer")


@control.delete("/journal")
def clear_journal() -> Response:
    _sim().journal.clear()
    return jsonify({"cleared": True})


@control.get("/faults")
def list_faults() -> Response:
    return jsonify({"faults": _sim().faults.list()})


@control.post("/faults")
def add_faults() -> tuple[Response, int]:
    data = _json_body()
    many = isinstance(data, list)
    rules = data if many else [data]
    if not all(isinstance(rule, dict) for rule in rules):
        return _error("send one fault rule (a JSON object) or a list of them")
    try:
        # Validate every rule before adding any, so a bad list adds nothing.
        parsed = [FaultRule.from_dict(rule) for rule in rules]
        added = [_sim().faults.add(rule).to_dict() for rule in parsed]
    except (ValueError, TypeError) as exc:
        return _error(f"fault rule refused: {exc}")
    return jsonify({"faults": added} if many else added[0]), 201


@control.delete("/faults")
def clear_faults() -> Response:
    _sim().faults.clear()
    return jsonify({"cleared": True})


@control.delete("/faults/<rule_id>")
def remove_fault(rule_id: str) -> Response | tuple[Response, int]:
    try:
        _sim().faults.remove(rule_id)
    except KeyError:
        return _error(f"no fault rule {rule_id!r}", 404)
    return jsonify({"removed": rule_id})


@control.get("/near-misses")
def near_misses() -> Response:
    sim = _sim()
    if request.args.get("path"):
        asked = [(request.args.get("method") or "GET", request.args["path"])]
    else:
        recent = [e for e in sim.journal.entries() if e["fault"] is None][-NEAR_MISS_RECENT:]
        asked = [(e["method"], e["path"]) for e in recent]
    reports = [{"method": method.upper(), "path": path, "reports": sim.faults.near_misses(method, path)}
               for method, path in asked]
    return jsonify({"near_misses": [r for r in reports if r["reports"]]})


@control.route("/clock", methods=["GET", "POST"])
def clock() -> Response | tuple[Response, int]:
    sim_clock = _sim().clock
    data = _json_body() if request.method == "POST" else {}
    if not isinstance(data, dict):
        return _error("send a JSON object: {'freeze': iso-or-null}, {'advance': seconds} or {'real': true}")
    try:
        if data.get("real"):
            sim_clock.use_real()
        if "freeze" in data:
            sim_clock.freeze(datetime.fromisoformat(data["freeze"]) if data["freeze"] else None)
        if "advance" in data:
            sim_clock.advance(float(data["advance"]))
    except (TypeError, ValueError) as exc:
        return _error(f"clock change refused: {exc}")
    return jsonify(sim_clock.state())
