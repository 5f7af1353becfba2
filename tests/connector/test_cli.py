"""The `inkship` commands through click's CliRunner, against both simulators in process."""

from __future__ import annotations

import json
import logging
import signal
from pathlib import Path

import pytest
from inkship.connector.commands.context import Runtime
from inkship.connector.commands.signals import StopFlag
from inkship.connector.config import load_config
from inkship.connector.logging import RedactingFilter, setup_logging
from inkship.connector.state.store import StateStore

from tests.connector.test_cli_support import (
    SHIPSTATION,
    TOKEN,
    CapturedServe,
    Sims,
    invoke,
    isolated_cli,  # noqa: F401 - a fixture
    json_lines,
    make_sims,
    write_config,
)

# Orders of the demo shop that reach ShipStation: three ready to ship, one awaiting art (on hold),
# one open and unpaid; skipped: two without an address, one unmapped status, one cancelled.
IMPORTED, SKIPPED = 5, 4


pytestmark = pytest.mark.usefixtures("isolated_cli")


@pytest.fixture
def sims() -> Sims:
    return make_sims()


@pytest.fixture
def config(tmp_path: Path, sims: Sims) -> Path:
    return write_config(tmp_path, sims.credentials)


def _state(config: Path) -> StateStore:
    return StateStore(config.parent / "state.sqlite3")


def _api_posts(sims: Sims) -> list[dict]:
    return (sims.journal(sims.shipstation, method="POST")
            + sims.journal(sims.inksoft, path_prefix="/demo_print_shop/Api2/CreateOrderShipments"))


# --- sync -------------------------------------------------------------------------------------------


def test_sync_imports_and_prints_a_summary(sims: Sims, config: Path) -> None:
    result = invoke(sims, config, "sync")

    assert result.exit_code == 0, result.output
    assert f"Import: {IMPORTED} created" in result.output
    assert f"{SKIPPED} skipped" in result.output
    assert "no shipping address" in result.output.lower()
    orders = [o for o in sims.shipstation_state()["orders"] if o["orderKey"].startswith("inksoft:")]
    assert len(orders) == IMPORTED


def test_sync_json_output_parses(sims: Sims, config: Path) -> None:
    result = invoke(sims, config, "--json", "sync")

    assert result.exit_code == 0, result.output
    [document] = json_lines(result.stdout)
    assert document["ok"] is True
    assert document["report"]["import"]["counts"]["created"] == IMPORTED


def test_sync_writes_back_labels_created_since_the_last_pass(sims: Sims, config: Path) -> None:
    invoke(sims, config, "sync")
    [label] = sims.create_labels({"orderNumbers": [_order_number(sims, "Ortiz")]})

    result = invoke(sims, config, "--json", "sync")

    assert result.exit_code == 0, result.output
    assert json_lines(result.stdout)[0]["report"]["shipback"]["counts"]["written"] == 1
    assert _inksoft_tracking_numbers(sims) == [label["trackingNumber"]]


def test_dry_run_writes_nothing(sims: Sims, config: Path) -> None:
    result = invoke(sims, config, "sync", "--dry-run")

    assert result.exit_code == 0, result.output
    assert "dry run: nothing was written" in result.output
    assert f"{IMPORTED} would create" in result.output
    assert "  would create: #1001: awaiting_shipment" in result.output
    assert "  would create: #1006: on_hold" in result.output
    assert _api_posts(sims) == []
    with _state(config) as state:
        assert state.counts()["orders_linked"] == 0
        assert state.recent_runs() == []


def test_dry_run_shows_the_write_backs_it_would_make(sims: Sims, config: Path) -> None:
    invoke(sims, config, "sync")
    sims.create_labels({"orderNumbers": [_order_number(sims, "Whitaker")]})
    before = len(_api_posts(sims))

    result = invoke(sims, config, "sync", "--dry-run")

    assert "1 would write back" in result.output
    assert "  would write back: shipment " in result.output
    assert len(_api_posts(sims)) == before
    assert _inksoft_tracking_numbers(sims) == []


def test_failed_orders_exit_1(sims: Sims, config: Path) -> None:
    sims.control(sims.shipstation, "POST", "faults", {
        "id": "refuse", "method": "POST", "path": "/orders/createorders", "action": "status",
        "status": 400, "body": {"Message": "The request is invalid."}})

    result = invoke(sims, config, "sync")

    assert result.exit_code == 1, result.output
    assert "failed" in result.output


