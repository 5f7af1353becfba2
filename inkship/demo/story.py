"""`inkship demo`: the whole flow on both simulators over real sockets, in a few seconds.

Seeds a print shop and its team store (two InkSoft stores, each with a ShipStation store of its own)
into the InkSoft simulator, imports both into the ShipStation simulator, creates
labels there as a user would (one split shipment), lets SHIP_NOTIFY webhooks drive the write-back
through `inkship serve`'s app, runs the polling backstop, and prints what moved where.
"""

from __future__ import annotations

import json
import secrets
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from inkship.connector.clients.inksoft import InkSoftClient
from inkship.connector.clients.shipstation import ShipStationClient
from inkship.connector.commands.serve import ensure_subscription
from inkship.connector.config import Config, load_config
from inkship.connector.engine.sync import SyncEngine
from inkship.connector.state.store import StateStore
from inkship.connector.stores import Store, configured_stores
from inkship.connector.web.app import create_app, webhook_url
from inkship.demo.data import DEMO_STATUS_MAPPING, STORE_ID, TEAM_STORE_ID, TEAM_STORE_URI, seed_document
from inkship.simulators.credentials import SimCredentials
from inkship.simulators.server import ThreadedServer

SHIPSTATION_STORE_ID = 310001  # the simulator's default manual store
TEAM_SHIPSTATION_STORE_ID = 310002  # the team store's own, for its own branding and packing slips
TEAM_SHIPSTATION_STORE_NAME = "Riverside Rovers team store"
# Carrier and service per customer, as a shipping clerk would pick them.
CARRIER_BY_CUSTOMER = {"Ortiz": ("stamps_com", "usps_priority_mail"),
                       "Whitaker": ("ups_walleted", "ups_ground"),
                       "Raman": ("fedex", "fedex_ground")}
DEFAULT_CARRIER = ("stamps_com", "usps_ground_advantage")
SPLIT_CUSTOMER = "Raman"
# How long the write-back may take to arrive through the webhook before the demo calls it a failure.
WEBHOOK_DEADLINE_SECONDS = 15.0


@dataclass
class DemoResult:
    """What the demo did, as lines for a human and a dict for --json; `problems` empty means success."""

    lines: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def demo_config_text(*, inksoft_url: str, shipstation_url: str, credentials: SimCredentials,
                     database: Path, token: str, status_token: str | None = None,
                     team_store: bool = False) -> str:
    """The demo's TOML configuration for simulators at these URLs; with `team_store`, two stores
    (`[[inksoft.stores]]`): the shop (`main`) and its team store (`team`), each into its ShipStation store."""
    sections: dict[str, dict[str, Any]] = {
        "inksoft": {"base_url": f"{inksoft_url}/{credentials.inksoft_store}",
                    "api_key": credentials.inksoft_api_key},
        "shipstation": {"base_url": shipstation_url, "api_key": credentials.shipstation_api_key,
                        "api_secret": credentials.shipstation_api_secret, "store_id": SHIPSTATION_STORE_ID,
                        "requests_per_minute": 0},  # limiter off, as in the demo's simulator
        "state": {"database": str(database)},
        "webhook": {"token": token, **({"status_token": status_token} if status_token else {})},
        "mapping.statuses": DEMO_STATUS_MAPPING,
    }
    stores: list[dict[str, Any]] = []
    if team_store:
        del sections["inksoft"]["base_url"]
        stores = [{"name": "main", "base_url": f"{inksoft_url}/{credentials.inksoft_store}",
                   "shipstation_store_id": SHIPSTATION_STORE_ID},
                  {"name": "team", "base_url": f"{inksoft_url}/{TEAM_STORE_URI}",
                   "shipstation_store_id": TEAM_SHIPSTATION_STORE_ID}]
    # JSON strings, numbers and booleans are valid TOML keys and values.
    return "".join(_toml_table(f"[{name}]", body) for name, body in sections.items()) + "".join(
        _toml_table("[[inksoft.stores]]", store) for store in stores)


def _toml_table(header: str, body: dict[str, Any]) -> str:
    return header + "\n" + "".join(f"{json.dumps(k)} = {json.dumps(v)}\n" for k, v in body.items()) + "\n"


def _simulator_apps(credentials: SimCredentials) -> tuple[Any, Any]:
    from inkship.simulators.inksoft.app import create_app as create_inksoft_app
    from inkship.simulators.shipstation.app import create_app as create_shipstation_app

    # ShipStation's 40 requests a minute would stretch `--orders 100` over minutes; the demo shows the
    # flow, and the rate limit has its own tests and scenarios.
    return (create_inksoft_app({"credentials": credentials}),
            create_shipstation_app({"credentials": credentials, "rate_limit": None}))


