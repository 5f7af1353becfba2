"""What the benchmarks share: medians and same-run ratios, the machine they ran on, seeded worlds of
both simulators (in process or over sockets), and a WSGI wrapper timing the simulators' own work.

Run the scripts from the checkout root with the project's venv, e.g. `.venv/bin/python benchmarks/x.py`.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.conftest import CREDENTIALS, T0, World  # noqa: E402

# A paid order ready to ship with two lines (three units): what a print shop's day is made of.
ORDER = {"ProductionStatus": "Ready to Ship", "ShippingAddress": True,
         "Items": [{"Quantity": 2}, {"Quantity": 1}]}


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown CPU")
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}"


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def report(title: str, runs: list[dict[str, float]], *, ratio: tuple[str, str] | None = None,
           unit: str = "") -> None:
    """Every run, then the median of each figure, then the ratio of two medians of the same run set."""
    print(f"{title} ({machine()})")
    for number, run in enumerate(runs, start=1):
        print(f"  run {number}: " + ", ".join(f"{k} {v:.3f}" for k, v in run.items()))
    medians = {key: median(run[key] for run in runs) for key in runs[0]}
    for key, value in medians.items():
        print(f"  median {key:45} {value:12.3f}{unit}")
    if ratio:
        top, bottom = ratio
        print(f"  ratio  {top} / {bottom}: {medians[top] / medians[bottom]:.3f}")


class TimedApp:
    """A WSGI app wrapper adding up the wall time spent inside the app (the simulator's own work)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.seconds = 0.0
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        started = time.perf_counter()
        try:
            return list(self.app(environ, start_response))
        finally:
            with self._lock:
                self.seconds += time.perf_counter() - started
                self.calls += 1

    def reset(self) -> None:
        with self._lock:
            self.seconds, self.calls = 0.0, 0


def seed_inksoft(world: World, orders: int, chunk: int = 5000) -> None:
    for start in range(0, orders, chunk):
        world.add_orders(*(dict(ORDER) for _ in range(min(chunk, orders - start))))


@contextmanager
def socket_world(workdir: Path, *, rate_limit: int | None) -> Iterator[tuple[World, TimedApp, TimedApp]]:
    """Both simulators on waitress over 127.0.0.1 (each timed), webhooks caught by a third server."""
    import requests
    from inkship.simulators.clock import SimClock
    from inkship.simulators.inksoft.app import create_app as create_inksoft_app
    from inkship.simulators.server import ThreadedServer
    from inkship.simulators.shipstation.app import create_app as create_shipstation_app

    from tests.e2e.conftest import hook_receiver

    clock = SimClock(frozen_at=T0)
    webhooks: list[dict] = []
    inksoft_app = create_inksoft_app({"clock": clock, "credentials": CREDENTIALS})
    shipstation_app = create_shipstation_app({"clock": clock, "credentials": CREDENTIALS,
                                              "rate_limit": rate_limit})
    timed_inksoft, timed_shipstation = TimedApp(inksoft_app), TimedApp(shipstation_app)
    with ThreadedServer(hook_receiver(webhooks)) as hooks, ThreadedServer(timed_inksoft) as inksoft, \
            ThreadedServer(timed_shipstation) as shipstation:
        world = World(workdir, inksoft_url=inksoft.url, shipstation_url=shipstation.url,
                      session=requests.Session(), inksoft_app=inksoft_app, shipstation_app=shipstation_app,
                      clock=clock, webhooks=webhooks, hooks_url=hooks.url, rate_limit=rate_limit)
        try:
            yield world, timed_inksoft, timed_shipstation
        finally:
            world.close()
            world.session.close()


class SimulatorProcess:
    """Both simulators in their own process, started as a developer starts them (`inkship sim`, free
    ports, no demo orders): the connector in this process and the simulators in that one each have
    their own interpreter lock and up to both cores. `cpu_seconds()` reads the process's CPU time."""

    def __init__(self, *, rate_limit: str = "off", threads: int = 8) -> None:
        import subprocess

        command = [str(Path(sys.executable).with_name("inkship")), "sim", "--inksoft-port", "0",
                   "--shipstation-port", "0", "--no-seed-demo", "--no-log-requests",
                   "--rate-limit", rate_limit, "--threads", str(threads)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True,  # noqa: S603
                                        env={**os.environ, "PYTHONUNBUFFERED": "1"})
        urls: dict[str, str] = {}
        assert self.process.stdout is not None
        for line in self.process.stdout:
            for name, label in (("inksoft", "InkSoft simulator:"), ("shipstation", "ShipStation simulator:")):
                if line.startswith(label):
                    urls[name] = line.split(":", 1)[1].strip()
            if len(urls) == 2:
                break
        else:
            raise RuntimeError(f"inkship sim stopped before it served (exit {self.process.wait()})")
        self.inksoft_url, self.shipstation_url = urls["inksoft"], urls["shipstation"]

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def control(self, base_url: str, path: str, body: Any, timeout: float = 600) -> Any:
        import requests

        response = requests.post(f"{base_url}/__sim/{path}", json=body, timeout=timeout)
        response.raise_for_status()
        return response.json()

    def seed_orders(self, orders: int, chunk: int = 2000) -> None:
        for first in range(0, orders, chunk):
            self.control(self.inksoft_url, "orders", [dict(ORDER) for _ in range(min(chunk, orders - first))])

    def __enter__(self) -> SimulatorProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        if self.process.stdout is not None:
            self.process.stdout.close()
