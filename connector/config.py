"""Connector configuration: one TOML file, every key overridable by `INKSHIP_<SECTION>_<KEY>`.

Values are type-checked and converted, unknown sections and keys are refused, and every problem is a
`ConfigError` naming its key (`section.key`); several problems are reported together.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import tomllib
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from inkship.connector.errors import ConfigError
from inkship.connector.redact import MASK

SHIPSTATION_STATUSES = ("awaiting_payment", "awaiting_shipment", "pending_fulfillment", "shipped",
                        "on_hold", "cancelled")
WEIGHT_UNITS = ("ounces", "pounds", "grams")
ENV_PREFIX = "INKSHIP_"
TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})


def _secret() -> Any:
    return field(default=None, metadata={"secret": True})


def _url(default: str | None = None) -> Any:
    return field(default=default, metadata={"url": True})


def _bounded(default: float | None, low: float, high: float = math.inf) -> Any:
    return field(default=default, metadata={"range": (low, high)})


@dataclass(frozen=True)
class InkSoftConfig:
    # The store base URL, e.g. https://stores.inksoft.com/Devo_Designs; calls go to {base_url}/Api2/{Method}.
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
        shown: dict[str, dict[str, Any]] = {}
        for section in SECTIONS:
            part = getattr(self, section)
            shown[section] = {
                f.name: (MASK if f.metadata.get("secret") and getattr(part, f.name) else
                         _plain(getattr(part, f.name)))
                for f in fields(part)}
        return shown

    def credential_problems(self) -> list[ConfigError]:
        """What is missing before the connector can talk to both APIs (used by load and by doctor)."""
        return self.inksoft_problems() + self.shipstation_problems() + self.custom_store_problems()

    def inksoft_problems(self) -> list[ConfigError]:
        """The InkSoft store URL and credentials, when missing."""
        problems = []
        ink = self.inksoft
        if not ink.base_url:
            problems.append(ConfigError("is required: the InkSoft store base URL, "
                                        "e.g. https://stores.inksoft.com/Your_Store", key="inksoft.base_url"))
        if not ink.api_key:
            login = {"username": ink.username, "password": ink.password, "publisher_id": ink.publisher_id}
            missing = [name for name, value in login.items() if not value]
            if len(missing) == len(login):
                problems.append(ConfigError("is required, or else username, password and publisher_id",
                                            key="inksoft.api_key"))
            problems.extend(ConfigError("is required to sign in without an API key", key=f"inksoft.{name}")
                            for name in missing if len(missing) < len(login))
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


def _plain(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value


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
                                          f"name{_did_you_mean(section, SECTIONS, '[{}]')}")))
        elif not isinstance(body, dict):
            errors.append(ConfigError("must be a table ([section])", key=section))
        else:
            merged[section] = dict(body)
    for name, text in env.items():
        target = _env_target(name)
        if target is None:
            continue
        section, key = target
        merged.setdefault(section, {})[key] = _FromEnv(text, name)
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


@dataclass(frozen=True)
class _FromEnv:
    """A raw environment string, converted by the target field's type."""

    text: str
    variable: str


def _build_section(section: str, cls: type, values: dict[str, Any], errors: list[ConfigError]) -> Any:
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        dotted = f"{section}.{key}"
        if key not in known:
            source = f" (from {value.variable})" if isinstance(value, _FromEnv) else ""
            fix = _unknown_key_fix(section, key, value, known)
            errors.append(ConfigError(f"unknown key{source}; known keys in [{section}]: {', '.join(known)}",
                                      key=dotted, details=_fixed_by(fix)))
            continue
        try:
            if known[key].metadata.get("numeric_id") and type(value) is int:
                value = str(value)  # the PublisherId is a number on InkSoft's pages; kept as text
            converted = _convert(hints[key], value, dotted)
            _check(known[key].metadata, converted, dotted)
            kwargs[key] = converted
        except ConfigError as exc:
            # A mistyped secret is reported without echoing its value.
            errors.append(ConfigError("must be a string", key=dotted) if known[key].metadata.get("secret")
                          else exc)
    return cls(**kwargs)


def _did_you_mean(name: str, known: Iterable[str], shape: str = "{}") -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {shape.format(close[0])}?)" if close else ""


def _unknown_key_fix(section: str, key: str, value: Any, known: Iterable[str]) -> str:
    """Remove or rename the key where it was given (the file, or an environment variable)."""
    if isinstance(value, _FromEnv):
        variable_of = f"{ENV_PREFIX}{section.upper()}_{{}}"
        close = difflib.get_close_matches(key, list(known), n=1)
        guess = f" (did you mean {variable_of.format(close[0].upper())}?)" if close else ""
        return f"unset {value.variable} or correct its name{guess}"
    return (f"remove {key} from [{section}] in the configuration file or correct its name"
            + _did_you_mean(key, known, f"{section}.{{}}"))


