"""Expectations: exact values and a few matchers, compared with what the world shows, as readable diffs.

Pure: the runner hands in an `Observed` (what the simulators, the state database and the reports say)
and gets back every mismatch, each naming its subject, its field and the scenario line it came from:

    ShipStation order for InkSoft #1001: field shipTo.city: expected 'Eugene', got 'Portland'
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

MATCHER_KEYS = frozenset({"present", "absent", "contains", "matches", "at_most", "at_least", "count",
                          "same_as"})
# What a report line expectation may say besides its detail text.
LINE_KEYS = frozenset({"detail", "field", "shipment_id"})
CALL_KEY = re.compile(r"^(?P<api>inksoft|shipstation)(?: (?P<method>GET|POST|PUT|PATCH|DELETE|write))?"
                      r"(?: (?P<path>\S+))?$")
SHOWN_CHARS = 240


class _Missing:
    def __repr__(self) -> str:
        return "nothing (no such field)"


MISSING: Any = _Missing()

Where = Sequence[str | int]


@dataclass(frozen=True)
class Mismatch:
    subject: str
    field: str | None
    message: str
    where: tuple[str | int, ...] = ()

    def text(self) -> str:
        return f"{self.subject}: field {self.field}: {self.message}" if self.field else \
            f"{self.subject}: {self.message}"


class Observed(Protocol):
    """What the runner can tell about the world at the moment expectations are checked."""

    def shipstation_order(self, inksoft_id: int) -> tuple[str, dict[str, Any] | None]: ...
    def inksoft_order(self, inksoft_id: int) -> dict[str, Any] | None: ...
    def shipstation_counts(self) -> dict[str, int]: ...
    def shipstation_stores(self) -> dict[int, dict[str, Any]]: ...
    def report(self) -> dict[str, Any] | None: ...
    def webhook_lines(self) -> list[dict[str, Any]]: ...
    def calls(self, api: str, method: str | None, path: str | None) -> int: ...
    def ledger_counts(self) -> dict[str, int]: ...
    def open_problems(self) -> list[dict[str, Any]]: ...
    def for_store(self, name: str) -> Observed: ...


# -- values and matchers -------------------------------------------------------------------------


def is_matcher(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= MATCHER_KEYS


def show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "...'"


def same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-9)
    return bool(expected == actual)


def resolve(value: Any, dotted: str) -> Any:
    """`shipTo.city`, `items.0.sku`: walk dicts by key and lists by index; MISSING when it leads nowhere."""
    for part in str(dotted).split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.lstrip("-").isdigit() and -len(value) <= int(part) < len(value):
            value = value[int(part)]
        else:
            return MISSING
    return value


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _matcher_problems(matcher: dict[str, Any], actual: Any, root: Any) -> list[str]:
    found = []
    there = actual is not MISSING and actual is not None
    for key, wanted in matcher.items():
        if key in ("present", "absent"):
            wants_value = wanted if key == "present" else not wanted
            if there != wants_value:
                found.append(f"expected {'a value' if wants_value else 'no value'}, got {show(actual)}")
        elif key == "contains" and not _contains(actual, wanted):
            found.append(f"expected something containing {wanted!r}, got {show(actual)}")
        elif key == "matches" and (not there or re.search(wanted, str(actual)) is None):
            found.append(f"expected a match for /{wanted}/, got {show(actual)}")
        elif key in ("at_most", "at_least"):
            if not _number(actual):
                found.append(f"expected a number {key.replace('_', ' ')} {wanted}, got {show(actual)}")
            elif actual > wanted if key == "at_most" else actual < wanted:
                found.append(f"expected {key.replace('_', ' ')} {wanted}, got {show(actual)}")
        elif key == "count":
            if not isinstance(actual, list | dict | str):
                found.append(f"expected something to count, got {show(actual)}")
            else:
                found += [f"count {problem}" for _, problem, _ in compare(wanted, len(actual), "", (), root)]
        elif key == "same_as":
            other = resolve(root, wanted)
            if not same(other, actual):
                found.append(f"expected the same as {wanted} ({show(other)}), got {show(actual)}")
    return found


def _contains(actual: Any, wanted: Any) -> bool:
    if isinstance(actual, str):
        return str(wanted) in actual
    if isinstance(actual, list):
        return any(same(wanted, item)
                   or (isinstance(wanted, dict) and not compare(wanted, item, "", (), item))
                   for item in actual)
    if isinstance(actual, dict):
        return wanted in actual
    return False


def compare(expected: Any, actual: Any, field: str, where: Where, root: Any) -> list[tuple[str, str, Where]]:
    """Every difference as (field, message, scenario path). Objects are compared on the keys expected
    (dotted keys reach inside); lists entry by entry and by length; scalars exactly."""
    if is_matcher(expected):
        return [(field, problem, where) for problem in _matcher_problems(expected, actual, root)]
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [(field, f"expected an object{_matcher_hint(expected)}, got {show(actual)}", where)]
        found = []
        for key, wanted in expected.items():
            inner = f"{field}.{key}" if field else str(key)
            found += compare(wanted, resolve(actual, str(key)), inner, [*where, key], root)
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [(field, f"expected a list of {len(expected)}, got {show(actual)}", where)]
        if len(expected) != len(actual):
            return [(field, f"expected {len(expected)} entries, got {len(actual)}: {show(actual)}", where)]
        found = []
        for index, (wanted, got) in enumerate(zip(expected, actual, strict=True)):
            found += compare(wanted, got, f"{field}.{index}" if field else str(index), [*where, index], root)
        return found
    if not same(expected, actual):
        return [(field, f"expected {expected!r}, got {show(actual)}", where)]
    return []


def _matcher_hint(expected: dict[Any, Any]) -> str:
    """A misspelt matcher reads as an object to compare with; say which matcher it resembles."""
    for key in expected:
        close = difflib.get_close_matches(str(key), sorted(MATCHER_KEYS), n=1)
        if close:
            return f" (or did you mean the matcher {close[0]!r}?)"
    return ""


def _mismatches(subject: str, expected: Any, actual: Any, where: Where, field: str = "") -> list[Mismatch]:
    return [Mismatch(subject, f or None, message, tuple(w))
            for f, message, w in compare(expected, actual, field, where, actual)]


# -- the sections of an `expect` block -----------------------------------------------------------


def check(expect: dict[str, Any], observed: Observed, where: Where, scope: str = "") -> list[Mismatch]:
    """All mismatches of one `expect` block; `where` is its path in the scenario, `scope` names it."""
    where = tuple(where)
    found: list[Mismatch] = []
    shipstation = expect.get("shipstation") or {}
    if "order_count" in shipstation or "label_count" in shipstation:
        counts = observed.shipstation_counts()
        for name in ("order_count", "label_count"):
            if name in shipstation:
                found += _mismatches("ShipStation", shipstation[name], counts[name],
                                     (*where, "shipstation", name), name)
    for inksoft_id, wanted in (shipstation.get("orders") or {}).items():
        found += _shipstation_order(int(inksoft_id), wanted, observed, (*where, "shipstation", "orders",
                                                                         inksoft_id))
    for store_id, wanted in (shipstation.get("stores") or {}).items():
        store = observed.shipstation_stores().get(int(store_id))
        found += _mismatches(f"ShipStation store {store_id}", wanted, store,
                             (*where, "shipstation", "stores", store_id))
    for inksoft_id, wanted in ((expect.get("inksoft") or {}).get("orders") or {}).items():
        found += _inksoft_order(int(inksoft_id), wanted, observed, (*where, "inksoft", "orders", inksoft_id))
    if "report" in expect:
        found += _report(expect["report"], observed.report(), (*where, "report"), scope)
    if "webhooks" in expect:
        subject = f"webhook reports{scope}"
        found += _pass_report(subject, expect["webhooks"], observed.webhook_lines(), (*where, "webhooks"), "")
    state = expect.get("state") or {}
    if "ledger" in state:
        found += _mismatches("state database", state["ledger"], observed.ledger_counts(),
                             (*where, "state", "ledger"), "ledger")
    if "problems" in state:
        found += _mismatches("state database", state["problems"], observed.open_problems(),
                             (*where, "state", "problems"), "problems")
    for name, wanted in (expect.get("stores") or {}).items():
        found += check(wanted, observed.for_store(name), (*where, "stores", name), f"{scope} (store {name})")
    for key, wanted in (expect.get("calls") or {}).items():
        match = CALL_KEY.match(key)
        if match is None:  # the schema admits only the pattern; kept for files checked elsewhere
            found.append(Mismatch(f"calls{scope}", key, "not '<api> [METHOD|write] [path]'",
                                  (*where, "calls")))
            continue
        count = observed.calls(match["api"], match["method"], match["path"])
        found += _mismatches(f"calls{scope}", wanted, count, (*where, "calls", key), key)
    return found


def _shipstation_order(inksoft_id: int, wanted: dict[str, Any], observed: Observed,
                       where: Where) -> list[Mismatch]:
    subject = f"ShipStation order for InkSoft #{inksoft_id}"
    order_key, order = observed.shipstation_order(inksoft_id)
    if wanted.get("absent") is True:
        if order is None:
            return []
        found = f"expected none, found order {order.get('orderNumber')!r} ({order.get('orderStatus')})"
        return [Mismatch(subject, None, found, tuple(where))]
    if order is None:
        return [Mismatch(subject, None, f"not found (no ShipStation order with orderKey {order_key!r})",
                         tuple(where))]
    return _mismatches(subject, wanted, order, where)


def _inksoft_order(inksoft_id: int, wanted: dict[str, Any], observed: Observed,
                   where: Where) -> list[Mismatch]:
    subject = f"InkSoft order #{inksoft_id}"
    order = observed.inksoft_order(inksoft_id)
    if order is None:
        return [Mismatch(subject, None, "not found in InkSoft", tuple(where))]
    return _mismatches(subject, wanted, order, where)


def _report(wanted: dict[str, Any], report: dict[str, Any] | None, where: Where,
            scope: str) -> list[Mismatch]:
    subject = f"report of the last run{scope}"
    if report is None:
        return [Mismatch(subject, None, "no run yet: add a sync step before this expectation", tuple(where))]
    found = []
    for key in ("ok", "crashed", "error"):
        if key in wanted:
            found += _mismatches(subject, wanted[key], report.get(key), (*where, key), key)
    for name in ("import", "shipback"):
        if name in wanted:
            lines = report.get(name)
            if lines is None:
                found.append(Mismatch(subject, name, f"expected a {name} report, but the run had no "
                                      f"{name} pass", (*where, name)))
            else:
                found += _pass_report(subject, wanted[name], lines, (*where, name), name)
    return found


def order_ref(value: Any) -> str:
    """1001 → '#1001'; a text reference ('#1001', 'EBAY-1') as it is."""
    return f"#{value}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _pass_report(subject: str, wanted: dict[str, Any], lines: list[dict[str, Any]], where: Where,
                 prefix: str) -> list[Mismatch]:
    """`counts` (partial), and per outcome the orders with it: a list (as a multiset) or ref -> detail."""
    def named(part: str) -> str:
        return f"{prefix}.{part}" if prefix else part

    found = []
    if "counts" in wanted:
        counts = Counter(line["outcome"] for line in lines)
        actual = {outcome: counts.get(outcome, 0) for outcome in wanted["counts"]}
        found += _mismatches(subject, wanted["counts"], actual, (*where, "counts"), named("counts"))
    for outcome, expected in wanted.items():
        if outcome == "counts":
            continue
        mine = [line for line in lines if line["outcome"] == outcome]
        refs = sorted(line["order_ref"] for line in mine)
        listed = expected if isinstance(expected, list) else list(expected)
        wanted_refs = sorted(order_ref(ref) for ref in listed)
        if (Counter(wanted_refs) != Counter(refs) if isinstance(expected, list)
                else set(wanted_refs) != set(refs)):
            details = "; ".join(f"{line['order_ref']}: {line.get('detail', '')}" for line in mine)
            found.append(Mismatch(subject, named(outcome), f"expected {wanted_refs}, got {refs}"
                                  + (f" ({details})" if details else ""), (*where, outcome)))
            continue
        if isinstance(expected, dict):
            for ref, about in expected.items():
                line_wanted = about if isinstance(about, dict) and set(about) <= LINE_KEYS and about \
                    else {"detail": about}
                for line in (line for line in mine if line["order_ref"] == order_ref(ref)):
                    found += _mismatches(subject, line_wanted, line, (*where, outcome, ref),
                                         named(f"{outcome}.{order_ref(ref)}"))
    return found
