"""Vocabulary families of the applications lexicon added since lexicon-1.10 (texts written here)."""

from __future__ import annotations

from consumers.classifier import classify

TITLE = "某市推进区块链应用试点"
LEAD = "市政府印发区块链应用试点方案，设立区块链产业专项资金。"


def _apps(text: str, title: str = TITLE) -> set[str]:
    labels = classify(title, LEAD + text)
    assert labels["relevant"] is True
    return set(labels["applications"])


def test_property_registration_on_the_chain_is_a_government_service():
    apps = _apps("市自然资源局把不动产登记信息写入区块链，群众办理过户无需往返窗口。")
    assert {"e_government", "real_estate"} <= apps


def test_intellectual_property_on_the_chain_is_a_digital_right():
    assert "digital_assets" in _apps("园区利用区块链为设计企业的知识产权登记确权，侵权取证时间大幅缩短。")
    english = classify("City puts design rights on blockchain",
                       "The city government said a blockchain platform will register intellectual property "
                       "for local designers, so that infringement can be proven in days. " * 2)
    assert "digital_assets" in english["applications"]


def test_a_port_named_beside_logistics_is_the_supply_chain():
    assert "supply_chain" in _apps("该区块链平台连接港口、码头和货代企业，集装箱提货时间缩短一半。")


def test_the_central_banks_bridge_settles_cross_border_trade():
    labels = classify("多边央行数字货币桥项目进入新阶段",
                      "中国人民银行表示，多边央行数字货币桥（mBridge）项目进入最小可行产品阶段，"
                      "参与方可用央行数字货币完成跨境支付。" * 2)
    assert "trade" in labels["applications"]
    assert "finance" in labels["applications"]


def test_tokenised_finance_in_a_crypto_article_is_finance_too():
    text = ("金管局表示，虚拟资产交易平台须持牌经营，稳定币发行人须受监管，虚拟资产、稳定币和加密货币的风险须向投资者披露。"
            "金管局同时启动沙盒，试行代币化存款的跨行结算。") * 2
    labels = classify("金管局推进虚拟资产监管", text)
    assert {"digital_assets", "finance"} <= set(labels["applications"])


def test_generic_finance_words_in_a_crypto_article_stay_crypto_regulation():
    text = ("人民银行、外汇局等部门发布通知，虚拟货币交易炒作属于非法金融活动，"
            "金融机构不得为虚拟货币交易提供服务，加密货币挖矿项目有序退出。") * 2
    labels = classify("多部门整治虚拟货币交易炒作", text)
    assert labels["applications"] == ["digital_assets"]


def test_taxes_paid_in_a_cbdc_pilot_are_tax_invoicing():
    text = ("某市扩大数字人民币试点，市民可用数字人民币缴纳税费、乘坐公交和在商超消费，"
            "数字人民币钱包开立数量突破百万个。") * 2
    labels = classify("某市数字人民币试点场景扩容", text)
    assert {"finance", "tax_invoicing"} <= set(labels["applications"])


def test_an_audit_of_a_firms_books_is_no_government_service():
    english = classify("Shanghai issues blockchain plan for accounting firms",
                       "Shanghai issued a plan on Monday to promote blockchain applications in accounting. Under the plan, "
                       "accounting firms will use a blockchain platform for audits of listed companies. " * 2)
    assert english["relevant"] is True
    assert "e_government" not in english["applications"]
    # the government's own audit supervision on the chain is (convention 6)
    assert "e_government" in _apps("审计机关依托区块链开展审计监督，财政资金流向全程可查。")


def test_waybills_and_raw_materials_on_the_chain_are_the_supply_chain():
    assert "supply_chain" in _apps("货运企业的电子运单全部写入区块链，承运和签收信息实时共享。")
    assert "supply_chain" in _apps("区块链平台记录钢厂原材料采购的每一个批次。")


def test_electronic_certificates_given_legal_effect_are_a_government_service():
    assert "e_government" in _apps("依托区块链签发的电子证明与纸质证明具有同等法律效力，群众不再往返开具。")


def test_trade_financing_and_shipping_on_the_chain_are_trade():
    assert "trade" in _apps("银行依托区块链平台核验单据，为外贸企业办理贸易融资。")
    assert "trade" in _apps("区块链平台汇集航运公司的船期和舱单数据。")


def test_a_car_industry_on_the_chain_is_manufacturing():
    assert "manufacturing" in _apps("推动区块链在汽车产业的应用，整车厂与配套企业共享生产数据。")


def test_quality_inspections_recorded_on_the_chain_are_traceability():
    assert "traceability" in _apps("每批产品的质检报告上传区块链，消费者可以查看。")


def test_an_area_listed_after_putting_things_on_the_chain_is_no_technology_peer():
    # 上链 is what is done, not a technology named in a list (区块链、物联网)
    assert "traceability" in _apps("方案提出，在钢铁等传统产业推广设备上链、质量追溯，推动企业数字化转型。")


def test_the_kinds_of_lawsuits_a_court_hears_name_no_financial_service():
    labels = classify("某市互联网法院司法区块链平台上线",
                      "某市互联网法院司法区块链平台上线三年，上链存证数据涉及著作权、金融借款、网络购物等多类纠纷，"
                      "法院通过区块链在线核验电子证据。" * 2)
    assert "judicial" in labels["applications"]
    assert "finance" not in labels["applications"]


def test_farm_produce_named_by_its_kind_is_agriculture():
    assert "agriculture" in _apps("枸杞和葡萄酒企业把采收和酿造数据写入区块链。")


def test_the_chain_of_supply_chain_finance_is_its_finance():
    """lexicon-1.11: where supply-chain finance is named, the bare 供应链 is that finance's."""
    apps = _apps("平台运用区块链开展供应链金融，核心企业的信用沿着供应链传导到末端中小企业。")
    assert "finance" in apps and "supply_chain" not in apps
    # ... unless the chain is named as the area itself, or by its logistics
    assert "supply_chain" in _apps("平台运用区块链开展供应链金融，同时推进“区块链+供应链”应用。")
    assert "supply_chain" in _apps("平台运用区块链开展供应链金融，并把物流运输数据写入区块链。")


def test_trees_planted_are_the_citys_greening_not_farming():
    apps = _apps("新区依托区块链开展植树造林资金管理，每棵树苗的位置和养护记录都写入区块链。")
    assert "agriculture" not in apps and "smart_city" in apps
