"""One compiled URL builder per distinct route shape, for the whole test run.

Most tests build fresh simulator apps (both simulators, often the connector's web app too): about 1,100
apps, some 120 routes each, in a run. Werkzeug compiles two URL-builder functions per route (an AST made
and compiled: about 0.75 ms a route, most of an app's creation time and a sixth of the suite's CPU). A
builder's code depends only on the route's parsed parts, its defaults' names and whether unknown
arguments are appended; it reads everything else from the rule it is bound to when called. So the same
function serves every rule of the same shape, and is compiled once per worker instead of once per app.

Routes whose defaults fill a part of the URL get werkzeug's own compilation (their builder bakes the
default's converted value in). tests/test_route_builders.py checks that each shared builder has the code
werkzeug would compile for the rule. Without the private method this wraps, nothing is installed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from werkzeug.routing.rules import Rule

Builder = Callable[..., tuple[str, str]]
_compile: Callable[[Rule, bool], Builder] | None = None
_builders: dict[Hashable, Builder] = {}


def shape(rule: Rule, append_unknown: bool) -> Hashable | None:
    """What the builder's code depends on; None when a default is baked into it (never shared)."""
    defaults = rule.defaults or {}
    trace: list[tuple[bool, str]] = rule._trace  # werkzeug's parsed route
    if any(is_dynamic and part in defaults for is_dynamic, part in trace):
        return None
    return append_unknown, tuple(trace), tuple(str(name) for name in defaults)


def _shared_builder(rule: Rule, append_unknown: bool = True) -> Builder:
    assert _compile is not None
    key = shape(rule, append_unknown)
    if key is None:
        return _compile(rule, append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile(rule, append_unknown)
    return builder


def install() -> bool:
    """Share builders from now on in this process; False (and nothing changed) on a werkzeug without
    the method."""
    global _compile
    if _compile is not None:
        return True
    original: Any = getattr(Rule, "_compile_builder", None)
    if original is None:
        return False
    _compile = original
    Rule._compile_builder = _shared_builder  # type: ignore[method-assign]
    return True


def werkzeugs_own(rule: Rule, append_unknown: bool) -> Builder:
    """The builder werkzeug compiles for `rule`, bypassing the sharing (for the check of it)."""
    assert _compile is not None, "install() first"
    return _compile(rule, append_unknown)
