"""Benchmark: 10,000 orders end to end over real sockets, ShipStation's rate limit off: the connector's
first import, the user buying every label in one bulk action, then the connector's write-back.

The simulators run in their own process, started as a developer starts them (`inkship sim
--rate-limit off`); the connector runs in this one. Each then has its own interpreter lock and the
machine's two cores, as the target asks ("the simulators and the connector each using at most 2
cores"); in one process they shared one lock, which cost about a third of the write-back's time
(2,000 write-backs: 13.7 s in one process, 9.1 s in two, same code). Each phase is split into the
simulators' CPU seconds (read from /proc) and the connector's (this process's). The baseline,
measured in the same run against a fresh simulator process, is the import's bare API traffic: every
summary page, every full order, and `createorders` in hundreds, with no engine.

    .venv/bin/python benchmarks/e2e_10000.py [--orders 10000] [--runs 3] [--write-concurrency 4]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from inkship.connector.clients.inksoft import InkSoftClient  # noqa: E402
from inkship.connector.clients.shipstation import ShipStationClient  # noqa: E402
from inkship.connector.config import Config, load_config  # noqa: E402
from inkship.connector.engine.sync import SyncEngine  # noqa: E402
from inkship.connector.mapping.orders import MappedOrder, map_order  # noqa: E402
from inkship.connector.state.store import StateStore  # noqa: E402
from inkship.simulators.credentials import SimCredentials  # noqa: E402
from support import SimulatorProcess, report  # noqa: E402

from inkship.demo.story import demo_config_text  # noqa: E402

LABELS_TIMEOUT = 600
TOKEN = "bench-token-0123456789abcdef"  # noqa: S105 - the simulated receiver's, not a secret


def connector_config(sims: SimulatorProcess, workdir: Path, write_concurrency: int) -> Config:
    path = workdir / "inkship.toml"
    path.write_text(demo_config_text(inksoft_url=sims.inksoft_url, shipstation_url=sims.shipstation_url,
                                     credentials=SimCredentials(), database=workdir / "state.sqlite3",
                                     token=TOKEN))
    config = load_config(path, env={})
    return dataclasses.replace(config, inksoft=dataclasses.replace(config.inksoft,
                                                                   write_concurrency=write_concurrency))


def engine_for(config: Config, state: StateStore) -> SyncEngine:
    return SyncEngine(config, InkSoftClient(config.inksoft), ShipStationClient(config.shipstation), state)


def baseline_seconds(orders: int, workdir: Path) -> float:
    with SimulatorProcess() as sims, StateStore(workdir / "state.sqlite3") as state:
        sims.seed_orders(orders)
        engine = engine_for(connector_config(sims, workdir, 1), state)
        since = datetime.now(UTC) - timedelta(days=1)
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


def one_run(orders: int, workdir: Path, write_concurrency: int) -> dict[str, float]:
    results: dict[str, float] = {}
    (workdir / "connector").mkdir()
    with SimulatorProcess() as sims, StateStore(workdir / "connector" / "state.sqlite3") as state:
        sims.seed_orders(orders)
        engine = engine_for(connector_config(sims, workdir / "connector", write_concurrency), state)

        def buy_every_label() -> None:
            sims.control(sims.shipstation_url, "labels", {"all": True}, timeout=LABELS_TIMEOUT)

        for name, work in (("import", engine.sync), ("labels", buy_every_label), ("write-back", engine.sync)):
            cpu, own = sims.cpu_seconds(), time.process_time()
            started = time.perf_counter()
            work()
            results[f"{name} s"] = time.perf_counter() - started
            results[f"{name} simulators CPU s"] = sims.cpu_seconds() - cpu
            results[f"{name} connector CPU s"] = time.process_time() - own
        counts = state.counts()
        if counts["ledger"]["written"] != orders or counts["ledger"]["pending"]:
            raise SystemExit(f"expected {orders} write-backs, found {counts['ledger']}")
    results["total s"] = sum(results[f"{name} s"] for name in ("import", "labels", "write-back"))
    (workdir / "baseline").mkdir()
    results["baseline import API calls s"] = baseline_seconds(orders, workdir / "baseline")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write-concurrency", type=int, default=Config().inksoft.write_concurrency,
                        help="inksoft.write_concurrency (default: the connector's default)")
    args = parser.parse_args()
    runs = []
    for number in range(args.runs):
        with tempfile.TemporaryDirectory() as workdir:
            runs.append(one_run(args.orders, Path(workdir), args.write_concurrency))
        print(f"run {number + 1} done: total {runs[-1]['total s']:.1f}s", file=sys.stderr)
    report(f"{args.orders} orders over sockets, rate limit off, write_concurrency {args.write_concurrency}, "
           f"median of {args.runs} runs", runs, ratio=("import s", "baseline import API calls s"), unit=" s")


if __name__ == "__main__":
    main()
