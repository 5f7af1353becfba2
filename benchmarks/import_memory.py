"""Benchmark: the connector's peak memory importing a modified-since window of 1,000 and of 20,000
InkSoft orders (targets: at most 120 MB at 20,000, and 20,000 at most 1.2 times 1,000: flat).

Both simulators run in this process on free local ports (ShipStation's rate limit off); each import
runs in a child process (`--child`), a fresh state database and a fresh ShipStation each time, and
reports its own peak resident set (`VmHWM` in /proc/self/status), so the simulators' memory does not
count. Prints each run, the median of the runs per size (peak MB and import seconds), and the ratio of
the largest size to the smallest, measured in the same run.

    .venv/bin/python benchmarks/import_memory.py [--sizes 1000 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inkship.simulators.credentials import SimCredentials  # noqa: E402
from inkship.simulators.inksoft.app import create_app as create_inksoft_app  # noqa: E402
from inkship.simulators.server import ThreadedServer  # noqa: E402
from inkship.simulators.shipstation.app import create_app as create_shipstation_app  # noqa: E402

from inkship.demo.story import demo_config_text  # noqa: E402

TOKEN = "bench-token-0123456789abcdef"  # noqa: S105 - the simulated receiver's, not a secret
ORDER = {"ProductionStatus": "Ready to Ship", "ShippingAddress": True,
         "Items": [{"Quantity": 2}, {"Quantity": 1}]}
SEED_CHUNK = 2_000  # orders per control-plane request


def peak_rss_mb() -> float:
    """This process's high-water resident set, from the kernel."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


def child(config_path: str) -> None:
    """One import in this process; prints its figures as JSON on stdout."""
    from inkship.connector.clients.inksoft import InkSoftClient
    from inkship.connector.clients.shipstation import ShipStationClient
    from inkship.connector.config import load_config
    from inkship.connector.engine.sync import SyncEngine
    from inkship.connector.state.store import StateStore

    config = load_config(Path(config_path), env={})
    with StateStore(config.state.database) as state:
        engine = SyncEngine(config, InkSoftClient(config.inksoft), ShipStationClient(config.shipstation),
                            state)
        before = peak_rss_mb()
        started = time.perf_counter()
        report = engine.run_import()
        seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_mb": peak_rss_mb(), "before_import_mb": before,
                      "counts": report.counts}))


def control(base_url: str, method: str, path: str, body: Any = None) -> Any:
    response = requests.request(method, f"{base_url}/__sim/{path}", json=body, timeout=300)
    response.raise_for_status()
    return response.json()


def one_run(size: int, inksoft_url: str, credentials: SimCredentials, workdir: Path) -> dict[str, Any]:
    shipstation_app = create_shipstation_app({"credentials": credentials, "rate_limit": None})
    with ThreadedServer(shipstation_app) as shipstation:
        config_path = workdir / "inkship.toml"
        config_path.write_text(demo_config_text(inksoft_url=inksoft_url, shipstation_url=shipstation.url,
                                                credentials=credentials, database=workdir / "state.sqlite3",
                                                token=TOKEN))
        done = subprocess.run([sys.executable, __file__, "--child", str(config_path)], check=True,  # noqa: S603
                              capture_output=True, text=True)
    figures: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    if figures["counts"].get("created") != size:
        raise SystemExit(f"expected {size} orders created, got {figures['counts']}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 20_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", metavar="CONFIG", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    credentials = SimCredentials()
    medians: dict[int, tuple[float, float]] = {}
    for size in args.sizes:
        with ThreadedServer(create_inksoft_app({"credentials": credentials})) as inksoft:
            for first in range(0, size, SEED_CHUNK):
                batch = [dict(ORDER) for _ in range(min(SEED_CHUNK, size - first))]
                control(inksoft.url, "POST", "orders", batch)
            runs = []
            for run in range(args.runs):
                with tempfile.TemporaryDirectory() as workdir:
                    figures = one_run(size, inksoft.url, credentials, Path(workdir))
                print(f"{size:>6} orders, run {run + 1}: peak {figures['peak_mb']:.1f} MB "
                      f"(before the import {figures['before_import_mb']:.1f} MB), {figures['seconds']:.1f} s",
                      flush=True)
                runs.append(figures)
        medians[size] = (statistics.median(r["peak_mb"] for r in runs),
                         statistics.median(r["seconds"] for r in runs))
    print()
    print("| orders | peak RSS (median) | import time (median) |")
    print("|---|---|---|")
    for size, (peak, seconds) in medians.items():
        print(f"| {size:,} | {peak:.1f} MB | {seconds:.1f} s |")
    smallest, largest = min(medians), max(medians)
    ratio = medians[largest][0] / medians[smallest][0]
    print(f"\npeak RSS ratio {largest:,} / {smallest:,} orders: {ratio:.2f} (targets: ≤ 1.2, peak ≤ 120 MB)")


if __name__ == "__main__":
    main()
