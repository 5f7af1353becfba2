"""Issue 12: the CLI imports a command's modules only when that command runs; `inkship --help` lists
every command from COMMANDS without importing Flask, requests or the engine."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from inkship.connector.cli import COMMANDS, load_command, main, short_help

# Heavy dependencies and our own layers that only a running command needs.
NOT_FOR_HELP = ("flask", "werkzeug", "requests", "urllib3", "jinja2", "waitress", "yaml", "jsonschema",
                "xmlschema", "defusedxml", "sqlite3", "inkship.connector.engine", "inkship.connector.clients",
                "inkship.connector.state", "inkship.connector.web", "inkship.connector.customstore",
                "inkship.simulators", "inkship.scenarios", "inkship.demo", "inkship.testing", "responses")

PROBE = """
import json, sys
from inkship.connector.cli import main
try:
    main(sys.argv[1:], prog_name="inkship")
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def modules_after(*args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,  # noqa: S603
                          timeout=60, check=True)
    return json.loads(done.stderr.strip().splitlines()[-1])


def loaded(modules: list[str], prefix: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for name in modules)


def test_help_imports_no_command_module_nor_its_dependencies():
    modules = modules_after("--help")

    assert [prefix for prefix in NOT_FOR_HELP if loaded(modules, prefix)] == []


def test_a_command_imports_what_it_needs_when_it_runs():
    assert loaded(modules_after("status", "--help"), "inkship.connector.commands.status")
    assert not loaded(modules_after("status", "--help"), "flask")


def test_help_lists_every_command_with_its_own_summary():
    output = CliRunner().invoke(main, ["--help"]).output
    for name in COMMANDS:
        assert f"  {name} " in output


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_summary_is_the_commands_own_help(name):
    command = load_command(name)

    assert isinstance(command, click.Command)
    assert command.get_short_help_str(1000) == short_help(name, 1000)


def test_an_unknown_command_is_still_a_usage_error():
    result = CliRunner().invoke(main, ["no-such-command"])

    assert result.exit_code == 2 and "No such command" in result.output
