"""The throughput benchmark runs (its --quick mode is the CI smoke run)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[3] / "bench" / "classify_throughput.py"


def test_benchmark_quick_run_prints_conditions_and_rate(capsys):
    spec = importlib.util.spec_from_file_location("classify_throughput", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--quick", "--count", "50"]) == 0
    out = capsys.readouterr().out
    assert "python 3." in out and "articles: 200" in out and "articles/s/core" in out
    articles = module.make_articles(3, 5000)
    assert all(4900 <= len(text.encode("utf-8")) <= 5300 for _, text in articles)
