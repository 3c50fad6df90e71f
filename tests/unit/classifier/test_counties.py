"""County-level divisions (lexicons/counties.yaml): a county, county-level city, district
or banner names its province; names that are shared, common words or run across two
words do not; the loader rejects a name that would point to two provinces."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from consumers.classifier import classify
from consumers.classifier.lexicon import LEXICON_DIR, LexiconError, load


def regions_of(text: str) -> list[str]:
    return classify("", text)["regions"]


@pytest.mark.parametrize(("text", "region"), [
    ("衡东县推行区块链电子证照，群众办事少跑腿。", "Hunan"),
    ("寿光市建成蔬菜质量追溯平台，扫码可查产地。", "Shandong"),
    ("九龙坡区上线区块链不动产登记系统。", "Chongqing"),
    ("科尔沁左翼中旗推进牧区数字化建设。", "Inner Mongolia"),
    ("长阳土家族自治县发布乡村振兴规划。", "Hubei"),
    ("盱眙龙虾产业园引入区块链溯源。", "Jiangsu"),             # a bare name with a rare character
    ("沙坪坝将建设区块链创新中心。", "Chongqing"),               # a bare name of three characters
    ("伊春市出台林下经济发展措施。", "Heilongjiang"),            # a prefecture-level city regions.yaml lacked
])
def test_a_county_level_place_names_its_province(text, region):
    assert regions_of(text) == [region]


@pytest.mark.parametrize("text", [
    "例如东部地区的数据中心，可以提高要求、投资兴业。",          # 如东, 高要, 资兴 across two words
    "要守住金融安全底线，全州范围内推广新增城镇的试点。",        # 融安, 全州, 增城
    "鼓楼区和城关区都在推进政务服务一网通办。",                  # names several provinces share
    "麒麟区块链平台和东方市场的商户签约。",                      # a district before 块链, a city before 场
    "恍然大悟之后，他在钓鱼台发表讲话，弘扬中华文化。",          # 大悟, 鱼台, 扬中 inside phrases
    "在城市和县域经济中，信息县级平台与交易县城的服务相连。",    # one-character names: 和县, 息县, 易县
])
def test_shared_names_and_common_words_name_no_place(text):
    assert regions_of(text) == []


def test_the_longest_name_wins_and_place_rules_still_hold():
    assert regions_of("朝阳区发布区块链产业政策。") == ["Beijing"]  # regions.yaml's, not Changchun's
    assert regions_of("河南蒙古族自治县推广牧业保险。") == ["Qinghai"]  # not Henan
    assert regions_of("西安交通大学与商洛市洛南县合作。") == ["Shaanxi"]
    assert regions_of("山阴县与山阳县签订合作协议。") == ["Shaanxi", "Shanxi"]  # 山阴 Shanxi, 山阳 Shaanxi


@pytest.fixture
def lexicons(tmp_path: Path) -> Path:
    target = tmp_path / "lexicons"
    shutil.copytree(LEXICON_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("name", "old", "new", "message"), [
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
def test_a_name_that_would_name_two_provinces_is_rejected(lexicons, name, old, new, message):
    edit(lexicons / name, old, new)
    with pytest.raises(LexiconError) as caught:
        load(lexicons)
    assert message in str(caught.value)


def test_the_county_file_is_required(lexicons):
    (lexicons / "counties.yaml").unlink()
    with pytest.raises(LexiconError, match="counties.yaml: lexicon file missing"):
        load(lexicons)
