"""`inkship serve`: the webhook receiver (and the Custom Store endpoint when enabled)."""

from __future__ import annotations

from typing import Any

import click
from werkzeug.serving import make_server

from connector.clients.shipstation import ShipStationClient
from connector.commands.context import CliContext, pass_cli
from connector.errors import ConfigError
from connector.web.app import WEBHOOK_PATH, create_app, webhook_url

SHIP_NOTIFY = "SHIP_NOTIFY"
# A webhook is answered while ShipStation waits: retry a failed call once, not for minutes; the
# polling backstop (`inkship run`) writes back whatever a webhook could not.
WEBHOOK_HTTP_ATTEMPTS = 2


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


def _serve_forever(app: Any, host: str, port: int) -> None:
    server = make_server(host, port, app, threaded=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.server_close()


@click.command()
@click.option("--host", default=None, help="Interface to listen on (default: webhook.host).")
@click.option("--port", type=int, default=None, help="Port to listen on (default: webhook.port).")
@click.option("--subscribe", is_flag=True,
              help="Register the webhook URL in ShipStation for SHIP_NOTIFY (skipped if already there).")
@pass_cli
def serve(cli: CliContext, host: str | None, port: int | None, subscribe: bool) -> None:
    """Receive ShipStation's SHIP_NOTIFY webhooks and write each shipment back to InkSoft."""
    config = cli.config()
    if not config.webhook.token:
        raise ConfigError("a long random token is required in the webhook URL "
                          "(ShipStation signs nothing)", key="webhook.token")
    host = host or config.webhook.host
    port = config.webhook.port if port is None else port
    public_base = config.webhook.public_url or f"http://{host}:{port}"

    app = create_app(config, lambda: cli.engine(max_attempts=WEBHOOK_HTTP_ATTEMPTS))
    lines = [f"listening on http://{host}:{port}",
             f"webhook URL to register in ShipStation (SHIP_NOTIFY): {masked_webhook_url(public_base)}"]
    if config.custom_store.enabled:
        lines.append(f"Custom Store endpoint: {public_base.rstrip('/')}{config.custom_store.path}")
    result: dict[str, Any] = {"listening": f"http://{host}:{port}",
                              "webhook_url": masked_webhook_url(public_base)}
    if subscribe:
        if not config.webhook.public_url:
            raise ConfigError("--subscribe needs the URL at which ShipStation reaches this server",
                              key="webhook.public_url")
        created, hook_id = ensure_subscription(
            cli.shipstation(), webhook_url(public_base, config.webhook.token), config.shipstation.store_id)
        lines.append(f"subscribed in ShipStation (webhook {hook_id})" if created
                     else f"already subscribed in ShipStation (webhook {hook_id})")
        result["subscription"] = {"created": created, "id": hook_id}
    cli.emit(result, lines)
    (cli.runtime.serve_forever or _serve_forever)(app, host, port)
