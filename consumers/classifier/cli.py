"""``policywatch classify`` (JSON Lines in, labels out) and ``policywatch eval`` (figures
against a hand-labelled file in the format of ../shared/eval/*.jsonl)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from consumers.classifier import classify, lexicon
from consumers.classifier.evaluate import score
from policywatch.errors import UserError
from policywatch.taxonomy import DOC_TYPES

_JSON_KEYS = ("relevant", "regions", "themes", "applications", "doc_type", "n")


def classify_line(line: str) -> dict[str, Any]:
    """Labels for one JSON Lines input line, or an ``error`` object saying what is wrong."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"error": f"line is not JSON: {exc}"}
    if not isinstance(item, dict):
        return {"error": "line is not a JSON object"}
    title, text = item.get("title", ""), item.get("text", "")
    if not isinstance(title, str) or not isinstance(text, str):
        return {"error": "fields 'title' and 'text' must be strings"}
    labels = classify(title, text, item.get("lang"), item.get("url"))
    return {key: item[key] for key in ("id", "url") if key in item} | labels


def run_classify(source: TextIO, sink: TextIO) -> int:
    """Classify every non-empty line of ``source`` into ``sink``, in order; returns the
    number of lines that were errors."""
    failures = 0
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        result = classify_line(line)
        if "error" in result:
            failures += 1
            result = {"line": number, **result}
        sink.write(json.dumps(result, ensure_ascii=False) + "\n")
    sink.flush()
    return failures


def read_labelled_rows(path: str, needs: tuple[str, ...] = ("relevant",)) -> list[dict[str, Any]]:
    """The JSON objects of a JSON Lines file, each holding the fields ``needs``."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = [(n, line) for n, line in enumerate(handle, start=1) if line.strip()]
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from None
    rows = []
    for number, line in lines:
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UserError(f"{path}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict) or any(name not in row for name in needs):
            raise UserError(f"{path}:{number}: needs at least {', '.join(map(repr, needs))} and the labels")
        if "text" in needs and not isinstance(row["text"], str):
            raise UserError(f"{path}:{number}: 'text' must be a string")
        rows.append(row)
    if not rows:
        raise UserError(f"{path}: no labelled articles")
    return rows


def read_labelled(path: str) -> list[dict[str, Any]]:
    """The articles of a labelled file: text and labels."""
    return read_labelled_rows(path, ("text", "relevant"))


def read_second_labels(path: str, gold: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A second labeller's labels of some of ``gold``'s articles (JSON Lines: id and the
    labels), paired with those articles: (gold rows, their second labels), in the order of
    ``path``."""
    by_id = {str(r.get("id")): r for r in gold}
    paired: list[dict[str, Any]] = []
    second = []
    for number, row in enumerate(read_labelled_rows(path), start=1):
        if str(row.get("id")) not in by_id:
            raise UserError(f"{path}:{number}: id {row.get('id')!r} is not an article of the labelled file")
        paired.append(by_id[str(row["id"])])
        second.append(row)
    return paired, second


def _report(figures: dict[str, Any], out: TextIO, scored: str) -> None:
    rel = figures["relevant"]
    out.write(f"{scored}, {figures['n']} articles\n\n")
    out.write(f"relevant      precision {rel['precision']:.3f}  recall {rel['recall']:.3f}  f1 {rel['f1']:.3f}\n")
    for name in ("regions", "themes", "applications"):
        f = figures[name]
        out.write(f"{name:<13} micro-F1 {f['micro_f1']:.3f}  macro-F1 {f['macro_f1']:.3f}"
                  f"  (micro P {f['micro_precision']:.3f} R {f['micro_recall']:.3f})\n")
    doc = figures["doc_type"]
    out.write(f"doc_type      accuracy {doc['accuracy']:.3f}\n\nconfusion (rows gold, columns predicted)\n")
    short = [d[:10] for d in DOC_TYPES]
    out.write(" " * 18 + " ".join(f"{s:>10}" for s in short) + "\n")
    for gold in DOC_TYPES:
        out.write(f"{gold:<18}" + " ".join(f"{doc['confusion'][gold][p]:>10}" for p in DOC_TYPES) + "\n")
    if figures["worst"]:
        out.write("\nworst cases\n")
        for case in figures["worst"]:
            out.write(f"  {case['id']} (cost {case['cost']}) {case['title']}\n")
            for name, what in case["errors"].items():
                out.write(f"      {name}: {what if isinstance(what, str) else ' '.join(what)}\n")


