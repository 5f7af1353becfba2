"""Replay recorded exchanges against the simulators and report where their answers differ from the
recorded ones: status, shape (object, list, string, number, boolean), field names and types. Values
are not compared: a simulator invents its own ids, dates and tracking numbers.

Credentials in a recording are placeholders (masking.py); the replayer fills in the simulator's own,
signs in to InkSoft when a request needs a session, and follows ids: when the simulator answers with
another id than the recording (a new order's), later requests use the simulator's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import requests

from inkship.testing.handles import InkSoftSim, SimHandle
from inkship.testing.masking import API_KEY, API_SECRET, PASSWORD, SESSION_TOKEN

REPLAY_TIMEOUT = 30.0
_ID_KEY = re.compile(r"(id|ID|Id)$")
WRONG = "not-the-simulator-credential"


@dataclass(frozen=True)
class Difference:
    """One way the simulator's answer to exchange `index` (1-based) differs from the recorded one."""

    index: int
    request: str
    kind: str  # status | type | missing field | extra field | body
    where: str
    recorded: str
    replayed: str

    def text(self) -> str:
        place = f" at {self.where}" if self.where else ""
        return (f"#{self.index} {self.request}: {self.kind}{place}: recorded {self.recorded}, "
                f"simulator {self.replayed}")


@dataclass
class ReplayReport:
    exchanges: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def text(self) -> str:
        lines = [d.text() for d in self.differences]
        lines.append(f"{self.exchanges} exchanges replayed: "
                     + ("the simulator answered as recorded" if self.ok
                        else f"{len(self.differences)} differences"))
        return "\n".join(lines)


def kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "object"


def shape_differences(recorded: Any, replayed: Any, where: str = "") -> list[tuple[str, str, str, str]]:
    """(kind, where, recorded, replayed) for every difference of shape; null matches any type."""
    left, right = kind_of(recorded), kind_of(replayed)
    if "null" in (left, right):
        return []
    if left != right:
        return [("type", where or "the body", left, right)]
    found: list[tuple[str, str, str, str]] = []
    if isinstance(recorded, dict):
        for key in recorded.keys() - replayed.keys():
            found.append(("missing field", _join(where, key), kind_of(recorded[key]), "absent"))
        for key in replayed.keys() - recorded.keys():
            found.append(("extra field", _join(where, key), "absent", kind_of(replayed[key])))
        for key in recorded.keys() & replayed.keys():
            found += shape_differences(recorded[key], replayed[key], _join(where, key))
    elif isinstance(recorded, list):
        for left_item, right_item in zip(recorded, replayed, strict=False):
            found += shape_differences(left_item, right_item, f"{where}[]")
    return sorted(set(found), key=lambda d: (d[1], d[0]))


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else str(key)


def learn_ids(recorded: Any, replayed: Any, ids: dict[int, int], key: str = "") -> None:
    """Pair the ids of two answers of the same shape: recorded id -> the simulator's id."""
    if isinstance(recorded, dict) and isinstance(replayed, dict):
        for name in recorded.keys() & replayed.keys():
            learn_ids(recorded[name], replayed[name], ids, str(name))
    elif isinstance(recorded, list) and isinstance(replayed, list):
        for left, right in zip(recorded, replayed, strict=False):
            learn_ids(left, right, ids, key)
    elif (_ID_KEY.search(key) and isinstance(recorded, int) and isinstance(replayed, int)
          and not isinstance(recorded, bool) and recorded != replayed):
        ids.setdefault(recorded, replayed)


def _swap_ids(data: Any, ids: dict[int, int], key: str = "") -> Any:
    if isinstance(data, dict):
        return {k: _swap_ids(v, ids, str(k)) for k, v in data.items()}
    if isinstance(data, list):
        return [_swap_ids(item, ids, key) for item in data]
    if _ID_KEY.search(key):
        if isinstance(data, int) and not isinstance(data, bool):
            return ids.get(data, data)
        if isinstance(data, str) and data.isdigit():
            return str(ids.get(int(data), int(data)))
    return data


def _swap_path_ids(path: str, ids: dict[int, int]) -> str:
    return "/".join(str(ids.get(int(p), p)) if p.isdigit() else p for p in path.split("/"))


