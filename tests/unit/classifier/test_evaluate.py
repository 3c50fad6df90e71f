"""Scoring functions and the eval/classify commands."""

from __future__ import annotations

import io
import json

import pytest

from consumers.classifier.cli import run_classify
from consumers.classifier.evaluate import prf, score, set_scores
from policywatch.cli import main


def test_prf_and_set_scores_by_hand():
    assert prf(3, 1, 1) == {"precision": 0.75, "recall": 0.75, "f1": 0.75}
    assert prf(0, 0, 0)["f1"] == 1.0
    gold = [{"regions": ["Beijing", "National"]}, {"regions": ["Hebei"]}]
    pred = [{"regions": ["Beijing"]}, {"regions": ["Hebei", "Tianjin"]}]
    figures = set_scores(gold, pred, "regions")
    # tp 2 (Beijing, Hebei), fp 1 (Tianjin), fn 1 (National)
    assert figures["micro_f1"] == pytest.approx(2 / 3, abs=1e-4)
    # per label F1: Beijing 1, Hebei 1, National 0, Tianjin 0
    assert figures["macro_f1"] == 0.5


def test_score_relevance_doc_type_and_worst():
    gold = [{"id": "a", "relevant": True, "doc_type": "news_report"},
            {"id": "b", "relevant": False, "doc_type": "commentary"}]
    pred = [{"relevant": True, "doc_type": "news_report"},
            {"relevant": True, "doc_type": "news_report", "themes": ["talent"]}]
    figures = score(gold, pred, worst=5)
    assert figures["relevant"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667}
    assert figures["doc_type"]["accuracy"] == 0.5
    assert figures["doc_type"]["confusion"]["commentary"]["news_report"] == 1
    assert [case["id"] for case in figures["worst"]] == ["b"]
    assert figures["worst"][0]["errors"]["themes"] == ["+talent"]


def test_classify_command_keeps_order_and_reports_bad_lines():
    lines = [json.dumps({"id": "1", "title": "国务院印发区块链规划", "text": "推动区块链在政务服务中的应用。"}, ensure_ascii=False),
             "{not json",
             json.dumps({"title": 5, "text": "x"}),
             "",
             json.dumps(["list"]),
             json.dumps({"id": "2", "title": "Bitcoin falls", "text": "Bitcoin fell to $60,000."})]
    out = io.StringIO()
    failures = run_classify(io.StringIO("\n".join(lines) + "\n"), out)
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert failures == 3
    assert [r.get("id") for r in results] == ["1", None, None, None, "2"]
    assert results[0]["regions"] == ["National"] and "evidence" in results[0]
    assert results[1]["line"] == 2 and "not JSON" in results[1]["error"]
    assert results[2]["line"] == 3 and "strings" in results[2]["error"]
    assert results[3]["line"] == 5
    assert results[4]["relevant"] is False


def test_eval_command_json_shape(tmp_path, capsys):
    path = tmp_path / "cases.jsonl"
    rows = [{"id": "x1", "title": "国务院印发区块链发展规划", "text": "推进区块链技术在政务服务、金融领域的应用，加快建设区块链产业园。",
             "relevant": True, "regions": ["National"], "themes": ["application_scenarios"],
             "applications": ["e_government", "finance"], "doc_type": "policy_document"},
            {"id": "x2", "title": "Bitcoin slides", "text": "Bitcoin fell 4% as traders sold.", "relevant": False,
             "regions": [], "themes": [], "applications": [], "doc_type": "news_report"}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert main(["eval", str(path), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["n"] == 2
    assert set(figures["relevant"]) >= {"precision", "recall", "f1"}
    for name in ("regions", "themes", "applications"):
        assert set(figures[name]) >= {"micro_f1", "macro_f1"}
    assert set(figures["doc_type"]) == {"accuracy"}
    assert figures["relevant"]["f1"] == 1.0
    assert main(["eval", str(path), "--worst", "1"]) == 0
    text = capsys.readouterr().out
    assert "micro-F1" in text and "confusion" in text


def test_eval_command_rejects_bad_files(tmp_path, capsys):
    assert main(["eval", str(tmp_path / "missing.jsonl")]) == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "no labels"}\n', encoding="utf-8")
    assert main(["eval", str(bad)]) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err
    # the line of the file, blank lines counted, not the row's index
    bad.write_text('\n{"text": "ok", "relevant": true}\n\n{"text": 5, "relevant": false}\n', encoding="utf-8")
    assert main(["eval", str(bad)]) == 2
    assert "bad.jsonl:4: 'text' must be a string" in capsys.readouterr().err


def test_eval_command_scores_a_second_labeller(tmp_path, capsys):
    gold = [{"id": f"g{i}", "title": "t", "text": "x", "relevant": True, "regions": ["Hebei"], "themes": ["talent"],
             "applications": ["finance", "trade"], "doc_type": "news_report"} for i in range(3)]
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in gold), encoding="utf-8")
    # the second labeller saw two of the articles, disagrees on one application and one doc type
    second = [{"id": "g2", "relevant": True, "regions": ["Hebei"], "themes": ["talent"], "applications": ["finance"],
               "doc_type": "commentary"},
              {"id": "g0", "relevant": True, "regions": ["Hebei"], "themes": ["talent"],
               "applications": ["finance", "trade"], "doc_type": "news_report"}]
    other = tmp_path / "second.jsonl"
    other.write_text("\n".join(json.dumps(r) for r in second), encoding="utf-8")
    assert main(["eval", str(path), "--labels", str(other), "--json", "--worst", "0"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["n"] == 2 and "classifier_version" not in figures
    assert figures["doc_type"]["accuracy"] == 0.5
    assert figures["applications"]["micro_precision"] == 1.0 and figures["applications"]["micro_recall"] == 0.75
    assert figures["regions"]["micro_f1"] == 1.0
    other.write_text(json.dumps({"id": "nope", "relevant": False}), encoding="utf-8")
    assert main(["eval", str(path), "--labels", str(other)]) == 2
    assert "'nope' is not an article" in capsys.readouterr().err
