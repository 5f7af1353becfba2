"""How one configuration value is converted and checked: from TOML's own types or from an environment
variable's text, to the field's type; then the field's checks (URL, range, choice, status table, ...).
Every problem is a `ConfigError` naming the key. `connector/config.py` holds the sections and fields."""

from __future__ import annotations

import difflib
import json
import math
import re
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from inkship.connector.errors import ConfigError

SHIPSTATION_STATUSES = ("awaiting_payment", "awaiting_shipment", "pending_fulfillment", "shipped",
                        "on_hold", "cancelled")
WEIGHT_UNITS = ("ounces", "pounds", "grams")
ENV_PREFIX = "INKSHIP_"
TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})
STORE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


@dataclass(frozen=True)
class FromEnv:
    """A raw environment string, converted by the target field's type."""

    text: str
    variable: str


def convert_value(hint: Any, value: Any, key: str) -> Any:
    optional = type(None) in typing.get_args(hint)
    base = next((arg for arg in typing.get_args(hint) if arg is not type(None)), hint) if optional else hint
    if isinstance(value, FromEnv):
        text = value.text.strip()
        if text == "" and optional:
            return None
        return _FROM_TEXT[_kind(base)](text, key)
    return _FROM_TOML[_kind(base)](value, key)


def _kind(base: Any) -> str:
    origin = typing.get_origin(base)
    return origin.__name__ if origin in (dict, tuple) else base.__name__


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


def check_value(metadata: Mapping[str, Any], value: Any, key: str) -> None:
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
    if "check" in metadata:
        _NAMED_CHECKS[metadata["check"]](value, key)


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


def _check_store_name(value: str, key: str) -> None:
    if not STORE_NAME.match(value):
        raise ConfigError("must be 1 to 40 letters, digits, '_', '-' or '.', starting with a letter or "
                          f"digit, not {value!r}", key=key)


_NAMED_CHECKS: dict[str, Callable[[Any, str], None]] = {
    "store_name": _check_store_name, "store_url": _check_store_url, "statuses": _check_statuses,
}
_FIELD_CHECKS: dict[str, Callable[[Any, str], None]] = {
    "inksoft.base_url": _check_store_url,
    "mapping.statuses": _check_statuses,
    "mapping.weight_unit": _check_choice(WEIGHT_UNITS),
    "custom_store.path": _check_path,
}


# What a write-back claim must outlast: a recovered claim reads the order again, then writes it; two
# InkSoft calls, each of up to inksoft.deadline.
CALLS_UNDER_A_CLAIM = 2


def claim_problems(config: Any, already: set[str]) -> list[ConfigError]:
    """`state.claim_seconds` of a `Config` too short for the InkSoft calls made under a claim: a lease
    that lapses mid-write lets another process write the same shipment again. Nothing when either key
    is already reported (`already`)."""
    claim_seconds, needed = config.state.claim_seconds, CALLS_UNDER_A_CLAIM * config.inksoft.deadline
    if {"state.claim_seconds", "inksoft.deadline"} & already or claim_seconds >= needed:
        return []
    return [ConfigError(
        f"must be at least {CALLS_UNDER_A_CLAIM} times inksoft.deadline ({needed:g} s), not "
        f"{claim_seconds:g}: a claim must outlast the InkSoft calls of one write-back",
        key="state.claim_seconds",
        details={"fix": f"raise state.claim_seconds to {needed:g} or more, or lower inksoft.deadline"})]


def did_you_mean(name: str, known: Iterable[str], shape: str = "{}") -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {shape.format(close[0])}?)" if close else ""


def unknown_key_fix(section: str, key: str, value: Any, known: Iterable[str]) -> str:
    """Remove or rename the key where it was given (the file, or an environment variable)."""
    if isinstance(value, FromEnv):
        variable_of = f"{ENV_PREFIX}{section.upper()}_{{}}"
        close = difflib.get_close_matches(key, list(known), n=1)
        guess = f" (did you mean {variable_of.format(close[0].upper())}?)" if close else ""
        return f"unset {value.variable} or correct its name{guess}"
    return (f"remove {key} from [{section}] in the configuration file or correct its name"
            + did_you_mean(key, known, f"{section}.{{}}"))
