"""Region phrases that name no place (a time zone, guests, a kind of money, idioms,
organisations and roads named after a place), and central bodies, national systems and
central plans for a region cited by a local article (配合国家, 全国一体化, 横琴…总体方案).
Sentences written for the tests."""

from __future__ import annotations

import pytest

from tests.unit.classifier.test_counties import regions_of


@pytest.mark.parametrize("text", [
    "北京时间周二凌晨，比特币价格一度跌破6万美元。",
    "尊敬的各位来宾，女士们、先生们：欢迎出席本次论坛。",
    "研究零售层面央行数码货币的跨境应用，并与海外央行交流。",
    "全力推进长治久安，保持汇率在合理均衡水平上基本稳定。",
    "持港澳居民来往内地通行证即可开立数字钱包。",
    "河北工业大学与北京师范大学联合开设区块链课程。",
    "展会由位于西藏中路的一家会展机构承办。",
    "A sneaker shop on Nanjing Road sold out its digital collectibles.",
    "以太坊上海升级完成后，质押提款正式开放。",
])
def test_phrases_that_name_no_place(text):
    assert regions_of(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("崇左、来宾、柳州等市推广糖料蔗溯源平台。", ["Guangxi"]),          # the city, in a list of cities
    ("西藏自治区推进政务数据上链。", ["Tibet"]),
    ("中国人民银行数字货币研究所发布白皮书。", ["National"]),            # an actor beside the CBDC words
    ("特区政府将配合国家发展所需，推动虚拟资产发展。", ["National"]),
    ("澳门将配合國家「十四五」規劃推动数字化。", ["Macau", "National"]),
    # national systems, designations and central plans for a region, cited by a local article
    ("宁夏加快建设全国一体化算力网络国家枢纽节点。", ["National", "Ningxia"]),
    ("浙江国家数字经济创新发展试验区建设取得新进展。", ["National", "Zhejiang"]),
    ("珠海落实《横琴粤澳深度合作区建设总体方案》，推动跨境数据上链。", ["Guangdong", "Macau", "National"]),
])
def test_places_and_actors_still_count(text, expected):
    assert regions_of(text) == expected
