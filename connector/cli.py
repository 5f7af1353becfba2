"""The `inkship` command line: one group, each command in the module that owns it."""

from __future__ import annotations

import click


@click.group()
@click.version_option(package_name="inkship")
def main() -> None:
    """inkship: InkSoft orders into ShipStation, shipments back to InkSoft."""


def _register() -> None:
    from simulators.cli import sim

    main.add_command(sim)


_register()
