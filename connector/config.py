"""Connector configuration: one TOML file, every key overridable by `INKSHIP_<SECTION>_<KEY>`.

Values are type-checked and converted, unknown sections and keys are refused, and every problem is a
`ConfigError` naming its key (`section.key`, `inksoft.stores[1].base_url`); several problems are reported
together. How one value is converted and checked lives in `connector/config_values.py`; how the stores of
`[[inksoft.stores]]` fall back to the shared settings, in `connector/stores.py`.
"""

from __future__ import annotations

import math
import os
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from inkship.connector.config_values import (
    ENV_PREFIX,
    FromEnv,
    check_value,
    claim_problems,
    convert_value,
    did_you_mean,
    unknown_key_fix,
)
from inkship.connector.errors import ConfigError
from inkship.connector.redact import MASK


def _secret() -> Any:
    return field(default=None, metadata={"secret": True})


def _url(default: str | None = None) -> Any:
    return field(default=default, metadata={"url": True})


def _bounded(default: float | None, low: float, high: float = math.inf) -> Any:
    return field(default=default, metadata={"range": (low, high)})


@dataclass(frozen=True)
class StoreConfig:
    """One `[[inksoft.stores]]` entry; every key but `base_url` falls back to the shared settings."""

    # Short name in output, `--store` and the state database (the store's identity there).
    name: str | None = field(default=None, metadata={"check": "store_name"})
    base_url: str = field(default="", metadata={"url": True, "check": "store_url"})
    username: str | None = None
    password: str | None = _secret()
    publisher_id: str | None = field(default=None, metadata={"numeric_id": True})
    api_key: str | None = _secret()
    # The ShipStation store its orders go to; unset: shipstation.store_id.
    shipstation_store_id: int | None = None
    # Merged over [mapping.statuses] (itself merged over the default table).
    statuses: dict[str, str] | None = field(default=None, metadata={"check": "statuses"})
    # Unset: mapping.order_number_prefix.
    order_number_prefix: str | None = None


@dataclass(frozen=True)
class InkSoftConfig:
    # The store base URL, e.g. https://stores.inksoft.com/Devo_Designs; calls go to {base_url}/Api2/{Method}.
    # With [[inksoft.stores]] each store has its own and this stays unset.
    base_url: str = _url("")
    username: str | None = None
    password: str | None = _secret()
    publisher_id: str | None = field(default=None, metadata={"numeric_id": True})
    api_key: str | None = _secret()
    page_size: int = _bounded(100, 1, 1000)
    timeout: float = _bounded(30.0, 0.001)  # seconds without a byte before a read gives up
    deadline: float = _bounded(120.0, 0.001)  # seconds one whole call may take, however the bytes trickle
    batch_read: bool = True
    # Sends the inferred CarrierName/ShippingServiceType/ShippedDate/Items with CreateOrderShipments.
    send_shipment_details: bool = True
    # Write-backs (CreateOrderShipments) in flight at once, each order's labels still one after another.
    # InkSoft takes one call per label and publishes no rate limit (inferred: none is enforced), so
    # over the internet a day of labels is bound by round trips; 1 writes one at a time.
    write_concurrency: int = _bounded(4, 1, 8)
    # Several stores in one configuration; empty: the one store of base_url.
    stores: tuple[StoreConfig, ...] = ()


@dataclass(frozen=True)
class ShipStationConfig:
    base_url: str = _url("https://ssapi.shipstation.com")
    api_key: str | None = _secret()
    api_secret: str | None = _secret()
    store_id: int | None = None
    timeout: float = _bounded(30.0, 0.001)
    deadline: float = _bounded(120.0, 0.001)
    requests_per_minute: int = _bounded(40, 0)  # 0 turns the client-side limiter off
    page_size: int = _bounded(500, 1, 500)
    # Read a SHIP_NOTIFY batch with its items in one call (includeShipmentItems=True in its resource_url).
    resource_url_items: bool = True


@dataclass(frozen=True)
class StateConfig:
    database: str = ".inkship/state.sqlite3"
    claim_seconds: float = _bounded(300.0, 60, 86400)  # write-back claims' lease (README); see claim_problems


@dataclass(frozen=True)
class MappingConfig:
    # InkSoft status -> ShipStation status; merged over the default table by connector.mapping.status.
    statuses: dict[str, str] = field(default_factory=dict)
    weight_unit: str | None = None
    default_weight: float | None = _bounded(None, 0)
    default_location: str | None = None
    order_number_prefix: str = ""


