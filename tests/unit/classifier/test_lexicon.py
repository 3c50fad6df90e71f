"""Lexicon files: validated at load with errors naming file, entry and field; the
classifier version follows their content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from consumers.classifier.lexicon import LEXICON_DIR, LexiconError, load


@pytest.fixture
def lexicons(tmp_path: Path) -> Path:
    target = tmp_path / "lexicons"
    shutil.copytree(LEXICON_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_shipped_lexicons_load():
    lexicon = load()
    assert lexicon.version.startswith("lexicon-")
    assert lexicon.relevance["threshold"] > 0


@pytest.mark.parametrize(("name", "old", "new", "message"), [
    ("regions.yaml", "  Shaanxi:\n", "  Shanxii:\n", "regions.yaml: entry 'Shanxii', field 'regions'"),
    ("themes.yaml", "  talent:\n", "  talents:\n", "themes.yaml: entry 'talents', field 'themes'"),
    ("themes.yaml", "far_english:\n  funding_support:", "far_english:\n  funding:",
     "themes.yaml: entry 'far_english', field 'far_english'"),
    ("themes.yaml", "far_english:\n  funding_support: 4", "far_english:\n  funding_support: wide",
     "themes.yaml: entry 'far_english', field 'funding_support'"),
    ("themes.yaml", "  theme: infrastructure", "  theme: platforms", "themes.yaml: entry 'shared_platform', field 'theme'"),
    ("themes.yaml", "  max_gap: 14", "  max_gap: 2.5", "themes.yaml: entry 'shared_platform', field 'max_gap'"),
    ("applications.yaml", "  iot:\n    terms:\n      1: [", "  iot:\n    terms:\n      1: [7, ",
     "applications.yaml: entry 'iot', field 'terms.1'"),
    ("relevance.yaml", "  threshold: 0.5", "  threshold: high", "relevance.yaml: entry 'model', field 'threshold'"),
    ("doc_types.yaml", "default: news_report", "default: blog_post", "doc_types.yaml: entry 'default', field 'default'"),
    ("doc_types.yaml", "priority: [government_report, ", "priority: [", "doc_types.yaml: entry 'priority', field 'priority'"),
    ("doc_types.yaml", "  title_weight: 3", "  title_weight: strong", "doc_types.yaml: entry 'announcement', field 'title_weight'"),
    ("doc_types.yaml", "  verbs: [", "  verbs: [[], ", "doc_types.yaml: entry 'announcement', field 'verbs'"),
    ("doc_types.yaml", "first_person: [", "first_person: [3, ", "doc_types.yaml: entry 'first_person', field 'first_person'"),
    ("applications.yaml", "  zh: 20", "  zh: near", "applications.yaml: entry 'applied_to', field 'zh'"),
    ("applications.yaml", "generic_clues: [regulation]", "generic_clues: [rumours]",
     "applications.yaml: entry 'digital_assets', field 'generic_clues'"),
    ("applications.yaml", "  max_gap: 8", "  max_gap: wide", "applications.yaml: entry 'technology_peers', field 'max_gap'"),
    ("applications.yaml", "  cues: [", "  cues: [[], ", "applications.yaml: entry 'applied_to', field 'cues'"),
    ("applications.yaml", "  industry: [", "  industry: [7, ", "applications.yaml: entry 'applied_to', field 'industry'"),
    ("applications.yaml", "  body_nouns: [", "  body_nouns: [[], ", "applications.yaml: entry 'applied_to', field 'body_nouns'"),
    ("applications.yaml", "  area_nouns: [", "  area_nouns: [{}, ", "applications.yaml: entry 'applied_to', field 'area_nouns'"),
    ("applications.yaml", "  compound_min: 0.5", "  compound_min: half", "applications.yaml: entry 'applied_to', field 'compound_min'"),
    ("applications.yaml", "  departments: e_government", "  departments: ministries", "applications.yaml: entry 'applied_to', field 'departments'"),
    # a name listed under two provinces
    ("counties.yaml", "divisions: [芙蓉区, ", "divisions: [寿光市, 芙蓉区, ",
     "counties.yaml: entry 'Hunan', field 'divisions': '寿光市' is listed twice (also under Shandong, divisions)"),
    ("counties.yaml", "bare: [岳麓, ", "bare: [岳麓, 盱眙, ",
     "counties.yaml: entry 'Hunan', field 'bare': '盱眙' is listed twice"),
    # a name regions.yaml already has
    ("counties.yaml", "divisions: [芙蓉区, ", "divisions: [滨江区, 芙蓉区, ",
     "counties.yaml: entry 'Hunan', field 'divisions': '滨江区' is already in regions.yaml under Zhejiang"),
    # another province's place and one suffix character
    ("counties.yaml", "divisions: [回民区, ", "divisions: [海南区, 回民区, ",
     "counties.yaml: entry 'Inner Mongolia', field 'divisions': '海南区' is Hainan's '海南' and a suffix"),
    # a bare name of no division of its province
    ("counties.yaml", "bare: [岳麓, ", "bare: [岳麓, 湘江, ",
     "counties.yaml: entry 'Hunan', field 'bare': '湘江' must be the start of a division listed under Hunan"),
    ("counties.yaml", "divisions: [芙蓉区, ", "divisions: [芙蓉, ",
     "counties.yaml: entry 'Hunan', field 'divisions': '芙蓉' must be a name ending in one of"),
    ("counties.yaml", "  Hunan:\n", "  Hunnan:\n", "counties.yaml: entry 'Hunnan', field 'provinces'"),
    # regions.yaml: one name under two provinces
    ("regions.yaml", "places: [合肥, ", "places: [合肥, 苏州, ",
     "regions.yaml: entry 'Anhui', field 'places': '苏州' is listed under Jiangsu too"),
])
def test_invalid_entry_is_named(lexicons, name, old, new, message):
    edit(lexicons / name, old, new)
    with pytest.raises(LexiconError) as caught:
        load(lexicons)
    assert message in str(caught.value)


def test_broken_yaml_and_missing_file_are_named(lexicons):
    (lexicons / "themes.yaml").write_text("themes: [unclosed", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"themes\.yaml: cannot be read as YAML"):
        load(lexicons)
    (lexicons / "themes.yaml").unlink()
    with pytest.raises(LexiconError, match=r"themes\.yaml: lexicon file missing"):
        load(lexicons)


def test_version_follows_content(lexicons):
    before = load(lexicons).version
    assert before == load(LEXICON_DIR).version
    edit(lexicons / "applications.yaml", "物联网, ", "物联网, 车联网, ")
    after = load(lexicons)
    assert after.version != before
    assert after.version.split("+")[0] == before.split("+")[0]


def test_an_analyst_edit_changes_labels(lexicons):
    from consumers.classifier import engine

    edit(lexicons / "regions.yaml", "places: [银川,", "places: [贺兰山东麓, 银川,")
    lexicon = load(lexicons)
    labels = engine.classify_text(lexicon, "贺兰山东麓葡萄酒产区发布区块链溯源平台", "")
    assert labels["regions"] == ["Ningxia"]


def test_a_file_edited_after_a_load_is_read_again(lexicons):
    from consumers.classifier import engine

    title = "贺兰山东麓葡萄酒产区发布区块链溯源平台"
    assert engine.classify_text(load(lexicons), title, "")["regions"] == []
    edit(lexicons / "regions.yaml", "places: [银川,", "places: [贺兰山东麓, 银川,")
    assert engine.classify_text(load(lexicons), title, "")["regions"] == ["Ningxia"]


def test_named_in_list_and_cbdc_focus_are_validated(lexicons):
    edit(lexicons / "applications.yaml", "  max_gap: 6", "  max_gap: six")
    with pytest.raises(LexiconError, match=r"applications.yaml: entry 'named_in_list', field 'max_gap'"):
        load(lexicons)
    edit(lexicons / "applications.yaml", "  max_gap: six", "  max_gap: 6")
    edit(lexicons / "applications.yaml", "cbdc_focus:\n  keep: [finance]", "cbdc_focus:\n  keep: [money]")
    with pytest.raises(LexiconError, match=r"applications.yaml: entry 'cbdc_focus', field 'keep': \['money'\] are not labels"):
        load(lexicons)
