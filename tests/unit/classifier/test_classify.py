"""classify(): the label contract, bilingual matching, region traps and bad input."""

from __future__ import annotations

import pytest

from consumers.classifier import CLASSIFIER_VERSION, classify
from consumers.classifier.normalise import clean, clean_sized
from policywatch.schema import LABEL_FIELDS
from policywatch.taxonomy import APPLICATIONS, DOC_TYPES, REGIONS, THEMES

POLICY_ZH = ("浙江省人民政府关于加快推进区块链产业发展的实施意见",
             "为贯彻落实国务院决策部署，加快区块链技术在政务服务、供应链金融和农产品溯源中的应用，"
             "现提出以下意见。在杭州建设区块链产业园，对入驻企业给予资金扶持，推动区块链与实体经济深度融合。")


def assert_well_formed(labels: dict) -> None:
    assert tuple(labels) == LABEL_FIELDS or set(labels) == set(LABEL_FIELDS)
    assert isinstance(labels["relevant"], bool)
    assert 0.0 <= labels["relevance"] <= 1.0
    for name, allowed in (("regions", REGIONS), ("themes", THEMES), ("applications", APPLICATIONS)):
        assert labels[name] == sorted(labels[name])
        assert set(labels[name]) <= set(allowed)
    assert labels["doc_type"] in DOC_TYPES
    assert labels["classifier_version"] == CLASSIFIER_VERSION
    for item in labels["evidence"]:
        assert set(item) == {"field", "value", "phrases"}
        assert item["field"] in ("relevant", "regions", "themes", "applications", "doc_type")
        assert isinstance(item["value"], str)
        assert all(isinstance(p, str) and p for p in item["phrases"])
    if not labels["relevant"]:
        assert labels["themes"] == [] and labels["applications"] == []


def evidence(labels: dict, field: str, value: str) -> list[str]:
    return next(e["phrases"] for e in labels["evidence"] if e["field"] == field and e["value"] == value)


def test_policy_article_gets_labels_with_evidence():
    labels = classify(*POLICY_ZH, lang="zh")
    assert_well_formed(labels)
    assert labels["relevant"] is True
    assert labels["regions"] == ["National", "Zhejiang"]
    assert {"e_government", "finance", "traceability"} <= set(labels["applications"])
    assert labels["doc_type"] == "policy_document"
    assert "杭州" in evidence(labels, "regions", "Zhejiang")
    assert "国务院" in evidence(labels, "regions", "National")
    assert any("区块链" in p for p in evidence(labels, "relevant", "true"))


def test_traditional_chinese_gets_the_same_labels_as_simplified():
    traditional = ("浙江省人民政府關於加快推進區塊鏈產業發展的實施意見",
                   "為貫徹落實國務院決策部署，加快區塊鏈技術在政務服務、供應鏈金融和農產品溯源中的應用，"
                   "現提出以下意見。在杭州建設區塊鏈產業園，對入駐企業給予資金扶持，推動區塊鏈與實體經濟深度融合。")
    simplified, converted = classify(*POLICY_ZH), classify(*traditional)
    for name in ("relevant", "regions", "themes", "applications", "doc_type"):
        assert converted[name] == simplified[name], name
    # Evidence quotes the article's own (traditional) words.
    assert any("區塊鏈" in p for p in evidence(converted, "relevant", "true"))


@pytest.mark.parametrize(("text", "region"), [
    ("山西省出台区块链产业扶持政策", "Shanxi"),
    ("陕西省出台区块链产业扶持政策", "Shaanxi"),
    ("Shanxi province issues blockchain support policy", "Shanxi"),
    ("Shaanxi province issues blockchain support policy", "Shaanxi"),
    ("太原市出台区块链扶持政策", "Shanxi"),
    ("西安市出台区块链扶持政策", "Shaanxi"),
    ("雄安新区启用区块链资金管理平台", "Hebei"),
    ("Pudong launches a blockchain pilot zone", "Shanghai"),
    ("深圳前海设立区块链产业基金", "Guangdong"),
    ("Zhengzhou unveils blockchain measures", "Henan"),
    ("链上海南区块链产业计划发布", "Hainan"),
    ("内蒙古鄂尔多斯清理虚拟货币挖矿项目", "Inner Mongolia"),
    ("川渝共建区块链医保平台", "Chongqing,Sichuan"),
    ("彰化縣推動區塊鏈綠電憑證", "Taiwan"),
    ("Yangpu Port pilots blockchain customs clearance", "Hainan"),
    ("区块链服务平台北京节点上线", "Beijing"),
    ("平台中的数据上链存证", ""),
])
def test_regions_through_provinces_cities_and_new_areas(text, region):
    assert sorted(classify(text, "")["regions"]) == (region.split(",") if region else [])


@pytest.mark.parametrize("text", [
    "浙江大学发布区块链研究报告",
    "北京大學區塊鏈公開課",
    "Zhejiang University opens a blockchain lab",
    "Shanghai Securities News says blockchain firms grow",
    "Ether rises before the Shanghai upgrade",
    "Peking University and Tsinghua publish blockchain papers",
    "University of Beijing researchers study blockchain",
])
def test_place_names_inside_organisations_and_things_do_not_count(text):
    assert classify(text, "")["regions"] == []


