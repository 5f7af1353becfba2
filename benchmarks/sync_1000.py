"""Benchmark: import 1,000 InkSoft orders into ShipStation and write 1,000 labels back, against both
simulators in process (ShipStation's rate limit off). Five fresh runs; prints the median wall time of
each phase and the API calls it made.

    .venv/bin/python benchmarks/sync_1000.py [--orders 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.conftest import INKSOFT_HOST, SHIPSTATION_HOST, World  # noqa: E402


def one_run(orders: int, workdir: Path) -> dict[str, float]:
    world = World(workdir, rate_limit=None)
    world.add_orders(*({"ProductionStatus": "Ready to Ship", "ShippingAddress": True,
                        "Items": [{"Quantity": 2}, {"Quantity": 1}]} for _ in range(orders)))
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
              f"ship-back {runs[-1]['ship-back seconds']:.2f}s", file=sys.stderr)
    print(f"{args.orders} orders, median of {args.runs} runs:")
    for key in runs[0]:
        median = statistics.median(run[key] for run in runs)
        print(f"  {key:28} {median:10.2f}" if key.endswith("seconds") else f"  {key:28} {median:10.0f}")


if __name__ == "__main__":
    main()