def _control(base_url: str, method: str, path: str, body: Any = None) -> Any:
    """A call to a simulator's control plane (/__sim/): not an API call, not journaled."""
    response = requests.request(method, f"{base_url}/__sim/{path}", json=body, timeout=30)
    response.raise_for_status()
    return response.json()


def wait_until(condition: Callable[[], bool], deadline_seconds: float, interval: float = 0.02) -> bool:
    """True as soon as `condition()` holds; False once the deadline passes."""
    deadline = time.monotonic() + deadline_seconds
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
    return True


class Demo:
    """One run of the demo; `servers` stay up until the ExitStack given to `run` closes."""

    def __init__(self, order_count: int | None = None, echo: Callable[[str], None] = print) -> None:
        self.order_count = order_count
        self.echo = echo
        self.credentials = SimCredentials.from_env()
        self.result = DemoResult()
        self.current_step = "starting"

    def step(self, text: str) -> None:
        self.current_step = text
        self.echo(f"-> {text}")

    def run(self, stack: ExitStack) -> DemoResult:
        self.start(stack)
        self.seed()
        self.subscribe()
        import_report = self.import_orders()
        labels = self.create_labels()
        self.await_writebacks(labels)
        backstop = self.backstop()
        self.summarise(import_report, labels, backstop)
        return self.result

    # --- the steps ----------------------------------------------------------------------------------

    def start(self, stack: ExitStack) -> None:
        self.step("starting the InkSoft and ShipStation simulators")
        inksoft_app, shipstation_app = _simulator_apps(self.credentials)
        self.inksoft = stack.enter_context(ThreadedServer(inksoft_app))
        self.shipstation = stack.enter_context(ThreadedServer(shipstation_app))
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="inkship-demo-")))
        self.config_path = workdir / "inkship.toml"
        self.token = secrets.token_urlsafe(24)
        self.config_path.write_text(demo_config_text(
            inksoft_url=self.inksoft.url, shipstation_url=self.shipstation.url, credentials=self.credentials,
            database=workdir / "state.sqlite3", token=self.token, status_token=secrets.token_urlsafe(24),
            team_store=True))
        # The demo's own file only: INKSHIP_* variables of the shell must not redirect it.
        self.config: Config = load_config(self.config_path, env={})
        self.stores = configured_stores(self.config)
        self.state = self.open_state()
        stack.callback(self.state.close)
        self.step("starting `inkship serve` (webhook receiver)")
        self.receiver = stack.enter_context(ThreadedServer(create_app(self.config, self.engine)))
        self.result.urls = {"inksoft": self.inksoft.url, "shipstation": self.shipstation.url,
                            "receiver": self.receiver.url, "config": str(self.config_path)}

    def open_state(self) -> StateStore:
        return StateStore(self.config.state.database, claim_seconds=self.config.state.claim_seconds)

    def engine(self, state: StateStore | None = None) -> SyncEngine:
        """A fresh engine; the receiver gets one (with its own state store) per webhook."""
        return SyncEngine(self.config, InkSoftClient(self.config.inksoft),
                          ShipStationClient(self.config.shipstation), state or self.open_state())

    def _engine_on_shared_state(self) -> SyncEngine:
        return self.engine(self.state)

    def seed(self) -> None:
        self.step("seeding the print shop into InkSoft")
        _control(self.inksoft.url, "POST", "seed",
                 seed_document(self.credentials.inksoft_store, self.credentials, self.order_count,
                               team_store=True))
        _control(self.shipstation.url, "POST", "seed", {"stores": [
            {"storeId": TEAM_SHIPSTATION_STORE_ID, "storeName": TEAM_SHIPSTATION_STORE_NAME}]})

    def subscribe(self) -> None:
        self.step("subscribing the receiver to SHIP_NOTIFY in ShipStation")
        for store in self.stores:
            ensure_subscription(ShipStationClient(self.config.shipstation),
                                webhook_url(self.receiver.url, self.token), store.shipstation_store_id)

    def import_orders(self) -> Any:
        self.step("importing InkSoft orders into ShipStation")
        report = self._engine_on_shared_state().run_import()
        if report.of("failed"):
            self.result.problems.append(f"{len(report.of('failed'))} order(s) failed to import")
        return report

    def create_labels(self) -> list[dict]:
        """Labels as a user creates them in ShipStation: one batch per carrier, one order in two parcels."""
        self.step("creating labels in ShipStation (one order split in two shipments)")
        orders = [o for o in _control(self.shipstation.url, "GET", "state")["orders"]
                  if o["orderStatus"] == "awaiting_shipment" and o.get("active", True)]
        split = [o for o in orders if _surname(o) == SPLIT_CUSTOMER][:1]
        groups: dict[tuple[str, str], list[int]] = {}
        for order in orders:
            if order not in split:
                groups.setdefault(CARRIER_BY_CUSTOMER.get(_surname(order), DEFAULT_CARRIER), []).append(
                    order["orderId"])
        requests_ = [{"orderIds": ids, "carrierCode": c, "serviceCode": s} for (c, s), ids in groups.items()]
        for order in split:
            carrier, service = CARRIER_BY_CUSTOMER[SPLIT_CUSTOMER]
            half = order["items"][: max(1, len(order["items"]) // 2)]
            requests_.append({"orderIds": [order["orderId"]], "carrierCode": carrier, "serviceCode": service,
                              "items": [{"lineItemKey": i["lineItemKey"], "quantity": i["quantity"]}
                                        for i in half]})
            requests_.append({"orderIds": [order["orderId"]], "carrierCode": carrier, "serviceCode": service})
        shipments: list[dict] = []
        for body in requests_:
            shipments += _control(self.shipstation.url, "POST", "labels", body)["shipments"]
        return shipments

    def await_writebacks(self, labels: list[dict]) -> None:
        self.step("waiting for the webhooks to write the shipments back to InkSoft")

        def all_written() -> bool:
            rows = [self.state.ledger_get(s["shipmentId"]) for s in labels]
            return all(row is not None and row.state == "written" for row in rows)

        if not wait_until(all_written, WEBHOOK_DEADLINE_SECONDS):
            self.result.problems.append("some shipments were not written back through the webhook in time")

    def backstop(self) -> Any:
        self.step("running the polling backstop (it should find nothing left to write)")
        report = self._engine_on_shared_state().run_shipback()
        if report.of("written"):
            self.result.problems.append(f"the backstop wrote {len(report.of('written'))} shipment(s) "
                                        "the webhook should have written")
        return report

    # --- the summary --------------------------------------------------------------------------------

    def summarise(self, import_report: Any, labels: list[dict], backstop: Any) -> None:
        # Counted before the summary's own control-plane reads (those are not journaled anyway).
        calls = {"InkSoft": _call_counts(self.inksoft.url), "ShipStation": _call_counts(self.shipstation.url)}
        shipstation = _control(self.shipstation.url, "GET", "state")
        writebacks = _inksoft_writebacks(_control(self.inksoft.url, "GET", "state"))
        for order in writebacks:
            order["store"] = {STORE_ID: "main", TEAM_STORE_ID: "team"}.get(order["store_id"])
        self._check_writebacks(labels, writebacks)
        names = {store.shipstation_store_id: store.name for store in self.stores}
        imported = [_imported(o, names) for o in shipstation["orders"]
                    if str(o.get("orderKey", "")).startswith("inksoft:")]
        self.result.data = {
            "ok": self.result.ok, "problems": self.result.problems,
            "stores": _store_figures(self.stores, imported, writebacks, shipstation["stores"]),
            "imported": imported,
            "skipped": [line.to_dict() for line in import_report.of("skipped")],
            "labels": [_label(s) for s in labels],
            "webhook_deliveries": len(shipstation.get("deliveries", [])),
            "writebacks": writebacks,
            "backstop": backstop.to_dict(),
            "backstop_summary": backstop.summary_lines(),
            "api_calls": calls,
        }
        self.result.lines = summary_lines(self.result.data)

    def _check_writebacks(self, labels: list[dict], writebacks: list[dict]) -> None:
        tracked = Counter(p["tracking"] for order in writebacks for p in order["packages"])
        for label in labels:
            times = tracked[label["trackingNumber"]]
            if times != 1:
                self.result.problems.append(f"tracking {label['trackingNumber']} is in InkSoft {times} times")


def _imported(order: dict, store_names: dict[int | None, str]) -> dict:
    return {"store": store_names.get((order.get("advancedOptions") or {}).get("storeId")),
            "orderNumber": order["orderNumber"], "orderKey": order["orderKey"],
            "orderStatus": order["orderStatus"], "customer": (order.get("shipTo") or {}).get("name"),
            "items": [{"name": i["name"], "quantity": i["quantity"], "options": i.get("options") or []}
                      for i in order["items"]]}


def _label(shipment: dict) -> dict:
    units = sum(item["quantity"] for item in shipment.get("shipmentItems") or [])
    return {**{k: shipment[k] for k in ("shipmentId", "orderNumber", "carrierCode", "serviceCode",
                                        "trackingNumber")}, "units": units}


def _store_figures(stores: list[Store], imported: list[dict], writebacks: list[dict],
                   shipstation_stores: list[dict]) -> list[dict]:
    """Per InkSoft store: where its orders went, how many, and how many packages came back to it."""
    ss_names = {s["storeId"]: s.get("storeName") for s in shipstation_stores}
    return [{"name": store.name, "url": store.inksoft.base_url,
             "shipstation_store": {"id": store.shipstation_store_id,
                                   "name": ss_names.get(store.shipstation_store_id)},
             "imported": sum(1 for order in imported if order["store"] == store.name),
             "packages_written_back": sum(len(order["packages"]) for order in writebacks
                                          if order["store"] == store.name)}
            for store in stores]


def summary_lines(data: dict) -> list[str]:
    """What moved where, for a human."""
    out = [""]
    out.append(f"InkSoft stores ({len(data['stores'])}), one ShipStation account:")
    out += [f"  {s['name']}: {s['url']} -> ShipStation store {s['shipstation_store']['id']} "
            f"\"{s['shipstation_store']['name']}\": {s['imported']} imported, "
            f"{s['packages_written_back']} packages written back" for s in data["stores"]]
    out.append(f"Orders imported into ShipStation ({len(data['imported'])}):")
    for order in data["imported"]:
        out.append(f"  {order['store']}  {order['orderNumber']}  {order['customer']}"
                   f"  [{order['orderStatus']}]")
        out += [f"      {item['quantity']} x {item['name']}{_options_text(item)}" for item in order["items"]]
    out.append(f"Skipped ({len(data['skipped'])}):")
    out += [f"  {line.get('store', '')}  InkSoft order {line['order_ref']}: {line.get('detail', '')}"
            for line in data["skipped"]]
    out.append(f"Labels created in ShipStation ({len(data['labels'])}):")
    out += [f"  {s['orderNumber']}  {s['carrierCode']} / {s['serviceCode']}  tracking {s['trackingNumber']}"
            f"  ({s['units']} units)" for s in data["labels"]]
    out.append(f"SHIP_NOTIFY webhooks delivered to the receiver: {data['webhook_deliveries']}")
    packages = sum(len(order["packages"]) for order in data["writebacks"])
    out.append(f"Written back to InkSoft ({packages} packages):")
    for order in data["writebacks"]:
        out.append(f"  InkSoft order {order['id']} ({order['store']}): Status {order['status']}, "
                   f"ProductionStatus {order['production_status']}")
        out += [f"      {p['carrier']} / {p['service']}  tracking {p['tracking']}: "
                + ", ".join(f"{i['quantity']} x {i['name']}" for i in p["items"]) for p in order["packages"]]
    out.append("Polling backstop: " + "; ".join(data["backstop_summary"]))
    out.append("API calls made by the connector:")
    for api, counts in data["api_calls"].items():
        detail = ", ".join(f"{n} {call}" for call, n in counts.items())
        out.append(f"  {api}: {sum(counts.values())} ({detail})")
    out.append("")
    out.append("Demo OK: every label is in InkSoft exactly once." if data["ok"]
               else "Demo FAILED: " + "; ".join(data["problems"]))
    return out


def _surname(order: dict) -> str:
    return (order.get("shipTo") or {}).get("name", "").split(" ")[-1]


def _options_text(item: dict) -> str:
    options = ", ".join(f"{o['name']}: {o['value']}" for o in item.get("options") or [])
    return f"  ({options})" if options else ""


def _inksoft_writebacks(state: dict) -> list[dict]:
    """Every InkSoft order with shipments, reduced to what the write-back set."""
    found = []
    for order in state["orders"]:
        names = {ref: item.get("FullName") for item in order.get("Items") or []
                 for ref in (item.get("OrderRetailItemSizeId"), item.get("ItemGuid")) if ref is not None}
        packages = [{"tracking": p.get("TrackingNumber"), "carrier": p.get("CarrierName"),
                     "service": p.get("ShippingServiceType"),
                     "items": [{"quantity": i.get("Quantity"),
                                "name": names.get(i.get("OrderRetailItemSizeId") or i.get("ItemGuid"))}
                               for i in p.get("Items") or []]}
                    for shipment in order.get("Shipments") or [] for p in shipment.get("Packages") or []]
        if packages:
            found.append({"id": order["ID"], "store_id": order["StoreId"], "status": order["Status"],
                          "production_status": order["ProductionStatus"], "packages": packages})
    return found


def _call_counts(base_url: str) -> dict[str, int]:
    """API calls in the simulator's journal, by method and path (the store part of InkSoft paths dropped)."""
    entries = _control(base_url, "GET", "journal")["requests"]
    return dict(Counter(f"{e['method']} {_path_label(e['path'])}" for e in entries))


def _path_label(path: str) -> str:
    return path.split("/Api2/", 1)[1] if "/Api2/" in path else path


@contextmanager
def demo_session(demo: Demo) -> Iterator[DemoResult]:
    """Run the demo; the simulators and the receiver stay up until the block ends."""
    with ExitStack() as stack:
        yield demo.run(stack)
