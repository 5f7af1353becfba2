"""Benchmark: reconcile 10,000 imported and shipped orders under ShipStation's real 40 calls a minute.

Both simulators run in process on one simulated clock; the clients' waits (the client-side limiter,
`X-Rate-Limit-Reset`) advance that clock instead of sleeping, so the simulated minutes a reconcile
takes are what it would take against the real API. The world is built once (import, a label per
order, write-backs); then reconcile runs several times on it (it only reads) and the script prints
the median wall time, the API calls per API, the simulated minutes, and the ratio of the wall time
to a baseline measured in the same run: the bare listing calls reconcile makes, through the same
clients, without comparing anything.

    .venv/bin/python benchmarks/reconcile_10000.py [--orders 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inkship.connector.engine.sync import SyncEngine  # noqa: E402
from inkship.connector.reconcile.read import read_views  # noqa: E402
from inkship.connector.reconcile.run import reconcile  # noqa: E402

from tests.e2e.conftest import World  # noqa: E402

NEW_ORDERS = 100
ORDER = {"ProductionStatus": "Ready to Ship", "ShippingAddress": True, "Items": [{"Quantity": 2}]}


def shipped_world(orders: int, workdir: Path) -> World:
    """`orders` orders imported, labelled and written back, under the 40-a-minute limit."""
    world = World(workdir, rate_limit=40)
    world.add_orders(*(dict(ORDER) for _ in range(orders)))
    engine = world.engine()
    engine.sync()
    world.create_labels(all=True)
    world.clock.advance(300)
    report = engine.sync()
    written = engine.state.counts()["ledger"]["written"]
    if written != orders or not report.ok:
        raise SystemExit(f"setting up: expected {orders} write-backs, found {written} ({report.error})")
    world.clock.advance(3600)  # a fresh rate-limit window: reconcile's own cost is measured
    return world


def measured(world: World, work: Callable[[SyncEngine], object]) -> dict[str, float]:
    """One run of `work` on a fresh engine (a new process): wall time, simulated time, calls."""
    engine = world.engine()
    world.clock.advance(3600)  # a fresh rate-limit window for every run
    started_clock, started = world.clock.now(), time.perf_counter()
    work(engine)
    result = {"wall seconds": time.perf_counter() - started,
              "simulated minutes": (world.clock.now() - started_clock) / timedelta(minutes=1),
              "InkSoft calls": engine.inksoft.http.calls, "ShipStation calls": engine.shipstation.http.calls}
    engine.close()
    return result


def reconcile_run(engine: SyncEngine) -> None:
    report = reconcile(engine, store="benchmark")
    if report.drifted:
        raise SystemExit(f"expected no drift, found {len(report.drift)}: {report.drift[0].line()}")


def fix_run(world: World, engine: SyncEngine) -> None:
    """New InkSoft orders no pass has imported yet, then `reconcile --fix`: an import pass sends them in
    one createorders call, and a second full read checks every repair."""
    world.add_orders(*(dict(ORDER) for _ in range(NEW_ORDERS)))
    report = reconcile(engine, store="benchmark", fix=True)
    fixed = sum(1 for drift in report.drift if drift.fixed)
    if fixed != NEW_ORDERS or report.remaining:
        raise SystemExit(f"expected {NEW_ORDERS} orders imported, {fixed} fixed, "
                         f"{len(report.remaining)} left")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        started = time.perf_counter()
        world = shipped_world(args.orders, Path(workdir))
        print(f"world of {args.orders} shipped orders built in {time.perf_counter() - started:.1f}s",
              file=sys.stderr)
        runs = []
        for number in range(args.runs):
            baseline = measured(world, lambda engine: read_views(engine, None))
            run = measured(world, reconcile_run)
            run["baseline wall seconds"] = baseline["wall seconds"]
            run["reconcile / baseline ratio"] = run["wall seconds"] / baseline["wall seconds"]
            runs.append(run)
            print(f"run {number + 1}: reconcile {run['wall seconds']:.2f}s, "
                  f"baseline {baseline['wall seconds']:.2f}s", file=sys.stderr)
        fix = measured(world, lambda engine: fix_run(world, engine))
        world.close()
    print(f"reconcile of {args.orders} orders (each with a label written back), "
          f"ShipStation limited to 40 calls a minute, median of {args.runs} runs:")
    for key in runs[0]:
        median = statistics.median(run[key] for run in runs)
        print(f"  {key:28} {median:10.0f}" if key.endswith("calls") else f"  {key:28} {median:10.2f}")
    print(f"reconcile --fix with {NEW_ORDERS} new orders not yet imported (one run: the repairs, then a "
          "second full read):")
    for key, value in fix.items():
        print(f"  {key:28} {value:10.0f}" if key.endswith("calls") else f"  {key:28} {value:10.2f}")


if __name__ == "__main__":
    main()