def test_missing_configuration_exits_2_naming_the_key(sims: Sims, tmp_path: Path) -> None:
    path = tmp_path / "partial.toml"
    path.write_text(f'[shipstation]\nbase_url = "{SHIPSTATION}"\napi_key = "k"\n'
                    '[inksoft]\nbase_url = "http://inksoft.test/shop"\napi_key = "k"\n')

    result = invoke(sims, path, "sync")

    assert result.exit_code == 2
    assert "shipstation.api_secret" in result.stderr
    assert "INKSHIP_SHIPSTATION_API_SECRET" in result.stderr


def test_missing_configuration_file_exits_2(sims: Sims, tmp_path: Path) -> None:
    result = invoke(sims, tmp_path / "nope.toml", "--json", "sync")

    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["ok"] is False and document["kind"] == "ConfigError"


def test_wrong_secret_exits_2_with_a_fix_and_no_secret(sims: Sims, config: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INKSHIP_SHIPSTATION_API_SECRET", "wrong-secret-value-123")

    result = invoke(sims, config, "-vv", "sync")

    assert result.exit_code == 2
    assert "fix: check shipstation.api_key and shipstation.api_secret" in result.stderr
    assert "wrong-secret-value-123" not in result.output


def test_inksoft_user_without_permission_exits_2(sims: Sims, config: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _seed_user_without_permission(sims)
    _use_publisher_login(monkeypatch, "packer@example.com", "packer-password")

    result = invoke(sims, config, "sync")

    assert result.exit_code == 2
    assert "Fulfillment Store Admin" in result.stderr


# --- run ----------------------------------------------------------------------------------------------


def test_run_repeats_passes_until_told_to_stop(sims: Sims, config: Path) -> None:
    result = invoke(sims, config, "--json", "run", "--interval", "0", "--max-passes", "3")

    assert result.exit_code == 0, result.output
    passes = json_lines(result.stdout)
    assert [p["report"]["import"]["counts"]["created"] for p in passes] == [IMPORTED, 0, 0]
    with _state(config) as state:
        assert [r.kind for r in state.recent_runs()] == ["sync"] * 3


def test_run_keeps_going_through_an_outage(sims: Sims, config: Path) -> None:
    sims.control(sims.shipstation, "POST", "faults", {"id": "down", "method": "*", "path": ".",
                                                       "action": "status", "status": 400, "times": 1})

    result = invoke(sims, config, "run", "--interval", "0", "--max-passes", "2")

    # The first pass failed; the second went through, so the run ends well.
    assert result.exit_code == 0, result.output
    assert "stopped after 2 passes" in result.output


def test_a_second_signal_stops_at_once() -> None:
    flag = StopFlag()

    flag.set(signal.SIGTERM, None)

    assert flag.is_set and flag.wait(3600)  # the wait between passes returns at once
    with pytest.raises(KeyboardInterrupt):
        flag.set(signal.SIGINT, None)


def test_the_signal_handler_takes_no_lock_and_logs_later(caplog: pytest.LogCaptureFixture) -> None:
    # A handler that logs or sets a threading.Event can deadlock on a lock its own thread holds.
    flag = StopFlag()

    with caplog.at_level("WARNING"):
        flag.set(signal.SIGINT, None)
        assert caplog.records == []
        assert flag.is_set

    assert [r.getMessage() for r in caplog.records] == [
        "SIGINT received: stopping after the pass in hand (again to stop now)"]


# --- status -----------------------------------------------------------------------------------------


def test_status_shows_links_problems_and_runs(sims: Sims, config: Path) -> None:
    invoke(sims, config, "sync")

    result = invoke(sims, config, "status")

    assert result.exit_code == 0, result.output
    assert f"orders linked to ShipStation: {IMPORTED}" in result.output
    assert "open problems:" in result.output
    assert "last runs (1 in all):" in result.output
    assert "#1 sync" in result.output


def test_status_json_without_credentials(sims: Sims, tmp_path: Path) -> None:
    path = tmp_path / "state-only.toml"
    path.write_text(f'[state]\ndatabase = "{tmp_path / "s.sqlite3"}"\n')

    result = invoke(sims, path, "--json", "status")

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["counts"]["orders_linked"] == 0 and document["runs"] == []


# --- doctor -----------------------------------------------------------------------------------------


def test_doctor_all_good(sims: Sims, config: Path) -> None:
    result = invoke(sims, config, "doctor")

    assert result.exit_code == 0, result.output
    assert "[ ok ] InkSoft" in result.output
    assert '[ ok ] ShipStation store: credentials accepted; orders go to 310001 "inkship"' in result.output
    assert result.output.rstrip().endswith("all good")


def test_doctor_wrong_secret(sims: Sims, config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INKSHIP_SHIPSTATION_API_SECRET", "not-the-secret")

    result = invoke(sims, config, "--json", "doctor")

    assert result.exit_code == 2
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["InkSoft"]["outcome"] == "ok"
    assert checks["ShipStation store"]["outcome"] == "fail"
    assert "shipstation.api_secret" in checks["ShipStation store"]["fix"]
    assert "not-the-secret" not in result.output


def test_doctor_user_without_permission(sims: Sims, config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _seed_user_without_permission(sims)
    _use_publisher_login(monkeypatch, "packer@example.com", "packer-password")

    result = invoke(sims, config, "doctor")

    assert result.exit_code == 2
    assert "[FAIL] InkSoft" in result.output
    assert "Fulfillment Store Admin" in result.output


def test_doctor_unreachable_api(sims: Sims, config: Path) -> None:
    sims.control(sims.inksoft, "POST", "faults", {"id": "down", "method": "*", "path": ".", "action": "drop"})

    result = invoke(sims, config, "doctor", runtime=Runtime(session=sims.session, sleep=lambda s: None))

    assert result.exit_code == 2
    assert "[FAIL] InkSoft: cannot reach it" in result.output
    assert "check inksoft.base_url (http://inksoft.test/demo_print_shop) and the network" in result.output
    assert "[ ok ] ShipStation store" in result.output


def test_doctor_unknown_store_lists_the_stores(sims: Sims, config: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INKSHIP_SHIPSTATION_STORE_ID", "999")

    result = invoke(sims, config, "doctor")

    assert result.exit_code == 2
    assert "[FAIL] ShipStation store: store 999 does not exist" in result.output
    assert 'set shipstation.store_id to one of: 310001 "inkship"' in result.output


def test_doctor_without_store_id_says_which_to_pick(sims: Sims, config: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INKSHIP_SHIPSTATION_STORE_ID", "")

    result = invoke(sims, config, "doctor")

    assert result.exit_code == 0, result.output
    assert "[warn] ShipStation store" in result.output
    assert 'set shipstation.store_id to 310001 "inkship"' in result.output


def test_doctor_reports_every_missing_credential(sims: Sims, tmp_path: Path) -> None:
    path = tmp_path / "empty.toml"
    path.write_text("")

    result = invoke(sims, path, "--json", "doctor")

    assert result.exit_code == 2
    failed = [c["detail"] for c in json.loads(result.stdout)["checks"] if c["outcome"] == "fail"]
    assert any("inksoft.base_url" in d for d in failed)
    assert any("shipstation.api_key" in d for d in failed)
    assert any("shipstation.api_secret" in d for d in failed)


# --- serve ------------------------------------------------------------------------------------------


def test_serve_prints_the_masked_webhook_url_and_serves_the_app(sims: Sims, config: Path) -> None:
    served = CapturedServe()

    result = invoke(sims, config, "serve", "--port", "9911",
                    runtime=Runtime(session=sims.session, serve_forever=served))

    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:9911/webhooks/shipstation/<webhook.token>" in result.output
    assert TOKEN not in result.output
    [(app, host, port)] = served.calls
    assert (host, port) == ("127.0.0.1", 9911)
    assert app.test_client().get("/healthz").get_json() == {"ok": True}


def test_serve_subscribe_registers_once(sims: Sims, config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INKSHIP_WEBHOOK_PUBLIC_URL", "https://hooks.example.com")
    runtime = Runtime(session=sims.session, serve_forever=CapturedServe())

    first = invoke(sims, config, "serve", "--subscribe", runtime=runtime)
    second = invoke(sims, config, "serve", "--subscribe", runtime=runtime)

    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "subscribed in ShipStation" in first.output
    assert "already subscribed in ShipStation" in second.output
    [hook] = sims.shipstation_state()["webhooks"]
    assert hook["Url"] == f"https://hooks.example.com/webhooks/shipstation/{TOKEN}"
    assert hook["HookType"] == "SHIP_NOTIFY" and hook["StoreID"] == 310001
    assert TOKEN not in first.output + second.output


def test_serve_subscribe_needs_a_public_url(sims: Sims, config: Path) -> None:
    result = invoke(sims, config, "serve", "--subscribe",
                    runtime=Runtime(session=sims.session, serve_forever=CapturedServe()))

    assert result.exit_code == 2
    assert "webhook.public_url" in result.stderr


def test_serve_refuses_to_start_without_a_token(sims: Sims, config: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INKSHIP_WEBHOOK_TOKEN", "")
    served = CapturedServe()

    result = invoke(sims, config, "serve", runtime=Runtime(session=sims.session, serve_forever=served))

    assert result.exit_code == 2
    assert "webhook.token" in result.stderr
    assert served.calls == []


# --- secrets ----------------------------------------------------------------------------------------


def test_no_secret_in_output_or_logs(sims: Sims, config: Path) -> None:
    secrets = [sims.credentials.shipstation_api_key, sims.credentials.shipstation_api_secret,
               sims.credentials.inksoft_api_key, TOKEN]
    # A server error on the first InkSoft read makes the client log the failed call and retry.
    sims.control(sims.inksoft, "POST", "faults", {"id": "blip", "method": "*", "path": "GetOrderSummaries",
                                                   "action": "status", "status": 503, "times": 1})
    runtime = Runtime(session=sims.session, sleep=lambda seconds: None,
                      serve_forever=lambda app, host, port: None)

    results = [invoke(sims, config, "-vv", *args, runtime=runtime)
               for args in (["sync"], ["status"], ["doctor"], ["serve"])]

    logged = "".join(r.stderr for r in results)
    assert "DEBUG" in logged and "INFO" in logged  # the commands did log, verbosely
    for secret in secrets:
        assert secret not in "".join(r.output for r in results)


def test_the_log_filter_masks_configured_secrets_and_credential_parameters() -> None:
    redacting = RedactingFilter(["sim-secret", TOKEN])
    record = logging.LogRecord("inkship.connector.test", logging.INFO, __file__, 1,
                               "GET %s?apikey=abc123&x=1 password: hunter2 Authorization: Basic dXNlcjpwYXNz",
                               (f"https://h/webhooks/shipstation/{TOKEN}",), None)
    redacting.filter(record)

    message = record.getMessage()
    for secret in (TOKEN, "abc123", "hunter2", "dXNlcjpwYXNz"):
        assert secret not in message
    assert "x=1" in message


def test_setup_logging_learns_the_configured_secrets(config: Path) -> None:
    redacting = setup_logging(0, load_config(config, env={}))

    assert {"sim-secret", "sim-key", "sim-inksoft-key", TOKEN} <= set(redacting.secrets)


# --- helpers ----------------------------------------------------------------------------------------


def _order_number(sims: Sims, surname: str) -> str:
    orders = sims.shipstation_state()["orders"]
    return next(o["orderNumber"] for o in orders if o["shipTo"]["name"].endswith(surname))


def _inksoft_tracking_numbers(sims: Sims) -> list[str]:
    return [package["TrackingNumber"] for order in sims.inksoft_state()["orders"]
            for shipment in order.get("Shipments") or [] for package in shipment["Packages"]]


def _seed_user_without_permission(sims: Sims) -> None:
    sims.control(sims.inksoft, "POST", "seed", {"users": [{
        "Username": "packer@example.com", "Password": "packer-password",
        "PublisherId": sims.credentials.inksoft_publisher_id, "Permissions": []}]})


def _use_publisher_login(monkeypatch: pytest.MonkeyPatch, username: str, password: str) -> None:
    """Sign in as a publisher user instead of using the store's API key (an empty variable unsets it)."""
    monkeypatch.setenv("INKSHIP_INKSOFT_API_KEY", "")
    monkeypatch.setenv("INKSHIP_INKSOFT_USERNAME", username)
    monkeypatch.setenv("INKSHIP_INKSOFT_PASSWORD", password)
    monkeypatch.setenv("INKSHIP_INKSOFT_PUBLISHER_ID", "4242")


@pytest.mark.parametrize(("custom_store", "consequence"), [
    ("false", "`inkship serve` will not start"),
    ("true", "the SHIP_NOTIFY receiver stays off (the Custom Store endpoint still runs)"),
])
def test_doctor_without_webhook_token_says_what_serve_will_do(
        sims: Sims, config: Path, monkeypatch: pytest.MonkeyPatch, custom_store: str,
        consequence: str) -> None:
    monkeypatch.setenv("INKSHIP_WEBHOOK_TOKEN", "")
    monkeypatch.setenv("INKSHIP_CUSTOM_STORE_ENABLED", custom_store)
    monkeypatch.setenv("INKSHIP_CUSTOM_STORE_USERNAME", "shipstation")
    monkeypatch.setenv("INKSHIP_CUSTOM_STORE_PASSWORD", "a-long-custom-store-password")

    result = invoke(sims, config, "doctor")

    assert f"webhook.token is not set: {consequence}" in result.output
