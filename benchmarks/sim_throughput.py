"""Requests per second of the ShipStation simulator over a real socket (threaded werkzeug server).

Seeds 1,000 orders with the rate limit off, then times `GET /orders?pageSize=100` against a trivial
baseline (`GET /__sim/clock`) measured in the same run, five runs each; prints every run, the medians
and the ratio. Run: `python benchmarks/sim_throughput.py [--requests 400] [--threads 4] [--runs 5]`.
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from inkship.simulators.credentials import SimCredentials
from inkship.simulators.server import ThreadedServer
from inkship.simulators.shipstation.app import create_app

SEEDED_ORDERS = 1_000


def requests_per_second(url: str, auth: tuple[str, str] | None, total: int, threads: int) -> float:
    """Send `total` GETs split across `threads` clients (one keep-alive session each); return req/s."""
    share = [total // threads + (1 if i < total % threads else 0) for i in range(threads)]

    def client(count: int) -> None:
        with requests.Session() as session:
            for _ in range(count):
                session.get(url, auth=auth, timeout=30).raise_for_status()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(client, share))
    return total / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per run")
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    credentials = SimCredentials.from_env()
    auth = (credentials.shipstation_api_key, credentials.shipstation_api_secret)
    with ThreadedServer(create_app({"rate_limit": None, "credentials": credentials})) as server:
        orders = [{"orderNumber": f"BENCH-{i:05d}", "orderKey": f"bench:{i}"} for i in range(SEEDED_ORDERS)]
        requests.post(f"{server.url}/__sim/seed", json={"orders": orders}, timeout=120).raise_for_status()
        target = f"{server.url}/orders?pageSize=100"
        baseline = f"{server.url}/__sim/clock"
        requests_per_second(target, auth, args.threads * 5, args.threads)  # warm up
        runs = [(requests_per_second(baseline, None, args.requests, args.threads),
                 requests_per_second(target, auth, args.requests, args.threads)) for _ in range(args.runs)]

    print(f"{SEEDED_ORDERS} orders seeded; {args.requests} requests per run, {args.threads} client threads")
    for number, (base, orders_rps) in enumerate(runs, start=1):
        print(f"run {number}: GET /orders?pageSize=100 {orders_rps:8.1f} req/s   baseline GET /__sim/clock "
              f"{base:8.1f} req/s")
    median_orders = statistics.median(rps for _, rps in runs)
    median_base = statistics.median(base for base, _ in runs)
    print(f"median: /orders {median_orders:.1f} req/s, baseline {median_base:.1f} req/s, "
          f"ratio {median_orders / median_base:.3f}")


if __name__ == "__main__":
    main()
