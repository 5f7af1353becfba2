"""`inkship demo` (what `./run demo` calls): the end-to-end demo on both simulators."""

from __future__ import annotations

import logging

import click

from inkship.connector.commands.context import EXIT_OK, EXIT_SOME_FAILED, CliContext, exit_with, pass_cli
from inkship.connector.commands.signals import StopFlag, stop_on_signals
from inkship.demo.data import base_orders
from inkship.demo.story import Demo, demo_session
from inkship.simulators.ui import page_urls

log = logging.getLogger(__name__)


@click.command()
@click.option("--orders", "order_count", type=click.IntRange(min=len(base_orders())), default=None,
              help=f"How many InkSoft orders to seed (at least {len(base_orders())}, the demo's story; "
                   "more are generated).")
@click.option("--keep-running", is_flag=True,
              help="Leave the simulators up afterwards and print their URLs (Ctrl-C to stop).")
@pass_cli
def demo(cli: CliContext, order_count: int | None, keep_running: bool) -> None:
    """Run the whole flow on the simulators and show what moved where."""
    echo = (lambda text: None) if cli.as_json else click.echo
    runner = Demo(order_count, echo)
    try:
        with demo_session(runner) as result:
            cli.emit(result.data, result.lines)
            if keep_running:
                _wait_for_ctrl_c(result.urls)
    except Exception as exc:
        # Any failure is reported with the step it happened in; the traceback only with -v.
        log.debug("demo failed", exc_info=True)
        cli.emit({"ok": False, "step": runner.current_step, "error": str(exc)},
                 [f"Demo FAILED while {runner.current_step}: {type(exc).__name__}: {exc}"])
        exit_with(EXIT_SOME_FAILED)
    exit_with(EXIT_OK if result.ok else EXIT_SOME_FAILED)


def _wait_for_ctrl_c(urls: dict[str, str]) -> None:
    click.echo("", err=True)
    click.echo("Still running (Ctrl-C to stop):", err=True)
    for name, url in (*page_urls(urls["inksoft"], urls["shipstation"]),
                      ("inkship serve status", f"{urls['receiver']}/status  (secret: webhook.status_token "
                                               "in the demo configuration)"),
                      ("inkship serve health", f"{urls['receiver']}/healthz"),
                      ("demo configuration", urls["config"])):
        click.echo(f"  {name:<28} {url}", err=True)
    flag = StopFlag("stopping the demo")
    with stop_on_signals(flag):
        while not flag.wait(3600):
            pass
