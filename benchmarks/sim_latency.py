"""Per-request latency of both simulators with 100,000 orders seeded against 1,000 (the baseline,
measured in the same run): indexed stores should answer as fast at any size (target ratio <= 1.5).

For each size the simulators run in their own process on waitress, seeded, rate limit off; one
keep-alive client times each request kind (random pages and ids, the same random sequence at both
sizes), after reading every page and every order once, so both sizes measure warm renders (the
first render of an order costs the same at any size). Prints the median latency of each kind per
run, the median of the runs, and the ratio of the large store's median to the small one's.
GetOrderSummaries' first page after a change computes the whole ordered answer once (then pages
cost a page): that cold latency is printed on its own.

    .venv/bin/python benchmarks/sim_latency.py [--sizes 1000 100000] [--requests 200] [--runs 3]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import multiprocessing
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from inkship.simulators.credentials import SimCredentials  # noqa: E402
from support import ORDER, machine, median  # noqa: E402

CREDENTIALS = SimCredentials()
AUTH = "Basic " + base64.b64encode(
    f"{CREDENTIALS.shipstation_api_key}:{CREDENTIALS.shipstation_api_secret}".encode()).decode()
WINDOW = json.dumps({"UtcOffsetHours": 0, "Begin": "2000-01-01T00:00:00Z"})
SEED_CHUNK = 5000
FIRST_INKSOFT_ID = 1001
FIRST_SHIPSTATION_ID = 100_000_001


def shipstation_order(n: int) -> dict:
    return {"orderNumber": f"BENCH-{n:06d}", "orderKey": f"bench:{n}"}


def serve(connection: multiprocessing.connection.Connection, orders: int) -> None:
    from inkship.simulators.inksoft.app import create_app as create_inksoft_app
    from inkship.simulators.server import ThreadedServer
    from inkship.simulators.shipstation.app import create_app as create_shipstation_app

    shipstation_app = create_shipstation_app({"rate_limit": None, "credentials": CREDENTIALS})
    inksoft_app = create_inksoft_app({"credentials": CREDENTIALS})
    shipstation, inksoft = (app.extensions["inkship_sim"].state for app in (shipstation_app, inksoft_app))
    for start in range(0, orders, SEED_CHUNK):
        chunk = range(start, min(orders, start + SEED_CHUNK))
        shipstation.seed({"orders": [shipstation_order(n) for n in chunk]})
        inksoft.add_orders([{**ORDER, "UniqueId": f"U-{n}"} for n in chunk])
    with ThreadedServer(shipstation_app) as ship_server, ThreadedServer(inksoft_app) as ink_server:
        connection.send((ship_server.url, ink_server.url))
        connection.recv()


Request = tuple[str, str, bytes | None, dict[str, str]]  # method, path, body, headers


def kinds(orders: int, rng: random.Random) -> dict[str, Callable[[], Request]]:
    pages = orders // 100
    store = CREDENTIALS.inksoft_store

    def api2(method: str, **params: object) -> str:
        return f"/{store}/Api2/{method}?" + urlencode({"ApiKey": CREDENTIALS.inksoft_api_key, **params})

    ship = {"Authorization": AUTH}
    post = {**ship, "Content-Type": "application/json"}
    return {
        "SS GET /orders page of 100": lambda: (
            "GET", f"/orders?pageSize=100&page={rng.randint(1, pages)}", None, ship),
        "SS GET /orders?orderNumber=": lambda: (
            "GET", f"/orders?orderNumber=BENCH-{rng.randrange(orders):06d}", None, ship),
        "SS GET /orders/{id}": lambda: (
            "GET", f"/orders/{FIRST_SHIPSTATION_ID + rng.randrange(orders)}", None, ship),
        "SS POST createorders (10 updates)": lambda: (
            "POST", "/orders/createorders", json.dumps([
                {**shipstation_order(n), "orderStatus": "awaiting_shipment",
                 "orderDate": "2026-11-01T10:00:00", "billTo": {"name": "B"}, "shipTo": {"name": "S"}}
                for n in rng.sample(range(orders), 10)]).encode(), post),
        "IK GetOrderSummaries page of 100": lambda: (
            "GET", api2("GetOrderSummaries", Index=100 * rng.randrange(pages), MaxResults=100, OrderBy="ID",
                        OrderByDirection="Ascending", DateModifiedRange=WINDOW), None, {}),
        "IK GetOrderPackage (100 ids)": lambda: (
            "GET", api2("GetOrderPackage", OrderIds=json.dumps(
                [FIRST_INKSOFT_ID + n for n in rng.sample(range(orders), 100)])), None, {}),
        "IK GetOrder by UniqueId": lambda: (
            "GET", api2("GetOrder", OrderId=f"U-{rng.randrange(orders)}"), None, {}),
    }


def warm_up(orders: int) -> list[Request]:
    """Every page of both lists and every full order once (what a first sync would read)."""
    store = CREDENTIALS.inksoft_store
    ship = {"Authorization": AUTH}
    pages = [("GET", f"/orders?pageSize=100&page={page + 1}", None, ship) for page in range(orders // 100)]
    for page in range(orders // 100):
        ids = [FIRST_INKSOFT_ID + 100 * page + n for n in range(100)]
        common = {"ApiKey": CREDENTIALS.inksoft_api_key}
        pages.append(("GET", f"/{store}/Api2/GetOrderSummaries?" + urlencode({
            **common, "Index": 100 * page, "MaxResults": 100, "OrderBy": "ID",
            "OrderByDirection": "Ascending", "DateModifiedRange": WINDOW}), None, {}))
        pages.append(("GET", f"/{store}/Api2/GetOrderPackage?" + urlencode({
            **common, "OrderIds": json.dumps(ids)}), None, {}))
    return pages


def timed(connection: http.client.HTTPConnection, request: Request) -> float:
    method, path, body, headers = request
    started = time.perf_counter()
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"{method} {path[:80]} answered {response.status}")
    return elapsed


def measure_size(orders: int, requests: int, runs: int) -> dict[str, list[float]]:
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(theirs, orders), daemon=True)
    server.start()
    shipstation, inksoft = ours.recv()
    results: dict[str, list[float]] = {}
    try:
        connections = {url: http.client.HTTPConnection(urlsplit(url).hostname, urlsplit(url).port,
                                                       timeout=120) for url in (shipstation, inksoft)}
        rng = random.Random(20261203)
        requests_of = kinds(orders, rng)
        cold = timed(connections[inksoft], requests_of["IK GetOrderSummaries page of 100"]())
        results["IK GetOrderSummaries first (cold) page"] = [cold * 1000]
        # Every order's kept JSON rendered once, at both sizes, so both measure the same (warm) work.
        for request in warm_up(orders):
            timed(connections[shipstation if request[1].startswith("/orders") else inksoft], request)
        for name, make in requests_of.items():
            connection = connections[shipstation if name.startswith("SS") else inksoft]
            for _ in range(3):
                timed(connection, make())  # warm up the connection and kept renders
            results[name] = [median(timed(connection, make()) for _ in range(requests)) * 1000
                             for _ in range(runs)]
        for connection in connections.values():
            connection.close()
    finally:
        ours.send("stop")
        server.join(timeout=60)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[1_000, 100_000], metavar=("BASELINE", "LARGE"))
    parser.add_argument("--requests", type=int, default=200, help="requests per kind and run")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    small, large = args.sizes
    by_size = {size: measure_size(size, args.requests, args.runs) for size in (small, large)}
    print(f"Per-request latency, ms: median of {args.requests} requests per run, {args.runs} runs "
          f"({machine()})")
    print(f"  {'request':42} {'runs at ' + str(large):>26} {'median':>8} {'at ' + str(small):>10}"
          f" {'ratio':>7}")
    for name, values in by_size[large].items():
        base = median(by_size[small][name])
        runs = " ".join(f"{v:7.2f}" for v in values)
        print(f"  {name:42} {runs:>26} {median(values):8.2f} {base:10.2f} {median(values) / base:7.2f}")


if __name__ == "__main__":
    main()
