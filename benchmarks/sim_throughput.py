"""Requests per second of both simulators over real sockets: waitress, 4 keep-alive clients.

The simulators run in their own process (as `inkship sim` does), with 1,000 orders seeded and
ShipStation's rate limit off; the clients are threads of this process, each on one keep-alive
connection. Timed: ShipStation `GET /orders?pageSize=100` (pages 1..10) and InkSoft
`GetOrderSummaries` (100 a page, pages 1..10, the connector's query: OrderBy ID over a
DateModified window), each against a baseline measured in the same run on the same server: the
trivial control route `GET /__sim/clock`. Prints every run, the medians and the ratios.

    .venv/bin/python benchmarks/sim_throughput.py [--requests 2000] [--clients 4] [--runs 5]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import multiprocessing
import sys
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
    """`total` GETs split across `clients` threads, each on one keep-alive connection; req/s."""
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per measurement")
    parser.add_argument("--clients", type=int, default=4, help="keep-alive client connections")
    parser.add_argument("--threads", type=int, default=4, help="the servers' worker threads")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

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

    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(theirs, args.threads), daemon=True)
    server.start()
    shipstation, inksoft = ours.recv()
    try:
        measure = lambda url, paths, headers: requests_per_second(  # noqa: E731
            url, paths, headers, args.requests, args.clients)
        measure(shipstation, orders_page, ship_headers)  # warm up: first renders, first answers
        measure(inksoft, summaries_page, {})
        runs = [{SHIPSTATION_BASELINE: measure(shipstation, clock, {}),
                 SHIPSTATION_LIST: measure(shipstation, orders_page, ship_headers),
                 INKSOFT_BASELINE: measure(inksoft, clock, {}),
                 INKSOFT_LIST: measure(inksoft, summaries_page, {})}
                for _ in range(args.runs)]
    finally:
        ours.send("stop")
        server.join(timeout=30)
    report(f"{SEEDED_ORDERS} orders seeded, {args.requests} requests per measurement, {args.clients} "
           f"keep-alive clients, {args.threads} server threads, median of {args.runs} runs", runs)
    medians = {key: median(run[key] for run in runs) for key in runs[0]}
    for listing, baseline in ((SHIPSTATION_LIST, SHIPSTATION_BASELINE), (INKSOFT_LIST, INKSOFT_BASELINE)):
        print(f"  ratio  {listing} / {baseline}: {medians[listing] / medians[baseline]:.3f}")


if __name__ == "__main__":
    main()
