"""`state.claim_seconds`, the lease of a write-back claim: checked when the configuration loads, and
given to the state store wherever the connector opens one (the CLI's commands, `inkship serve`, the
demo), so a claim lasts what the configuration says."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from inkship.connector.commands.serve import _engine_factory
from inkship.connector.config import load_config
from inkship.connector.errors import ConfigError
from inkship.connector.state.store import DEFAULT_CLAIM_SECONDS, StateStore

from inkship.demo.story import Demo
from tests.connector.test_cli_support import (
    Sims,
    cli_context,
    invoke,
    isolated_cli,  # noqa: F401 - a fixture
    make_sims,
    write_config,
)
from tests.connector.test_config import CREDENTIALS, problems, write

pytestmark = pytest.mark.usefixtures("isolated_cli")


def test_the_default_lease_is_five_minutes() -> None:
    assert load_config(env=CREDENTIALS).state.claim_seconds == DEFAULT_CLAIM_SECONDS == 300


def test_the_lease_comes_from_the_file_or_the_environment(tmp_path: Path) -> None:
    path = write(tmp_path, "[state]\nclaim_seconds = 900\n")

    assert load_config(path, env=CREDENTIALS).state.claim_seconds == 900
    environment = {**CREDENTIALS, "INKSHIP_STATE_CLAIM_SECONDS": "1200.5"}
    assert load_config(path, env=environment).state.claim_seconds == 1200.5


@pytest.mark.parametrize(("value", "message"), [
    ("5", "state.claim_seconds: must be between 60 and 86400, not 5.0"),
    ("172800", "state.claim_seconds: must be between 60 and 86400, not 172800.0"),
    ("soon", "state.claim_seconds: must be a number, not 'soon'"),
    ("200", "state.claim_seconds: must be at least 2 times inksoft.deadline (240 s), not 200"),
])
def test_a_bad_lease_is_refused_naming_the_key(value: str, message: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        load_config(env={**CREDENTIALS, "INKSHIP_STATE_CLAIM_SECONDS": value})

    assert set(problems(excinfo)) == {"state.claim_seconds"}
    assert problems(excinfo)["state.claim_seconds"].startswith(message)


def test_a_longer_inksoft_deadline_needs_a_longer_lease(tmp_path: Path) -> None:
    path = write(tmp_path, "[inksoft]\ndeadline = 400\n")

    with pytest.raises(ConfigError) as excinfo:
        load_config(path, env=CREDENTIALS)
    assert set(problems(excinfo)) == {"state.claim_seconds"}
    assert "2 times inksoft.deadline (800 s), not 300" in problems(excinfo)["state.claim_seconds"]
    assert excinfo.value.details == {
        "fix": "raise state.claim_seconds to 800 or more, or lower inksoft.deadline"}

    longer = load_config(path, env={**CREDENTIALS, "INKSHIP_STATE_CLAIM_SECONDS": "800"})
    assert longer.state.claim_seconds == 800


def test_a_bad_deadline_is_reported_once_not_also_as_a_short_lease() -> None:
    with pytest.raises(ConfigError) as excinfo:
        load_config(env={**CREDENTIALS, "INKSHIP_INKSOFT_DEADLINE": "-1"})

    assert set(problems(excinfo)) == {"inksoft.deadline"}


# --- the lease reaching the ledger ------------------------------------------------------------------

LEASE = 1800


def claim_lasts(store: StateStore) -> timedelta:
    """Claim a write-back in `store` and say how long its lease runs (to within the claim's own time)."""
    before = datetime.now(UTC)
    claim = store.ledger_claim(9001, order_key="inksoft:1:1001", inksoft_id=1001, tracking_number="1Z9",
                               payload={})
    assert claim is not None
    holder = store.ledger_holder(9001)
    assert holder is not None
    return holder.expires - before


@pytest.fixture
def sims() -> Sims:
    return make_sims()


@pytest.fixture
def config(tmp_path: Path, sims: Sims, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INKSHIP_STATE_CLAIM_SECONDS", str(LEASE))
    return write_config(tmp_path, sims.credentials)


def _leased(store: StateStore) -> Iterator[timedelta]:
    with store:
        yield claim_lasts(store)


def test_the_clis_state_store_claims_for_the_configured_lease(sims: Sims, config: Path) -> None:
    cli = cli_context(sims, config)

    [lasts] = _leased(cli.state_store())

    assert timedelta(seconds=LEASE) <= lasts < timedelta(seconds=LEASE + 60)


def test_a_sync_engine_claims_for_the_configured_lease(sims: Sims, config: Path) -> None:
    cli = cli_context(sims, config)
    engine = cli.engine()
    try:
        lasts = claim_lasts(engine.database)
    finally:
        engine.close()

    assert timedelta(seconds=LEASE) <= lasts < timedelta(seconds=LEASE + 60)


def test_serves_engine_claims_for_the_configured_lease(sims: Sims, config: Path) -> None:
    cli = cli_context(sims, config)
    engine = _engine_factory(cli, cli.config())()
    try:
        lasts = claim_lasts(engine.database)
    finally:
        engine.close()

    assert timedelta(seconds=LEASE) <= lasts < timedelta(seconds=LEASE + 60)


def test_the_demos_state_store_claims_for_the_configured_lease(monkeypatch: pytest.MonkeyPatch) -> None:
    demo = Demo(echo=lambda text: None)
    with ExitStack() as stack:
        demo.start(stack)
        # The demo reads its own file only; its lease is the configuration's (the default here).
        assert demo.config.state.claim_seconds == DEFAULT_CLAIM_SECONDS
        monkeypatch.setattr(demo, "config", load_config(demo.config_path, env={
            "INKSHIP_STATE_CLAIM_SECONDS": str(LEASE)}))
        [lasts] = _leased(demo.open_state())

    assert timedelta(seconds=LEASE) <= lasts < timedelta(seconds=LEASE + 60)


def test_a_bad_lease_stops_sync_with_exit_2_naming_the_key(sims: Sims, config: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INKSHIP_STATE_CLAIM_SECONDS", "10")

    result = invoke(sims, config, "sync")

    assert result.exit_code == 2
    assert "state.claim_seconds: must be between 60 and 86400" in result.stderr
