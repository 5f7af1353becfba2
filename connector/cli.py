"""The `inkship` command line: one group, each command in the module that owns it.

Exit codes: 0 all went through, 1 some orders failed, 2 configuration or authentication to fix.
"""

from __future__ import annotations

from typing import Any

import click
from inkship.connector.commands.context import CliContext, Runtime, fail
from inkship.connector.errors import InkshipError
from inkship.connector.logging import setup_logging

from inkship import __version__


class InkshipGroup(click.Group):
    """Turns a connector error escaping any command into a clear message and exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InkshipError as exc:
            fail(ctx, exc)


@click.group(cls=InkshipGroup)
@click.version_option(version=__version__, prog_name="inkship")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="INKSHIP_CONFIG",
              help="Configuration file (TOML). Default: $INKSHIP_CONFIG, else the environment only.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON output.")
@click.option("-v", "--verbose", count=True, help="More logging on stderr (-vv for debug).")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, as_json: bool, verbose: int) -> None:
    """inkship: InkSoft orders into ShipStation, shipments back to InkSoft."""
    runtime = ctx.obj if isinstance(ctx.obj, Runtime) else Runtime()
    ctx.obj = CliContext(config_path=config_path, as_json=as_json, verbosity=verbose, runtime=runtime)
    setup_logging(verbose)


def _register() -> None:
    from inkship.connector.commands.doctor import doctor
    from inkship.connector.commands.serve import serve
    from inkship.connector.commands.status import status
    from inkship.connector.commands.sync import run, sync
    from inkship.scenarios.runner import scenario
    from inkship.simulators.cli import sim

    from inkship.demo.command import demo
    from inkship.testing.cli import record, replay

    for command in (sync, run, serve, status, doctor, demo, sim, scenario, record, replay):
        main.add_command(command)


_register()