def _cmd_eval(args: argparse.Namespace) -> int:
    if args.worst < 0:
        raise UserError("--worst must be 0 or more")
    gold = read_labelled(args.file)
    if args.labels:
        gold, pred = read_second_labels(args.labels, gold)
        scored = f"labels of {args.labels}"
    else:
        pred = [classify(str(r.get("title") or ""), r["text"], r.get("lang"), r.get("source")) for r in gold]
        scored = f"classifier {lexicon().version}"
    figures = score(gold, pred, worst=args.worst)
    if args.json:
        payload = {key: figures[key] for key in _JSON_KEYS}
        for name in ("regions", "themes", "applications"):
            payload[name] = {k: v for k, v in figures[name].items() if k != "per_label"}
        payload["doc_type"] = {"accuracy": figures["doc_type"]["accuracy"]}
        payload["scored"] = scored
        if not args.labels:
            payload["classifier_version"] = lexicon().version
        if args.worst:
            payload["worst"] = figures["worst"]
        print(json.dumps(payload, ensure_ascii=False))
    else:
        _report(figures, sys.stdout, scored)
    return 0


def _cmd_classify(args: argparse.Namespace) -> int:
    failures = run_classify(sys.stdin, sys.stdout)
    return 1 if failures and args.strict else 0


def register(commands) -> None:
    """Add ``classify`` and ``eval`` to the ``policywatch`` parser."""
    parser = commands.add_parser(
        "classify", help="label articles read as JSON Lines on stdin",
        description="Read articles as JSON Lines on stdin (fields title, text; optional id, url, lang, "
                    "published) and write one JSON object per line to stdout, in input order: the labels "
                    "(relevant, relevance, regions, themes, applications, doc_type), the evidence behind "
                    "each label and the classifier version. A line that cannot be read yields "
                    '{"line": N, "error": "..."} and the rest go on.')
    parser.add_argument("--strict", action="store_true", help="exit 1 if any input line was an error")
    parser.set_defaults(handler=_cmd_classify)

    parser = commands.add_parser(
        "eval", help="score the classifier against a hand-labelled JSON Lines file",
        description="Classify every article of FILE (JSON Lines in the format of shared/eval/*.jsonl: "
                    "title, text and the gold labels) and print precision/recall/F1 of relevant, micro- "
                    "and macro-F1 of regions, themes and applications, doc_type accuracy with a "
                    "confusion table, and the worst cases.")
    parser.add_argument("file", metavar="FILE.jsonl", help="labelled articles, one JSON object per line")
    parser.add_argument("--json", action="store_true",
                        help='print the figures as one JSON object: {"relevant": {"precision", "recall", "f1"}, '
                             '"regions": {"micro_f1", "macro_f1", ...}, "themes", "applications", '
                             '"doc_type": {"accuracy"}, "n"}')
    parser.add_argument("--worst", type=int, default=10, metavar="N",
                        help="list the N worst-classified articles (default 10; 0 for none)")
    parser.add_argument("--labels", metavar="OTHER.jsonl",
                        help="score a second labeller's labels (JSON Lines: id and the labels of some of "
                             "FILE's articles) instead of the classifier: how far two people agree, the "
                             "ceiling to read the classifier's figures against")
    parser.set_defaults(handler=_cmd_eval)
