"""Crawl throughput on a local fixture site: policywatch's registry-driven spider
(`policywatch crawl`, with its publish pipeline and the REAL Kafka publisher, crawl
state in the embedded SQLite database, health extension and middlewares) against a
plain Scrapy spider that only downloads and extracts (bench/plain_spider.py), with the
same Scrapy settings, in the same run.

    .venv/bin/python bench/crawl_throughput.py              # full run (5,000 pages)
    .venv/bin/python bench/crawl_throughput.py --repeat 3   # 3 interleaved runs of each, best and median
    .venv/bin/python bench/crawl_throughput.py --quick      # CI smoke run (200 pages)

The site (bench/corpus.py write_site) is generated into a temporary folder and served
on 127.0.0.1 by tests/support/fixture_site.py (a threaded http.server in this process,
so the server shares the 2 cores with the crawler, equally for both spiders). Each
crawler runs as a child process; its wall time includes interpreter and Scrapy start
(both pay it). Peak RSS of each child is printed too (bench/peak_rss.py). Target: overhead <= 20 %.

On a machine shared with other work one run of each can be off by a third either way;
``--repeat N`` alternates the two crawlers N times and states the overhead of the best
runs (the least disturbed) and of the medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import settings  # noqa: E402
from bench import harness  # noqa: E402
from bench.corpus import fast_crawl_settings, listing_count, site_source, write_site  # noqa: E402
from tests.support.fixture_site import serve_site, write_registry  # noqa: E402

TARGET_OVERHEAD = 0.20


def timed_child(args: list[str], env: dict[str, str], log_path: Path) -> tuple[float, float, int]:
    """Run a child to the end under bench/peak_rss.py; (wall seconds, peak RSS MB, exit status)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with open(log_path, "wb") as log:
        status = subprocess.call([sys.executable, str(Path(__file__).with_name("peak_rss.py")), *args],
                                 cwd=harness.REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - started
    lines = log_path.read_text(errors="replace").strip().splitlines()
    peak_kb = int(lines[-1].split("=")[1]) if lines and lines[-1].startswith("peak_rss_kb=") else 0
    return seconds, peak_kb / 1024, status


def crawl_policywatch(site_url: str, pages: int, kafka: str, workdir: Path, log_path: Path) -> dict:
    """`policywatch crawl` of the site; returns seconds, peak RSS and articles delivered."""
    topic = f"bench{uuid.uuid4().hex[:8]}.raw"
    harness.create_topics(kafka, [topic])
    registry = workdir / "sources"
    write_registry(registry, [site_source(site_url)])
    env = harness.pipeline_env(kafka, "", "unused", {"raw": topic, "classified": "-", "dlq": "-"}, "unused",
                               CRAWL_SOURCES_DIR=str(registry), POLICYWATCH_DATA_DIR=str(workdir / "data"),
                               **fast_crawl_settings(listing_count(pages)))
    env.pop("ELASTICSEARCH_URL")
    try:
        seconds, peak, status = timed_child(harness.POLICYWATCH + ["crawl", "bench-site"], env, log_path)
        delivered = sum(harness.end_offsets(kafka, topic).values())
    finally:
        harness.delete_topics(kafka, [topic])
    if status != 0 or delivered != pages:
        raise SystemExit(f"policywatch crawl exited {status} with {delivered} of {pages} articles delivered; "
                         f"see {log_path}:\n{log_path.read_text(errors='replace')[-2000:]}")
    return {"seconds": seconds, "peak_mb": peak, "items": delivered}


def crawl_plain(site_url: str, pages: int, log_path: Path) -> dict:
    env = harness.pipeline_env("", "", "unused", {"raw": "-", "classified": "-", "dlq": "-"}, "unused",
                               **fast_crawl_settings(listing_count(pages)))
    for name in ("KAFKA_BOOTSTRAP_SERVERS", "ELASTICSEARCH_URL"):
        env.pop(name)
    seconds, peak, status = timed_child([sys.executable, str(Path(__file__).with_name("plain_spider.py")),
                                         f"{site_url}/list/index.html"], env, log_path)
    output = log_path.read_text(errors="replace")
    result = json.loads(output.strip().splitlines()[-2]) if status == 0 else {}
    if result.get("items") != pages:
        raise SystemExit(f"the plain spider exited {status} with {result.get('items')} of {pages} items:\n"
                         f"{output[-2000:]}")
    return {"seconds": seconds, "peak_mb": peak, "items": result["items"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run for CI (200 pages)")
    parser.add_argument("--pages", type=int, default=5000, help="article pages on the site (default 5000)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each crawler, alternating; figures of the best run and the medians (default 1)")
    args = parser.parse_args(argv)
    pages = 200 if args.quick else args.pages
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    kafka = settings.POLICYWATCH_TEST_KAFKA or "127.0.0.1:39092"
    with tempfile.TemporaryDirectory(prefix="pw-bench-crawl-") as tmp:
        workdir = Path(tmp)
        write_site(workdir / "site", pages)
        with serve_site(workdir / "site") as site:
            print(f"conditions: {harness.conditions()}")
            print(f"site: {pages} article pages (~2 KB text each) behind {listing_count(pages)} listing pages "
                  f"(50 links each, '下一页' pagination), served by http.server on {site.base_url}")
            print(f"scrapy settings for both: {fast_crawl_settings(listing_count(pages))}")
            print("policywatch: generic registry spider, PublishPipeline -> Kafka "
                  f"{kafka} (acks=all, {settings.KAFKA_COMPRESSION or 'no'} compression), SQLite crawl state, "
                  "health extension, middlewares")
            plains, ours = [], []
            for run in range(args.repeat):
                plains.append(crawl_plain(site.base_url, pages, workdir / f"plain{run}.log"))
                ours.append(crawl_policywatch(site.base_url, pages, kafka, workdir / f"run{run}",
                                              workdir / f"policywatch{run}.log"))
                if args.repeat > 1:
                    print(f"run {run + 1}: plain {plains[-1]['seconds']:.1f} s, policywatch {ours[-1]['seconds']:.1f} s")
    plain, our = (min(results, key=lambda r: r["seconds"]) for results in (plains, ours))
    for name, result in (("plain scrapy spider", plain), ("policywatch crawl", our)):
        print(f"{name + ':':<21} {result['items']:>6} pages in {result['seconds']:6.1f} s = "
              f"{result['items'] / result['seconds']:6.1f} pages/s, peak RSS {result['peak_mb']:.0f} MB"
              + (" (best run)" if args.repeat > 1 else ""))
    overhead = our["seconds"] / plain["seconds"] - 1
    print(f"overhead: {overhead:+.0%} (target <= {TARGET_OVERHEAD:.0%}: "
          f"{'met' if overhead <= TARGET_OVERHEAD else 'MISSED'})" + (" of the best runs" if args.repeat > 1 else ""))
    if args.repeat > 1:
        medians = [statistics.median(r["seconds"] for r in results) for results in (plains, ours)]
        print(f"medians: plain {medians[0]:.1f} s, policywatch {medians[1]:.1f} s, "
              f"overhead {medians[1] / medians[0] - 1:+.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
