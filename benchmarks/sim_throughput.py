"""Requests per second of both simulators over real sockets: waitress, 4 keep-alive clients.

The simulators run in their own process (as `inkship sim` does), with 1,000 orders seeded and
ShipStation's rate limit off; the clients are threads of this process, each on one keep-alive
connection. Timed: ShipStation `GET /orders?pageSize=100` (pages 1..10) and InkSoft
`GetOrderSummaries` (100 a page, pages 1..10, the connector's query: OrderBy ID over a
DateModified window), each against a baseline measured in the same run on the same server: the
trivial control route `GET /__sim/clock`. Prints every run, the medians and the ratios.

Two load generators, each figure named by the one that made it: Python's http.client (always) and
wrk (when it is on PATH, e.g. `apt-get install wrk`), a C client that costs the shared cores far
less while the server is measured. Both send the same requests on the same 4 connections, counted
(`--requests`), not timed; wrk is stopped by its script once that many answers are in.

    .venv/bin/python benchmarks/sim_throughput.py [--requests 2000] [--clients 4] [--runs 5]
        [--client both|python|wrk]   (default: both when wrk is found, else python)
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import multiprocessing
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from inkship.simulators.credentials import SimCredentials  # noqa: E402
from support import ORDER, median, report  # noqa: E402

SEEDED_ORDERS = 1_000
PAGES = 10
SHIPSTATION_BASELINE = "ShipStation baseline GET /__sim/clock req/s"
SHIPSTATION_LIST = "ShipStation GET /orders?pageSize=100 req/s"
INKSOFT_BASELINE = "InkSoft baseline GET /__sim/clock req/s"
INKSOFT_LIST = "InkSoft GetOrderSummaries (100) req/s"
PYTHON_CLIENT, WRK_CLIENT = "python", "wrk"

# wrk's script: the given paths in turn, the given headers, and a stop once about `limit` answers
# are in. A connection asks for its next request only when its last answer is complete, so the calls
# beyond the first one per connection count the answers. wrk otherwise runs for a fixed time: the
# script interrupts it (SIGINT, as Ctrl-C does), and wrk reports the rate of what it completed (the
# count is off by at most one answer per connection: those in flight at the stop).
WRK_SCRIPT = """
local ffi = require("ffi")
ffi.cdef("int kill(int pid, int sig); int getpid(void);")
local limit, connections, calls, headers, paths = 0, 0, 0, {}, {}
function init(args)
  limit, connections = tonumber(args[1]), tonumber(args[2])
  for i = 3, #args do
    local name, value = args[i]:match("^([%w-]+): (.*)$")
    if name then headers[name] = value else paths[#paths + 1] = args[i] end
  end
end
function request()
  calls = calls + 1
  if calls - connections == limit then
    wrk.thread:stop()
    ffi.C.kill(ffi.C.getpid(), 2)
  end
  return wrk.format("GET", paths[(calls - 1) % #paths + 1], headers)
end
"""
WRK_TIMEOUT_SECONDS = 300


def serve(connection: multiprocessing.connection.Connection, threads: int) -> None:
    """The simulators' process: seed both, serve until told to stop."""
    from inkship.simulators.inksoft.app import create_app as create_inksoft_app
    from inkship.simulators.server import ThreadedServer
    from inkship.simulators.shipstation.app import create_app as create_shipstation_app

    credentials = SimCredentials()
    shipstation_app = create_shipstation_app({"rate_limit": None, "credentials": credentials})
    shipstation_app.extensions["inkship_sim"].state.seed({"orders": [
        {"orderNumber": f"BENCH-{i:05d}", "orderKey": f"bench:{i}"} for i in range(SEEDED_ORDERS)]})
    inksoft_app = create_inksoft_app({"credentials": credentials})
    inksoft_app.extensions["inkship_sim"].state.add_orders([dict(ORDER) for _ in range(SEEDED_ORDERS)])
    with ThreadedServer(shipstation_app, threads=threads) as shipstation, \
            ThreadedServer(inksoft_app, threads=threads) as inksoft:
        connection.send((shipstation.url, inksoft.url))
        connection.recv()


def requests_per_second(base_url: str, paths: Callable[[int], str], headers: dict[str, str], total: int,
                        clients: int) -> float:
    """`total` GETs split across `clients` threads of this process (http.client), each on one
    keep-alive connection; req/s."""
    parts = urlsplit(base_url)
    share = [total // clients + (1 if i < total % clients else 0) for i in range(clients)]

    def client(count: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            for n in range(count):
                connection.request("GET", paths(n), headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise SystemExit(f"{paths(n)} answered {response.status}")
        finally:
            connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, share))
    return total / (time.perf_counter() - started)


def wrk_requests_per_second(base_url: str, paths: Callable[[int], str], headers: dict[str, str], total: int,
                            clients: int) -> float:
    """The same GETs from wrk: one thread, `clients` keep-alive connections, `total` answers; req/s."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT)
        script.flush()
        command = ["wrk", "-t1", f"-c{clients}", f"-d{WRK_TIMEOUT_SECONDS}s", "-s", script.name, base_url,
                   "--", str(total), str(clients), *(f"{k}: {v}" for k, v in headers.items()),
                   *(paths(n) for n in range(PAGES))]
        done = subprocess.run(command, capture_output=True, text=True, check=False,  # noqa: S603
                              timeout=WRK_TIMEOUT_SECONDS + 30)
    completed = re.search(r"(\d+) requests in", done.stdout)
    rate = re.search(r"Requests/sec:\s*([\d.]+)", done.stdout)
    if done.returncode or not completed or not rate or int(completed.group(1)) < total - clients:
        raise SystemExit(f"wrk did not complete {total} requests:\n{done.stdout}{done.stderr}")
    if "Non-2xx" in done.stdout or "Socket errors" in done.stdout:
        raise SystemExit(f"wrk saw failed requests against {base_url}:\n{done.stdout}")
    return float(rate.group(1))


def chosen_clients(asked: str | None) -> list[str]:
    """The load generators to measure with: wrk only when it is installed."""
    found = shutil.which("wrk") is not None
    if asked == WRK_CLIENT and not found:
        raise SystemExit("--client wrk: wrk is not on PATH (apt-get install wrk)")
    if asked in (PYTHON_CLIENT, WRK_CLIENT):
        return [asked]
    if not found:
        print("wrk is not on PATH: the Python client only (apt-get install wrk adds the other)")
    return [PYTHON_CLIENT, WRK_CLIENT] if found else [PYTHON_CLIENT]


def by(client: str, figure: str) -> str:
    return f"{figure} [{client}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per measurement")
    parser.add_argument("--clients", type=int, default=4, help="keep-alive client connections")
    parser.add_argument("--threads", type=int, default=4, help="the servers' worker threads")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--client", choices=("both", PYTHON_CLIENT, WRK_CLIENT), default=None,
                        help="load generator (default: both when wrk is found, else python)")
    args = parser.parse_args()
    clients = chosen_clients(args.client)

    credentials = SimCredentials()
    auth = base64.b64encode(f"{credentials.shipstation_api_key}:{credentials.shipstation_api_secret}"
                            .encode()).decode()
    ship_headers = {"Authorization": f"Basic {auth}"}
    window = json.dumps({"UtcOffsetHours": 0, "Begin": "2000-01-01T00:00:00Z"})

    def orders_page(n: int) -> str:
        return f"/orders?pageSize=100&page={n % PAGES + 1}"

    def summaries_page(n: int) -> str:
        return f"/{credentials.inksoft_store}/Api2/GetOrderSummaries?" + urlencode({
            "ApiKey": credentials.inksoft_api_key, "Index": (n % PAGES) * 100, "MaxResults": 100,
            "OrderBy": "ID", "OrderByDirection": "Ascending", "DateModifiedRange": window})

    def clock(_: int) -> str:
        return "/__sim/clock"

    generators = {PYTHON_CLIENT: requests_per_second, WRK_CLIENT: wrk_requests_per_second}
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(theirs, args.threads), daemon=True)
    server.start()
    shipstation, inksoft = ours.recv()
    pairs = ((SHIPSTATION_LIST, SHIPSTATION_BASELINE, shipstation, orders_page, ship_headers),
             (INKSOFT_LIST, INKSOFT_BASELINE, inksoft, summaries_page, {}))
    try:
        requests_per_second(shipstation, orders_page, ship_headers, args.requests, args.clients)  # warm up:
        requests_per_second(inksoft, summaries_page, {}, args.requests, args.clients)  # first renders
        runs = []
        for _ in range(args.runs):
            run = {}
            # Each listing right after its baseline, by the same client: the ratio compares like with like.
            for client in clients:
                for listing, baseline, url, paths, headers in pairs:
                    measure = generators[client]
                    run[by(client, baseline)] = measure(url, clock, {}, args.requests, args.clients)
                    run[by(client, listing)] = measure(url, paths, headers, args.requests, args.clients)
            runs.append(run)
    finally:
        ours.send("stop")
        server.join(timeout=30)
    report(f"{SEEDED_ORDERS} orders seeded, {args.requests} requests per measurement, {args.clients} "
           f"keep-alive clients, {args.threads} server threads, clients {' and '.join(clients)}, "
           f"median of {args.runs} runs", runs)
    medians = {key: median(run[key] for run in runs) for key in runs[0]}
    for client in clients:
        for listing, baseline, *_ in pairs:
            print(f"  ratio  {by(client, listing)} / {by(client, baseline)}: "
                  f"{medians[by(client, listing)] / medians[by(client, baseline)]:.3f}")


if __name__ == "__main__":
    main()