def _convert(hint: Any, value: Any, key: str) -> Any:
    optional = type(None) in typing.get_args(hint)
    base = next((arg for arg in typing.get_args(hint) if arg is not type(None)), hint) if optional else hint
    if isinstance(value, _FromEnv):
        text = value.text.strip()
        if text == "" and optional:
            return None
        return _FROM_TEXT[_kind(base)](text, key)
    return _FROM_TOML[_kind(base)](value, key)


def _kind(base: Any) -> str:
    return "dict" if typing.get_origin(base) is dict else base.__name__


def _text_to_bool(text: str, key: str) -> bool:
    word = text.lower()
    if word in TRUE_WORDS | FALSE_WORDS:
        return word in TRUE_WORDS
    raise ConfigError(f"must be true or false (or 1/0, yes/no, on/off), not {text!r}", key=key)


def _text_to_number(kind: type) -> Callable[[str, str], Any]:
    def convert(text: str, key: str) -> Any:
        try:
            return kind(text)
        except ValueError:
            noun = "a whole number" if kind is int else "a number"
            raise ConfigError(f"must be {noun}, not {text!r}", key=key) from None
    return convert


def _text_to_table(text: str, key: str) -> dict[str, Any]:
    try:
        table = json.loads(text)
    except ValueError:
        table = None
    if not isinstance(table, dict):
        raise ConfigError('from the environment must be a JSON object, e.g. {"Ready to Ship": '
                          '"awaiting_shipment"}', key=key)
    return _toml_table(table, key)


def _expect(kinds: tuple[type, ...], noun: str, cast: Callable[[Any], Any] = lambda v: v
            ) -> Callable[[Any, str], Any]:
    def convert(value: Any, key: str) -> Any:
        # bool is an int in Python; a TOML `true` where a number belongs is still a mistake.
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            raise ConfigError(f"must be {noun}, not {type(value).__name__} {value!r}", key=key)
        return cast(value)
    return convert


def _toml_table(value: Any, key: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(f"must be a table of strings, not {type(value).__name__}", key=key)
    for name, item in value.items():
        if not isinstance(item, str):
            raise ConfigError(f"entry {name!r} must be a string, not {type(item).__name__}", key=key)
    return dict(value)


_FROM_TEXT: dict[str, Callable[[str, str], Any]] = {
    "str": lambda text, key: text,
    "bool": _text_to_bool,
    "int": _text_to_number(int),
    "float": _text_to_number(float),
    "dict": _text_to_table,
}
_FROM_TOML: dict[str, Callable[[Any, str], Any]] = {
    "str": _expect((str,), "a string"),
    "bool": _expect((bool,), "true or false"),
    "int": _expect((int,), "a whole number"),
    "float": _expect((int, float), "a number", float),
    "dict": _toml_table,
}


def _check(metadata: Mapping[str, Any], value: Any, key: str) -> None:
    if value is None:
        return
    if metadata.get("url") and value:
        _check_url(value, key)
    if "range" in metadata:
        low, high = metadata["range"]
        if not low <= value <= high:
            bound = f"at least {low}" if high == math.inf else f"between {low} and {high}"
            raise ConfigError(f"must be {bound}, not {value}", key=key)
    _FIELD_CHECKS.get(key, lambda v, k: None)(value, key)


def _check_url(value: str, key: str) -> None:
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 -- reading it validates the port
    except ValueError:
        raise ConfigError(f"has an invalid port: {value!r}", key=key) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"must be an http:// or https:// URL with a host, not {value!r}", key=key)
    if parts.username is not None or parts.query or parts.fragment:
        raise ConfigError("must not contain a user name, password, query or fragment", key=key)


def _check_statuses(table: dict[str, str], key: str) -> None:
    for inksoft_status, shipstation_status in table.items():
        if not inksoft_status.strip():
            raise ConfigError("has an empty InkSoft status name", key=key)
        if shipstation_status not in SHIPSTATION_STATUSES:
            raise ConfigError(f"maps {inksoft_status!r} to {shipstation_status!r}, which is not a "
                              f"ShipStation status; use one of {', '.join(SHIPSTATION_STATUSES)}", key=key)


def _check_choice(choices: tuple[str, ...]) -> Callable[[str, str], None]:
    def check(value: str, key: str) -> None:
        if value not in choices:
            raise ConfigError(f"must be one of {', '.join(choices)}, not {value!r}", key=key)
    return check


def _check_path(value: str, key: str) -> None:
    if not value.startswith("/"):
        raise ConfigError(f"must start with '/', not {value!r}", key=key)


def _check_store_url(value: str, key: str) -> None:
    path = urlsplit(value).path.rstrip("/")
    if path.lower().endswith("/api2"):
        raise ConfigError("must be the store base URL without /Api2, e.g. https://stores.inksoft.com/Your_Store",
                          key=key)
    if not path:
        raise ConfigError("must include the store's URL name, e.g. https://stores.inksoft.com/Your_Store",
                          key=key)


_FIELD_CHECKS: dict[str, Callable[[Any, str], None]] = {
    "inksoft.base_url": _check_store_url,
    "mapping.statuses": _check_statuses,
    "mapping.weight_unit": _check_choice(WEIGHT_UNITS),
    "custom_store.path": _check_path,
}
