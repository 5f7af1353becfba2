"""The recording proxy behind `inkship record`: forwards every request to the real API and writes what
it saw as a test-kit scenario file, masked (masking.py), after each exchange (so Ctrl-C loses nothing).

The file (see fixturefile.py) holds `given` (the orders the API showed that the recorded calls did not
create, as seed data) and `exchanges` (each request and the answer the real API gave). Replaying it
(`inkship replay FILE`) tells where the simulator's answers differ.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
import yaml
from werkzeug.wrappers import Request, Response

from inkship.testing.masking import AUTHORIZATION, REFUSED_CREDENTIALS, Masker

FORWARD_TIMEOUT = 60.0
# Headers that describe one connection, not the message: never forwarded either way.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "host", "content-length", "content-encoding"}
# Response headers worth keeping in the file (the rate-limit ones are part of the contract).
KEPT_RESPONSE_HEADERS = {"content-type", "x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"}


def api_of(path: str) -> str:
    """Which simulated API a recorded path belongs to: InkSoft's are `/{StoreUri}/Api2/{Method}`."""
    return "inksoft" if "/api2/" in path.lower() else "shipstation"


@dataclass
class Exchange:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    status: int
    response_headers: dict[str, str]
    response_body: bytes


def _decoded(body: bytes, content_type: str) -> dict[str, Any]:
    """The body as the file keeps it: `json`, `form` (a dict) or `text`."""
    if not body:
        return {}
    text = body.decode("utf-8", "replace")
    if "json" in content_type or text.lstrip()[:1] in ("{", "["):
        try:
            return {"json": json.loads(text)}
        except ValueError:
            pass
    if "x-www-form-urlencoded" in content_type:
        return {"form": dict(parse_qsl(text, keep_blank_values=True))}
    return {"text": text}


def _basic_secrets(value: str) -> list[str]:
    scheme, _, token = value.partition(" ")
    found = [token] if token else []
    if scheme.lower() == "basic":
        try:
            user, _, password = base64.b64decode(token).decode("utf-8", "replace").partition(":")
        except (binascii.Error, ValueError):
            return found
        found += [user, password]
    return found


def _masked_body(masker: Masker, decoded: dict[str, Any]) -> dict[str, Any]:
    if "text" in decoded:
        return {"text": masker.mask_text(decoded["text"])}
    return {kind: masker.mask(value) for kind, value in decoded.items()}


def _orders_in(body: Any) -> list[dict[str, Any]]:
    """ShipStation orders in an answer: a list page (`orders`) or one order object."""
    if isinstance(body, dict) and isinstance(body.get("orders"), list):
        return [o for o in body["orders"] if isinstance(o, dict) and "orderKey" in o]
    if isinstance(body, dict) and "orderId" in body and "orderKey" in body and "orderNumber" in body:
        return [body]
    return []


def _inksoft_orders_in(body: Any, method: str) -> list[dict[str, Any]]:
    """InkSoft orders in an answer of GetOrder or GetOrderPackage (`Data`: one order or a list)."""
    if not method.lower().endswith(("/getorder", "/getorderpackage")) or not isinstance(body, dict):
        return []
    data = body.get("Data")
    found = data if isinstance(data, list) else [data]
    return [o for o in found if isinstance(o, dict) and "ID" in o]


