"""One reconcile: read the three views, compare them, and with `fix` repair what is safe, then read again
to see what is left (a repair counts as fixed only when the fresh read no longer finds the drift)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from inkship.connector.errors import ConfigError
from inkship.connector.mapping.orders import MappedOrder, Skip, map_order
from inkship.connector.reconcile.compare import find_drift
from inkship.connector.reconcile.drift import ReconcileReport, Scope
from inkship.connector.reconcile.fix import apply_fixes
from inkship.connector.reconcile.read import read_views
from inkship.connector.reconcile.views import Expected

if TYPE_CHECKING:
    from inkship.connector.engine.sync import SyncEngine


def expected_by_mapping(engine: SyncEngine) -> Expected:
    """What the import pass would send for an order: the mapping with the store's table and settings."""
    ctx = engine.context  # the one store reconciled

    def expected(order: dict[str, Any]) -> MappedOrder | Skip:
        return map_order(order, ctx.status_table, ctx.mapping, ctx.store_id, store_domain=ctx.store_domain)
    return expected


def reconcile(engine: SyncEngine, *, store: str, since: datetime | None = None,
              fix: bool = False) -> ReconcileReport:
    """Compare (and with `fix`, repair) one store. Without `fix` nothing is written anywhere: the state
    database, InkSoft and ShipStation are only read. Raises ConfigError for the Custom Store transport."""
    if engine.config.custom_store.enabled:
        # ShipStation pulls those orders itself and inkship keeps no links for them: every order would
        # look unlinked, and a re-import through the REST API would put it in a second store.
        raise ConfigError("reconcile compares orders inkship imported through ShipStation's REST API; with "
                          "the Custom Store transport ShipStation imports them itself. Run it with "
                          "custom_store.enabled = false for an account that uses the REST API",
                          key="custom_store.enabled")
    calls_before = _calls(engine)
    expected = expected_by_mapping(engine)
    views = read_views(engine, since)
    report = ReconcileReport(Scope(since, store, inksoft_orders=len(views.inksoft),
                                   shipstation_orders=len(views.shipstation_orders),
                                   shipments=len(views.shipments), links=len(views.links)),
                             fix=fix, drift=find_drift(views, expected))
    if fix:
        if any(d.repair for d in report.drift):
            report.errors = apply_fixes(engine, views, report.drift, expected)
            report.mark_fixed(find_drift(read_views(engine, since), expected))
        else:
            report.mark_fixed(report.drift)
    report.calls = {api: _calls(engine)[api] - calls_before[api] for api in calls_before}
    return report


def _calls(engine: SyncEngine) -> dict[str, int]:
    return {"inksoft": engine.inksoft.http.calls, "shipstation": engine.shipstation.http.calls}
