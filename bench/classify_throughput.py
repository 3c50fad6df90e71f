"""Classifier throughput: articles per second on one core, on ~5 KB articles.

    .venv/bin/python bench/classify_throughput.py            # full run
    .venv/bin/python bench/classify_throughput.py --quick    # CI smoke run
    .venv/bin/python bench/classify_throughput.py --unrelated  # news naming no blockchain

The articles are synthetic (built here from short policy, market and filler sentences in
Chinese and English, so no third-party text is needed); each is about 5 KB of UTF-8.
Filler sentences keep the density of lexicon phrases near that of the real articles in
shared/eval (about 40 per KB); --dense drops the filler (about 150 per KB, a worst case);
--unrelated builds them from filler and the sentences that name no blockchain, crypto asset
or CBDC (most of the news the crawlers fetch: the classifier rules them out early).
Prints the conditions (Python, platform, article size, count) and the rate of the best of
--rounds passes over the corpus (with the median and the slowest, which show how steady
the host was); then the rate on a news stream in which only --stream-share of the
articles name blockchain (the others are ruled out early), closer to what the crawlers
deliver than a corpus in which every article does. Exits 1 when the best rate on the
benchmark mix is below --min-rate.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from consumers.classifier import CLASSIFIER_VERSION, classify  # noqa: E402
from consumers.stories import fingerprint  # noqa: E402

SENTENCES = [
    "省政府印发《关于加快区块链产业发展的实施意见》，提出在杭州、宁波建设区块链产业园。",
    "推动区块链技术在政务服务、供应链金融、农产品溯源和电子发票等领域的应用。",
    "對入駐園區的企業給予房租補貼，並設立區塊鏈產業專項資金。",
    "比特币价格周二下跌5%，全网24小时爆仓金额超过3亿美元。",
    "会议强调，要把区块链作为核心技术自主创新的重要突破口。",
    "今年一季度全市规模以上工业增加值同比增长6.2%，社会消费品零售总额稳步回升。",
    "The provincial government issued measures to support blockchain pilot zones in Shenzhen and Guangzhou.",
    "Bitcoin fell below $60,000 as liquidations hit leveraged traders across major exchanges.",
    "The People's Bank of China expanded the digital yuan pilot to more cities, officials said.",
    "Local officials also discussed road maintenance, school enrolment and the summer flood season.",
]
FILLER = [
    "当天上午，天气晴朗，来自各地的参会人员陆续抵达会场，现场秩序井然。",
    "据了解，该项目总投资约12亿元，计划于明年年底竣工，届时将新增就业岗位约800个。",
    "記者在現場看到，工人們正在緊張施工，一輛輛工程車來回穿梭。",
    "In the afternoon, visitors toured the exhibition hall and watched a short video about the district.",
    "The weather was mild, and traffic around the venue was lighter than on a normal working day.",
    "Figures released last week showed retail sales rising for a third month in a row.",
]


# The sentences of SENTENCES that name no blockchain, crypto asset or CBDC.
UNRELATED = [SENTENCES[5], SENTENCES[9]]


def make_articles(count: int, size: int, dense: bool = False, seed: int = 7,
                  unrelated: bool = False) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    sentences = UNRELATED if unrelated else SENTENCES
    articles = []
    for _ in range(count):
        parts: list[str] = []
        while len("".join(parts).encode("utf-8")) < size:
            parts.append(rng.choice(sentences) if dense or rng.random() < 0.3 else rng.choice(FILLER))
        articles.append((rng.choice(sentences)[:30], "".join(parts)))
    return articles


def news_stream(count: int, size: int, share: float, seed: int = 11) -> list[tuple[str, str]]:
    """``count`` articles in random order: ``share`` of them the benchmark mix (naming
    blockchain), the rest naming no blockchain, crypto asset or CBDC."""
    about = make_articles(round(count * share), size, seed=seed)
    stream = about + make_articles(count - len(about), size, seed=seed + 1, unrelated=True)
    random.Random(seed).shuffle(stream)
    return stream


def _phrase_hits(title: str, text: str) -> list[list]:
    from consumers.classifier import engine, lexicon

    return list(engine.scan(lexicon(), (title + "\n" + text).lower()).values())


def add_corpus_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that choose the corpus (make_articles), shared with classify_instructions.py."""
    parser.add_argument("--size", type=int, default=5000, help="article size in UTF-8 bytes (default 5000)")
    parser.add_argument("--dense", action="store_true", help="no filler sentences: about 150 phrases per KB")
    parser.add_argument("--unrelated", action="store_true",
                        help="articles that name no blockchain, crypto asset or CBDC (not relevant)")


def measure(articles: list[tuple[str, str]], with_stories: bool) -> float:
    start = time.process_time()
    for title, text in articles:
        classify(title, text)
        if with_stories:
            fingerprint(title, text)
    elapsed = time.process_time() - start
    return len(articles) / elapsed if elapsed > 0 else float("inf")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run for CI (200 articles)")
    parser.add_argument("--count", type=int, default=3000, help="articles to classify (default 3000)")
    add_corpus_arguments(parser)
    parser.add_argument("--rounds", type=int, default=5,
                        help="times the corpus is classified (default 5; 1 with --quick): this host's speed "
                             "drifts by a third between runs, so the best round is the code's speed and the "
                             "median says how steady the host was")
    parser.add_argument("--stream-share", type=float, default=0.2,
                        help="also measure a news stream in which this share of the articles names "
                             "blockchain (default 0.2; most crawled news names none); 0 to skip")
    parser.add_argument("--min-rate", type=float, default=0.0, help="exit 1 below this many articles/s/core")
    args = parser.parse_args(argv)
    count = 200 if args.quick else args.count
    articles = make_articles(count, args.size, args.dense, unrelated=args.unrelated)
    classify(*articles[0])  # lexicons are compiled at import; this warms the caches
    mean_size = sum(len(t.encode("utf-8")) for _, t in articles) / len(articles)
    print(f"python {platform.python_version()} ({platform.python_implementation()}) on {platform.machine()}, "
          f"classifier {CLASSIFIER_VERSION}")
    density = sum(len(h) for t in articles[:50] for h in _phrase_hits(*t)) / sum(
        len((t[0] + t[1]).encode("utf-8")) for t in articles[:50]) * 1000
    kind = "unrelated news" if args.unrelated else "mixed zh/zh-Hant/en"
    print(f"articles: {count}, mean size {mean_size:.0f} bytes UTF-8 ({kind}), "
          f"{density:.0f} lexicon phrases per KB, one core (process CPU time)")
    passes = 1 if args.quick else max(1, args.rounds)
    rounds = sorted(measure(articles, with_stories=False) for _ in range(passes))
    rate = rounds[-1]
    print(f"classify:               {rate:,.0f} articles/s/core (best of {len(rounds)} rounds; "
          f"median {statistics.median(rounds):,.0f}, slowest {rounds[0]:,.0f})")
    if 0 < args.stream_share < 1 and not args.unrelated:
        stream = news_stream(count, args.size, args.stream_share)
        stream_rate = max(measure(stream, with_stories=False) for _ in range(passes))
        print(f"news stream, {args.stream_share:.0%} naming blockchain: {stream_rate:,.0f} articles/s/core "
              f"(best of {passes} rounds)")
    both = measure(articles, with_stories=True)
    print(f"classify + fingerprint: {both:,.0f} articles/s/core")
    if rate < args.min_rate:
        print(f"below the minimum of {args.min_rate:,.0f} articles/s/core", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
