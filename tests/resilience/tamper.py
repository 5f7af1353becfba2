"""A WSGI middleware in front of a simulator that rewrites its JSON answers: the odd, malformed and
extreme payloads a real API may send, which the simulators themselves are too well-behaved to produce.

`Tamper(app)` serves `app`; `tamper.rewrite(path_regex, edit)` makes every answer whose path matches
go through `edit(decoded_json) -> json`. `raw(text)` puts JSON text Python cannot build (nesting
deeper than its encoder goes) where a value goes.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Edit = Callable[[Any], Any]
_RAW = "\u0001raw-{}\u0001"


@dataclass
class Rewrite:
    path: str
    edit: Edit
    times: int | None = None  # None: every time
    used: int = 0


class Tamper:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.rewrites: list[Rewrite] = []
        self._raw: dict[str, str] = {}
        self._ids = itertools.count()

    def rewrite(self, path: str, edit: Edit, times: int | None = None) -> Rewrite:
        rule = Rewrite(path, edit, times)
        self.rewrites.append(rule)
        return rule

    def clear(self) -> None:
        self.rewrites.clear()

    def raw(self, text: str) -> str:
        """A placeholder that becomes `text`, verbatim, in the JSON sent."""
        mark = _RAW.format(next(self._ids))
        self._raw[mark] = text
        return mark

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        rules = [r for r in self.rewrites
                 if re.search(r.path, path) and (r.times is None or r.used < r.times)]
        if not rules:
            return self.app(environ, start_response)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured.update(status=status, headers=headers)
            return lambda data: None

        body = b"".join(self.app(environ, capture))
        try:
            document = json.loads(body)
        except ValueError:
            return self._answer(start_response, captured, body)
        for rule in rules:
            rule.used += 1
            document = rule.edit(document)
        text = json.dumps(document)
        for mark, raw in self._raw.items():
            text = text.replace(json.dumps(mark), raw)
        return self._answer(start_response, captured, text.encode())

    @staticmethod
    def _answer(start_response: Callable[..., Any], captured: dict[str, Any], body: bytes) -> list[bytes]:
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], [*headers, ("Content-Length", str(len(body)))])
        return [body]


def in_orders(order_id: int, change: Callable[[dict[str, Any]], Any]) -> Edit:
    """An edit of InkSoft answers (GetOrder, GetOrderPackage, GetOrderSummaries) that applies `change`
    to the order (or summary) with this ID wherever it appears; `change` may return a replacement."""
    def edit(body: Any) -> Any:
        if not isinstance(body, dict):
            return body
        data = body.get("Data")
        records = data if isinstance(data, list) else [data]
        replaced = []
        for record in records:
            if isinstance(record, dict) and record.get("ID") == order_id:
                result = change(record)
                replaced.append(record if result is None else result)
            else:
                replaced.append(record)
        body["Data"] = replaced if isinstance(data, list) else replaced[0]
        return body
    return edit


def in_shipments(order_number: str, change: Callable[[dict[str, Any]], Any]) -> Edit:
    """An edit of ShipStation shipment lists applying `change` to the shipments of one order."""
    def edit(body: Any) -> Any:
        if isinstance(body, dict) and isinstance(body.get("shipments"), list):
            body["shipments"] = [
                (change(s) or s) if isinstance(s, dict) and s.get("orderNumber") == order_number else s
                for s in body["shipments"]]
        return body
    return edit


def setter(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Set a dotted path (`ShippingAddress.City`, `Items.0.Quantity`) in a record; DELETE removes it."""
    def change(record: dict[str, Any]) -> None:
        steps = path.split(".")
        target: Any = record
        for step in steps[:-1]:
            target = target[int(step)] if isinstance(target, list) else target[step]
        last = steps[-1]
        if isinstance(target, list):
            target[int(last)] = value
        elif value is DELETE:
            target.pop(last, None)
        else:
            target[last] = value
    return change


DELETE = object()


def tampered(world: Any) -> tuple[Tamper, Tamper]:
    """Put a Tamper in front of both simulators of an e2e `World` (same session, same apps)."""
    from inkship.simulators.transport import mount_app

    inksoft, shipstation = Tamper(world.inksoft_app), Tamper(world.shipstation_app)
    mount_app(world.session, world.inksoft_url, inksoft)
    mount_app(world.session, world.shipstation_url, shipstation)
    return inksoft, shipstation
