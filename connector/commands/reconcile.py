"""`inkship reconcile [--store S] [--since DATE] [--fix] [--json]`: compare InkSoft, ShipStation and the
state database, report every drift by order, and with --fix repair what is safe.

Exit codes: 0 nothing drifted, 1 something did (even when --fix repaired all of it: the report says
what was fixed and what is left), 2 configuration or credentials to fix (as every command).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from urllib.parse import urlsplit

import click
from inkship.connector.clients.shipstation import ShipStationClient
from inkship.connector.commands.context import (
    EXIT_FIX_CONFIG,
    EXIT_OK,
    EXIT_SOME_FAILED,
    CliContext,
    exit_with,
    pass_cli,
)
from inkship.connector.config import Config
from inkship.connector.engine.sync import SyncEngine
from inkship.connector.reconcile.run import reconcile as run_reconcile

# The largest pageSize ShipStation's list endpoints accept (reference §3): fewest calls under 40/minute.
SHIPSTATION_MAX_PAGE_SIZE = 500


def store_name(config: Config) -> str:
    """The configured InkSoft store's name: the last part of its store URL (`.../demo_print_shop`)."""
    path = urlsplit(config.inksoft.base_url).path.rstrip("/")
    return path.rsplit("/", 1)[-1] or config.inksoft.base_url


def parse_since(value: str | None) -> datetime | None:
    """`2026-11-01` (midnight UTC) or an ISO date and time (UTC when it names no offset)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (2026-11-01) or ISO date and time "
                                 "(2026-11-01T08:00:00Z)", param_hint="--since") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _reconcile_engine(cli: CliContext) -> SyncEngine:
    """An engine whose ShipStation client lists at the largest page size, whatever the configuration."""
    config = cli.config()
    config = dataclasses.replace(config, shipstation=dataclasses.replace(
        config.shipstation, page_size=SHIPSTATION_MAX_PAGE_SIZE))
    return SyncEngine(config, cli.inksoft(progress=True),
                      ShipStationClient(config.shipstation, **cli.runtime.http_options()), cli.state_store())


def _unknown_store(cli: CliContext, asked: str, configured: str) -> None:
    message = f"no InkSoft store {asked!r} is configured; this configuration has one: {configured!r}"
    cli.emit({"ok": False, "error": message, "kind": "ConfigError", "key": "--store",
              "fix": f"leave --store out, or pass --store {configured}"},
             [])
    if not cli.as_json:
        click.echo(f"error: {message}", err=True)
        click.echo(f"fix: leave --store out, or pass --store {configured}", err=True)
    exit_with(EXIT_FIX_CONFIG)


@click.command()
@click.option("--store", "store", metavar="S", default=None,
              help="The InkSoft store to reconcile, by the name at the end of its store URL "
                   "(default: the configured one).")
@click.option("--since", metavar="DATE", default=None,
              help="Only orders changed since DATE (2026-11-01, or ISO date and time; UTC). "
                   "Default: sync.backfill_days back, plus every order the state database links.")
@click.option("--fix", is_flag=True, help="Repair what is safe (re-import, re-send, write back); "
                                          "list what needs a person.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report (as the global --json).")
@pass_cli
def reconcile(cli: CliContext, store: str | None, since: str | None, fix: bool, as_json: bool) -> None:
    """Find drift between InkSoft, ShipStation and the state database; --fix repairs what is safe."""
    cli.as_json = cli.as_json or as_json
    since_moment = parse_since(since)
    configured = store_name(cli.config())
    if store is not None and store.strip().lower() not in {configured.lower(),
                                                           cli.config().inksoft.base_url.rstrip("/").lower()}:
        _unknown_store(cli, store, configured)
    engine = _reconcile_engine(cli)
    try:
        report = run_reconcile(engine, store=configured, since=since_moment, fix=fix)
    finally:
        engine.close()
    cli.emit(report.to_dict(), report.lines())
    exit_with(EXIT_SOME_FAILED if report.drifted else EXIT_OK)
