"""Soak: a few hundred orders with labels, a real `inkship sync` process started again and again, killed
with SIGKILL at random points, while random faults are injected into both APIs. Then the passes run
until they have nothing left, and the books are checked: every InkSoft order is in ShipStation once,
every label is in InkSoft once. Not part of the test run (it takes minutes and uses the wall clock).

Both simulators run in this process on 127.0.0.1 (real sockets, real time, ShipStation's rate limit
off); the connector runs as `python -m inkship --config ... sync` subprocesses on one state file.

    .venv/bin/python benchmarks/soak.py [--orders 300] [--rounds 60] [--seed 7]

A write-back claimed by a killed process is written by the first pass after its lease (300 s, the
real one); the final phase waits for the last lease when it must, so a run takes up to ~6 minutes.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from inkship.connector.clients.shipstation import ShipStationClient
from inkship.connector.config import ShipStationConfig
from inkship.simulators.credentials import SimCredentials
from inkship.simulators.inksoft.app import create_app as create_inksoft_app
from inkship.simulators.server import ThreadedServer
from inkship.simulators.shipstation.app import create_app as create_shipstation_app

CREDENTIALS = SimCredentials()
# Where faults go: the calls a pass makes, reads and writes, on both sides.
FAULT_PATHS = ("GetOrderSummaries", "GetOrderPackage", "GetOrder$", "CreateOrderShipments",
               "/orders/createorders", "^/shipments", "^/orders$")
FAULT_ACTIONS = (
    {"action": "status", "status": 500},
    {"action": "status", "status": 503},
    {"action": "status", "status": 429, "headers": {"X-Rate-Limit-Reset": "1"}},
    {"action": "drop"},
    {"action": "malformed"},
    {"action": "empty"},
)


class Soak:
    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.rng = random.Random(args.seed)
        self.workdir = workdir
        self.inksoft = ThreadedServer(create_inksoft_app({"credentials": CREDENTIALS})).start()
        self.shipstation = ThreadedServer(create_shipstation_app(
            {"credentials": CREDENTIALS, "rate_limit": None})).start()
        self.http = requests.Session()
        self.db = workdir / "state.sqlite3"
        self.config = workdir / "inkship.toml"
        self.config.write_text(self._config_text())
        self.client = ShipStationClient(ShipStationConfig(
            base_url=self.shipstation.url, api_key=CREDENTIALS.shipstation_api_key,
            api_secret=CREDENTIALS.shipstation_api_secret, requests_per_minute=0))
        self.seeded = 0
        self.kills = 0
        self.kills_mid_write = 0  # kills that left a write-back claimed, to be settled after its lease
        self.passes = 0
        self.rules = 0

    def _config_text(self) -> str:
        return "\n".join([
            "[inksoft]", f'base_url = "{self.inksoft.url}/{CREDENTIALS.inksoft_store}"',
            f'api_key = "{CREDENTIALS.inksoft_api_key}"', "timeout = 5.0",
            "[shipstation]", f'base_url = "{self.shipstation.url}"',
            f'api_key = "{CREDENTIALS.shipstation_api_key}"',
            f'api_secret = "{CREDENTIALS.shipstation_api_secret}"',
            "requests_per_minute = 0", "timeout = 5.0",
            "[state]", f'database = "{self.db}"',
            "[sync]", "backfill_days = 1", "overlap_minutes = 10", ""])

    def stop(self) -> None:
        self.http.close()
        self.inksoft.stop()
        self.shipstation.stop()

    # -- the outside world -------------------------------------------------------------------------

    def sim(self, base: str, method: str, route: str, body: Any = None) -> Any:
        response = self.http.request(method, f"{base}{route}", json=body, timeout=30)
        response.raise_for_status()
        return response.json() if response.content else None

    def add_orders(self, count: int) -> None:
        orders = [{"ID": 50_000 + self.seeded + n, "ProductionStatus": "Ready to Ship",
                   "ShippingAddress": True,
                   "Items": [{"Quantity": self.rng.randint(1, 3)} for _ in range(self.rng.randint(1, 3))]}
                  for n in range(count)]
        self.sim(self.inksoft.url, "POST", "/__sim/seed", {"orders": orders})
        self.seeded += count

    def awaiting(self) -> list[dict[str, Any]]:
        return [o for o in self.client.iter_orders(orderStatus="awaiting_shipment")
                if str(o.get("orderKey", "")).startswith("inksoft:")]

    def buy_labels(self) -> None:
        """A user buying labels: some orders whole, some split over two parcels."""
        waiting = self.awaiting()
        chosen = self.rng.sample(waiting, k=min(len(waiting), self.rng.randint(0, 12)))
        for order in chosen:
            spec: dict[str, Any] = {"orderIds": [order["orderId"]]}
            if self.rng.random() < 0.3 and sum(i["quantity"] for i in order["items"]) > 1:
                spec["packages"] = 2
            self.sim(self.shipstation.url, "POST", "/__sim/labels", spec)

    def inject_faults(self) -> None:
        for base in (self.inksoft.url, self.shipstation.url):
            if self.rng.random() < self.args.fault_probability:
                for _ in range(self.rng.randint(1, 3)):
                    self.rules += 1
                    self.sim(base, "POST", "/__sim/faults", {
                        "id": f"soak-{self.rules}", "method": "*", "path": self.rng.choice(FAULT_PATHS),
                        "when": "probability", "probability": 0.35, "seed": self.rng.randint(1, 10**6),
                        **self.rng.choice(FAULT_ACTIONS)})

    def clear_faults(self) -> None:
        for base in (self.inksoft.url, self.shipstation.url):
            self.sim(base, "DELETE", "/__sim/faults")

    def faults_fired(self) -> int:
        return sum(1 for base in (self.inksoft.url, self.shipstation.url)
                   for entry in self.sim(base, "GET", "/__sim/journal")["requests"] if entry.get("fault"))

    # -- the connector -----------------------------------------------------------------------------

    def sync(self, kill_after: float | None) -> int | None:
        """One `inkship sync`; killed with SIGKILL after `kill_after` seconds if still running."""
        self.passes += 1
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "inkship", "--config", str(self.config), "sync"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if kill_after is not None:
            try:
                return process.wait(timeout=kill_after)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
                self.kills += 1
                self.kills_mid_write += self.claims_of(process.pid) > 0
                return None
        return process.wait(timeout=600)

    def ledger_value(self, sql: str, *args: Any) -> Any:
        """One value from the state file, read only; None before a pass has created it (a process
        killed while starting leaves no database, or one not yet migrated)."""
        if not self.db.exists():
            return None
        try:
            with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True) as conn:
                return conn.execute(sql, args).fetchone()[0]
        except sqlite3.OperationalError:
            return None

    def claims_of(self, pid: int) -> int:
        """Write-backs the process `pid` claimed and never settled (claims record `host/pid:token`)."""
        return int(self.ledger_value("SELECT COUNT(*) FROM ledger WHERE state = 'pending'"
                                     " AND claimed_by LIKE ?", f"%/{pid}:%") or 0)

    def last_lease(self) -> datetime | None:
        lease = self.ledger_value("SELECT MAX(claim_expires) FROM ledger WHERE state = 'pending'")
        return datetime.fromisoformat(lease) if lease else None

    def settle(self) -> int:
        """Passes without faults or kills until one exits 0 with nothing pending (waiting out the
        lease of a write-back a killed process had claimed)."""
        for _ in range(20):
            code = self.sync(None)
            if code == 0 and self.pending() == 0:
                return code
            lease = self.last_lease()
            if lease is not None and lease > datetime.now(UTC):
                wait = (lease - datetime.now(UTC)).total_seconds() + 1
                print(f"waiting {wait:.0f} s for the lease of a write-back claimed by a killed process",
                      flush=True)
                time.sleep(wait)
        return code if code is not None else -1

    def pending(self) -> int:
        return int(self.ledger_value("SELECT COUNT(*) FROM ledger WHERE state = 'pending'") or 0)

    # -- the books ---------------------------------------------------------------------------------

    def books(self) -> dict[str, int]:
        since = datetime.now(UTC) - timedelta(days=2)
        ours = [o for o in self.client.iter_orders() if str(o.get("orderKey", "")).startswith("inksoft:")]
        per_number = Counter(o["orderNumber"] for o in ours)
        labels = [s for s in self.client.iter_shipments(create_date_start=since)
                  if not s.get("voided") and str(s.get("orderKey", "")).startswith("inksoft:")]
        state = self.sim(self.inksoft.url, "GET", "/__sim/state")
        written = Counter(package.get("TrackingNumber") for order in state["orders"]
                          for shipment in order.get("Shipments") or []
                          for package in shipment.get("Packages") or [])
        return {
            "orders": self.seeded,
            "imported": len(per_number),
            "orders_missing": self.seeded - len(per_number),
            "orders_duplicated": sum(n - 1 for n in per_number.values() if n > 1),
            "labels": len(labels),
            "written": sum(1 for s in labels if written[s["trackingNumber"]] >= 1),
            "lost": sum(1 for s in labels if written[s["trackingNumber"]] == 0),
            "duplicated": sum(max(written[s["trackingNumber"]] - 1, 0) for s in labels),
            "pending": self.pending(),
        }

    def run(self) -> dict[str, int]:
        per_round = max(1, -(-self.args.orders // max(1, self.args.rounds * 2 // 3)))
        for number in range(self.args.rounds):
            if self.seeded < self.args.orders:
                self.add_orders(min(per_round, self.args.orders - self.seeded))
            self.buy_labels()
            self.inject_faults()
            kill = self.rng.random() < self.args.kill_probability
            self.sync(self.rng.uniform(0.2, 2.5) if kill else 120.0)
            self.clear_faults()  # faults hit the connector only, not this script's own calls
            if number % 10 == 9:
                print(f"round {number + 1}: {self.seeded} orders, {self.kills} kills", flush=True)
        # Labels for whatever is still waiting, then passes until nothing is left.
        self.settle()
        while self.awaiting():
            self.buy_labels()
        faults = self.faults_fired()
        self.settle()
        return {"kills": self.kills, "kills_mid_write": self.kills_mid_write, "faults": faults,
                "passes": self.passes, **self.books()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--kill-probability", type=float, default=0.6)
    parser.add_argument("--fault-probability", type=float, default=0.7)
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="inkship-soak-") as tmp:
        soak = Soak(args, Path(tmp))
        try:
            figures = soak.run()
        finally:
            soak.stop()
    print(f"soak: seed {args.seed}, {args.rounds} rounds, {time.monotonic() - started:.0f} s")
    print(f"kills {figures['kills']} ({figures['kills_mid_write']} holding a write-back claim)  "
          f"faults {figures['faults']}  passes {figures['passes']}")
    print(f"orders {figures['orders']}  imported {figures['imported']}  missing {figures['orders_missing']}  "
          f"duplicated {figures['orders_duplicated']}")
    print(f"labels {figures['labels']}  written {figures['written']}  lost {figures['lost']}  "
          f"duplicated {figures['duplicated']}  pending {figures['pending']}")
    bad = figures["lost"] + figures["duplicated"] + figures["pending"] + figures["orders_missing"] \
        + figures["orders_duplicated"]
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
