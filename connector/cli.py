"""The `inkship` command line: one group, each command in the module that owns it.

Commands are loaded lazily: a command's module (and the engine, Flask, requests... it needs) is imported
only when that command runs, so `inkship --help` stays quick. To add a command, add one line to
COMMANDS: its name, where it lives, and the one-line help `inkship --help` shows (a test checks that it
matches the command's own).

Exit codes: 0 all went through, 1 some orders failed, 2 configuration or authentication to fix.
"""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple

import click
from inkship.connector.commands.context import CliContext, Runtime, fail
from inkship.connector.errors import InkshipError
from inkship.connector.logging import setup_logging

from inkship import __version__


class LazyCommand(NamedTuple):
    """Where a command lives (`module:attribute`) and its one-line help."""

    target: str
    summary: str


COMMANDS: dict[str, LazyCommand] = {
    "sync": LazyCommand("inkship.connector.commands.sync:sync",
                        "One pass: import new and changed orders, then write shipments back."),
    "run": LazyCommand("inkship.connector.commands.sync:run",
                       "Pass after pass, every --interval seconds, until SIGTERM or Ctrl-C."),
    "serve": LazyCommand("inkship.connector.commands.serve:serve",
                         "Receive ShipStation's SHIP_NOTIFY webhooks and write each shipment back to "
                         "InkSoft; serve the Custom Store endpoint when it is enabled (alone, if the "
                         "webhook receiver is not configured)."),
    "status": LazyCommand("inkship.connector.commands.status:status",
                          "What is linked, pending and failed, and the last runs."),
    "doctor": LazyCommand("inkship.connector.commands.doctor:doctor",
                          "Check the configuration, both APIs, the credentials, permissions and store; "
                          "say what to fix."),
    "demo": LazyCommand("inkship.demo.command:demo",
                        "Run the whole flow on the simulators and show what moved where."),
    "sim": LazyCommand("inkship.simulators.cli:sim",
                       "Run the InkSoft and ShipStation simulators until Ctrl-C."),
    "scenario": LazyCommand("inkship.scenarios.runner:scenario",
                            "Scenario files: the whole flow, end to end, on the simulators, offline."),
    "record": LazyCommand("inkship.testing.cli:record",
                          "Forward to TARGET and write what passes as a masked scenario file: point your "
                          "code at http://HOST:PORT instead of the API, use it, then Ctrl-C."),
    "replay": LazyCommand("inkship.testing.cli:replay",
                          "Replay a recorded scenario file against the simulators: exit 0 when every answer "
                          "has the recorded status, shape, field names and types; else list the "
                          "differences and exit 1."),
}


def short_help(name: str, limit: int) -> str:
    """The command's summary cut to `limit` the way click cuts a command's own help."""
    return click.Command(name, help=COMMANDS[name].summary).get_short_help_str(limit)


def load_command(name: str) -> click.Command:
    module_name, attribute = COMMANDS[name].target.split(":")
    command = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"{COMMANDS[name].target} is not a click command")
    return command


class InkshipGroup(click.Group):
    """Loads each command on first use, and turns a connector error escaping any command into a clear
    message and exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.add_command(load_command(cmd_name), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from COMMANDS' summaries, importing nothing."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in self.commands:
                if self.commands[name].hidden:
                    continue
                rows.append((name, self.commands[name].get_short_help_str(limit)))
            else:
                rows.append((name, short_help(name, limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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
