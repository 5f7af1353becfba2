"""`inkship sim`: run both simulators over HTTP until Ctrl-C or SIGTERM, printing where they are."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

import click
from inkship.simulators.credentials import SimCredentials
from inkship.simulators.server import DEFAULT_THREADS, ThreadedServer
from inkship.simulators.ui import page_urls

# Fixed defaults so a connector configuration keeps pointing at the same simulators between runs.
DEFAULT_INKSOFT_PORT = 8801
DEFAULT_SHIPSTATION_PORT = 8802


def _app_factories() -> tuple[Callable[[dict], Any], Callable[[dict], Any]]:
    # Imported here: the simulators are heavier than the CLI, and the command group imports this module.
    from inkship.simulators.inksoft.app import create_app as create_inksoft_app
    from inkship.simulators.shipstation.app import create_app as create_shipstation_app

    return create_inksoft_app, create_shipstation_app


def _describe(inksoft_url: str, shipstation_url: str, creds: SimCredentials) -> str:
    store_url = f"{inksoft_url}/{creds.inksoft_store}"
    return "\n".join([
        f"InkSoft simulator:      {inksoft_url}",
        f"  store base URL:       {store_url}",
        f"  API key:              {creds.inksoft_api_key}",
        f"  user / password:      {creds.inksoft_username} / {creds.inksoft_password}",
        f"  publisher id:         {creds.inksoft_publisher_id}",
        f"ShipStation simulator:  {shipstation_url}",
        f"  API key / secret:     {creds.shipstation_api_key} / {creds.shipstation_api_secret}",
        "",
        "Pages to open in a browser:",
        *(f"  {name:<28} {url}" for name, url in page_urls(inksoft_url, shipstation_url)),
        "",
        "Connector settings for these simulators:",
        f"  INKSHIP_INKSOFT_BASE_URL={store_url}",
        f"  INKSHIP_INKSOFT_API_KEY={creds.inksoft_api_key}",
        f"  INKSHIP_SHIPSTATION_BASE_URL={shipstation_url}",
        f"  INKSHIP_SHIPSTATION_API_KEY={creds.shipstation_api_key}",
        f"  INKSHIP_SHIPSTATION_API_SECRET={creds.shipstation_api_secret}",
        "",
        "Press Ctrl-C to stop.",
    ])


def _wait_for_stop_signal() -> None:
    # The connector's StopFlag: its handler takes no lock, so a signal can never deadlock the wait.
    from inkship.connector.commands.signals import StopFlag, stop_on_signals

    flag = StopFlag("stopping the simulators")
    with stop_on_signals(flag):
        while not flag.wait(3600):
            pass


@click.command("sim")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--inksoft-port", type=click.IntRange(0, 65535), default=DEFAULT_INKSOFT_PORT,
              show_default=True, help="0 picks a free port.")
@click.option("--shipstation-port", type=click.IntRange(0, 65535), default=DEFAULT_SHIPSTATION_PORT,
              show_default=True, help="0 picks a free port.")
@click.option("--seed-demo/--no-seed-demo", default=True, show_default=True,
              help="Start with the demo store, carriers and orders.")
@click.option("--log-requests/--no-log-requests", default=True, show_default=True,
              help="Print one line per request served.")
@click.option("--rate-limit", type=click.Choice(["real", "off"]), default="real", show_default=True,
              help="ShipStation's limit of 40 requests a minute per API key (429 beyond it), or none.")
@click.option("--threads", type=click.IntRange(1, 256), default=DEFAULT_THREADS, show_default=True,
              help="Requests each simulator serves at once (more wait their turn).")
def sim(host: str, inksoft_port: int, shipstation_port: int, seed_demo: bool, log_requests: bool,
        rate_limit: str, threads: int) -> None:
    """Run the InkSoft and ShipStation simulators until Ctrl-C."""
    creds = SimCredentials.from_env()
    create_inksoft_app, create_shipstation_app = _app_factories()
    config = {"credentials": creds, "seed_demo": seed_demo}
    # Only ShipStation has a rate limit; its app reads None as "off" and leaves the default otherwise.
    shipstation_config = {**config, **({"rate_limit": None} if rate_limit == "off" else {})}
    with ExitStack() as running:
        try:
            inksoft = running.enter_context(ThreadedServer(
                create_inksoft_app(dict(config)), host, inksoft_port, log_requests=log_requests,
                threads=threads))
            shipstation = running.enter_context(ThreadedServer(
                create_shipstation_app(shipstation_config), host, shipstation_port,
                log_requests=log_requests, threads=threads))
        except OSError as exc:
            raise click.ClickException(f"cannot listen on {host}: {exc.strerror or exc}") from None
        click.echo(_describe(inksoft.url, shipstation.url, creds))
        _wait_for_stop_signal()
    click.echo("Simulators stopped.")
