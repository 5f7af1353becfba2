"""`SyncEngine`: the one object the CLI and the web receiver drive — an import pass, a ship-back pass,
a webhook, or a whole run — with every run recorded in the state store."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

from inkship.connector.clients.inksoft import InkSoftClient
from inkship.connector.clients.shipstation import ShipStationClient
from inkship.connector.config import Config
from inkship.connector.engine import importer, shipback
from inkship.connector.engine.context import STOPPING, PassContext
from inkship.connector.engine.crashpoints import check_crash_point
from inkship.connector.engine.reports import ImportReport, RunReport, ShipbackReport
from inkship.connector.errors import InkshipError
from inkship.connector.mapping.status import StatusTable
from inkship.connector.state.store import StateStore, utcnow

log = logging.getLogger("inkship.engine")

R = TypeVar("R", ImportReport, ShipbackReport)


class SyncEngine:
    """Import InkSoft orders into ShipStation and write ShipStation labels back to InkSoft."""

    def __init__(self, config: Config, inksoft: InkSoftClient, shipstation: ShipStationClient,
                 state: StateStore, clock: Callable[[], datetime] = utcnow,
                 crash_at: str | None = None) -> None:
        self.config = config
        self.inksoft = inksoft
        self.shipstation = shipstation
        self.state = state
        self.clock = clock
        # The narrow view each pass gets: clients, state, status table, settings, clock.
        self.context = PassContext(
            inksoft=inksoft, shipstation=shipstation, state=state,
            status_table=StatusTable.from_config(config.mapping.statuses),
            mapping=config.mapping, sync=config.sync, store_id=config.shipstation.store_id,
            # InkSoft's `REPLACE_DOMAIN_WITH` image host becomes the store's own host (inferred: the
            # host of the configured store URL, which for a white-label store is its own domain).
            store_domain=urlsplit(config.inksoft.base_url).netloc or None,
            clock=clock, crash_at=check_crash_point(crash_at))

    @property
    def status_table(self) -> StatusTable:
        return self.context.status_table

    @property
    def store_domain(self) -> str | None:
        return self.context.store_domain

    def close(self) -> None:
        self.state.close()

    # -- the passes ------------------------------------------------------------------------------

    def run_import(self, dry_run: bool = False) -> ImportReport:
        return self._recorded("import", dry_run, lambda: importer.run_import(self.context, dry_run))

    def run_shipback(self, dry_run: bool = False) -> ShipbackReport:
        return self._recorded("shipback", dry_run, lambda: shipback.run_shipback(self.context, dry_run))

    def handle_webhook(self, payload: dict[str, Any]) -> ShipbackReport:
        return self._recorded("webhook", False, lambda: shipback.handle_webhook(self.context, payload))

    def sync(self, dry_run: bool = False) -> RunReport:
        """Import, then ship back. A pass that fails as a whole (an API down after retries) is reported
        and the other pass still runs; credential and configuration errors stop at once and raise."""
        report = RunReport(started_at=self.clock(), dry_run=dry_run)
        run_id = None if dry_run else self.state.start_run("sync")
        errors: list[str] = []
        passes = (("import_report", "import", importer.run_import),
                  ("shipback_report", "ship-back", shipback.run_shipback))
        try:
            for attribute, name, run_pass in passes:
                try:
                    setattr(report, attribute, run_pass(self.context, dry_run))
                except STOPPING:
                    raise
                except InkshipError as exc:
                    log.error("%s pass failed: %s", name, exc)
                    errors.append(f"{name}: {exc}")
        except STOPPING as exc:
            errors.append(str(exc))
            self._finish_run(run_id, report, errors)
            raise
        self._finish_run(run_id, report, errors)
        for line in report.summary_lines():
            log.info("%s", line)
        return report

    def _finish_run(self, run_id: int | None, report: RunReport, errors: list[str]) -> None:
        report.error = "; ".join(errors) or None
        report.finished_at = self.clock()
        if run_id is not None:
            self.state.finish_run(run_id, report.summary())

    def _recorded(self, kind: str, dry_run: bool, work: Callable[[], R]) -> R:
        """Run one pass with a row in the runs table (none for a dry run: it changes nothing)."""
        if dry_run:
            return work()
        run_id = self.state.start_run(kind)
        try:
            report = work()
        except InkshipError as exc:
            self.state.finish_run(run_id, {"ok": False, "error": str(exc)})
            raise
        self.state.finish_run(run_id, {"ok": True, "counts": report.counts})
        for line in report.summary_lines():
            log.info("%s", line)
        return report
