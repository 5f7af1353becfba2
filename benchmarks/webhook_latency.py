"""Benchmark: webhook to InkSoft write-back, over real sockets (target: p95 at most 30 ms).

Both simulators and `inkship serve`'s app (on waitress, as `inkship serve` runs it) listen on free local
ports; orders are imported, then each run labels `--webhooks` orders one by one. ShipStation's
SHIP_NOTIFY deliveries are held (a `drop_webhook` fault) and replayed to the receiver one at a time, so
each timing is exactly one webhook: POST, read the batch from ShipStation, write it to InkSoft, answer.
Baselines measured in the same run, over the same sockets: `GET /healthz` on the receiver (the floor of
any request to it) and the API calls one write-back needs, made straight (GET the batch with its
items, read the order from InkSoft, no write). Prints each run's p50/p95, the medians of the runs, and
the ratio of the webhook's median p50 to the bare API calls'.

    .venv/bin/python benchmarks/webhook_latency.py [--webhooks 40] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inkship.connector.clients.inksoft import InkSoftClient  # noqa: E402
from inkship.connector.clients.shipstation import ShipStationClient  # noqa: E402
from inkship.connector.config import Config, load_config  # noqa: E402
from inkship.connector.engine.sync import SyncEngine  # noqa: E402
from inkship.connector.state.store import StateStore  # noqa: E402
from inkship.connector.web.app import create_app, shared_engine, webhook_url  # noqa: E402
from inkship.connector.web.server import WaitressServer, server_settings  # noqa: E402
from inkship.simulators.credentials import SimCredentials  # noqa: E402
from inkship.simulators.inksoft.app import create_app as create_inksoft_app  # noqa: E402
from inkship.simulators.server import ThreadedServer  # noqa: E402
from inkship.simulators.shipstation.app import create_app as create_shipstation_app  # noqa: E402

from inkship.demo.story import demo_config_text  # noqa: E402

TOKEN = "bench-token-0123456789abcdef"  # noqa: S105 - the simulated receiver's, not a secret
TARGET_P95_MS = 30.0
ORDER = {"ProductionStatus": "Ready to Ship", "ShippingAddress": True,
         "Items": [{"Quantity": 2}, {"Quantity": 1}]}


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def engine_for(config: Config) -> SyncEngine:
    return SyncEngine(config, InkSoftClient(config.inksoft), ShipStationClient(config.shipstation),
                      StateStore(config.state.database))


class Bench:
    """The simulators, the receiver and a client session, for one whole benchmark."""

    def __init__(self, inksoft_url: str, shipstation_url: str, workdir: Path, orders: int) -> None:
        credentials = SimCredentials()
        self.inksoft_url, self.shipstation_url = inksoft_url, shipstation_url
        self.client = requests.Session()
        self.control(inksoft_url, "POST", "orders", [dict(ORDER) for _ in range(orders)])
        config_path = workdir / "inkship.toml"
        config_path.write_text(demo_config_text(inksoft_url=inksoft_url, shipstation_url=shipstation_url,
                                                credentials=credentials, database=workdir / "state.sqlite3",
                                                token=TOKEN))
        self.config = load_config(config_path, env={})
        with StateStore(self.config.state.database) as state:
            SyncEngine(self.config, InkSoftClient(self.config.inksoft),
                       ShipStationClient(self.config.shipstation), state).run_import()
        imported = self.control(shipstation_url, "GET", "state")["orders"]
        self.numbers = [order["orderNumber"] for order in imported]
        self.control(shipstation_url, "POST", "faults", {"id": "hold", "method": "*", "path": "SHIP_NOTIFY",
                                                         "action": "drop_webhook"})
        ShipStationClient(self.config.shipstation).subscribe_webhook("http://127.0.0.1:9/held", "SHIP_NOTIFY")
        self.api = (InkSoftClient(self.config.inksoft), ShipStationClient(self.config.shipstation))

    def control(self, base_url: str, method: str, path: str, body: Any = None) -> Any:
        response = self.client.request(method, f"{base_url}/__sim/{path}", json=body, timeout=60)
        response.raise_for_status()
        return response.json()

    def held_notices(self, numbers: list[str]) -> list[dict[str, Any]]:
        """Label each order (one label, one SHIP_NOTIFY each) and return the webhook payloads."""
        before = len(self.control(self.shipstation_url, "GET", "state")["deliveries"])
        for number in numbers:
            self.control(self.shipstation_url, "POST", "labels", {"orderNumbers": [number]})
        deliveries = self.control(self.shipstation_url, "GET", "state")["deliveries"][before:]
        return [delivery["payload"] for delivery in deliveries]

    def bare_calls(self, notice: dict[str, Any]) -> None:
        """What one write-back needs from the APIs, without the connector: the batch, then the order."""
        inksoft, shipstation = self.api
        [shipment] = shipstation.fetch_resource(notice["resource_url"])["shipments"]
        inksoft.get_orders([int(shipment["orderNumber"])])


def one_run(bench: Bench, receiver_url: str, numbers: list[str]) -> dict[str, list[float]]:
    notices = bench.held_notices(numbers)
    target = webhook_url(receiver_url, TOKEN)
    samples: dict[str, list[float]] = {"webhook": [], "healthz": [], "bare API calls": []}
    for notice in notices:
        samples["healthz"].append(timed(lambda: bench.client.get(f"{receiver_url}/healthz", timeout=30)))
        samples["bare API calls"].append(timed(lambda notice=notice: bench.bare_calls(notice)))

        def post(notice: dict[str, Any] = notice) -> None:
            response = bench.client.post(target, json=notice, timeout=30)
            written = response.json()["report"]["counts"].get("written")
            if response.status_code != 200 or written != 1:
                raise RuntimeError(f"webhook not written back once: {response.status_code} {response.text}")

        samples["webhook"].append(timed(post))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--webhooks", type=int, default=40, help="webhooks per run")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    credentials = SimCredentials()
    sims = {"credentials": credentials}
    with tempfile.TemporaryDirectory() as workdir, \
            ThreadedServer(create_inksoft_app(sims)) as inksoft, \
            ThreadedServer(create_shipstation_app({**sims, "rate_limit": None})) as shipstation:
        bench = Bench(inksoft.url, shipstation.url, Path(workdir), args.webhooks * (args.runs + 1))
        app = create_app(bench.config, lambda: engine_for(bench.config))
        with WaitressServer(app, **server_settings(bench.config.webhook)) as receiver:
            one_run(bench, receiver.url, bench.numbers[:args.webhooks])  # warm up, not counted
            batches = [bench.numbers[start:start + args.webhooks]
                       for start in range(args.webhooks, args.webhooks * (args.runs + 1), args.webhooks)]
            runs = [one_run(bench, receiver.url, numbers) for numbers in batches]
        shared_engine(app).close()

    print(f"{args.runs} runs of {args.webhooks} webhooks, one label each, over sockets "
          "(receiver on waitress)")
    medians: dict[str, tuple[float, float]] = {}
    for name in ("webhook", "healthz", "bare API calls"):
        p50s = [percentile(run[name], 0.5) for run in runs]
        p95s = [percentile(run[name], 0.95) for run in runs]
        medians[name] = (statistics.median(p50s), statistics.median(p95s))
        per_run = "  ".join(f"{p50:5.1f}/{p95:5.1f}" for p50, p95 in zip(p50s, p95s, strict=True))
        print(f"{name:>15}: p50/p95 per run (ms) {per_run}")
    for name, (p50, p95) in medians.items():
        print(f"{name:>15}: median p50 {p50:6.1f} ms, median p95 {p95:6.1f} ms")
    ratio = medians["webhook"][0] / medians["bare API calls"][0]
    print(f"webhook p50 / bare API calls p50: {ratio:.2f}x")
    verdict = "met" if medians["webhook"][1] <= TARGET_P95_MS else "NOT met"
    print(f"target: webhook p95 at most {TARGET_P95_MS:.0f} ms -> {verdict}")


if __name__ == "__main__":
    main()