@dataclass(frozen=True)
class WebhookConfig:
    token: str | None = _secret()
    status_token: str | None = _secret()  # the secret of `inkship serve`'s status page (/status)
    public_url: str | None = _url()
    host: str = "127.0.0.1"
    port: int = _bounded(8765, 1, 65535)
    # `inkship serve` as a server (waitress): bodies past this size get 413 (webhooks and Custom Store),
    max_body_bytes: int = _bounded(1024 * 1024, 1024)
    # worker threads (the bound on requests handled at once), seconds a connection may stay silent
    # before it is closed, and connections open at once.
    threads: int = _bounded(4, 1, 64)
    request_timeout: int = _bounded(30, 1)
    connection_limit: int = _bounded(100, 1)


@dataclass(frozen=True)
class CustomStoreConfig:
    enabled: bool = False
    path: str = "/shipstation/custom-store"
    username: str | None = None
    password: str | None = _secret()


@dataclass(frozen=True)
class SyncConfig:
    interval_seconds: int = _bounded(300, 1)
    overlap_minutes: int = _bounded(10, 0)
    backfill_days: int = _bounded(30, 0)


SECTIONS: dict[str, type] = {
    "inksoft": InkSoftConfig, "shipstation": ShipStationConfig, "state": StateConfig,
    "mapping": MappingConfig, "webhook": WebhookConfig, "custom_store": CustomStoreConfig, "sync": SyncConfig,
}


@dataclass(frozen=True)
class Config:
    inksoft: InkSoftConfig = field(default_factory=InkSoftConfig)
    shipstation: ShipStationConfig = field(default_factory=ShipStationConfig)
    state: StateConfig = field(default_factory=StateConfig)
    mapping: MappingConfig = field(default_factory=MappingConfig)
    webhook: WebhookConfig = field(default_factory=WebhookConfig)
    custom_store: CustomStoreConfig = field(default_factory=CustomStoreConfig)
    sync: SyncConfig = field(default_factory=SyncConfig)

    def redacted(self) -> dict[str, dict[str, Any]]:
        """Every section as a plain dict, secrets that are set shown as `***`."""
        return {section: _shown(getattr(self, section)) for section in SECTIONS}

    def credential_problems(self) -> list[ConfigError]:
        """What is missing before the connector can talk to both APIs (used by load and by doctor)."""
        return self.inksoft_problems() + self.shipstation_problems() + self.custom_store_problems()

    def inksoft_problems(self) -> list[ConfigError]:
        """The InkSoft store URLs and credentials, when missing (each store's own, or the shared ones)."""
        ink = self.inksoft
        if not ink.stores:
            url = [] if ink.base_url else [ConfigError(
                "is required: the InkSoft store base URL, e.g. https://stores.inksoft.com/Your_Store",
                key="inksoft.base_url")]
            return url + _login_problems(ink, "inksoft")
        problems = []
        for index, store in enumerate(ink.stores):
            prefix = f"inksoft.stores[{index}]"
            if not store.base_url:
                problems.append(ConfigError("is required: this store's base URL, e.g. https://stores"
                                            ".inksoft.com/Team_Store", key=f"{prefix}.base_url"))
            own = any((store.api_key, store.username, store.password, store.publisher_id))
            problems += _login_problems(store, prefix) if own else _login_problems(ink, "inksoft", prefix)
        return problems

    def shipstation_problems(self) -> list[ConfigError]:
        """ShipStation's API key and secret, when missing."""
        return [ConfigError("is required (ShipStation Settings > API)", key=f"shipstation.{name}")
                for name in ("api_key", "api_secret") if not getattr(self.shipstation, name)]

    def custom_store_problems(self) -> list[ConfigError]:
        """The Custom Store endpoint's own credentials, when it is enabled and they are missing."""
        if not self.custom_store.enabled:
            return []
        return [ConfigError("is required when the Custom Store endpoint is enabled",
                            key=f"custom_store.{name}")
                for name in ("username", "password") if not getattr(self.custom_store, name)]


