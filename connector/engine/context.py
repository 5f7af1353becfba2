"""What a pass may use, and nothing more: the two clients, the state store, the status table, the
mapping settings, the clock and the crash points. `SyncEngine` builds one; the import pass, the
ship-back pass and the Custom Store's ship notices take it, so no phase can reach the engine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from inkship.connector.clients.inksoft import InkSoftClient
from inkship.connector.clients.shipstation import ShipStationClient
from inkship.connector.config import MappingConfig, SyncConfig
from inkship.connector.engine.crashpoints import maybe_crash
from inkship.connector.errors import AuthError, ConfigError, InkshipError, PermissionDenied
from inkship.connector.mapping.status import StatusTable
from inkship.connector.state.store import StateStore

# Errors that no other order or pass could get past: stop the run and say what to fix.
STOPPING = (AuthError, PermissionDenied, ConfigError)
LOCKED = frozenset({"shipped", "cancelled"})  # ShipStation refuses updates to orders in these states


@dataclass
class PassContext:
    inksoft: InkSoftClient
    shipstation: ShipStationClient
    state: StateStore
    status_table: StatusTable
    mapping: MappingConfig
    sync: SyncConfig
    store_id: int | None  # ShipStation's store the orders go to
    store_domain: str | None  # replaces InkSoft's `REPLACE_DOMAIN_WITH` image host
    clock: Callable[[], datetime]
    crash_at: str | None = None

    @staticmethod
    def stop_if_fatal(exc: InkshipError) -> None:
        """Re-raise an error that stops the whole run (credentials, permissions, configuration)."""
        if isinstance(exc, STOPPING):
            raise exc

    def poll_window(self, cursor_name: str) -> tuple[datetime, datetime]:
        """The window a pass reads: from its cursor less the overlap (first run: the backfill), to now."""
        now = self.clock()
        cursor = self.state.get_cursor(cursor_name)
        start = (cursor - timedelta(minutes=self.sync.overlap_minutes) if cursor
                 else now - timedelta(days=self.sync.backfill_days))
        return start, now

    def maybe_crash(self, name: str) -> None:
        """Stop dead here when built with `crash_at == name` (tests only)."""
        maybe_crash(name, self.crash_at)
