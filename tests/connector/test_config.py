"""Configuration loading: file, environment overrides, type checks, unknown keys, credentials, redaction."""

from __future__ import annotations

from pathlib import Path

import pytest
from inkship.connector.config import Config, StoreConfig, load_config
from inkship.connector.config_values import SHIPSTATION_STATUSES
from inkship.connector.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "config.example.toml"

CREDENTIALS = {
    "INKSHIP_INKSOFT_BASE_URL": "https://stores.inksoft.com/Devo_Designs",
    "INKSHIP_INKSOFT_API_KEY": "ink-key-6f1e2d3c",
    "INKSHIP_SHIPSTATION_API_KEY": "ss-key-9a8b7c6d",
    "INKSHIP_SHIPSTATION_API_SECRET": "ss-secret-5e4f3a2b",
}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "inkship.toml"
    path.write_text(text)
    return path


def problems(excinfo: pytest.ExceptionInfo[ConfigError]) -> dict[str | None, str]:
    """Every reported problem by key, whether one error or several were raised."""
    error = excinfo.value
    found = error.details if isinstance(error.details, list) else [error]
    return {item.key: str(item) for item in found}


def test_example_file_loads_and_documents_every_key():
    config = load_config(EXAMPLE, env={}, require_credentials=False)
    assert config.inksoft.base_url == "https://stores.inksoft.com/Your_Store"
    assert config.mapping.statuses == {"Ready to Ship": "awaiting_shipment", "Awaiting Art": "on_hold"}
    text = EXAMPLE.read_text()
    for section, keys in Config().redacted().items():
        assert f"[{section}]" in text
        for key in keys:
            if key not in ("statuses", "stores"):
                assert f"{key} =" in text, f"{section}.{key} missing from the example"
    assert "[[inksoft.stores]]" in text and "[inksoft.stores.statuses]" in text
    for entry_key in StoreConfig.__dataclass_fields__:
        if entry_key != "statuses":
            assert f"# {entry_key} =" in text, f"inksoft.stores[].{entry_key} missing from the example"


def test_defaults_with_credentials_from_environment_only():
    config = load_config(env=CREDENTIALS)
    assert config.shipstation.base_url == "https://ssapi.shipstation.com"
    assert config.shipstation.requests_per_minute == 40
    assert config.shipstation.page_size == 500
    assert config.inksoft.page_size == 100 and config.inksoft.batch_read is True
    assert config.sync.overlap_minutes == 10
    assert config.state.database == ".inkship/state.sqlite3"
    assert config.shipstation.api_secret == "ss-secret-5e4f3a2b"


def test_file_values_with_types(tmp_path):
    path = write(tmp_path, """
[inksoft]
base_url = "https://stores.inksoft.com/Devo_Designs"
username = "fulfil@example.com"
password = "pw-123456"
publisher_id = 4242
batch_read = false
timeout = 15

[shipstation]
api_key = "k"
api_secret = "s"
store_id = 310001

[mapping.statuses]
"Awaiting Art" = "on_hold"
"At Embroiderer" = "on_hold"
""")
    config = load_config(path, env={})
    assert config.inksoft.publisher_id == "4242"
    assert config.inksoft.timeout == 15.0 and isinstance(config.inksoft.timeout, float)
    assert config.inksoft.batch_read is False
    assert config.shipstation.store_id == 310001
    assert config.mapping.statuses == {"Awaiting Art": "on_hold", "At Embroiderer": "on_hold"}


