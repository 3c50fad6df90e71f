"""Classifier cost in CPU instructions per article, counted by callgrind: repeatable
whatever else the host runs (the articles/s of classify_throughput.py drift by a third).

    .venv/bin/python bench/classify_instructions.py                 # benchmark mix, 200 articles
    .venv/bin/python bench/classify_instructions.py --dense --count 100
    .venv/bin/python bench/classify_instructions.py --quick          # 20 articles
    .venv/bin/python bench/classify_instructions.py --without applied  # the cost of one stage

Runs itself under ``valgrind --tool=callgrind`` (needs valgrind on PATH) with counting
off, classifies 20 articles to warm the caches, turns counting on (callgrind_control),
classifies ``--count`` articles of classify_throughput.py's corpus and leaves without the
interpreter's shutdown. ``--without STAGE`` first records what that function of
consumers.classifier.engine returns for each article, then replays the records in the
counted run: the difference from a plain run is the stage's own cost.
PYTHONHASHSEED is fixed, so two runs of the same code agree to about 0.1%.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.classify_throughput import add_corpus_arguments, make_articles  # noqa: E402

# Functions that classify_text calls by their name in consumers.classifier.engine.
STAGES = ("lower_same_length", "scan", "signal_groups", "Anchors", "regions", "Peers", "relevance_features",
          "relevance", "outermost", "applied", "weighted", "phrases", "doc_type")


def _counted_run(args: argparse.Namespace) -> None:
    from consumers.classifier import classify, engine

    articles = make_articles(args.count, args.size, args.dense, unrelated=args.unrelated)
    for title, text in articles[:20]:
        classify(title, text)
    if args.without:
        real = getattr(engine, args.without)
        records: list = []
        setattr(engine, args.without, lambda *a, **k: records.append(real(*a, **k)) or records[-1])
        for title, text in articles:
            classify(title, text)
        replay = iter(records)
        setattr(engine, args.without, lambda *a, **k: next(replay))
    subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], stdout=subprocess.DEVNULL, check=True)
    for title, text in articles:
        classify(title, text)
    sys.stdout.flush()
    os._exit(0)  # the interpreter's shutdown (a full garbage collection) is not the classifier's


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 articles: proves it still works")
    parser.add_argument("--count", type=int, default=200, help="articles counted (default 200)")
    add_corpus_arguments(parser)
    parser.add_argument("--without", choices=STAGES, help="replay this stage's recorded results: what it costs")
    parser.add_argument("--counted", action="store_true", help=argparse.SUPPRESS)  # the run under callgrind
    args = parser.parse_args(argv)
    if args.quick:
        args.count = 20
    if args.counted:
        _counted_run(args)
    # env(1) sets the hash seed for the child only: this script reads no environment.
    command = ["env", "PYTHONHASHSEED=0", "valgrind", "--tool=callgrind", "--instr-atstart=no",
               "--callgrind-out-file=/dev/null", sys.executable, __file__,
               *(argv if argv is not None else sys.argv[1:]), "--counted"]
    done = subprocess.run(command, capture_output=True, text=True)
    found = re.search(r"Collected : ([\d,]+)", done.stderr)
    if done.returncode != 0 or found is None:
        print(done.stderr[-2000:], file=sys.stderr)
        return 1
    total = int(found.group(1).replace(",", ""))
    kind = "dense" if args.dense else "unrelated news" if args.unrelated else "benchmark mix"
    without = f", without {args.without}" if args.without else ""
    print(f"{total / args.count:,.0f} instructions per article ({kind}, {args.count} articles of "
          f"{args.size} bytes{without}; callgrind, Python {sys.version.split()[0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
