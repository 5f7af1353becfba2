"""FaultSet: matching, firing (always, nth, every nth, probability, times), webhooks, near misses."""

from __future__ import annotations

import pytest
from inkship.simulators.faults import FaultRule, FaultSet


def fires(faults: FaultSet, calls: int, method: str = "GET", path: str = "/orders") -> list[bool]:
    return [faults.match(method, path) is not None for _ in range(calls)]


def test_match_method_and_path_regex() -> None:
    faults = FaultSet()
    rule = faults.add({"action": "status", "method": "post", "path": r"^/orders/create"})
    assert rule.id == "fault-1" and rule.method == "POST"
    assert faults.match("POST", "/orders/createorders") is rule
    assert faults.match("GET", "/orders/createorders") is None
    assert faults.match("POST", "/v2/orders/create") is None


def test_always_and_times() -> None:
    faults = FaultSet()
    faults.add({"action": "status", "times": 2})
    assert fires(faults, 4) == [True, True, False, False]


def test_nth_once_and_every_nth() -> None:
    once, every = FaultSet(), FaultSet()
    once.add({"action": "drop", "when": "nth", "n": 3})
    every.add({"action": "drop", "when": "nth", "n": 2, "repeat": True, "times": 2})
    assert fires(once, 7) == [False, False, True, False, False, False, False]
    assert fires(every, 7) == [False, True, False, True, False, False, False]


def test_probability_is_seedable() -> None:
    def run() -> list[bool]:
        faults = FaultSet()
        faults.add({"action": "status", "when": "probability", "probability": 0.5, "seed": 7})
        return fires(faults, 40)

    first = run()
    assert first == run()
    assert 5 < sum(first) < 35
    never, always = FaultSet(), FaultSet()
    never.add({"action": "status", "when": "probability", "probability": 0.0})
    always.add({"action": "status", "when": "probability", "probability": 1.0})
    assert not any(fires(never, 20)) and all(fires(always, 20))


def test_first_firing_rule_wins_but_every_matching_rule_counts() -> None:
    faults = FaultSet()
    third = faults.add({"id": "third", "action": "drop", "when": "nth", "n": 3})
    always = faults.add({"id": "always", "action": "status"})
    assert [faults.match("GET", "/x").id for _ in range(3)] == ["always", "always", "third"]
    assert third.calls == 3 and always.calls == 3 and always.fired == 2


def test_webhook_rules_are_separate_from_http_rules() -> None:
    faults = FaultSet()
    faults.add({"action": "duplicate_webhook", "path": "^SHIP_NOTIFY$", "times": 1})
    faults.add({"action": "status", "path": "SHIP"})
    assert faults.match_webhook("ORDER_NOTIFY") is None
    assert faults.match_webhook("SHIP_NOTIFY").action == "duplicate_webhook"
    assert faults.match_webhook("SHIP_NOTIFY") is None
    assert faults.match("POST", "/SHIP_NOTIFY").action == "status"


def test_list_remove_clear_and_ids() -> None:
    faults = FaultSet()
    faults.add(FaultRule(action="empty", id="mine"))
    faults.add({"action": "malformed"})
    assert [r["id"] for r in faults.list()] == ["mine", "fault-1"]
    assert faults.list()[0]["calls"] == 0
    with pytest.raises(ValueError, match="already exists"):
        faults.add({"action": "empty", "id": "mine"})
    faults.remove("mine")
    with pytest.raises(KeyError):
        faults.remove("mine")
    faults.clear()
    assert faults.list() == []
    assert faults.add({"action": "empty"}).id == "fault-1"


@pytest.mark.parametrize("bad, message", [
    ({"action": "explode"}, "unknown fault action"),
    ({"path": "/x"}, "needs an 'action'"),
    ({"action": "drop", "when": "sometimes"}, "unknown fault 'when'"),
    ({"action": "drop", "when": "nth", "n": 0}, "1-based"),
    ({"action": "drop", "probability": 1.5}, "between 0 and 1"),
    ({"action": "drop", "times": -1}, "negative"),
    ({"action": "delay", "delay": -1}, "negative"),
    ({"action": "drop", "stage": "during"}, "stage"),
    ({"action": "drop", "path": "(unclosed"}, "regular expression"),
    ({"action": "drop", "colour": "red"}, "unknown fault field"),
    ({"action": "drop", "calls": 3}, "unknown fault field"),
])
def test_invalid_rules_are_refused(bad: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FaultSet().add(bad)


def test_near_misses_explain_each_rule() -> None:
    faults = FaultSet()
    faults.add({"id": "verb", "action": "status", "method": "POST", "path": "^/orders/createorders$"})
    faults.add({"id": "typo", "action": "status", "method": "GET", "path": "^/orders/createorder$"})
    faults.add({"id": "far", "action": "status", "method": "GET", "path": "^/carriers/listservices$"})
    faults.add({"id": "later", "action": "drop", "path": "createorders", "when": "nth", "n": 5})
    faults.add({"id": "hook", "action": "drop_webhook", "path": "createorders"})
    reports = faults.near_misses("get", "/orders/createorders")
    assert reports[0] == "verb: path matches but method is GET, the rule wants POST"
    assert reports[1].startswith("typo: method matches but path '/orders/createorders' does not match")
    assert reports[2] == "later: matches; fires on call 5; 0 call(s) so far"
    assert len(reports) == 3


def test_near_miss_reports_used_up_rules() -> None:
    faults = FaultSet()
    faults.add({"id": "once", "action": "status", "times": 1})
    faults.match("GET", "/a")
    assert faults.near_misses("GET", "/a") == ["once: matches; used up (fired 1 of 1 times)"]
