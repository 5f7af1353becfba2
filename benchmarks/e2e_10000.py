"""Benchmark: 10,000 orders end to end over real sockets, ShipStation's rate limit off: the connector's
first import, the user buying every label in one bulk action, then the connector's write-back.

Both simulators run on waitress in this process (127.0.0.1, port 0); each is wrapped to add up the
time spent inside it, so every phase splits into simulator time and the rest (the connector and
HTTP). The baseline, measured in the same run on a fresh pair of simulators, is the import's bare
API traffic: every summary page, every full order, and `createorders` in hundreds, with no engine.

    .venv/bin/python benchmarks/e2e_10000.py [--orders 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from inkship.connector.mapping.orders import MappedOrder, map_order  # noqa: E402
from support import World, report, seed_inksoft, socket_world  # noqa: E402

LABELS_TIMEOUT = 600


def baseline_seconds(orders: int, workdir: Path) -> float:
    with socket_world(workdir, rate_limit=None) as (world, _, _):
        seed_inksoft(world, orders)
        engine = world.engine()
        since = world.clock.now() - timedelta(days=1)
        started = time.perf_counter()
        ids = [summary["ID"] for summary in engine.inksoft.iter_order_summaries(since)]
        full = engine.inksoft.get_orders(ids)
        reads = time.perf_counter() - started
        mapped = [map_order(order, engine.status_table, engine.config.mapping,
                            engine.config.shipstation.store_id, store_domain=engine.store_domain)
                  for order in full]
        payloads = [result.payload for result in mapped if isinstance(result, MappedOrder)]
        started = time.perf_counter()
        engine.shipstation.create_orders(payloads)
        return reads + time.perf_counter() - started


def buy_every_label(world: World) -> int:
    response = world.session.post(f"{world.shipstation_url}/__sim/labels", json={"all": True},
                                  timeout=LABELS_TIMEOUT)
    response.raise_for_status()
    return len(response.json()["shipments"])


def one_run(orders: int, workdir: Path) -> dict[str, float]:
    results: dict[str, float] = {}
    with socket_world(workdir / "connector", rate_limit=None) as (world, inksoft, shipstation):
        seed_inksoft(world, orders)
        engine = world.engine()
        phases = (("import", engine.sync), ("labels", lambda: buy_every_label(world)),
                  ("write-back", engine.sync))
        for name, work in phases:
            inksoft.reset()
            shipstation.reset()
            started = time.perf_counter()
            work()
            results[f"{name} s"] = time.perf_counter() - started
            results[f"{name} in simulators s"] = inksoft.seconds + shipstation.seconds
            world.clock.advance(300)
        written = engine.state.counts()["ledger"]["written"]
        if written != orders:
            raise SystemExit(f"expected {orders} write-backs, found {written}")
    results["total s"] = sum(results[f"{name} s"] for name in ("import", "labels", "write-back"))
    results["baseline import API calls s"] = baseline_seconds(orders, workdir / "baseline")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = []
    for number in range(args.runs):
        with tempfile.TemporaryDirectory() as workdir:
            runs.append(one_run(args.orders, Path(workdir)))
        print(f"run {number + 1} done: total {runs[-1]['total s']:.1f}s", file=sys.stderr)
    report(f"{args.orders} orders over sockets, rate limit off, median of {args.runs} runs", runs,
           ratio=("import s", "baseline import API calls s"), unit=" s")


if __name__ == "__main__":
    main()
