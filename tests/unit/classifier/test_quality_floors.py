"""Quality floors on labelled articles: the shared real articles (read from shared/, never
copied) and this project's own hand-written cases. Floors sit a little below what the
classifier achieves, so a regression fails while lexicon tuning has some room; raise
them when the classifier improves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from consumers.classifier import classify
from consumers.classifier.evaluate import score

OWN_CASES = Path(__file__).resolve().parents[2] / "data" / "classifier_cases.jsonl"
# Written before the round-2 lexicon tuning and only checked, never tuned on: the
# nearest this project has to "articles the classifier has not seen".
HOLDOUT = Path(__file__).resolve().parents[2] / "data" / "classifier_holdout.jsonl"
# Written by someone who never saw the classifier; tuning never reads it, only its
# aggregate figures are looked at (this test prints nothing else).
BLIND = Path(__file__).resolve().parents[2] / "data" / "classifier_holdout2.jsonl"
# Blind sets 3 (180 cases) and 4 (200 cases): likewise written without reading the
# classifier and never tuned on; pass/fail only, a little below their figures when
# first measured, so that a regression on unseen articles shows.
BLIND3 = Path(__file__).resolve().parents[2] / "data" / "classifier_holdout3.jsonl"
BLIND4 = Path(__file__).resolve().parents[2] / "data" / "classifier_holdout4.jsonl"
# Blind set 8 (160 cases of 250-3,000 characters, a third in English, page furniture on
# many Chinese pages): written in the fifth session by a labeller who read only the
# taxonomy and shared/eval/README.md; it judged that session's last rules once.
BLIND8 = Path(__file__).resolve().parents[2] / "data" / "classifier_holdout8.jsonl"
# Blind set 12 (100 cases: government texts of provinces, cities, counties and central
# bodies, 40 whose only place cue is below the province): written at the seventh session's
# start by a labeller who read only the taxonomy and shared/eval/README.md; not read.
BLIND12 = Path(__file__).resolve().parents[2] / "data" / "classifier_holdout12.jsonl"
# Development set 2: written independently of the classifier, half of it short news
# flashes; tuned on since (its notes explain each label).
DEV2 = Path(__file__).resolve().parents[2] / "data" / "classifier_dev2.jsonl"
# Development set 3: 90 cases rich in applications (every area at least 8 times, named
# indirectly too, plus articles whose application words are not applied to blockchain),
# written before reading the classifier; tuned on since.
DEV3 = Path(__file__).resolve().parents[2] / "data" / "classifier_dev3.jsonl"
# Development set 4: 150 application-rich cases written by a labeller who had not read the
# classifier (scored before it was read: applications 0.794 with lexicon-1.6); tuned on since.
DEV4 = Path(__file__).resolve().parents[2] / "data" / "classifier_dev4.jsonl"
# Development set 5: 180 cases of 600-2,000 characters, blind holdout 5 until the fifth
# session retired it (its last blind figures are in docs/classifier.md); tuned on since.
DEV5 = Path(__file__).resolve().parents[2] / "data" / "classifier_dev5.jsonl"
# Development set 6: 200 cases of 300-3,000 characters (a quarter in English, a tenth in
# traditional Chinese), blind holdout 6 until it had judged the fifth session's first
# rounds (docs/classifier.md); tuned on since.
DEV6 = Path(__file__).resolve().parents[2] / "data" / "classifier_dev6.jsonl"
# Development set 7: 200 cases of 200-3,500 characters (a third in English, many with a
# portal's page furniture), blind holdout 7 until it had judged the fifth session's
# rounds (docs/classifier.md); tuned on since.
DEV7 = Path(__file__).resolve().parents[2] / "data" / "classifier_dev7.jsonl"
# Development set 9: 106 short cases (median 325 characters), written blind as holdout 9
# at the end of the fifth session, scored once at its start and once at its end, then read
# (its regions errors: docs/classifier.md).
DEV9 = Path(__file__).resolve().parents[2] / "data" / "classifier_dev9.jsonl"
# Development set 10: 100 cases (half short, a fifth in English, several whose only place
# is a county), written blind as holdout 10 at the sixth session's start, scored at its
# start and end (docs/classifier.md), then read.
DEV10 = Path(__file__).resolve().parents[2] / "data" / "classifier_dev10.jsonl"
# Development set 11: 100 cases (half finance news, a fifth in English), written blind as
# holdout 11 at the sixth session's start, scored there (docs/classifier.md), then read.
DEV11 = Path(__file__).resolve().parents[2] / "data" / "classifier_dev11.jsonl"
# Development set 13: 100 cases (finance and business media, a quarter in English, 45 not
# relevant, many near the line), written blind as holdout 13 at the seventh session's
# start, scored there (docs/classifier.md), then read.
DEV13 = Path(__file__).resolve().parents[2] / "data" / "classifier_dev13.jsonl"

FLOORS = {
    # file: relevant F1, regions micro-F1, themes micro-F1, applications micro-F1, doc_type accuracy
    "dev": (0.95, 0.98, 0.86, 0.91, 0.92),
    "seeds": (0.95, 0.93, 0.82, 0.92, 0.80),
    "own": (0.95, 0.97, 0.94, 0.95, 0.96),
    "holdout": (0.95, 0.98, 0.86, 0.93, 0.96),
    "blind": (0.95, 0.96, 0.88, 0.86, 0.92),
    "blind3": (0.95, 0.97, 0.82, 0.84, 0.87),
    "blind4": (0.95, 0.96, 0.83, 0.86, 0.92),
    "blind8": (0.94, 0.94, 0.78, 0.85, 0.86),
    "blind12": (0.98, 0.97, 0.82, 0.89, 0.91),
    "dev2": (0.95, 0.98, 0.90, 0.92, 0.96),
    "dev3": (0.95, 0.96, 0.79, 0.89, 0.91),
    "dev4": (0.95, 0.97, 0.79, 0.85, 0.91),
    "dev5": (0.95, 0.97, 0.80, 0.85, 0.95),
    "dev6": (0.97, 0.96, 0.81, 0.85, 0.93),
    "dev7": (0.98, 0.97, 0.81, 0.84, 0.97),
    "dev9": (0.96, 0.93, 0.84, 0.82, 0.94),
    "dev10": (0.98, 0.92, 0.82, 0.88, 0.92),
    "dev11": (0.96, 0.95, 0.82, 0.85, 0.92),
    "dev13": (0.96, 0.95, 0.80, 0.85, 0.91),
}


def figures(path: Path) -> dict:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert rows, path
    return score(rows, [classify(r["title"], r["text"], r.get("lang"), r.get("source")) for r in rows])


def check(result: dict, floors: tuple[float, ...]) -> None:
    achieved = (result["relevant"]["f1"], result["regions"]["micro_f1"], result["themes"]["micro_f1"],
                result["applications"]["micro_f1"], result["doc_type"]["accuracy"])
    names = ("relevant F1", "regions micro-F1", "themes micro-F1", "applications micro-F1", "doc_type accuracy")
    below = [f"{n} {a:.3f} < {f}" for n, a, f in zip(names, achieved, floors) if a < f]
    assert not below, below


@pytest.mark.parametrize("name", ["dev", "seeds"])
def test_floors_on_shared_articles(shared_dir, name):
    check(figures(shared_dir / "eval" / f"{name}.jsonl"), FLOORS[name])


def test_floors_on_own_cases():
    check(figures(OWN_CASES), FLOORS["own"])


def test_floors_on_held_out_cases():
    check(figures(HOLDOUT), FLOORS["holdout"])


@pytest.mark.parametrize("name, path", [("blind", BLIND), ("blind3", BLIND3), ("blind4", BLIND4), ("blind8", BLIND8),
                                        ("blind12", BLIND12)])
def test_floors_on_blind_cases(name, path):
    check(figures(path), FLOORS[name])


@pytest.mark.parametrize("name, path", [("dev2", DEV2), ("dev3", DEV3), ("dev4", DEV4), ("dev5", DEV5), ("dev6", DEV6),
                                        ("dev7", DEV7), ("dev9", DEV9), ("dev10", DEV10),
                                        ("dev11", DEV11), ("dev13", DEV13)])
def test_floors_on_development_sets(name, path):
    check(figures(path), FLOORS[name])


@pytest.mark.parametrize("path", [OWN_CASES, HOLDOUT, DEV10, DEV11, DEV13], ids=["own", "holdout", "dev10", "dev11", "dev13"])
def test_own_cases_follow_the_taxonomy(path):
    from policywatch.taxonomy import APPLICATIONS, DOC_TYPES, REGIONS, THEMES

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len({r["id"] for r in rows}) == len(rows) >= 20
    assert {r["lang"] for r in rows} == {"zh", "en"}
    for r in rows:
        assert set(r["regions"]) <= set(REGIONS) and set(r["themes"]) <= set(THEMES), r["id"]
        assert set(r["applications"]) <= set(APPLICATIONS) and r["doc_type"] in DOC_TYPES, r["id"]
        assert r["relevant"] or not (r["themes"] or r["applications"]), r["id"]
