"""The five-minute path of docs/testing-your-integration.md runs as written."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "testing-your-integration.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_five_minute_path_runs(monkeypatch: pytest.MonkeyPatch, shipstation_sim) -> None:
    code, decorated, fixture, fault = python_blocks()[:4]
    shipping = types.ModuleType("shipping")
    exec(compile(code, "shipping.py", "exec"), shipping.__dict__)  # noqa: S102 - our own documentation
    monkeypatch.setitem(sys.modules, "shipping", shipping)
    tests: dict = {"pytest": pytest, "requests": __import__("requests")}
    for block in (decorated, fixture, fault):
        exec(compile(block, str(DOC), "exec"), tests)  # noqa: S102 - our own documentation
    tests["test_lists_awaiting_orders"]()
    tests["test_lists_what_a_user_left_awaiting"](shipstation_sim)
    shipstation_sim.reset()
    tests["test_a_server_error_reaches_the_caller"](shipstation_sim)
