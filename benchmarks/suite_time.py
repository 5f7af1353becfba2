"""Benchmark: the whole test suite's wall time, warm, as `./run test` runs it (pytest -n 2 on this
machine's cores; ruff and mypy are left out, about 2 s). Target: at most 90 s.

One untimed run first warms the bytecode cache; then each timed run is the whole suite, and the
baseline, measured in the same run, is collecting it (`pytest --collect-only`): the fixed cost every
run pays before a test starts. Prints every run, the medians and their ratio. A run that fails stops
the benchmark (a failing suite has no honest time).

    .venv/bin/python benchmarks/suite_time.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]


def seconds(args: list[str]) -> float:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}  # as ./run
    started = time.perf_counter()
    done = subprocess.run([*PYTEST, *args], cwd=ROOT, env=env, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"pytest {' '.join(args)} failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    seconds(["--collect-only"])  # warm: bytecode written, imports cached by the OS
    runs = []
    for number in range(args.runs):
        runs.append({"suite s": seconds(["-n", "2"]), "collect only s": seconds(["--collect-only"])})
        print(f"run {number + 1} done: {runs[-1]['suite s']:.1f} s", file=sys.stderr)
    report(f"whole test suite, pytest -n 2, median of {args.runs} runs", runs,
           ratio=("suite s", "collect only s"), unit=" s")


if __name__ == "__main__":
    main()
