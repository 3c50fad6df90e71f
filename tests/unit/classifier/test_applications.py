"""Applications are labelled only where blockchain is applied to them (texts written here)."""

from __future__ import annotations

from consumers.classifier import classify

TITLE = "某市出台区块链产业发展若干措施"
POLICY = "市政府印发区块链产业发展若干措施，设立区块链产业专项资金，建设区块链产业园。"


def test_generic_word_far_from_blockchain_names_no_application():
    text = POLICY + "全市金融机构存贷款余额稳步增长。" + POLICY
    assert "finance" not in classify(TITLE, text)["applications"]


def test_generic_word_joined_to_blockchain_names_the_application():
    labels = classify(TITLE, POLICY + "重点推进区块链+金融、区块链+教育试点。")
    assert {"finance", "education"} <= set(labels["applications"])
    assert "application_scenarios" in labels["themes"]


def test_enumeration_counts_only_in_a_sentence_about_blockchain():
    listed = classify(TITLE, POLICY + "推动区块链在教育、医疗、社会保障等领域的应用。")
    assert {"education", "healthcare", "social_services"} <= set(listed["applications"])
    # generic words (教育, 卫生) listed in the next sentence are about something else
    elsewhere = classify(TITLE, POLICY + "区块链企业数量翻了一番。报告同时对教育、卫生等工作作出部署。")
    assert not {"education", "healthcare"} & set(elsewhere["applications"])


def test_crypto_regulation_is_digital_assets_only():
    text = ("国家发展改革委等部门发布通知，整治虚拟货币挖矿活动，严禁新增虚拟货币挖矿项目。"
            "通知要求金融机构不得为虚拟货币交易提供支付和结算服务，各地要加快有序退出存量挖矿项目。") * 2
    labels = classify("多部门发布通知整治虚拟货币挖矿活动", text)
    assert labels["relevant"] is True
    assert labels["applications"] == ["digital_assets"]


def test_cbdc_pilot_is_finance():
    text = ("The People's Bank of China said the digital yuan pilot would be extended to more cities, "
            "with e-CNY payments accepted on buses, in hospitals and in shops. ") * 3
    labels = classify("PBoC extends digital yuan pilot to more cities", text)
    assert labels["relevant"] is True
    assert labels["applications"] == ["finance"]
