"""`inkship serve`: the webhook receiver (and the Custom Store endpoint when enabled), on waitress, with
one engine and one state store for the whole time it serves."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import click
from inkship.connector.clients.inksoft import InkSoftClient
from inkship.connector.clients.shipstation import ShipStationClient
from inkship.connector.commands.context import CliContext, open_state_store, pass_cli
from inkship.connector.config import Config, raise_all
from inkship.connector.engine.sync import SyncEngine
from inkship.connector.errors import ConfigError
from inkship.connector.web.app import WEBHOOK_PATH, create_app, shared_engine, webhook_url
from inkship.connector.web.server import serve_until_stopped, server_settings

SHIP_NOTIFY = "SHIP_NOTIFY"
# A webhook is answered while ShipStation waits: retry a failed call once, not for minutes; the
# polling backstop (`inkship run`) writes back whatever a webhook could not.
WEBHOOK_HTTP_ATTEMPTS = 2
NOTHING_TO_SERVE = ("nothing to serve: set webhook.token (with shipstation.api_key and api_secret) for "
                    "ShipStation's SHIP_NOTIFY webhooks, or enable the Custom Store endpoint "
                    "(custom_store.enabled, username and password)")


def masked_webhook_url(base_url: str) -> str:
    return base_url.rstrip("/") + WEBHOOK_PATH + "<webhook.token>"


def ensure_subscription(shipstation: ShipStationClient, target_url: str,
                        store_id: int | None) -> tuple[bool, int]:
    """Subscribe SHIP_NOTIFY to target_url unless an identical subscription exists.

    Returns (created, webhook id). GET /webhooks lists PascalCase fields (Url, HookType, StoreID).
    """
    for hook in shipstation.list_webhooks():
        if (hook.get("Url") == target_url and hook.get("HookType") == SHIP_NOTIFY
                and hook.get("StoreID") == store_id):
            return False, int(hook["WebHookID"])
    return True, shipstation.subscribe_webhook(target_url, SHIP_NOTIFY, store_id)


def webhook_problems(config: Config) -> list[ConfigError]:
    """What the SHIP_NOTIFY receiver lacks: ShipStation's API credentials (it reads each announced batch
    back through the API) and the token in its URL (ShipStation signs nothing). Empty: it can run."""
    problems = config.shipstation_problems()
    if not config.webhook.token:
        problems.append(ConfigError("a long random token is required in the webhook URL "
                                    "(ShipStation signs nothing)", key="webhook.token"))
    return problems


def serving_config(config: Config) -> tuple[Config, list[ConfigError]]:
    """The configuration to serve, and why the webhook receiver is off (empty: it is on).

    With the Custom Store endpoint enabled, InkSoft's and the endpoint's credentials are enough; the
    receiver runs only if its own keys are there too (else its URL answers 404 like any unknown path).
    Without the Custom Store, the receiver is all there is to serve, so everything it needs is required.
    """
    webhook_missing = webhook_problems(config)
    if not config.custom_store.enabled:
        if not config.webhook.token:
            raise ConfigError(NOTHING_TO_SERVE, key="webhook.token")
        raise_all(config.inksoft_problems() + webhook_missing)
        return config, []
    raise_all(config.inksoft_problems() + config.custom_store_problems())
    if webhook_missing:
        config = dataclasses.replace(config, webhook=dataclasses.replace(config.webhook, token=None))
    return config, webhook_missing


def _engine_factory(cli: CliContext, config: Config) -> Callable[[], SyncEngine]:
    """The engine the app keeps, on the configuration as checked for serving (which may lack
    ShipStation's keys, so not through `cli.engine`, which requires them)."""
    def engine() -> SyncEngine:
        http = cli.runtime.http_options(max_attempts=WEBHOOK_HTTP_ATTEMPTS)
        return SyncEngine(config, InkSoftClient(config.inksoft, **http),
                          ShipStationClient(config.shipstation, **http),
                          open_state_store(config.state.database, config.state.claim_seconds))
    return engine


@click.command()
@click.option("--host", default=None, help="Interface to listen on (default: webhook.host).")
@click.option("--port", type=int, default=None, help="Port to listen on (default: webhook.port).")
@click.option("--subscribe", is_flag=True,
              help="Register the webhook URL in ShipStation for SHIP_NOTIFY (skipped if already there).")
@pass_cli
def serve(cli: CliContext, host: str | None, port: int | None, subscribe: bool) -> None:
    """Receive ShipStation's SHIP_NOTIFY webhooks and write each shipment back to InkSoft; serve the
    Custom Store endpoint when it is enabled (alone, if the webhook receiver is not configured)."""
    config, webhook_missing = serving_config(cli.config(require_credentials=False))
    host = host or config.webhook.host
    port = config.webhook.port if port is None else port
    public_base = config.webhook.public_url or f"http://{host}:{port}"

    app = create_app(config, _engine_factory(cli, config))
    lines = [f"listening on http://{host}:{port}"]
    result: dict[str, Any] = {"listening": f"http://{host}:{port}", "webhook_receiver": not webhook_missing}
    if not webhook_missing:
        result["webhook_url"] = masked_webhook_url(public_base)
        lines.append(f"webhook URL to register in ShipStation (SHIP_NOTIFY): {result['webhook_url']}")
    if config.custom_store.enabled:
        result["custom_store_url"] = public_base.rstrip("/") + config.custom_store.path
        lines.append(f"Custom Store endpoint: {result['custom_store_url']}")
    if config.webhook.status_token:
        result["status_page_url"] = public_base.rstrip("/") + "/status"
        lines.append(f"status page: {result['status_page_url']} (sign in with webhook.status_token)")
    missing_keys = [str(problem.key) for problem in webhook_missing]
    if missing_keys:
        result["webhook_receiver_missing"] = missing_keys
        lines.append("serving the Custom Store endpoint only: the SHIP_NOTIFY webhook receiver is off "
                     f"(not set: {', '.join(missing_keys)})")
    if subscribe:
        token = config.webhook.token  # None exactly when the receiver is off
        if not token:
            raise ConfigError("--subscribe needs the SHIP_NOTIFY webhook receiver, which is off; set "
                              f"{', '.join(missing_keys)}", key=missing_keys[0])
        if not config.webhook.public_url:
            raise ConfigError("--subscribe needs the URL at which ShipStation reaches this server",
                              key="webhook.public_url")
        created, hook_id = ensure_subscription(
            cli.shipstation(), webhook_url(public_base, token), config.shipstation.store_id)
        lines.append(f"subscribed in ShipStation (webhook {hook_id})" if created
                     else f"already subscribed in ShipStation (webhook {hook_id})")
        result["subscription"] = {"created": created, "id": hook_id}
    engines = shared_engine(app)
    try:
        with engines.use():
            pass  # built now: a state database that cannot be opened stops here (exit 2), not at a webhook
        if cli.runtime.serve_forever is not None:
            cli.emit(result, lines)
            cli.runtime.serve_forever(app, host, port)
        else:
            # Announced once listening, with SIGTERM routed: a supervisor may stop it from then on.
            serve_until_stopped(app, host, port, server_settings(config.webhook),
                                ready=lambda: cli.emit(result, lines))
            click.echo("stopped")
    finally:
        engines.close()
