"""Benchmark: import 1,000 InkSoft orders into ShipStation and write 1,000 labels back, against both
simulators in process (ShipStation's rate limit off). Five fresh runs; prints the median wall time of
each phase and the API calls it made, and the import's ratio to a baseline measured in the same run:
the same InkSoft reads and ShipStation `createorders` calls made straight through the clients (no
engine, no state, mapping done outside the clock), i.e. what the simulators and HTTP alone cost.

    .venv/bin/python benchmarks/sync_1000.py [--orders 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inkship.connector.mapping.orders import MappedOrder, map_order  # noqa: E402

from tests.e2e.conftest import INKSOFT_HOST, SHIPSTATION_HOST, World  # noqa: E402

ORDER = {"ProductionStatus": "Ready to Ship", "ShippingAddress": True,
         "Items": [{"Quantity": 2}, {"Quantity": 1}]}


def seeded_world(orders: int, workdir: Path) -> World:
    world = World(workdir, rate_limit=None)
    world.add_orders(*(dict(ORDER) for _ in range(orders)))
    return world


def baseline_seconds(orders: int, workdir: Path) -> float:
    """The import's API traffic without the engine: read every order, then createorders in 100s."""
    world = seeded_world(orders, workdir)
    engine = world.engine()
    since = world.clock.now() - timedelta(days=1)
    started = time.perf_counter()
    ids = [summary["ID"] for summary in engine.inksoft.iter_order_summaries(since)]
    full = engine.inksoft.get_orders(ids)
    reads = time.perf_counter() - started
    mapped = [map_order(order, engine.status_table, engine.config.mapping, engine.config.shipstation.store_id,
                        store_domain=engine.store_domain) for order in full]
    payloads = [result.payload for result in mapped if isinstance(result, MappedOrder)]
    started = time.perf_counter()
    engine.shipstation.create_orders(payloads)
    writes = time.perf_counter() - started
    world.close()
    return reads + writes


def one_run(orders: int, workdir: Path) -> dict[str, float]:
    world = seeded_world(orders, workdir / "connector")
    engine = world.engine()
    results: dict[str, float] = {}
    phases = (("import", lambda: engine.sync()), ("labels", lambda: world.create_labels(all=True)),
              ("ship-back", lambda: engine.sync()), ("idle re-run", lambda: engine.sync()))
    for name, work in phases:
        world.clear_journals()
        started = time.perf_counter()
        work()
        results[f"{name} seconds"] = time.perf_counter() - started
        if name != "labels":
            results[f"{name} ShipStation calls"] = world.journal_count(SHIPSTATION_HOST)
            results[f"{name} InkSoft calls"] = world.journal_count(INKSOFT_HOST)
        world.clock.advance(300)
    written = engine.state.counts()["ledger"]["written"]
    if written != orders:
        raise SystemExit(f"expected {orders} write-backs, found {written}")
    world.close()
    results["baseline seconds"] = baseline_seconds(orders, workdir / "baseline")
    results["import / baseline ratio"] = results["import seconds"] / results["baseline seconds"]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = []
    for number in range(args.runs):
        with tempfile.TemporaryDirectory() as workdir:
            runs.append(one_run(args.orders, Path(workdir)))
        print(f"run {number + 1}: import {runs[-1]['import seconds']:.2f}s, "
              f"ship-back {runs[-1]['ship-back seconds']:.2f}s, "
              f"baseline {runs[-1]['baseline seconds']:.2f}s", file=sys.stderr)
    print(f"{args.orders} orders, median of {args.runs} runs:")
    for key in runs[0]:
        median = statistics.median(run[key] for run in runs)
        print(f"  {key:28} {median:10.0f}" if key.endswith("calls") else f"  {key:28} {median:10.2f}")


if __name__ == "__main__":
    main()
