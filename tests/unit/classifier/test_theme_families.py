"""Theme vocabulary families of the sixth session's second round (themes.yaml): fakes fought
with on-chain records and a court's enforcement are uses, not rules; an industry's
high-quality development and blockchain joined to manufacturing upgrade an industry."""

from __future__ import annotations

from consumers.classifier import classify


def themes(title: str, text: str) -> list[str]:
    labels = classify(title, text)
    assert labels["relevant"], labels
    return labels["themes"]


def test_fakes_fought_with_traceability_are_no_crackdown() -> None:
    text = ("县农业农村局印发通知，全县茶叶企业全部接入区块链溯源平台，每批茶叶一物一码，"
            "消费者扫码即可查询种植、加工和检测信息，严厉打击假冒产地、以次充好等行为，维护区域品牌声誉。")
    assert "regulation" not in themes("某县推行茶叶区块链溯源", text)


def test_a_crackdown_on_illegal_fundraising_in_the_name_of_blockchain_is_still_regulation() -> None:
    text = ("省地方金融监管局印发通知，推动区块链技术在政务服务中的应用，"
            "同时严厉打击以区块链名义开展的非法集资活动，防范金融风险。")
    assert "regulation" in themes("某省推动区块链应用 防范非法集资风险", text)


def test_a_court_enforcing_its_judgments_on_a_chain_is_no_regulation() -> None:
    text = ("The provincial high court has rolled out a blockchain platform that records every step of the "
            "enforcement of civil judgments, from asset searches to the transfer of funds to the winning party. "
            "Banks connected to the chain act on court orders within hours, and judges can see at once which "
            "accounts have been frozen. The court said enforcement cases now close a third faster.")
    assert "regulation" not in themes("Provincial court tracks enforcement of judgments on blockchain", text)


def test_a_call_for_a_legal_basis_of_smart_contract_enforcement_is_regulation() -> None:
    text = ("A senior judge called on lawmakers to give smart-contract enforcement a clear legal basis, "
            "after the city's internet court used blockchain evidence in more than 3,000 cases last year.")
    assert "regulation" in themes("Judge seeks legal basis for blockchain smart contracts", text)


def test_the_high_quality_development_of_a_farm_industry_is_upgrading() -> None:
    text = ("自治区林业和草原局印发实施意见，提出建设区块链质量追溯平台，"
            "推动枸杞产业高质量发展，规模以上种植基地和加工企业全部接入。")
    assert "industrial_upgrading" in themes("某自治区推进枸杞区块链追溯", text)


def test_the_blockchain_industrys_own_development_upgrades_no_other_industry() -> None:
    text = ("市工业和信息化局印发若干措施，促进区块链产业高质量发展，"
            "对新落户的区块链企业给予落户奖励，并建设区块链公共服务平台。")
    assert "industrial_upgrading" not in themes("某市促进区块链产业高质量发展若干措施", text)


def test_blockchain_joined_to_manufacturing_is_upgrading() -> None:
    text = ("省人民政府办公厅印发实施意见，推动“区块链+制造”应用，"
            "支持重点城市在装备制造、新能源汽车等领域开展基于区块链的产品全生命周期管理。")
    assert "industrial_upgrading" in themes("某省加快推进区块链技术应用的实施意见", text)


def test_supervision_done_with_the_chain_is_no_rule() -> None:
    text = ("市医疗保障局印发实施方案，建设医保基金区块链智能监管平台，定点医疗机构的诊疗和结算数据全部上链，"
            "实现医保基金使用全过程可追溯、可监管，数据合规使用，存在重复结算风险的单据自动预警。")
    assert "regulation" not in themes("某市医保基金引入区块链智能监管", text)


def test_subsidies_paid_in_a_digital_currency_are_no_funding() -> None:
    text = ("人民银行某市中心支行介绍，数字人民币试点扩围，全市部分机关事业单位工作人员的交通补贴以数字人民币形式发放，"
            "市民可在指定商户使用数字人民币支付，下一步将推动数字人民币在政务缴费等场景的应用。")
    assert "funding_support" not in themes("某市扩大数字人民币试点", text)


def test_a_power_discount_withdrawn_from_crypto_mines_is_no_support() -> None:
    text = ("省发展改革委印发通知，全面清理关停虚拟货币挖矿项目，对违规企业取消其享受的电价优惠政策，"
            "并纳入社会信用体系，防范以区块链为名的挖矿活动。")
    assert "funding_support" not in themes("某省清理关停虚拟货币挖矿项目", text)


def test_a_city_made_digital_is_digital_economy_not_an_industry_upgraded() -> None:
    text = ("市科学技术委员会印发行动方案，组织区块链关键技术攻关，"
            "推动攻关成果在航运、城市数字化转型等领域率先应用。")
    labels = themes("某市区块链关键技术攻关行动方案", text)
    assert "digital_economy" in labels and "industrial_upgrading" not in labels


def test_a_hyphenated_digital_economy_is_the_digital_economy() -> None:
    text = ("The provincial government named blockchain one of seven key digital-economy industries "
            "and will build a public blockchain platform for its courts and tax offices.")
    assert "digital_economy" in themes("Province backs blockchain in new plan", text)


def test_the_courts_chains_joined_with_every_sector_are_no_alliance() -> None:
    text = ("最高人民法院印发意见，提出到2025年建成人民法院与社会各行各业互通共享的区块链联盟，"
            "推动区块链在证据核验、执行联动和司法公开中的应用。")
    assert "events_cooperation" not in themes("最高法发布区块链司法应用意见", text)


def test_an_industry_alliance_founded_is_still_an_alliance() -> None:
    text = ("省工业和信息化厅指导成立省区块链产业联盟，首批五十家企业和高校加入，"
            "联盟将推动区块链技术在政务、金融和供应链领域的应用。")
    assert "events_cooperation" in themes("某省区块链产业联盟成立", text)
