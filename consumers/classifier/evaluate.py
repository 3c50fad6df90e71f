"""Scoring the classifier against hand-labelled articles (format of ../shared/eval/*.jsonl).

Pure functions: they take gold rows and predictions (dicts with the label keys) and
return figures; reading files and printing live in cli.py.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from policywatch.taxonomy import DOC_TYPES

SET_FIELDS = ("regions", "themes", "applications")


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _as_set(row: dict[str, Any], name: str) -> set[str]:
    value = row.get(name) or []
    return {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()


def set_scores(gold: list[dict[str, Any]], pred: list[dict[str, Any]], name: str) -> dict[str, Any]:
    """Micro- and macro-F1 of one list-valued label; macro over every value seen."""
    per_label: dict[str, Counter] = {}
    total = Counter()
    for g, p in zip(gold, pred):
        gs, ps = _as_set(g, name), _as_set(p, name)
        for label in gs | ps:
            counts = per_label.setdefault(label, Counter())
            key = "tp" if label in gs and label in ps else ("fn" if label in gs else "fp")
            counts[key] += 1
            total[key] += 1
    micro = prf(total["tp"], total["fp"], total["fn"])
    by_label = {label: prf(c["tp"], c["fp"], c["fn"]) for label, c in sorted(per_label.items())}
    macro = sum(v["f1"] for v in by_label.values()) / len(by_label) if by_label else 1.0
    return {"micro_f1": micro["f1"], "macro_f1": round(macro, 4), "micro_precision": micro["precision"],
            "micro_recall": micro["recall"], "per_label": by_label}


def doc_type_scores(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> dict[str, Any]:
    confusion: dict[str, dict[str, int]] = {g: {p: 0 for p in DOC_TYPES} for g in DOC_TYPES}
    right = 0
    for g, p in zip(gold, pred):
        gd, pd = g.get("doc_type"), p.get("doc_type")
        right += gd == pd
        if gd in confusion and pd in confusion[gd]:
            confusion[gd][pd] += 1
    accuracy = right / len(gold) if gold else 1.0
    return {"accuracy": round(accuracy, 4), "confusion": confusion}


def errors(gold: dict[str, Any], pred: dict[str, Any]) -> dict[str, Any]:
    """What one prediction got wrong: missing (-) and extra (+) labels per field."""
    wrong: dict[str, Any] = {}
    if bool(gold.get("relevant")) != bool(pred.get("relevant")):
        wrong["relevant"] = f"gold {bool(gold.get('relevant'))}, got {bool(pred.get('relevant'))} ({pred.get('relevance')})"
    for name in SET_FIELDS:
        gs, ps = _as_set(gold, name), _as_set(pred, name)
        if gs != ps:
            wrong[name] = sorted([f"-{v}" for v in gs - ps] + [f"+{v}" for v in ps - gs])
    if gold.get("doc_type") != pred.get("doc_type"):
        wrong["doc_type"] = f"gold {gold.get('doc_type')}, got {pred.get('doc_type')}"
    return wrong


def cost(wrong: dict[str, Any]) -> int:
    """A case's badness, to rank the worst: a wrong relevance weighs most."""
    return 5 * ("relevant" in wrong) + 2 * ("doc_type" in wrong) + sum(
        len(wrong.get(name, [])) for name in SET_FIELDS)


def score(gold: list[dict[str, Any]], pred: list[dict[str, Any]], worst: int = 0) -> dict[str, Any]:
    """Every figure of ``policywatch eval``; ``worst`` cases ranked by ``cost``."""
    counts = Counter()
    for g, p in zip(gold, pred):
        gr, pr = bool(g.get("relevant")), bool(p.get("relevant"))
        counts["tp" if gr and pr else "fp" if pr else "fn" if gr else "tn"] += 1
    result: dict[str, Any] = {"relevant": prf(counts["tp"], counts["fp"], counts["fn"])}
    for name in SET_FIELDS:
        result[name] = set_scores(gold, pred, name)
    result["doc_type"] = doc_type_scores(gold, pred)
    result["n"] = len(gold)
    cases = []
    for index, (g, p) in enumerate(zip(gold, pred)):
        wrong = errors(g, p)
        if wrong:
            cases.append({"id": g.get("id", str(index + 1)), "title": str(g.get("title", ""))[:80],
                          "cost": cost(wrong), "errors": wrong})
    cases.sort(key=lambda case: -case["cost"])
    result["worst"] = cases[:worst]
    return result
