"""`inkship reconcile [--store NAME] [--since DATE] [--fix] [--json]`: compare InkSoft, ShipStation and
the state database for one store, report every drift by order, and with --fix repair what is safe.

Exit codes: 0 nothing drifted, 1 something did (even when --fix repaired all of it: the report says
what was fixed and what is left), 2 configuration or credentials to fix (as every command).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import click
from inkship.connector.clients.shipstation import ShipStationClient
from inkship.connector.commands.context import EXIT_OK, EXIT_SOME_FAILED, CliContext, exit_with, pass_cli
from inkship.connector.config import Config
from inkship.connector.engine.sync import SyncEngine
from inkship.connector.errors import ConfigError
from inkship.connector.reconcile.run import reconcile as run_reconcile
from inkship.connector.stores import configured_stores, select_stores

# The largest pageSize ShipStation's list endpoints accept (reference §3): fewest calls under 40/minute.
SHIPSTATION_MAX_PAGE_SIZE = 500


def chosen_store(config: Config, asked: str | None) -> str:
    """The store to reconcile: the one named (ConfigError for a name not configured), else the only one.
    With several stores one must be named: each is reconciled on its own."""
    stores = configured_stores(config)
    if asked is not None:
        return select_stores(config, [asked])[0].name
    if len(stores) > 1:
        raise ConfigError(f"several stores are configured ({', '.join(store.name for store in stores)}); "
                          "name the one to reconcile", key="--store")
    return stores[0].name


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


def _reconcile_engine(cli: CliContext, store: str) -> SyncEngine:
    """An engine for one store whose ShipStation client lists at the largest page size."""
    config = cli.config()
    config = dataclasses.replace(config, shipstation=dataclasses.replace(
        config.shipstation, page_size=SHIPSTATION_MAX_PAGE_SIZE))
    [chosen] = select_stores(config, [store])
    return SyncEngine(config, cli.inksoft(chosen),
                      ShipStationClient(config.shipstation, **cli.runtime.http_options()), cli.state_store(),
                      stores=[store])


@click.command()
@click.option("--store", "store", metavar="NAME", default=None,
              help="The configured InkSoft store to reconcile (needed when several are configured).")
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
    name = chosen_store(cli.config(), store)
    engine = _reconcile_engine(cli, name)
    try:
        report = run_reconcile(engine, store=name, since=since_moment, fix=fix)
    finally:
        engine.close()
    cli.emit(report.to_dict(), report.lines())
    exit_with(EXIT_SOME_FAILED if report.drifted else EXIT_OK)
