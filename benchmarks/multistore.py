"""Benchmark: ten InkSoft stores of 1,000 orders each against one store of 10,000, imported into one
ShipStation account (both simulators in process, ShipStation's rate limit off). The stores share one
ShipStation client and take turns per `createorders` batch; this shows the turns cost no extra
ShipStation call: the ten stores' import makes no more ShipStation calls than the one store's (the
baseline, measured in the same run). Prints the calls of each (and the ratio), and the median wall time
of several fresh runs with its ratio.

    .venv/bin/python benchmarks/multistore.py [--stores 10] [--orders-per-store 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inkship.connector.config import Config, InkSoftConfig, StoreConfig  # noqa: E402

from tests.e2e.conftest import CREDENTIALS, INKSOFT_HOST, SHIPSTATION_HOST, World  # noqa: E402

ORDER = {"ProductionStatus": "Ready to Ship", "ShippingAddress": True,
         "Items": [{"Quantity": 2}, {"Quantity": 1}]}
FIRST_SHIPSTATION_STORE = 320000


def store_uri(number: int) -> str:
    return f"team_store_{number:02d}"


def seeded_world(stores: int, orders_per_store: int, workdir: Path) -> tuple[World, Config]:
    """A world whose InkSoft publisher has `stores` stores (each mapped to a ShipStation store of its own)
    holding `orders_per_store` new orders each; the configuration lists them all."""
    world = World(workdir, rate_limit=None)
    world.inksoft_state.seed({"stores": [{"StoreUri": store_uri(n), "StoreId": 5000 + n}
                                         for n in range(1, stores + 1)]})
    world.sim_post(world.shipstation_url, "/__sim/seed", {"stores": [
        {"storeId": FIRST_SHIPSTATION_STORE + n, "storeName": f"Team store {n}"}
        for n in range(1, stores + 1)]})
    world.add_orders(*({**ORDER, "StoreUri": store_uri(n)}
                       for n in range(1, stores + 1) for _ in range(orders_per_store)))
    entries = tuple(StoreConfig(name=f"team{n:02d}", base_url=f"{INKSOFT_HOST}/{store_uri(n)}",
                                shipstation_store_id=FIRST_SHIPSTATION_STORE + n)
                    for n in range(1, stores + 1))
    inksoft = InkSoftConfig(api_key=CREDENTIALS.inksoft_api_key, stores=entries)
    config = dataclasses.replace(world.config, inksoft=inksoft)
    return world, config


def timed_import(stores: int, orders_per_store: int, workdir: Path) -> dict[str, float]:
    world, config = seeded_world(stores, orders_per_store, workdir)
    engine = world.engine(config=config)
    world.clear_journals()
    started = time.perf_counter()
    report = engine.run_import()
    seconds = time.perf_counter() - started
    created = report.counts["created"]
    if created != stores * orders_per_store:
        raise SystemExit(f"expected {stores * orders_per_store} orders created, found {created}")
    figures = {"seconds": seconds,
               "ShipStation calls": world.journal_count(SHIPSTATION_HOST),
               "createorders calls": world.journal_count(SHIPSTATION_HOST, method="POST",
                                                         path="/orders/createorders"),
               "InkSoft calls": world.journal_count(INKSOFT_HOST)}
    engine.close()
    world.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=10)
    parser.add_argument("--orders-per-store", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    total = args.stores * args.orders_per_store
    cases = {f"{args.stores} stores x {args.orders_per_store}": (args.stores, args.orders_per_store),
             f"1 store x {total} (baseline)": (1, total)}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in cases}
    for number in range(args.runs):
        for name, (stores, per_store) in cases.items():
            with tempfile.TemporaryDirectory() as workdir:
                runs[name].append(timed_import(stores, per_store, Path(workdir)))
            print(f"run {number + 1}, {name}: {runs[name][-1]['seconds']:.2f}s", file=sys.stderr)
    medians = {name: {key: statistics.median(run[key] for run in found) for key in found[0]}
               for name, found in runs.items()}
    print(f"import of {total} orders, median of {args.runs} runs:")
    for name, figures in medians.items():
        print(f"  {name:28} {figures['seconds']:8.2f}s  ShipStation calls {figures['ShipStation calls']:6.0f}"
              f"  (createorders {figures['createorders calls']:.0f})"
              f"  InkSoft calls {figures['InkSoft calls']:.0f}")
    several, one = medians.values()
    calls_ratio = several["ShipStation calls"] / one["ShipStation calls"]
    print(f"  ShipStation calls, stores / baseline: {calls_ratio:.3f}")
    print(f"  wall time, stores / baseline:         {several['seconds'] / one['seconds']:.3f}")
    if several["ShipStation calls"] > one["ShipStation calls"]:
        raise SystemExit("the stores made more ShipStation calls than one store of the same orders")


if __name__ == "__main__":
    main()
