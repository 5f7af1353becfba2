"""Benchmark: the first import of a 100,000-order InkSoft store into ShipStation under the real limit of
40 requests a minute, in process on a simulated clock (the client's waits advance the clock instead of
sleeping). Targets: at most 26 simulated minutes (the limit alone allows 25) and 8 minutes real time.

The baseline, measured in the same run, is the same first import of 1,000 orders; the ratio compares
real time per order (flat at any size means the simulators and the connector scale linearly).

    .venv/bin/python benchmarks/first_import_100k.py [--orders 100000] [--baseline 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import World, report, seed_inksoft  # noqa: E402

from tests.e2e.conftest import SHIPSTATION_HOST  # noqa: E402

REAL_LIMIT = 40


class SeededInkSoft:
    """One InkSoft store seeded once per size and read by every run (an import only reads InkSoft);
    each run gets a fresh ShipStation account and a fresh connector state."""

    def __init__(self, orders: int, workdir: Path) -> None:
        self.orders = orders
        seeding = World(workdir / "seeding", rate_limit=REAL_LIMIT)
        seed_inksoft(seeding, orders)
        self.clock, self.app = seeding.clock, seeding.inksoft_app
        seeding.close()

    def world(self, workdir: Path) -> World:
        return World(workdir, inksoft_app=self.app, clock=self.clock, rate_limit=REAL_LIMIT)


def first_import(store: SeededInkSoft, workdir: Path) -> dict[str, float]:
    orders = store.orders
    world = store.world(workdir)
    try:
        engine = world.engine()
        world.clear_journals()
        simulated_start = world.clock.now()
        started = time.perf_counter()
        report = engine.run_import()
        real = time.perf_counter() - started
        simulated = (world.clock.now() - simulated_start).total_seconds() / 60
        imported = len(world.shipstation_sim.state.orders)
        if imported != orders:
            raise SystemExit(f"expected {orders} orders in ShipStation, found {imported} ({report})")
        calls = world.journal_count(SHIPSTATION_HOST)
        return {"real s": real, "simulated min": simulated, "ShipStation calls": calls,
                "real ms per order": real / orders * 1000}
    finally:
        world.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as workdir:
        large_store = SeededInkSoft(args.orders, Path(workdir) / "large")
        small_store = SeededInkSoft(args.baseline, Path(workdir) / "small")
        for number in range(args.runs):
            large = first_import(large_store, Path(workdir) / f"large-{number}")
            small = first_import(small_store, Path(workdir) / f"small-{number}")
            runs.append({**{f"{args.orders}: {k}": v for k, v in large.items()},
                         **{f"{args.baseline}: {k}": v for k, v in small.items()}})
            print(f"run {number + 1}: {large['real s']:.1f} s real, {large['simulated min']:.1f} simulated "
                  "min", file=sys.stderr)
    report(f"First import under the real {REAL_LIMIT}/min limit, in process, simulated clock, "
           f"median of {args.runs} runs", runs,
           ratio=(f"{args.orders}: real ms per order", f"{args.baseline}: real ms per order"))


if __name__ == "__main__":
    main()