@pytest.mark.parametrize(("text", "national"), [
    ("国务院印发区块链发展规划", True),
    ("The NDRC said crypto mining will be phased out", True),
    ("Xi Jinping called blockchain a key breakthrough", True),
    ("党中央、国务院高度重视区块链", True),
    ("浙江省发改委印发区块链方案", False),
    ("市网信办开展区块链信息服务备案检查", False),
    ("河南省委网信办公布区块链试点名单", False),
    ("市财政部门推广区块链电子票据", False),
    ("Keeping your crypto safe with hardware wallets", False),
    ("落实国家医疗保障局部署，医保结算数据上链", True),
    ("教育部印发区块链教育应用通知", True),
    ("深圳网信办开展区块链信息服务备案检查", False),
    ("长春国家区块链创新应用综合性试点加快建设", True),
    ("教育部推動畢業證書上區塊鏈，臺北市率先導入", False),
])
def test_national_only_for_central_bodies(text, national):
    assert ("National" in classify(text, "")["regions"]) is national


@pytest.mark.parametrize(("title", "text"), [
    ("比特币跌破6万美元", "比特币价格周二下跌，全网爆仓5亿美元，多头损失惨重，以太坊跌幅超过8%。"),
    ("Bitcoin slides as traders take profits", "Bitcoin fell 5% to $60,000 as liquidations hit leveraged traders; altcoins followed."),
    ("What is a blockchain? Hashes and consensus explained",
     "A blockchain is a chain of blocks. Each block header stores the hash of the previous block; "
     "proof of work is a consensus mechanism in which miners search for a nonce. This tutorial explains it."),
    ("某公司发布区块链钱包产品", "公司今日发布区块链钱包新产品，首周用户突破20万，创始人表示将启动新一轮融资。"),
    ("关于加快人工智能产业发展的若干意见",
     "推动人工智能在制造、医疗、交通领域应用，建设人工智能产业园，推动人工智能与大数据、云计算、区块链等技术融合，加大人才引进。"),
])
def test_not_policy_is_not_relevant(title, text):
    labels = classify(title, text)
    assert_well_formed(labels)
    assert labels["relevant"] is False


@pytest.mark.parametrize(("title", "text"), [
    ("", ""),
    ("   ", "\n\t "),
    ("x", "\x00\x01\x02\x1b[31m\x7f" * 1000),
    ("garbage", bytes(range(256)).decode("latin-1") * 200),
    ("Новости", "Правительство обсудило бюджет на следующий год и социальные программы."),
    ("日本語", "政府は来年度の予算案を閣議決定した。"),
    ("lone surrogate \ud800", "text with a lone surrogate \udfff inside"),
    ("huge", "区块链政策 " * 600_000),
])
def test_bad_input_gives_a_well_formed_result(title, text):
    labels = classify(title, text)
    assert_well_formed(labels)
    if title in ("", "   ", "x", "garbage", "Новости", "日本語"):
        assert labels["relevant"] is False and labels["regions"] == []


@pytest.mark.parametrize("value", [None, 42, b"\xff\xfe binary", ["list"], {"a": 1}])
def test_non_string_input_never_raises(value):
    assert_well_formed(classify(value, value, lang=value, url=value))  # type: ignore[arg-type]


def test_applications_named_in_an_enumeration_count_but_a_technology_list_does_not():
    listed = classify("某省印发区块链产业发展实施方案的通知",
                      "方案提出，推动区块链在数字金融、物联网、智能制造、供应链管理等领域的应用，建设区块链产业园区，设立专项资金。")
    assert listed["relevant"] and "iot" in listed["applications"] and "manufacturing" in listed["applications"]
    technologies = classify("某省印发区块链产业发展实施方案的通知",
                            "方案提出，加快区块链、物联网、人工智能等技术研发，建设区块链产业园区，设立专项资金，推动政务服务应用。")
    assert technologies["relevant"] and "iot" not in technologies["applications"]


def test_an_article_about_a_central_bank_digital_currency_keeps_finance_only():
    labels = classify("Digital yuan trial expands to hospitals and buses",
                      "The People's Bank of China said the e-CNY pilot now covers hospital payments, bus fares and "
                      "school canteens in three more cities. Unlike cryptocurrency, the digital yuan is issued by the "
                      "central bank; the pilot tests the digital yuan in small retail payments, officials said.")
    assert labels["relevant"] and labels["applications"] == ["finance"]
    assert "National" in labels["regions"]


@pytest.mark.parametrize("value", ["ascii only", "区块链 policy", "lone \ud800 surrogate 区", b"\xff\xfe bytes",
                                   "產(chǎn)業(yè)区块链", None, 42, "x" * 3000])
def test_the_cleaned_text_comes_with_its_size_in_utf8(value):
    text, size = clean_sized(value, 2_000)
    assert text == clean(value, 2_000)
    assert size == len(text.encode("utf-8"))
