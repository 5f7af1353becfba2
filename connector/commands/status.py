"""`inkship status`: what is linked, pending and failed, and the last runs, from the state database;
with several InkSoft stores, the same figures for each store."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from inkship.connector.commands.context import CliContext, open_state_store, pass_cli
from inkship.connector.state.store import LEDGER_STATES, LedgerRow, RunRecord
from inkship.connector.stores import configured_stores


def _counts_text(counts: Any) -> str:
    if not isinstance(counts, dict):
        return ""
    return ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n) or "nothing to do"


def _run_line(run: RunRecord, several: bool = False) -> str:
    """`#3 sync 2026-...: import 5 created; ship-back 3 written`, from the run's stored summary."""
    summary = run.summary or {}
    if run.finished_at is None:
        outcome = "did not finish (still running, or interrupted)"
    else:
        # A sync keeps both passes' counts; an import, ship-back or webhook run keeps one.
        parts = [f"{name} {_counts_text(summary[key])}" for key, name in
                 (("import", "import"), ("shipback", "ship-back"), ("counts", run.kind)) if summary.get(key)]
        if summary.get("error"):
            parts.append(f"error: {summary['error']}")
        outcome = "; ".join(parts) or "done"
    return f"  #{run.id} {run.kind}{_of_store(run.store, several)} at {run.started_at}: {outcome}"


def _no_counts() -> dict[str, Any]:
    return {"orders_linked": 0, "orders_pending": 0, "ledger": dict.fromkeys(LEDGER_STATES, 0),
            "open_problems": 0, "runs": 0}


def stores_counts(configured: list[str], found: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Figures for every configured store (zero when it has no rows yet), then any store the database
    holds that the configuration no longer lists. Rows from before stores existed ('') are counted
    with the first configured store, which takes them over on the next sync."""
    shown = {name: _no_counts() for name in configured}
    for name, figures in found.items():
        _add(shown.setdefault(name or configured[0], _no_counts()), figures)
    return shown


def _add(total: dict[str, Any], figures: dict[str, Any]) -> None:
    for key, value in figures.items():
        if isinstance(value, dict):
            _add(total[key], value)
        else:
            total[key] += value


def _store_line(name: str, figures: dict[str, Any]) -> str:
    ledger = figures["ledger"]
    return (f"  {name}: {figures['orders_linked']} orders linked ({figures['orders_pending']} waiting), "
            f"{ledger['written']} written back, {ledger['pending']} pending, "
            f"{figures['open_problems']} open problems")


def _of_store(store: str, several: bool) -> str:
    return f" (store {store})" if several and store else ""


def _writeback_line(row: LedgerRow) -> str:
    line = (f"  pending write-back: shipment {row.shipment_id} (order {row.order_key}, "
            f"tracking {row.tracking_number or '-'}, {row.attempts} attempt(s))")
    return f"{line}: {row.error}" if row.error else line


@click.command()
@click.option("--runs", "run_count", type=click.IntRange(min=0), default=5, show_default=True,
              help="How many recent runs to show.")
@pass_cli
def status(cli: CliContext, run_count: int) -> None:
    """What is linked, pending and failed, and the last runs."""
    config = cli.config(require_credentials=False)
    database = config.state.database
    exists = Path(database).is_file()
    names = [store.name for store in configured_stores(config)]
    by_store: dict[str, dict[str, Any]] = {name: _no_counts() for name in names}
    if exists:
        with open_state_store(database, config.state.claim_seconds) as state:
            by_store = stores_counts(names, state.counts_by_store())
            counts = state.counts()
            pending_orders = state.pending_links()
            pending_writebacks = state.ledger_pending()
            problems = state.open_problems()
            runs = state.recent_runs(run_count)
    else:
        # Reading must not create: no state directory or empty database as a side effect.
        counts = _no_counts()
        pending_orders, pending_writebacks, problems, runs = [], [], [], []
    ledger = counts["ledger"]
    lines = [
        f"state: {database}" if exists else
        f"state: {database} does not exist yet (the first sync, run or serve creates it)",
        f"orders linked to ShipStation: {counts['orders_linked']}"
        f" ({counts['orders_pending']} waiting to be sent again)",
        f"shipments written back to InkSoft: {ledger['written']}; pending: {ledger['pending']};"
        f" voided: {ledger['voided']}; skipped: {ledger['skipped']}",
        f"open problems: {counts['open_problems']}",
    ]
    several = len(by_store) > 1
    if several:
        lines.append("by store:")
        lines += [_store_line(name, figures) for name, figures in by_store.items()]
    lines += [f"  order {p.order_ref}{_of_store(p.store, several)}: {p.kind}"
              f"{f' ({p.field})' if p.field else ''}: {p.message}" for p in problems]
    lines += [f"  pending order {link.order_number or link.order_key}: will be sent again"
              for link in pending_orders]
    lines += [_writeback_line(row) for row in pending_writebacks]
    lines.append(f"last runs ({counts['runs']} in all):" if runs else "no runs yet")
    lines += [_run_line(run, several) for run in runs]
    cli.emit({"state": database, "exists": exists, "counts": counts, "stores": by_store,
              "pending_orders": [asdict(link) for link in pending_orders],
              "pending_writebacks": [asdict(row) for row in pending_writebacks],
              "problems": [asdict(p) for p in problems],
              "runs": [asdict(run) for run in runs]}, lines)
