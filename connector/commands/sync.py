"""`inkship sync` (one import and ship-back pass) and `inkship run` (a pass every N seconds until
SIGTERM or Ctrl-C, finishing the pass in hand unless it would have to wait: then it stops at once).
"""

from __future__ import annotations

import click
from inkship.connector.commands.context import EXIT_OK, EXIT_SOME_FAILED, CliContext, exit_with, pass_cli
from inkship.connector.commands.signals import StopFlag, stop_on_signals
from inkship.connector.customstore.shipnotify import retry_pending_notices
from inkship.connector.engine.reports import ReportLine, RunReport

dry_run_option = click.option(
    "--dry-run", is_flag=True,
    help="Show what would be created, updated, cancelled and written back; write nothing.")
store_option = click.option(
    "--store", "stores", multiple=True, metavar="NAME",
    help="Only this configured InkSoft store (repeat for several; default: every store).")


def report_failed(report: RunReport) -> bool:
    """Whether a pass stopped, or some order or shipment failed, is in conflict or still pending."""
    passes = [p for p in (report.import_report, report.shipback_report) if p is not None]
    return not report.ok or any(p.unfinished for p in passes)


# A notice InkSoft refused is settled with a problem for the operator; this pass reports it as failed.
NOTICE_OUTCOMES = {"rejected": "failed"}


def one_pass(cli: CliContext, dry_run: bool, stop: StopFlag | None = None,
             stores: tuple[str, ...] = ()) -> RunReport:
    """One import and ship-back pass (of the `stores` named, else of every store). With `stop`, the
    clients sit out no wait once it is set (a back-off, a rate-limit reset): the pass ends within
    seconds and leaves what it had in hand pending."""
    bar = cli.reading_bar()
    engine = cli.engine(bar, stores=list(stores), **({"stop": stop} if stop is not None else {}))
    try:
        report = engine.sync(dry_run=dry_run)
        if cli.config().custom_store.enabled and not dry_run and report.shipback_report is not None:
            # Custom Store ship notices whose InkSoft write failed are this pass's too.
            for ref, outcome in retry_pending_notices(engine):
                report.shipback_report.add(NOTICE_OUTCOMES.get(outcome, outcome), ref,
                                           "pending Custom Store ship notice retried")
        return report
    finally:
        if bar is not None:
            bar.close()  # the engine leaves its windows however it stops; this is the backstop
        engine.close()


# What a dry run lists order by order (the summary lines only count them).
WOULD = {"created": "would create", "updated": "would update", "cancelled": "would cancel",
         "written": "would write back"}


def _would(line: ReportLine) -> str:
    what = f"shipment {line.shipment_id} of {line.order_ref}" if line.shipment_id else line.order_ref
    return f"  {WOULD[line.outcome]}: {what}" + (f": {line.detail}" if line.detail else "")


def dry_run_lines(report: RunReport) -> list[str]:
    passes = [p for p in (report.import_report, report.shipback_report) if p is not None]
    return [_would(line) for p in passes for line in p.lines if line.outcome in WOULD]


def print_report(cli: CliContext, report: RunReport, dry_run: bool) -> None:
    details = ["dry run: nothing was written", *dry_run_lines(report)] if dry_run else []
    cli.emit({"ok": not report_failed(report), "dry_run": dry_run, "report": report.to_dict()},
             [*report.summary_lines(), *details])


@click.command()
@dry_run_option
@store_option
@pass_cli
def sync(cli: CliContext, dry_run: bool, stores: tuple[str, ...]) -> None:
    """One pass: import new and changed orders, then write shipments back."""
    report = one_pass(cli, dry_run, stores=stores)
    print_report(cli, report, dry_run)
    exit_with(EXIT_SOME_FAILED if report_failed(report) else EXIT_OK)


@click.command()
@dry_run_option
@click.option("--interval", type=click.FloatRange(min=0), default=None,
              help="Seconds between passes (default: sync.interval_seconds).")
@click.option("--max-passes", type=click.IntRange(min=0), default=0,
              help="Stop after this many passes (0: until SIGTERM or Ctrl-C).")
@store_option
@pass_cli
def run(cli: CliContext, dry_run: bool, interval: float | None, max_passes: int,
        stores: tuple[str, ...]) -> None:
    """Pass after pass, every --interval seconds, until SIGTERM or Ctrl-C."""
    seconds = cli.config().sync.interval_seconds if interval is None else interval
    flag = StopFlag()
    passes = 0
    last_failed = False
    with stop_on_signals(flag):
        while not flag.is_set:
            # A pass that fails as a whole (an API down after retries) is in its report; only
            # configuration and credential errors escape, and they end the run (exit 2).
            report = one_pass(cli, dry_run, stop=flag, stores=stores)
            print_report(cli, report, dry_run)
            last_failed = report_failed(report)
            passes += 1
            if max_passes and passes >= max_passes:
                break
            flag.wait(seconds)
    if not cli.as_json:
        click.echo(f"stopped after {passes} pass{'es' if passes != 1 else ''}")
    exit_with(EXIT_SOME_FAILED if last_failed else EXIT_OK)
