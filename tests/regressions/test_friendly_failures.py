"""Issue 10, defect 13: unfriendly failures. A state database that cannot be created exits 2 naming the
key and the path; a missing configuration file and an unknown key get the fix that applies to them;
`inkship status` creates nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from inkship.connector.cli import main
from inkship.connector.commands.context import Runtime
from inkship.connector.errors import ConfigError

from tests.connector.test_cli_support import isolated_cli  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("isolated_cli")


def run_cli(*args: str) -> object:
    return CliRunner().invoke(main, list(args), obj=Runtime())


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "inkship.toml"
    path.write_text(text)
    return path


def uncreatable_database_config(tmp_path: Path, extra: str = "") -> tuple[Path, Path]:
    """A complete configuration whose state.database lies below a file, so it cannot be created."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    database = blocker / "inkship.sqlite3"
    return database, config_file(tmp_path, (
        '[inksoft]\nbase_url = "http://inksoft.invalid/Shop"\napi_key = "key-1234"\n'
        '[shipstation]\nbase_url = "http://shipstation.invalid"\napi_key = "k-1234"\napi_secret = "s-1234"\n'
        f'{extra}[state]\ndatabase = "{database}"\n'))


def test_a_state_database_that_cannot_be_created_is_a_config_error_naming_key_and_path(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    database = blocker / "state" / "inkship.sqlite3"
    from inkship.connector.commands.context import open_state_store

    with pytest.raises(ConfigError) as excinfo:
        open_state_store(str(database))

    assert excinfo.value.key == "state.database" and str(database) in str(excinfo.value)


def test_sync_with_an_uncreatable_state_database_exits_2_with_the_key(tmp_path):
    database, path = uncreatable_database_config(tmp_path)

    result = run_cli("--config", str(path), "sync")

    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "state.database" in result.stderr and str(database) in result.stderr
    assert "fix: set state.database to a file in a directory this user can write" in result.stderr


def test_a_missing_configuration_file_says_to_create_it_or_point_at_the_right_one(tmp_path):
    missing = tmp_path / "nowhere.toml"

    result = run_cli("--config", str(missing), "status")

    assert result.exit_code == 2
    assert f"configuration file {missing} does not exist" in result.stderr
    assert f"fix: create {missing}" in result.stderr and "INKSHIP_CONFIG" in result.stderr
    assert "set the named key" not in result.stderr


def test_an_unknown_key_says_to_remove_or_rename_it(tmp_path):
    path = config_file(tmp_path, '[state]\ndatabse = "x.sqlite3"\n')

    result = run_cli("--config", str(path), "--json", "status")

    assert result.exit_code == 2
    error = json.loads(result.stdout)
    assert error["key"] == "state.databse"
    assert error["fix"] == ("remove databse from [state] in the configuration file or correct its name "
                            "(did you mean state.database?)")


def test_an_unknown_environment_key_says_which_variable_to_unset(tmp_path, monkeypatch):
    monkeypatch.setenv("INKSHIP_STATE_DATABSE", "x.sqlite3")

    result = run_cli("status")

    assert result.exit_code == 2
    assert "fix: unset INKSHIP_STATE_DATABSE or correct its name (did you mean INKSHIP_STATE_DATABASE?)" \
        in result.stderr


def test_status_creates_no_state_directory(tmp_path):
    database = tmp_path / "never" / "made" / "state.sqlite3"
    path = config_file(tmp_path, f'[state]\ndatabase = "{database}"\n')

    result = run_cli("--config", str(path), "status")

    assert result.exit_code == 0, result.output
    assert "does not exist yet" in result.output
    assert not (tmp_path / "never").exists()


def test_serve_with_an_uncreatable_state_database_exits_2_before_serving(tmp_path):
    database, path = uncreatable_database_config(
        tmp_path, '[webhook]\ntoken = "a-long-random-webhook-token-1234"\n')
    served: list[object] = []

    result = CliRunner().invoke(main, ["--config", str(path), "serve"],
                                obj=Runtime(serve_forever=lambda app, host, port: served.append(app)))

    assert result.exit_code == 2, result.output
    assert "state.database" in result.stderr and str(database) in result.stderr
    assert served == []