def _login_problems(login: InkSoftConfig | StoreConfig, prefix: str,
                    store: str | None = None) -> list[ConfigError]:
    """An API key, or else username, password and publisher_id; `store` names the store falling back."""
    if login.api_key:
        return []
    parts = {"username": login.username, "password": login.password, "publisher_id": login.publisher_id}
    missing = [name for name, value in parts.items() if not value]
    whose = f" (the shared credentials {store} falls back to)" if store else ""
    if len(missing) == len(parts):
        return [ConfigError(f"is required, or else username, password and publisher_id{whose}",
                            key=f"{prefix}.api_key")]
    return [ConfigError(f"is required to sign in without an API key{whose}", key=f"{prefix}.{name}")
            for name in missing]


def _shown(part: Any) -> dict[str, Any]:
    return {f.name: MASK if f.metadata.get("secret") and getattr(part, f.name)
            else _plain(getattr(part, f.name)) for f in fields(part)}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_shown(item) if is_dataclass(item) else item for item in value]
    return dict(value) if isinstance(value, dict) else value


def store_name_for(base_url: str) -> str:
    """The default name of a store: the last part of its URL path (`.../Devo_Designs` -> `Devo_Designs`)."""
    return urlsplit(base_url).path.rstrip("/").rsplit("/", 1)[-1] or "store"


def _store_list_problems(config: Config, already: set[str]) -> list[ConfigError]:
    """What only the whole list of stores shows: a name or URL given twice, base_url both shared and per
    store, the Custom Store endpoint (one ShipStation store pulling one InkSoft store) with several."""
    stores = config.inksoft.stores
    if not stores:
        return []
    problems = []
    if config.inksoft.base_url and "inksoft.base_url" not in already:
        problems.append(ConfigError("must not be set together with [[inksoft.stores]]",
                                    key="inksoft.base_url", details=_fixed_by(
                                        "move inksoft.base_url into an [[inksoft.stores]] entry")))
    names: dict[str, int] = {}
    urls: dict[str, int] = {}
    for index, store in enumerate(stores):
        name = store.name or store_name_for(store.base_url)
        if name.lower() in names:
            problems.append(ConfigError(f"{name!r} is the name of inksoft.stores[{names[name.lower()]}] "
                                        "too; each store needs its own (set name)",
                                        key=f"inksoft.stores[{index}].name"))
        names.setdefault(name.lower(), index)
        url = store.base_url.rstrip("/").lower()
        if url and url in urls:
            problems.append(ConfigError(f"is the URL of inksoft.stores[{urls[url]}] too; list each "
                                        "store once", key=f"inksoft.stores[{index}].base_url"))
        urls.setdefault(url, index)
    if len(stores) > 1 and config.custom_store.enabled:
        problems.append(ConfigError("serves one InkSoft store, and [[inksoft.stores]] lists several",
                                    key="custom_store.enabled", details=_fixed_by(
                                        "use the REST API transport (custom_store.enabled = false) for "
                                        "several stores, or list one store")))
    return problems


def load_config(path: str | Path | None = None, env: Mapping[str, str] | None = None,
                require_credentials: bool = True) -> Config:
    """Read the TOML file (argument, else `INKSHIP_CONFIG`, else none), apply environment overrides, check.

    With `require_credentials=False` missing credentials are not an error (see `Config.credential_problems`),
    so `inkship doctor` can show every other problem and then those.
    """
    env = os.environ if env is None else env
    path = path if path is not None else env.get(f"{ENV_PREFIX}CONFIG") or None
    raw = _read_file(Path(path)) if path is not None else {}
    errors: list[ConfigError] = []
    values = _merge_sources(raw, env, errors)
    sections = {name: _build_section(name, cls, values.get(name, {}), errors)
                for name, cls in SECTIONS.items()}
    config = Config(**sections)
    reported = {error.key for error in errors if error.key}
    errors.extend(_store_list_problems(config, reported) + claim_problems(config, reported))
    if require_credentials:
        already = {error.key for error in errors}  # a value given but invalid is not also "missing"
        errors.extend(problem for problem in config.credential_problems() if problem.key not in already)
    raise_all(errors)
    return config


