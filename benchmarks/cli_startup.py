"""Benchmark: the CPU time of `inkship --help` (target at most 0.3 s), against a baseline measured in
the same run: a bare `python -c pass` on the same interpreter. Each is started fresh several times;
prints the median child-process CPU time (user + system) of each, their difference (what inkship
itself costs) and their ratio.

    .venv/bin/python benchmarks/cli_startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys

TARGET_SECONDS = 0.3


def cpu_seconds(argv: list[str]) -> float:
    """User + system CPU time of one fresh child process running `argv` to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)  # noqa: S603
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_cpu(argv: list[str], runs: int) -> float:
    cpu_seconds(argv)  # a first run to warm the file cache, not counted
    return statistics.median(cpu_seconds(argv) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    baseline = median_cpu([sys.executable, "-c", "pass"], args.runs)
    help_cpu = median_cpu([sys.executable, "-m", "inkship", "--help"], args.runs)
    print(f"runs: {args.runs} each (median of child CPU time, user + system)")
    print(f"python -c pass (baseline): {baseline * 1000:7.1f} ms")
    print(f"inkship --help:            {help_cpu * 1000:7.1f} ms")
    print(f"inkship's own share:       {(help_cpu - baseline) * 1000:7.1f} ms")
    print(f"ratio to baseline:         {help_cpu / baseline:7.2f}x")
    verdict = "met" if help_cpu <= TARGET_SECONDS else "NOT met"
    print(f"target: at most {TARGET_SECONDS * 1000:.0f} ms -> {verdict}")


if __name__ == "__main__":
    main()
