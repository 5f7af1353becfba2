"""Fault rules after WireMock: match method and path, then misbehave always, on the Nth call or by chance.

HTTP actions (applied by the control plane's request hooks, see `simulators/control.py`):
  status     answer `status` (default 500) with `body` and `headers` instead of running the handler
  delay      answer `delay` seconds late (the handler still runs: a client timeout can hide a success)
  empty      run the handler, send its status (or `status`) with an empty body
  malformed  run the handler, send its body truncated (half a JSON or XML document)
  drop       drop the connection; `stage="before"` (default) before the handler runs, `stage="after"`
             after it ran (the work is done but the client never hears)
Webhook actions, consulted by the ShipStation simulator with `FaultSet.match_webhook(event)`, where
`path` is matched against the event name (e.g. SHIP_NOTIFY):
  duplicate_webhook  deliver twice   empty_webhook  deliver an empty body   drop_webhook  do not deliver
"""

from __future__ import annotations

import builtins
import difflib
import itertools
import random
import re
import threading
from dataclasses import dataclass, field, fields
from typing import Any

HTTP_ACTIONS = frozenset({"status", "delay", "empty", "malformed", "drop"})
WEBHOOK_ACTIONS = frozenset({"duplicate_webhook", "empty_webhook", "drop_webhook"})
WHEN = frozenset({"always", "nth", "probability"})
STAGES = frozenset({"before", "after"})
# How alike a rule's path pattern and a request path must be to be reported as a near miss.
NEAR_MISS_SIMILARITY = 0.6


@dataclass
class FaultRule:
    """One rule. `calls` counts matching requests, `fired` counts the times the fault was applied."""

    action: str
    id: str = ""
    method: str = "*"
    path: str = ".*"
    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    when: str = "always"
    n: int = 1
    repeat: bool = False
    probability: float = 1.0
    seed: int | None = None
    times: int | None = None
    stage: str = "before"
    calls: int = 0
    fired: int = 0

    def __post_init__(self) -> None:
        self.method = self.method.upper()
        if self.action not in HTTP_ACTIONS | WEBHOOK_ACTIONS:
            raise ValueError(f"unknown fault action {self.action!r}")
        if self.when not in WHEN:
            raise ValueError(f"unknown fault 'when' {self.when!r}; use one of {sorted(WHEN)}")
        if self.stage not in STAGES:
            raise ValueError(f"unknown fault stage {self.stage!r}; use 'before' or 'after'")
        if self.n < 1:
            raise ValueError("fault 'n' is 1-based and must be at least 1")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError("fault 'probability' must be between 0 and 1")
        if self.times is not None and self.times < 0:
            raise ValueError("fault 'times' must not be negative")
        if self.delay < 0:
            raise ValueError("fault 'delay' must not be negative")
        try:
            self._pattern = re.compile(self.path)
        except re.error as exc:
            raise ValueError(f"fault path {self.path!r} is not a regular expression: {exc}") from exc
        self._rng = random.Random(self.seed)

    @classmethod
    def from_dict(cls, data: dict) -> FaultRule:
        known = {f.name for f in fields(cls)} - {"calls", "fired"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault field(s): {', '.join(sorted(unknown))}")
        if "action" not in data:
            raise ValueError("a fault rule needs an 'action'")
        return cls(**data)

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def is_webhook(self) -> bool:
        return self.action in WEBHOOK_ACTIONS

    def _matches(self, method: str | None, path: str) -> bool:
        # method None: webhook events, which have no verb.
        method_ok = method is None or self.method in ("*", method.upper())
        return method_ok and self._pattern.search(path) is not None

    def _count_call(self) -> bool:
        """Count one matching call and say whether the fault would fire on it."""
        self.calls += 1
        if self.times is not None and self.fired >= self.times:
            return False
        if self.when == "nth":
            return self.calls % self.n == 0 if self.repeat else self.calls == self.n
        if self.when == "probability":
            return self._rng.random() < self.probability
        return True


class FaultSet:
    """The rules of one simulator, in the order they were added; the first that fires wins."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)

    def add(self, rule: FaultRule | dict) -> FaultRule:
        if isinstance(rule, dict):
            rule = FaultRule.from_dict(rule)
        with self._lock:
            if not rule.id:
                rule.id = f"fault-{next(self._ids)}"
            if any(existing.id == rule.id for existing in self._rules):
                raise ValueError(f"a fault rule with id {rule.id!r} already exists")
            self._rules.append(rule)
        return rule

    def remove(self, rule_id: str) -> None:
        """Remove one rule; KeyError when there is none with that id."""
        with self._lock:
            for index, rule in enumerate(self._rules):
                if rule.id == rule_id:
                    del self._rules[index]
                    return
        raise KeyError(rule_id)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self._ids = itertools.count(1)

    def list(self) -> list[dict]:
        with self._lock:
            return [rule.to_dict() for rule in self._rules]

    def _first_firing(self, method: str | None, path: str, webhook: bool) -> FaultRule | None:
        # Every matching rule counts the call, so each rule's `nth` means "the nth request it matched",
        # whatever the other rules do; only the rule applied counts a firing.
        chosen = None
        with self._lock:
            for rule in self._rules:
                if rule.is_webhook == webhook and rule._matches(method, path) and rule._count_call() \
                        and chosen is None:
                    chosen = rule
            if chosen is not None:
                chosen.fired += 1
        return chosen

    def match(self, method: str, path: str) -> FaultRule | None:
        return self._first_firing(method, path, webhook=False)

    def match_webhook(self, event: str) -> FaultRule | None:
        return self._first_firing(None, event, webhook=True)

    def near_misses(self, method: str, path: str) -> builtins.list[str]:  # `list` here is the method above
        """Say, for each HTTP rule, why it did not (or would not) fire for this request."""
        with self._lock:
            rules = [rule for rule in self._rules if not rule.is_webhook]
        method = method.upper()
        reports = []
        for rule in rules:
            path_ok = rule._pattern.search(path) is not None
            method_ok = rule.method in ("*", method)
            if path_ok and not method_ok:
                reports.append(f"{rule.id}: path matches but method is {method}, "
                               f"the rule wants {rule.method}")
            elif method_ok and not path_ok:
                similarity = difflib.SequenceMatcher(None, rule.path, path).ratio()
                if similarity >= NEAR_MISS_SIMILARITY:
                    reports.append(f"{rule.id}: method matches but path {path!r} does not match "
                                   f"{rule.path!r} (similarity {similarity:.2f})")
            elif path_ok and method_ok:
                reports.append(f"{rule.id}: matches; {_firing_state(rule)}")
        return reports


def _firing_state(rule: FaultRule) -> str:
    if rule.times is not None and rule.fired >= rule.times:
        return f"used up (fired {rule.fired} of {rule.times} times)"
    if rule.when == "nth":
        every = "every " if rule.repeat else ""
        return f"fires on {every}call {rule.n}; {rule.calls} call(s) so far"
    if rule.when == "probability":
        return f"fires with probability {rule.probability}; fired {rule.fired} of {rule.calls} calls"
    return f"fires always; fired {rule.fired} times"