def _fixed_by(fix: str) -> dict[str, str]:
    """`details` of a ConfigError whose fix is not "set the key" (the CLI shows it as the hint)."""
    return {"fix": fix}


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"configuration file {path} does not exist", details=_fixed_by(
            f"create {path} (docs/config.example.toml shows every key), or point --config or "
            "INKSHIP_CONFIG at the file you meant")) from None
    except IsADirectoryError:
        raise ConfigError(f"configuration file {path} is a directory", details=_fixed_by(
            "point --config or INKSHIP_CONFIG at the TOML file itself")) from None
    except OSError as exc:
        raise ConfigError(f"configuration file {path} cannot be read: {exc.strerror}", details=_fixed_by(
            f"let this user read {path}, or point --config or INKSHIP_CONFIG at another file")) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"configuration file {path} is not valid TOML: {exc}", details=_fixed_by(
            f"correct the TOML syntax of {path} where the message says")) from None


def raise_all(errors: list[ConfigError]) -> None:
    """Nothing for no error, the error itself for one, one ConfigError listing them for several."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        listing = "\n".join(f"  - {error}" for error in errors)
        # Several problems: one error listing them all; each one (with its .key) is in .details.
        raise ConfigError(f"{len(errors)} problems in the configuration:\n{listing}", details=errors)


def _merge_sources(raw: dict[str, Any], env: Mapping[str, str],
                   errors: list[ConfigError]) -> dict[str, dict[str, Any]]:
    """File values per section, overridden by environment values (still strings, marked for conversion)."""
    merged: dict[str, dict[str, Any]] = {}
    for section, body in raw.items():
        if section not in SECTIONS:
            errors.append(ConfigError(f"unknown section [{section}]; known sections: {', '.join(SECTIONS)}",
                                      key=section, details=_fixed_by(
                                          f"remove [{section}] from the configuration file or correct its "
                                          f"name{did_you_mean(section, SECTIONS, '[{}]')}")))
        elif not isinstance(body, dict):
            errors.append(ConfigError("must be a table ([section])", key=section))
        else:
            merged[section] = dict(body)
    for name, text in env.items():
        target = _env_target(name)
        if target is None:
            continue
        section, key = target
        merged.setdefault(section, {})[key] = FromEnv(text, name)
    return merged


def _env_target(name: str) -> tuple[str, str] | None:
    """`INKSHIP_CUSTOM_STORE_ENABLED` -> ("custom_store", "enabled"); None for other variables."""
    if not name.startswith(ENV_PREFIX):
        return None
    rest = name[len(ENV_PREFIX):].lower()
    # Longest section name first, so a section whose name contains "_" wins over a shorter prefix.
    for section in sorted(SECTIONS, key=len, reverse=True):
        if rest.startswith(section + "_"):
            return section, rest[len(section) + 1:]
    return None  # INKSHIP_CONFIG, INKSHIP_SIM_* and friends belong to others


def _build_section(section: str, cls: type, values: dict[str, Any], errors: list[ConfigError]) -> Any:
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        dotted = f"{section}.{key}"
        if key not in known:
            source = f" (from {value.variable})" if isinstance(value, FromEnv) else ""
            fix = unknown_key_fix(section, key, value, known)
            errors.append(ConfigError(f"unknown key{source}; known keys in [{section}]: {', '.join(known)}",
                                      key=dotted, details=_fixed_by(fix)))
            continue
        if typing.get_origin(hints[key]) is tuple:
            kwargs[key] = _build_tables(dotted, typing.get_args(hints[key])[0], value, errors)
            continue
        try:
            if known[key].metadata.get("numeric_id") and type(value) is int:
                value = str(value)  # the PublisherId is a number on InkSoft's pages; kept as text
            converted = convert_value(hints[key], value, dotted)
            check_value(known[key].metadata, converted, dotted)
            kwargs[key] = converted
        except ConfigError as exc:
            # A mistyped secret is reported without echoing its value.
            errors.append(ConfigError("must be a string", key=dotted) if known[key].metadata.get("secret")
                          else exc)
    return cls(**kwargs)


def _build_tables(key: str, cls: type, value: Any, errors: list[ConfigError]) -> tuple[Any, ...]:
    """An array of tables (`[[inksoft.stores]]`), each entry checked as a section named `key[index]`."""
    if isinstance(value, FromEnv):
        errors.append(ConfigError(f"cannot come from the environment ({value.variable}); list the entries "
                                  f"as [[{key}]] tables in the configuration file", key=key))
        return ()
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        errors.append(ConfigError(f"must be an array of tables ([[{key}]])", key=key))
        return ()
    return tuple(_build_section(f"{key}[{index}]", cls, entry, errors) for index, entry in enumerate(value))