def test_environment_overrides_file_and_converts_strings(tmp_path):
    path = write(tmp_path, '[shipstation]\napi_key = "from-file"\n[sync]\ninterval_seconds = 300\n')
    env = {**CREDENTIALS, "INKSHIP_CONFIG": str(path), "INKSHIP_SHIPSTATION_API_KEY": "from-env",
           "INKSHIP_SYNC_INTERVAL_SECONDS": "60", "INKSHIP_CUSTOM_STORE_ENABLED": "TRUE",
           "INKSHIP_CUSTOM_STORE_USERNAME": "ss", "INKSHIP_CUSTOM_STORE_PASSWORD": "cs-pass-1",
           "INKSHIP_INKSOFT_SEND_SHIPMENT_DETAILS": "0", "INKSHIP_MAPPING_DEFAULT_WEIGHT": "8.5",
           "INKSHIP_MAPPING_STATUSES": '{"Scheduled": "awaiting_shipment"}',
           "INKSHIP_SHIPSTATION_STORE_ID": "",
           "INKSHIP_SIM_SHIPSTATION_API_KEY": "belongs-to-the-simulator", "PATH": "/usr/bin"}
    config = load_config(env=env)
    assert config.shipstation.api_key == "from-env"
    assert config.sync.interval_seconds == 60
    assert config.custom_store.enabled is True
    assert config.inksoft.send_shipment_details is False
    assert config.mapping.default_weight == 8.5
    assert config.mapping.statuses == {"Scheduled": "awaiting_shipment"}
    assert config.shipstation.store_id is None


@pytest.mark.parametrize(("toml", "key", "words"), [
    ('[webhook]\nport = "8080"', "webhook.port", "whole number"),
    ("[webhook]\nport = 70000", "webhook.port", "between 1 and 65535"),
    ("[inksoft]\nbatch_read = 1", "inksoft.batch_read", "true or false"),
    ("[sync]\ninterval_seconds = true", "sync.interval_seconds", "whole number"),
    ("[shipstation]\npage_size = 1000", "shipstation.page_size", "between 1 and 500"),
    ("[shipstation]\ntimeout = 0", "shipstation.timeout", "at least"),
    ('[shipstation]\nbase_url = "ftp://ssapi.shipstation.com"', "shipstation.base_url", "http"),
    ('[shipstation]\nbase_url = "https://"', "shipstation.base_url", "host"),
    ('[shipstation]\nbase_url = "ssapi.shipstation.com"', "shipstation.base_url", "http"),
    ('[shipstation]\nbase_url = "https://ssapi.shipstation.com:99999"', "shipstation.base_url", "port"),
    ('[webhook]\npublic_url = "https://u:p@example.com"', "webhook.public_url", "user name"),
    ('[inksoft]\nbase_url = "https://stores.inksoft.com/S/Api2/"', "inksoft.base_url", "without /Api2"),
    ('[inksoft]\nbase_url = "https://stores.inksoft.com"', "inksoft.base_url", "store's URL name"),
    ('[mapping.statuses]\n"Open" = "awaiting_pickup"', "mapping.statuses", "not a ShipStation status"),
    ('[mapping.statuses]\n"Open" = 3', "mapping.statuses", "must be a string"),
    ('[mapping]\nweight_unit = "stone"', "mapping.weight_unit", "ounces, pounds, grams"),
    ('[custom_store]\npath = "shipstation"', "custom_store.path", "start with '/'"),
    ('[inksoft]\nbase_urll = "https://x.example"', "inksoft.base_urll", "unknown key"),
    ('[shipstaton]\napi_key = "k"', "shipstaton", "unknown section"),
    ("inksoft = 3", "inksoft", "must be a table"),
])
def test_invalid_values_name_the_key(tmp_path, toml, key, words):
    env = {name: value for name, value in CREDENTIALS.items() if name != "INKSHIP_INKSOFT_BASE_URL"}
    with pytest.raises(ConfigError) as excinfo:
        load_config(write(tmp_path, toml), env=env)
    found = problems(excinfo)
    assert key in found, found
    assert words in found[key]
    assert found[key].startswith(f"{key}: ")


@pytest.mark.parametrize(("variable", "value", "key", "words"), [
    ("INKSHIP_CUSTOM_STORE_ENABLED", "maybe", "custom_store.enabled", "true or false"),
    ("INKSHIP_WEBHOOK_PORT", "eighty", "webhook.port", "whole number"),
    ("INKSHIP_MAPPING_DEFAULT_WEIGHT", "heavy", "mapping.default_weight", "a number"),
    ("INKSHIP_MAPPING_STATUSES", "Open=on_hold", "mapping.statuses", "JSON object"),
    ("INKSHIP_INKSOFT_APIKEY", "x", "inksoft.apikey", "INKSHIP_INKSOFT_APIKEY"),
    ("INKSHIP_SHIPSTATION_BASE_URL", "http://", "shipstation.base_url", "host"),
])
def test_invalid_environment_values_name_the_key(variable, value, key, words):
    with pytest.raises(ConfigError) as excinfo:
        load_config(env={**CREDENTIALS, variable: value})
    found = problems(excinfo)
    assert words in found[key]


