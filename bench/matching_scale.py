"""Subscription matching and digest building: cost per article and per digest as the
number of subscriptions grows (100 / 1,000 / 10,000 by default).

    .venv/bin/python bench/matching_scale.py            # full run
    .venv/bin/python bench/matching_scale.py --quick    # CI smoke run

Pure, in-process: alerts.matching (compile_index, match_documents) and alerts.digest /
alerts.render / alerts.mailer (build_digest, render, build_message), the functions the
matcher stage and the digest scheduler run. Articles are synthetic (bench/corpus.py),
labelled by the real classifier. Subscriptions are generated with a fixed seed: 70 %
facet filters (1-3 regions, sometimes a theme), 20 % a free-text query, 10 % both.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alerts.digest import Window, build_digest  # noqa: E402
from alerts.mailer import build_message  # noqa: E402
from alerts.matching import compile_index, match_documents  # noqa: E402
from alerts.render import render  # noqa: E402
from alerts.subscriptions import parse_subscription  # noqa: E402
from bench.harness import conditions  # noqa: E402
from consumers.classifier import classify  # noqa: E402
from consumers.stories import fingerprint  # noqa: E402
from policywatch.schema import build_document  # noqa: E402
from policywatch.taxonomy import REGIONS, THEMES  # noqa: E402

NOW = datetime(2026, 1, 21, 0, 0, tzinfo=timezone.utc)
QUERIES = ("区块链", "区块链 政策", "数字人民币|digital yuan", "供应链金融", "blockchain pilot", "产业园", "溯源",
           "比特币", "监管", "\"区块链产业\"")


def subscriptions(count: int, seed: int = 3) -> list:
    rng = random.Random(seed)
    subs = []
    for n in range(count):
        roll = rng.random()
        filters: dict = {}
        if roll < 0.8:
            filters["regions"] = rng.sample(REGIONS, rng.randint(1, 3))
            if rng.random() < 0.3:
                filters["themes"] = [rng.choice(THEMES)]
        if roll >= 0.7:
            filters["query"] = rng.choice(QUERIES)
        subs.append(parse_subscription({"id": f"sub-{n}", "email": f"reader{n}@example.com", "name": f"Reader {n}",
                                        "filters": filters, "language": rng.choice(("zh", "en")),
                                        "schedule": {"kind": "daily", "at": "08:00"}}))
    return subs


def documents(count: int) -> list[dict]:
    from bench.corpus import raw_articles

    docs = []
    for n, article in enumerate(raw_articles(count, "match", size=1500)):
        labels = classify(article.title, article.text, lang=article.lang, url=article.url)
        printed, bands = fingerprint(article.title, article.text)
        docs.append(build_document(article, labels, {"story_id": article.article_id, "story_fingerprint": printed,
                                                     "story_bands": bands}, NOW - timedelta(hours=n % 20)))
    return docs


def digest_cost(subs: list, matched: dict[str, list[dict]], sample: int) -> tuple[float, float]:
    """Mean milliseconds to build + render + make the message of one digest, and mean items."""
    window = Window(NOW - timedelta(days=1), NOW)
    chosen = [s for s in subs if matched.get(s.id)][:sample]
    if not chosen:
        return 0.0, 0.0
    started = time.perf_counter()
    for sub in chosen:
        digest = build_digest(sub, matched[sub.id], window, NOW, 50)
        rendered = render(digest, "https://pw.example/unsubscribe?s=x&t=y")
        build_message(rendered, to_name=sub.name, to_email=sub.email, sender="policywatch <alerts@pw.example>",
                      reply_to="", message_id=f"<{sub.id}@pw.example>", date=NOW,
                      unsubscribe_url="https://pw.example/unsubscribe?s=x&t=y",
                      unsubscribe_mailto="mailto:alerts@pw.example")
    elapsed = time.perf_counter() - started
    return elapsed / len(chosen) * 1000, statistics.mean(len(matched[s.id]) for s in chosen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run for CI (100 and 1,000 subscriptions)")
    parser.add_argument("--articles", type=int, default=500, help="articles matched (default 500)")
    parser.add_argument("--scales", default="100,1000,10000", help="subscription counts (default 100,1000,10000)")
    parser.add_argument("--digests", type=int, default=200, help="digests built per scale (default 200)")
    args = parser.parse_args(argv)
    scales = [100, 1000] if args.quick else [int(s) for s in args.scales.split(",")]
    count = 60 if args.quick else args.articles
    digests = 20 if args.quick else args.digests
    docs = documents(count)
    relevant = sum(1 for d in docs if d["relevant"])
    print(f"conditions: {conditions()}")
    print(f"workload: {count} articles ({relevant} relevant, ~1.5 KB each), digests of up to 50 items, "
          f"{digests} digests per scale; single thread, wall time (perf_counter)")
    print(f"{'subscriptions':>13} {'compile ms':>11} {'match µs/article':>17} {'matches/article':>16} "
          f"{'digest ms':>10} {'items/digest':>13}")
    for scale in scales:
        subs = subscriptions(scale)
        started = time.perf_counter()
        index = compile_index(subs)
        compile_ms = (time.perf_counter() - started) * 1000
        match_documents(index, docs[:5], NOW)  # warm caches (compiled term patterns)
        started = time.perf_counter()
        matches = match_documents(index, docs, NOW)
        per_article_us = (time.perf_counter() - started) / len(docs) * 1e6
        matched: dict[str, list[dict]] = {}
        for match in matches:
            matched.setdefault(match.subscription_id, []).append(match.article)
        digest_ms, items = digest_cost(subs, matched, digests)
        print(f"{scale:>13,} {compile_ms:>11.1f} {per_article_us:>17.1f} {len(matches) / len(docs):>16.1f} "
              f"{digest_ms:>10.2f} {items:>13.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
