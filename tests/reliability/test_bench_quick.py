"""Every benchmark still works: its quick mode runs against the real servers and prints
its figures and conditions (bench/run_all.py knows which lines to expect). No timing is
asserted: benchmarks are not timed tests."""

from __future__ import annotations

import pytest

from bench import run_all

pytestmark = pytest.mark.reliability


@pytest.mark.parametrize("script", list(run_all.BENCHMARKS))
def test_benchmark_quick_mode_prints_its_figures(script, kafka_bootstrap, es_url, report):
    status, output, seconds = run_all.run(script, quick=True, timeout_s=120)
    figures = [line for line in output.splitlines() if any(word in line for word in (
        "articles/s", "pages/s", "p95", "peak RSS", "ratio", "overhead")) or line[:14].strip().replace(",", "").isdigit()]
    report(f"bench/{script} --quick: exit {status} in {seconds:.0f} s; " + " | ".join(f.strip() for f in figures))
    assert status == 0, output[-3000:]
    assert not run_all.missing_figures(script, output), output[-3000:]
