"""`SyncEngine`: the one object the CLI and the web receiver drive — an import pass, a ship-back pass,
a webhook, or a whole run — with every run recorded in the state store."""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator
from datetime import UTC, datetime
from typing import Any, TypeVar

from inkship.connector.clients.inksoft import InkSoftClient
from inkship.connector.clients.shipstation import ShipStationClient
from inkship.connector.config import Config
from inkship.connector.engine import importer, shipback
from inkship.connector.engine.context import STOPPING, PassContext
from inkship.connector.engine.crashpoints import check_crash_point
from inkship.connector.engine.reports import ImportReport, RunReport, ShipbackReport
from inkship.connector.engine.stores import (
    Listing,
    StoreShipStation,
    list_store_ids,
    one_step,
    owner_lookup,
    run_in_turns,
    sibling_client,
)
from inkship.connector.errors import InkshipError
from inkship.connector.mapping.status import StatusTable
from inkship.connector.state.store import StateStore, utcnow
from inkship.connector.stores import Store, configured_stores, select_stores

log = logging.getLogger("inkship.engine")

R = TypeVar("R", ImportReport, ShipbackReport)


class SyncEngine:
    """Import InkSoft orders into ShipStation and write ShipStation labels back to InkSoft, for every
    configured InkSoft store (`connector/stores.py`) on one ShipStation account.

    `inksoft` is the client of a single store; with several, each store's client is made by
    `inksoft_for` (default: like `inksoft`, see `stores.sibling_client`). `stores` narrows the run
    to those store names."""

    def __init__(self, config: Config, inksoft: InkSoftClient, shipstation: ShipStationClient,
                 state: StateStore, clock: Callable[[], datetime] = utcnow,
                 crash_at: str | None = None, *,
                 inksoft_for: Callable[[Store], InkSoftClient] | None = None,
                 stores: list[str] | None = None) -> None:
        self.config = config
        self.shipstation = shipstation
        self.database = state  # every store's rows; `state` below is the first store's view
        self.clock = clock
        every = configured_stores(config)
        state.bind_stores([(store.name, store.inksoft.base_url) for store in every])
        chosen = select_stores(config, stores)
        make_client = inksoft_for or (lambda store: sibling_client(inksoft, store))
        owner_of = owner_lookup(state)
        filters = list_store_ids(every)
        self._resources: dict[str, dict[str, Any]] = {}  # a webhook's batch, fetched once for all stores
        self._listings: dict[Any, Listing] = {}  # a pass's shipment listings, shared by stores
        # The narrow view each pass gets: clients, this store's state, status table, settings, clock.
        self.contexts = {store.name: PassContext(
            inksoft=inksoft if inksoft.config == store.inksoft else make_client(store),
            shipstation=shipstation if len(every) == 1 else StoreShipStation(
                shipstation, store=store.name, list_store_id=filters[store.name], owner_of=owner_of,
                first=store.name == every[0].name, resources=self._resources, listings=self._listings),
            state=state.for_store(store.name),
            status_table=StatusTable.from_config(store.mapping.statuses),
            mapping=store.mapping, sync=config.sync, store_id=store.shipstation_store_id,
            store_domain=store.domain, clock=clock, crash_at=check_crash_point(crash_at))
            for store in chosen}
        self.context = next(iter(self.contexts.values()))
        self.inksoft = self.context.inksoft
        self.state = self.context.state

    @property
    def several(self) -> bool:
        return len(self.contexts) > 1

    @property
    def status_table(self) -> StatusTable:
        return self.context.status_table

    @property
    def store_domain(self) -> str | None:
        return self.context.store_domain

    def close(self) -> None:
        self.database.close()

    # -- the passes ------------------------------------------------------------------------------

    def run_import(self, dry_run: bool = False) -> ImportReport:
        return self._each_store("import", dry_run, lambda ctx: importer.import_in_turns(ctx, dry_run),
                                ImportReport(dry_run=dry_run))

    def run_shipback(self, dry_run: bool = False) -> ShipbackReport:
        self._listings.clear()
        return self._each_store("shipback", dry_run,
                                lambda ctx: one_step(lambda: shipback.run_shipback(ctx, dry_run)),
                                ShipbackReport(dry_run=dry_run))

    def handle_webhook(self, payload: dict[str, Any]) -> ShipbackReport:
        self._resources.clear()
        return self._each_store("webhook", False,
                                lambda ctx: one_step(lambda: shipback.handle_webhook(ctx, payload)),
                                ShipbackReport())

    def sync(self, dry_run: bool = False) -> RunReport:
        """Import, then ship back. A pass that fails as a whole (an API down after retries) is reported
        and the other pass still runs; credential and configuration errors stop at once and raise.
        With several stores, one store's failure (its credentials, its InkSoft down) is that store's
        error in the report, and the other stores go on."""
        if not self.several:
            return self._sync_store(self.context, dry_run)
        return self._sync_stores(dry_run)

    def _sync_store(self, ctx: PassContext, dry_run: bool) -> RunReport:
        report = RunReport(started_at=self.clock(), dry_run=dry_run)
        run_id = None if dry_run else ctx.state.start_run("sync")
        errors: list[str] = []
        passes = (("import_report", "import", importer.run_import),
                  ("shipback_report", "ship-back", shipback.run_shipback))
        try:
            for attribute, name, run_pass in passes:
                try:
                    setattr(report, attribute, run_pass(ctx, dry_run))
                except STOPPING:
                    raise
                except InkshipError as exc:
                    log.error("%s pass failed: %s", name, exc)
                    errors.append(f"{name}: {exc}")
        except STOPPING as exc:
            errors.append(str(exc))
            self._finish_run(ctx.state, run_id, report, errors)
            raise
        self._finish_run(ctx.state, run_id, report, errors)
        for line in report.summary_lines():
            log.info("%s", line)
        return report

    def _sync_stores(self, dry_run: bool) -> RunReport:
        """Every store's import in turns, then every store's ship-back (the store whose window starts
        earliest first, so stores sharing a ShipStation store list its shipments once); a store's error
        is its own."""
        self._listings.clear()
        parts = {name: RunReport(started_at=self.clock(), dry_run=dry_run, store=name)
                 for name in self.contexts}
        run_ids = self._start_runs("sync", dry_run)
        errors: dict[str, list[str]] = {name: [] for name in self.contexts}
        phases = (("import_report", "import", lambda ctx: importer.import_in_turns(ctx, dry_run)),
                  ("shipback_report", "ship-back",
                   lambda ctx: one_step(lambda: shipback.run_shipback(ctx, dry_run))))
        try:
            for attribute, phase, steps in phases:
                outcomes = run_in_turns({name: steps(ctx) for name, ctx in self._by_window(attribute)})
                for name, outcome in outcomes.items():
                    if outcome.error is not None:
                        log.error("store %s: %s pass failed: %s", name, phase, outcome.error)
                        stopped = isinstance(outcome.error, STOPPING)
                        errors[name].append(str(outcome.error) if stopped else f"{phase}: {outcome.error}")
                    else:
                        setattr(parts[name], attribute, outcome.result)
        except STOPPING as exc:
            for name in self.contexts:
                errors[name].append(str(exc))
            raise
        finally:
            for name, ctx in self.contexts.items():
                self._finish_run(ctx.state, run_ids[name], parts[name], errors[name])
        report = RunReport.of_stores(list(parts.values()), started_at=min(p.started_at or self.clock()
                                                                           for p in parts.values()),
                                     finished_at=self.clock(), dry_run=dry_run)
        for line in report.summary_lines():
            log.info("%s", line)
        return report

    def _by_window(self, attribute: str) -> list[tuple[str, PassContext]]:
        """The stores in the order their passes run: as configured for the import; for the ship-back, the
        earliest shipment cursor first (a later window is then a part of an earlier listing)."""
        stores = list(self.contexts.items())
        if attribute != "shipback_report":
            return stores
        never = datetime.min.replace(tzinfo=UTC)
        return sorted(stores, key=lambda item: item[1].state.get_cursor(shipback.CURSOR) or never)

    def _start_runs(self, kind: str, dry_run: bool) -> dict[str, int | None]:
        """A row in each store's runs (none for a dry run: it changes nothing)."""
        return {name: None if dry_run else ctx.state.start_run(kind) for name, ctx in self.contexts.items()}

    def _finish_run(self, state: StateStore, run_id: int | None, report: RunReport,
                    errors: list[str]) -> None:
        report.error = "; ".join(errors) or None
        report.finished_at = self.clock()
        if run_id is not None:
            state.finish_run(run_id, report.summary())

    def _each_store(self, kind: str, dry_run: bool, steps: Callable[[PassContext], Generator[None, None, R]],
                    combined: R) -> R:
        """One pass over every store (imports in turns), each store's run recorded in its own rows.
        One store alone raises its error as before; with several, a store's error is logged, the
        others finish, and the first error is raised at the end (a global one at once)."""
        run_ids = self._start_runs(kind, dry_run)
        try:
            outcomes = run_in_turns({name: steps(ctx) for name, ctx in self.contexts.items()})
        except InkshipError as exc:
            for name, ctx in self.contexts.items():
                if (run_id := run_ids[name]) is not None:
                    ctx.state.finish_run(run_id, {"ok": False, "error": str(exc)})
            raise
        for name, outcome in outcomes.items():
            run_id, state = run_ids[name], self.contexts[name].state
            if outcome.error is not None:
                log.error("store %s: %s failed: %s", name, kind, outcome.error)
                if run_id is not None:
                    state.finish_run(run_id, {"ok": False, "error": str(outcome.error)})
                continue
            report = outcome.result
            if run_id is not None:
                state.finish_run(run_id, {"ok": True, "counts": report.counts})
            for line in report.summary_lines():
                log.info("%s%s", f"[{name}] " if self.several else "", line)
            if not self.several:
                return report
            combined.extend_from(report, name)
        first_error = next((o.error for o in outcomes.values() if o.error is not None), None)
        if first_error is not None:
            raise first_error
        return combined
