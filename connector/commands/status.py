"""`inkship status`: what is linked, pending and failed, and the last runs, from the state database."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from inkship.connector.commands.context import CliContext, open_state_store, pass_cli
from inkship.connector.state.store import LEDGER_STATES, LedgerRow, RunRecord


def _counts_text(counts: Any) -> str:
    if not isinstance(counts, dict):
        return ""
    return ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n) or "nothing to do"


def _run_line(run: RunRecord) -> str:
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
    return f"  #{run.id} {run.kind} at {run.started_at}: {outcome}"


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
    database = cli.config(require_credentials=False).state.database
    exists = Path(database).is_file()
    if exists:
        with open_state_store(database) as state:
            counts = state.counts()
            pending_orders = state.pending_links()
            pending_writebacks = state.ledger_pending()
            problems = state.open_problems()
            runs = state.recent_runs(run_count)
    else:
        # Reading must not create: no state directory or empty database as a side effect.
        counts = {"orders_linked": 0, "orders_pending": 0, "ledger": dict.fromkeys(LEDGER_STATES, 0),
                  "open_problems": 0, "runs": 0}
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
    lines += [f"  order {p.order_ref}: {p.kind}{f' ({p.field})' if p.field else ''}: {p.message}"
              for p in problems]
    lines += [f"  pending order {link.order_number or link.order_key}: will be sent again"
              for link in pending_orders]
    lines += [_writeback_line(row) for row in pending_writebacks]
    lines.append(f"last runs ({counts['runs']} in all):" if runs else "no runs yet")
    lines += [_run_line(run) for run in runs]
    cli.emit({"state": database, "exists": exists, "counts": counts,
              "pending_orders": [asdict(link) for link in pending_orders],
              "pending_writebacks": [asdict(row) for row in pending_writebacks],
              "problems": [asdict(p) for p in problems],
              "runs": [asdict(run) for run in runs]}, lines)