def build_fixture(exchanges: Iterable[Exchange], masker: Masker, *, name: str, target: str,
                  extra_secrets: Iterable[str] = ()) -> dict[str, Any]:
    """The scenario document for what was recorded, masked, with seed data drawn from the answers."""
    entries: list[dict[str, Any]] = []
    created_keys: set[str] = set()
    seen_orders: dict[str, dict[str, Any]] = {}
    inksoft_orders: dict[int, dict[str, Any]] = {}
    stores: dict[str, dict[str, Any]] = {}
    for exchange in exchanges:
        request_headers = {k.lower(): v for k, v in exchange.headers.items()}
        for secret in _basic_secrets(request_headers.get("authorization", "")):
            masker.credential(AUTHORIZATION, secret)
        api = api_of(exchange.path)
        request: dict[str, Any] = {"method": exchange.method, "path": exchange.path}
        if exchange.query:
            request["query"] = masker.mask(dict(exchange.query))
        if "authorization" in request_headers:
            # Replayed with the simulator's credentials, or with wrong ones when the API refused them.
            request["auth"] = REFUSED_CREDENTIALS if exchange.status == 401 else AUTHORIZATION
        request.update(_masked_body(masker, _decoded(exchange.body, request_headers.get("content-type", ""))))
        response_type = exchange.response_headers.get("content-type", "")
        answer = _decoded(exchange.response_body, response_type)
        response: dict[str, Any] = {"status": exchange.status}
        kept = {k: v for k, v in exchange.response_headers.items() if k in KEPT_RESPONSE_HEADERS}
        if kept:
            response["headers"] = kept
        response.update(_masked_body(masker, answer))
        entries.append({"api": api, "request": request, "response": response})
        if api == "shipstation":
            sent = request.get("json")
            for order in sent if isinstance(sent, list) else [sent]:
                if isinstance(order, dict) and order.get("orderKey"):
                    created_keys.add(order["orderKey"])
            for order in _orders_in(response.get("json")):
                seen_orders.setdefault(order["orderKey"], order)
        else:
            store = stores.setdefault(exchange.path.strip("/").split("/")[0].lower(),
                                      {"StoreUri": exchange.path.strip("/").split("/")[0]})
            for order in _inksoft_orders_in(response.get("json"), exchange.path):
                inksoft_orders.setdefault(int(order["ID"]), order)
                if isinstance(order.get("StoreId"), int):  # the seeded orders find their store by id
                    store.setdefault("StoreId", order["StoreId"])
    given: dict[str, Any] = {}
    seeded = [o for key, o in seen_orders.items() if key not in created_keys]
    if any(e["api"] == "shipstation" for e in entries):
        given["shipstation"] = {"orders": seeded} if seeded else {}
    if stores:
        given["inksoft"] = {"stores": list(stores.values()), "orders": list(inksoft_orders.values())}
    document = {"name": name, "description": f"Recorded from {urlsplit(target).netloc} by inkship record.",
                "given": given, "exchanges": entries}
    for value in extra_secrets:  # credentials the user named, scrubbed even where no key betrays them
        masker.credential(AUTHORIZATION, value)
    return masker.scrub_data(document)


def write_fixture(path: Path, document: dict[str, Any]) -> None:
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


@dataclass
class RecordingProxy:
    """A WSGI app forwarding to `target` and rewriting `out` after every exchange."""

    target: str
    out: Path
    name: str = "recorded"
    session: requests.Session = field(default_factory=requests.Session)
    masker: Masker = field(default_factory=Masker)
    secrets: tuple[str, ...] = ()
    on_exchange: Callable[[Exchange], None] | None = None
    exchanges: list[Exchange] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        body = request.get_data()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        url = self.target.rstrip("/") + request.path
        try:
            answer = self.session.request(request.method, url, params=list(request.args.items(multi=True)),
                                          data=body or None, headers=headers, allow_redirects=False,
                                          timeout=FORWARD_TIMEOUT)
        except requests.RequestException as exc:
            response = Response(f"inkship record: the target could not be reached: {type(exc).__name__}",
                                status=502, mimetype="text/plain")
            return response(environ, start_response)
        exchange = Exchange(request.method, request.path, list(request.args.items(multi=True)), headers, body,
                            answer.status_code, {k.lower(): v for k, v in answer.headers.items()},
                            answer.content)
        with self._lock:
            self.exchanges.append(exchange)
            document = build_fixture(self.exchanges, self.masker, name=self.name, target=self.target,
                                     extra_secrets=self.secrets)
            write_fixture(self.out, document)
        if self.on_exchange is not None:
            self.on_exchange(exchange)
        response_headers = [(k, v) for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP]
        response = Response(answer.content, status=answer.status_code, headers=response_headers)
        return response(environ, start_response)


def serve(app: Any, host: str, port: int) -> None:
    """Serve until interrupted: on waitress when it is installed (a production-grade server), else on
    werkzeug's threaded server."""
    try:
        import waitress
    except ImportError:
        from werkzeug.serving import make_server
        make_server(host, port, app, threaded=True).serve_forever()
        return
    waitress.serve(app, host=host, port=port)
