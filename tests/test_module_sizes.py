"""No module over 400 lines without a reason written at its top.

A newcomer should be able to hold any one module in their head; where a module is longer for a good
reason, its docstring says so in a paragraph starting `Long because:`."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_FOLDERS = ("connector", "simulators", "scenarios", "inkship")
LIMIT = 400
REASON_MARK = "Long because:"


def oversized_without_reason() -> list[str]:
    offenders = []
    for folder in PACKAGE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            lines = text.count("\n") + 1
            if lines <= LIMIT:
                continue
            docstring = ast.get_docstring(ast.parse(text)) or ""
            if REASON_MARK not in docstring:
                offenders.append(f"{path.relative_to(ROOT)}: {lines} lines")
    return offenders


def test_every_long_module_says_why() -> None:
    assert oversized_without_reason() == []
