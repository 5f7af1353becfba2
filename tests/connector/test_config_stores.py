"""Several InkSoft stores in one configuration: `[[inksoft.stores]]`, fallbacks to the shared settings,
errors naming the entry's key, and the single-store configuration as one store."""

from __future__ import annotations

from pathlib import Path

import pytest
from inkship.connector.config import load_config
from inkship.connector.errors import ConfigError
from inkship.connector.logging import secrets_of
from inkship.connector.stores import configured_stores, select_stores

SHIPSTATION = {"INKSHIP_SHIPSTATION_API_KEY": "ss-key-9a8b7c6d",
               "INKSHIP_SHIPSTATION_API_SECRET": "ss-secret-5e4f"}

TWO_STORES = """
[inksoft]
api_key = "shared-inksoft-key"
page_size = 50

[shipstation]
store_id = 310001

[mapping]
order_number_prefix = "IS-"

[mapping.statuses]
"Awaiting Art" = "on_hold"

[[inksoft.stores]]
name = "main"
base_url = "https://stores.inksoft.com/Devo_Designs"

[[inksoft.stores]]
name = "lions"
base_url = "https://stores.inksoft.com/Lions_Team_Store"
username = "coach@example.com"
password = "lions-secret-pw"
publisher_id = "77"
shipstation_store_id = 310002
order_number_prefix = "LIONS-"

[inksoft.stores.statuses]
"Awaiting Art" = "awaiting_shipment"
"At Embroiderer" = "on_hold"
"""


def load(tmp_path: Path, text: str, env: dict[str, str] | None = None, **kw: bool):
    path = tmp_path / "inkship.toml"
    path.write_text(text)
    return load_config(path, env={**SHIPSTATION, **(env or {})}, **kw)


def problems(excinfo: pytest.ExceptionInfo[ConfigError]) -> dict[str | None, str]:
    error = excinfo.value
    found = error.details if isinstance(error.details, list) else [error]
    return {problem.key: str(problem) for problem in found}


def test_each_store_falls_back_to_the_shared_settings_where_it_says_nothing(tmp_path):
    main, lions = configured_stores(load(tmp_path, TWO_STORES))
    assert (main.name, main.inksoft.base_url, main.inksoft.api_key) == (
        "main", "https://stores.inksoft.com/Devo_Designs", "shared-inksoft-key")
    assert main.shipstation_store_id == 310001 and main.mapping.order_number_prefix == "IS-"
    assert main.mapping.statuses == {"Awaiting Art": "on_hold"}
    assert main.inksoft.page_size == 50 and main.config_key == "inksoft.stores[0]"
    # A store giving credentials of its own uses none of the shared ones.
    assert (lions.inksoft.api_key, lions.inksoft.username, lions.inksoft.password) == (
        None, "coach@example.com", "lions-secret-pw")
    assert lions.shipstation_store_id == 310002 and lions.mapping.order_number_prefix == "LIONS-"
    assert lions.mapping.statuses == {"Awaiting Art": "awaiting_shipment", "At Embroiderer": "on_hold"}
    assert lions.inksoft.page_size == 50 and lions.domain == "stores.inksoft.com"


def test_the_single_store_configuration_is_one_store_named_after_its_url(tmp_path):
    config = load(tmp_path, '[inksoft]\nbase_url = "https://stores.inksoft.com/Devo_Designs/"\n'
                            'api_key = "k"\n')
    (store,) = configured_stores(config)
    assert store.name == "Devo_Designs" and store.inksoft is config.inksoft and store.config_key == "inksoft"
    assert store.mapping is config.mapping


def test_every_error_names_the_entry_and_key(tmp_path):
    text = """
[[inksoft.stores]]
name = "main"
base_url = "https://stores.inksoft.com/Devo_Designs"
api_key = "k"

[[inksoft.stores]]
name = "main"
base_url = "https://stores.inksoft.com/Devo_Designs/Api2"
username = "coach@example.com"
shipstation_store_id = "x"
colour = "red"

[[inksoft.stores]]
name = "has space"
[inksoft.stores.statuses]
"Awaiting Art" = "painting"
"""
    with pytest.raises(ConfigError) as excinfo:
        load(tmp_path, text)
    found = problems(excinfo)
    assert "without /Api2" in found["inksoft.stores[1].base_url"]
    assert "whole number" in found["inksoft.stores[1].shipstation_store_id"]
    assert "unknown key" in found["inksoft.stores[1].colour"]
    assert "'main' is the name of inksoft.stores[0] too" in found["inksoft.stores[1].name"]
    assert "letters, digits" in found["inksoft.stores[2].name"]
    assert "not a ShipStation status" in found["inksoft.stores[2].statuses"]
    assert "this store's base URL" in found["inksoft.stores[2].base_url"]
    # Own credentials are checked as a set; the third store falls back to shared ones that are missing.
    assert "sign in without an API key" in found["inksoft.stores[1].password"]
    assert "shared credentials inksoft.stores[2] falls back to" in found["inksoft.api_key"]


def test_shared_base_url_with_a_list_of_stores_is_refused(tmp_path):
    text = TWO_STORES.replace('page_size = 50', 'page_size = 50\nbase_url = "https://stores.inksoft.com/X"')
    with pytest.raises(ConfigError) as excinfo:
        load(tmp_path, text)
    assert "must not be set together with [[inksoft.stores]]" in problems(excinfo)["inksoft.base_url"]


def test_the_custom_store_endpoint_serves_one_store(tmp_path):
    text = TWO_STORES + '\n[custom_store]\nenabled = true\nusername = "u"\npassword = "p"\n'
    with pytest.raises(ConfigError) as excinfo:
        load(tmp_path, text)
    assert "lists several" in problems(excinfo)["custom_store.enabled"]


def test_stores_cannot_come_from_the_environment(tmp_path):
    with pytest.raises(ConfigError) as excinfo:
        load(tmp_path, TWO_STORES, env={"INKSHIP_INKSOFT_STORES": "[]"})
    assert "[[inksoft.stores]] tables" in problems(excinfo)["inksoft.stores"]


def test_per_store_secrets_are_masked_and_redacted(tmp_path):
    config = load(tmp_path, TWO_STORES)
    assert "lions-secret-pw" in secrets_of(config)
    shown = config.redacted()["inksoft"]["stores"]
    assert shown[1]["password"] == "***" and shown[1]["username"] == "coach@example.com"
    assert "lions-secret-pw" not in repr(config.redacted())


def test_select_stores_by_name_for_store_options(tmp_path):
    config = load(tmp_path, TWO_STORES)
    assert [s.name for s in select_stores(config, ["LIONS"])] == ["lions"]
    assert [s.name for s in select_stores(config, None)] == ["main", "lions"]
    with pytest.raises(ConfigError, match="no store named 'tigers'; configured stores: main, lions"):
        select_stores(config, ["tigers"])
