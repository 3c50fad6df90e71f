"""Run every benchmark, one after the other, and check that each printed its figures.

    .venv/bin/python bench/run_all.py            # full runs (several minutes)
    .venv/bin/python bench/run_all.py --quick    # quick modes: proves they still work

Each benchmark runs as its own process (its output is passed through); a benchmark
that exits non-zero or does not print the lines holding its figures is reported, and
the exit status is 1. Figures that miss a target are printed by the benchmark itself
as MISSED / OVER; they do not fail this run (a benchmark is not a timed test).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# script -> patterns its output must contain (the figures and the conditions).
BENCHMARKS: dict[str, tuple[str, ...]] = {
    "classify_throughput.py": (r"classify: +[\d,]+ articles/s/core",),
    "matching_scale.py": (r"conditions: python", r"^ +1,000 +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+"),
    "consumer_throughput.py": (r"conditions: python", r"pipeline \(Kafka -> classify -> Elasticsearch\): [\d,]+ articles/s",
                               r"raw Elasticsearch bulk, same documents: +[\d,]+ articles/s", r"ratio: [\d.]+",
                               r"consumer processes' own CPU per article: [\d.]+ ms"),
    "crawl_throughput.py": (r"conditions: python", r"plain scrapy spider: +\d+ pages in +[\d.]+ s",
                            r"policywatch crawl: +\d+ pages in +[\d.]+ s", r"overhead: [+-]\d+%"),
    "e2e_latency.py": (r"conditions: python", r"publish -> searchable: p50 [\d.]+ s, p95 [\d.]+ s"),
    "memory.py": (r"conditions: python", r"crawler +peak RSS +\d+ MB", r"consumer +peak RSS +\d+ MB",
                  r"digest +peak RSS +\d+ MB"),
}


def run(script: str, quick: bool, timeout_s: float | None = None) -> tuple[int, str, float]:
    """(exit status, output, seconds) of one benchmark."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(HERE / script)] + (["--quick"] if quick else []), cwd=HERE.parent,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout_s)
    return done.returncode, done.stdout, time.perf_counter() - started


def missing_figures(script: str, output: str) -> list[str]:
    return [pattern for pattern in BENCHMARKS[script] if not re.search(pattern, output, re.MULTILINE)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="quick modes only")
    parser.add_argument("only", nargs="*", help="benchmark scripts to run (default: all)")
    args = parser.parse_args(argv)
    failed = []
    for script in args.only or list(BENCHMARKS):
        print(f"== {script}{' --quick' if args.quick else ''}", flush=True)
        status, output, seconds = run(script, args.quick)
        print(output, end="", flush=True)
        missing = missing_figures(script, output)
        print(f"== {script}: exit {status} in {seconds:.0f} s"
              + (f"; figures missing: {missing}" if missing else ""), flush=True)
        if status != 0 or missing:
            failed.append(script)
    if failed:
        print(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