def test_every_problem_is_reported_together(tmp_path):
    path = write(tmp_path, '[webhook]\nport = "x"\n[sync]\nbackfill_days = -1\n[nope]\n')
    with pytest.raises(ConfigError) as excinfo:
        load_config(path, env={})
    found = problems(excinfo)
    assert {"webhook.port", "sync.backfill_days", "nope", "inksoft.base_url", "inksoft.api_key",
            "shipstation.api_key", "shipstation.api_secret"} <= set(found)
    assert str(excinfo.value).startswith(f"{len(found)} problems in the configuration")
    assert all(key in str(excinfo.value) for key in found)


def test_missing_credentials_are_named_and_optional_for_doctor():
    with pytest.raises(ConfigError) as excinfo:
        load_config(env={"INKSHIP_INKSOFT_BASE_URL": "https://stores.inksoft.com/S"})
    found = problems(excinfo)
    assert set(found) == {"inksoft.api_key", "shipstation.api_key", "shipstation.api_secret"}
    assert "username, password and publisher_id" in found["inksoft.api_key"]
    config = load_config(env={}, require_credentials=False)
    assert {p.key for p in config.credential_problems()} == {
        "inksoft.base_url", "inksoft.api_key", "shipstation.api_key", "shipstation.api_secret"}


def test_partial_publisher_login_names_the_missing_parts():
    env = {key: value for key, value in CREDENTIALS.items() if key != "INKSHIP_INKSOFT_API_KEY"}
    with pytest.raises(ConfigError) as excinfo:
        load_config(env={**env, "INKSHIP_INKSOFT_USERNAME": "fulfil@example.com"})
    assert set(problems(excinfo)) == {"inksoft.password", "inksoft.publisher_id"}
    full = load_config(env={**env, "INKSHIP_INKSOFT_USERNAME": "u", "INKSHIP_INKSOFT_PASSWORD": "p",
                            "INKSHIP_INKSOFT_PUBLISHER_ID": "4242"})
    assert full.inksoft.api_key is None and full.inksoft.publisher_id == "4242"


def test_enabled_custom_store_needs_its_credentials():
    with pytest.raises(ConfigError) as excinfo:
        load_config(env={**CREDENTIALS, "INKSHIP_CUSTOM_STORE_ENABLED": "yes"})
    assert set(problems(excinfo)) == {"custom_store.username", "custom_store.password"}


def test_redacted_masks_secrets_that_are_set():
    config = load_config(env={**CREDENTIALS, "INKSHIP_WEBHOOK_TOKEN": "hook-token-77aa"})
    shown = config.redacted()
    assert shown["inksoft"]["api_key"] == "***"
    assert shown["shipstation"]["api_key"] == "***" and shown["shipstation"]["api_secret"] == "***"
    assert shown["webhook"]["token"] == "***"
    assert shown["inksoft"]["password"] is None
    assert shown["inksoft"]["base_url"] == "https://stores.inksoft.com/Devo_Designs"
    assert shown["mapping"]["statuses"] == {}
    text = repr(shown)
    assert all(secret not in text for secret in ("ink-key-6f1e2d3c", "ss-secret-5e4f3a2b", "hook-token-77aa"))


def test_mistyped_secret_is_not_echoed(tmp_path):
    with pytest.raises(ConfigError) as excinfo:
        load_config(write(tmp_path, "[inksoft]\npassword = 98765432\n"), env=CREDENTIALS)
    assert "98765432" not in str(excinfo.value)
    assert problems(excinfo)["inksoft.password"] == "inksoft.password: must be a string"


def test_unreadable_files(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.toml", env={})
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[inksoft\n"), env={})


def test_status_names_are_shipstations():
    assert SHIPSTATION_STATUSES == ("awaiting_payment", "awaiting_shipment", "pending_fulfillment",
                                    "shipped", "on_hold", "cancelled")
