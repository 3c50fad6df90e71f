"""County-level divisions (lexicons/counties.yaml): a county, county-level city, district
or banner names its province; names that are shared, common words or run across two
words do not. (The loader's errors for a name that would point to two provinces are
cases of test_lexicon.test_invalid_entry_is_named.)"""

from __future__ import annotations

import pytest

from consumers.classifier import classify
from consumers.classifier.lexicon import LexiconError, load
from tests.unit.classifier.test_lexicon import lexicons  # noqa: F401 (a fixture)


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
    ("已在勐海县、澜沧县等地选取茶企开展试点。", "Yunnan"),       # an autonomous county's short form, not 沧县
    ("陵水县推进黎锦产品溯源上链。", "Hainan"),                   # the short form keeps the whole name
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
    "国网浙江省电力有限公司与State Grid Jiangsu Electric Power共建平台。",  # State Grid's provincial companies
])
def test_shared_names_and_common_words_name_no_place(text):
    assert regions_of(text) == []


def test_the_longest_name_wins_and_place_rules_still_hold():
    assert regions_of("朝阳区发布区块链产业政策。") == ["Beijing"]  # regions.yaml's, not Changchun's
    assert regions_of("河南蒙古族自治县推广牧业保险。") == ["Qinghai"]  # not Henan
    assert regions_of("西安交通大学与商洛市洛南县合作。") == ["Shaanxi"]
    assert regions_of("山阴县与山阳县签订合作协议。") == ["Shaanxi", "Shanxi"]  # 山阴 Shanxi, 山阳 Shaanxi


def test_the_county_file_is_required(lexicons):
    (lexicons / "counties.yaml").unlink()
    with pytest.raises(LexiconError, match="counties.yaml: lexicon file missing"):
        load(lexicons)