class Replayer:
    """Sends recorded requests to the simulators (through the active mocks) and compares the answers."""

    def __init__(self, handles: dict[str, SimHandle], session: requests.Session | None = None) -> None:
        self.handles = handles
        self.session = session or requests.Session()
        self.ids: dict[int, int] = {}
        self.session_token: str | None = None
        self._refused = False

    def follow_seeded_orders(self, recorded_orders: list[dict[str, Any]]) -> None:
        """Seeded ShipStation orders get the simulator's ids; map the recorded ones by orderKey."""
        handle = self.handles.get("shipstation")
        if handle is None or not recorded_orders:
            return
        current = {o["orderKey"]: o["orderId"] for o in handle.state()["orders"]}
        for order in recorded_orders:
            if order.get("orderKey") in current and isinstance(order.get("orderId"), int):
                self.ids[order["orderId"]] = current[order["orderKey"]]

    def replay(self, exchanges: list[dict[str, Any]]) -> ReplayReport:
        report = ReplayReport()
        for index, exchange in enumerate(exchanges, start=1):
            report.exchanges += 1
            report.differences += self.one(index, exchange)
        return report

    def one(self, index: int, exchange: dict[str, Any]) -> list[Difference]:
        request, recorded = exchange["request"], exchange["response"]
        api = exchange.get("api", "shipstation")
        label = f"{request['method']} {request['path']}"
        if api not in self.handles:
            return [Difference(index, label, "not replayed", "", f"a {api} answer",
                               f"no {api} simulator: add `{api}:` under given")]
        try:
            answer = self._send(api, request, refused=recorded["status"] == 401)
        except requests.RequestException as exc:  # a fault rule of the file, or a refused URL
            return [Difference(index, label, "connection", "", f"status {recorded['status']}",
                               f"{type(exc).__name__}")]
        found = []
        if answer.status_code != recorded["status"]:
            found.append(Difference(index, label, "status", "", str(recorded["status"]),
                                    str(answer.status_code)))
        replayed_body: Any = None
        if "json" in recorded:
            try:
                replayed_body = answer.json()
            except ValueError:
                found.append(Difference(index, label, "body", "", "JSON", "not JSON"))
            else:
                found += [Difference(index, label, kind, where, left, right)
                          for kind, where, left, right in shape_differences(recorded["json"], replayed_body)]
                learn_ids(recorded["json"], replayed_body, self.ids)
        signed_in = api == "inksoft" and request["path"].lower().endswith("/signin")
        if signed_in and isinstance(replayed_body, dict):
            data = replayed_body.get("Data") or {}
            self.session_token = data.get("Token") or data.get("SessionToken") or self.session_token
        return found

    # -- building the request ----------------------------------------------------------------------

    def _send(self, api: str, request: dict[str, Any], refused: bool) -> requests.Response:
        """The recorded request with the simulator's credentials (wrong ones when the API refused it)."""
        handle = self.handles[api]
        self._refused = refused
        path = _swap_path_ids(request["path"], self.ids)
        signing_in = api == "inksoft" and path.lower().endswith("/signin")
        query = self._fill(api, _swap_ids(request.get("query") or {}, self.ids), signing_in, path)
        kwargs: dict[str, Any] = {"params": query, "timeout": REPLAY_TIMEOUT, "allow_redirects": False}
        if "json" in request:
            kwargs["json"] = self._fill(api, _swap_ids(request["json"], self.ids), signing_in, path)
        elif "form" in request:
            kwargs["data"] = self._fill(api, _swap_ids(request["form"], self.ids), signing_in, path)
        elif "text" in request:
            kwargs["data"] = request["text"].encode()
        if request.get("auth") and api == "shipstation":
            kwargs["auth"] = (WRONG, WRONG) if refused else (handle.credentials.shipstation_api_key,
                                                              handle.credentials.shipstation_api_secret)
        return self.session.request(request["method"], self._url(api, path), **kwargs)

    def _url(self, api: str, path: str) -> str:
        """Where a recorded path goes: InkSoft paths start with their store, which may have its own host."""
        handle = self.handles[api]
        if isinstance(handle, InkSoftSim):
            store, _, rest = path.lstrip("/").partition("/")
            return f"{handle.store_url(store)}/{rest}"
        return handle.url + path

    def _fill(self, api: str, data: Any, signing_in: bool, path: str) -> Any:
        """Placeholders become the simulator's credentials; a SignIn uses the simulator's user."""
        if isinstance(data, list):
            return [self._fill(api, item, signing_in, path) for item in data]
        if not isinstance(data, dict):
            return data
        credentials = self.handles[api].credentials
        filled = {}
        for key, value in data.items():
            lowered = str(key).lower()
            if signing_in and lowered in ("username", "email"):
                value = credentials.inksoft_username
            elif signing_in and lowered == "publisherid":
                value = credentials.inksoft_publisher_id
            elif self._refused and value in (API_KEY, API_SECRET, PASSWORD, SESSION_TOKEN):
                value = WRONG
            elif value == API_KEY:
                value = credentials.inksoft_api_key if api == "inksoft" else credentials.shipstation_api_key
            elif value == API_SECRET:
                value = credentials.shipstation_api_secret
            elif value == PASSWORD:
                value = credentials.inksoft_password
            elif value == SESSION_TOKEN:
                value = self.session_token or self._sign_in(path)
            elif isinstance(value, dict | list):
                value = self._fill(api, value, signing_in, path)
            filled[key] = value
        return filled

    def _sign_in(self, path: str) -> str:
        """A session for requests recorded with one whose SignIn was not recorded."""
        handle = self.handles["inksoft"]
        store = path.strip("/").split("/")[0]
        credentials = handle.credentials
        url = self._url("inksoft", f"/{store}/Api2/SignIn")
        answer = self.session.post(url, timeout=REPLAY_TIMEOUT, data={
            "Username": credentials.inksoft_username, "Password": credentials.inksoft_password,
            "PublisherId": credentials.inksoft_publisher_id})
        data = answer.json().get("Data") or {}
        self.session_token = str(data.get("Token") or data.get("SessionToken") or "")
        return self.session_token


def replay_exchanges(data: dict[str, Any], handles: dict[str, SimHandle]) -> ReplayReport:
    """Replay a scenario document's `exchanges` on simulators already seeded with its `given`."""
    replayer = Replayer(handles)
    replayer.follow_seeded_orders(((data.get("given") or {}).get("shipstation") or {}).get("orders") or [])
    return replayer.replay(data.get("exchanges") or [])


def replay(fixture: Any, *, sockets: bool = False) -> ReplayReport:
    """Replay a scenario file's `exchanges` (a path or a loaded Fixture) on fresh simulators."""
    from inkship.testing.fixturefile import Fixture, load_fixture, open_simulators
    loaded = fixture if isinstance(fixture, Fixture) else load_fixture(fixture)
    with open_simulators(loaded, sockets=sockets) as handles:
        return replay_exchanges(loaded.data, handles)
