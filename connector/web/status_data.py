"""What `inkship serve`'s status page shows, read from the state database: linked orders, the last
runs with their counts and duration, write-backs pending, failed and done, open problems, and orders
imported and shipments written back per hour. Every text that came from outside is redacted with the
configuration's secrets, so the page never shows a credential."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from inkship.connector.redact import redact_value
from inkship.connector.state.store import RunRecord, StateStore

RECENT_LINKS = 50
RECENT_RUNS = 10
RECENT_WRITTEN = 20
CHART_HOURS = 24
# Runs older than the chart's window are not read; a busy `inkship run` makes ~300 runs a day.
CHART_RUN_LIMIT = 2000
LEDGER_FIELDS = ("shipment_id", "order_key", "inksoft_id", "tracking_number", "state", "attempts",
                 "updated_at", "error")


def snapshot(database: str | Path, secrets: Iterable[str | None],
             now: datetime | None = None) -> dict[str, Any]:
    """The whole page's data as JSON-ready values (what `/status.json` answers)."""
    now = now or datetime.now(UTC)
    with StateStore(database) as store:
        counts = store.counts()
        runs = store.recent_runs(CHART_RUN_LIMIT)
        pending = store.ledger_pending()
        problems = store.open_problems()
    links, written = _recent_rows(Path(database))
    data = {
        "generated_at": now.isoformat(timespec="seconds"),
        "counts": counts,
        "links": links,
        "runs": [_run_view(run) for run in runs[:RECENT_RUNS]],
        "writebacks_pending": [_ledger_view(asdict(row)) for row in pending if not row.error],
        "writebacks_failed": [_ledger_view(asdict(row)) for row in pending if row.error],
        "writebacks_written": [_ledger_view(row) for row in written],
        "problems": [asdict(problem) for problem in problems],
        "per_hour": per_hour(runs, now),
    }
    redacted: dict[str, Any] = redact_value(data, list(secrets))
    return redacted


def _recent_rows(database: Path) -> tuple[list[dict], list[dict]]:
    """The latest links and written ledger rows, over a read-only connection (the store has no list)."""
    with closing(sqlite3.connect(database.resolve().as_uri() + "?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        links = conn.execute(
            """SELECT order_key, inksoft_id, order_number, shipstation_order_id, shipstation_status, pending,
                      updated_at FROM links ORDER BY updated_at DESC LIMIT ?""", (RECENT_LINKS,)).fetchall()
        written = conn.execute(
            """SELECT shipment_id, order_key, inksoft_id, tracking_number, state, attempts, updated_at, error
               FROM ledger WHERE state = 'written' ORDER BY updated_at DESC LIMIT ?""",
            (RECENT_WRITTEN,)).fetchall()
    return ([{**dict(row), "pending": bool(row["pending"])} for row in links], [dict(row) for row in written])


def _ledger_view(row: dict[str, Any]) -> dict[str, Any]:
    """A ledger row without its payload (the InkSoft request body is not the page's business)."""
    return {key: row.get(key) for key in LEDGER_FIELDS}


def _parse(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _run_view(run: RunRecord) -> dict[str, Any]:
    started, finished = _parse(run.started_at), _parse(run.finished_at)
    duration = round((finished - started).total_seconds(), 3) if started and finished else None
    return {"id": run.id, "kind": run.kind, "started_at": run.started_at, "finished_at": run.finished_at,
            "duration_seconds": duration,
            "ok": (run.summary or {}).get("ok"), "error": (run.summary or {}).get("error"),
            "imported": run_count(run, "import", "created"), "updated": run_count(run, "import", "updated"),
            "written": run_count(run, "shipback", "written"),
            "problems": sum(run_count(run, part, outcome) for part in ("import", "shipback")
                            for outcome in ("skipped", "failed", "conflict"))}


def run_count(run: RunRecord, part: str, outcome: str) -> int:
    """One outcome's count in a run's summary: a sync keeps both passes (`import`, `shipback`); an import,
    ship-back or webhook run keeps one (`counts`); a webhook run counts as ship-back."""
    summary = run.summary or {}
    counts = summary.get(part)
    own_kind = "shipback" if run.kind in ("shipback", "webhook") else run.kind
    if counts is None and own_kind == part:
        counts = summary.get("counts")
    value = (counts or {}).get(outcome, 0) if isinstance(counts, dict) else 0
    return value if isinstance(value, int) else 0


def per_hour(runs: list[RunRecord], now: datetime) -> list[dict[str, Any]]:
    """Orders imported (created in ShipStation) and shipments written back, per hour of the last day,
    oldest hour first, by the hour each run started."""
    top = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    hours = [top - timedelta(hours=back) for back in range(CHART_HOURS - 1, -1, -1)]
    buckets: dict[datetime, dict[str, Any]] = {
        hour: {"hour": hour.isoformat(timespec="minutes"), "imported": 0, "written": 0} for hour in hours}
    for run in runs:
        started = _parse(run.started_at)
        if started is None:
            continue
        bucket = buckets.get(started.astimezone(UTC).replace(minute=0, second=0, microsecond=0))
        if bucket is not None:
            bucket["imported"] += run_count(run, "import", "created")
            bucket["written"] += run_count(run, "shipback", "written")
    return list(buckets.values())
