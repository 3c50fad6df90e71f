"""Relevance signal groups: which words count, and which words hide others."""

from __future__ import annotations

from consumers.classifier import classify, engine, lexicon
from consumers.classifier.hits import scan
from consumers.classifier.normalise import lower_same_length


def groups(text: str) -> dict[str, list[str]]:
    lex = lexicon()
    folded = lower_same_length(text)
    return {group: [folded[h[0]:h[1]] for h in hits]
            for group, (_, hits) in engine.signal_groups(lex, scan(lex, folded)).items()}


def test_a_copyright_line_bans_nothing():
    found = groups("某平台推出区块链数字藏品。本网所有作品版权均属本网，未经授权不得转载、摘编。")
    assert "不得" not in found.get("regulation", [])
    assert "hidden" not in found
    assert "不得" in groups("通知要求，区块链平台不得为虚拟货币交易提供服务。")["regulation"]


def test_an_english_reproduction_notice_bans_nothing():
    found = groups("A blockchain wallet for shoppers. Reproduction is prohibited without written consent.")
    assert "prohibited" not in found.get("regulation", [])


def test_farm_produce_is_no_company_product():
    assert "产品" not in groups("县里推动农产品上链，消费者扫码可查产地。").get("company", [])
    assert "产品" in groups("公司发布区块链一体机新产品。")["company"]


def test_a_start_up_funding_headline_is_a_company_piece():
    text = ("公司表示，本轮融资将用于区块链存证产品研发，并拓展金融客户。创始人称，将加快推动区块链存证在"
            "跨境电商中的应用，打造行业标杆。")
    funding = classify("深圳区块链初创完成2亿元B轮融资 加码存证研发", text)
    neutral = classify("深圳区块链存证应用加码研发", text)
    assert funding["relevant"] is False
    assert funding["relevance"] < neutral["relevance"] - 0.2


def test_a_city_platform_going_live_is_not_a_company_headline():
    labels = classify("某市区块链农产品溯源平台上线 小微企业可凭链上订单融资",
                      "市农业农村局牵头建设的区块链溯源平台近日上线，全市农产品生产、流通数据实时上链。市政府出台"
                      "配套政策，支持银行依据链上订单为小微企业提供融资。")
    assert labels["relevant"] is True


def test_crypto_named_twice_in_one_aside_of_another_plan_is_a_passing_mention():
    title = "某市出台量子信息产业扶持政策 建设量子计算产业园"
    policy = ("市政府近日印发《加快量子信息产业发展的若干措施》，提出建设量子计算产业园，培育量子通信、量子测量"
              "企业，对落户项目给予最高1000万元支持，推动量子技术在政务、金融、电力领域应用。")
    aside = "专家指出，量子计算未来可能威胁加密货币和比特币所用的密码算法。"
    tail = ("市科技局表示，将加快出台配套政策，打造全国量子产业高地，推动项目尽快落地投产。按照措施，"
            "市里还将设立量子产业基金，引进高端人才团队，对首台套量子装备给予奖励，并与高校共建量子实验室。")
    assert classify(title, policy + aside + tail)["relevant"] is False
    spread = classify(title, policy + "专家指出，量子计算未来可能威胁加密货币。" + tail
                      + "措施还提出，支持区块链企业研发抗量子密码，推动区块链与量子通信融合试点。")
    assert spread["relevant"] is True


def test_a_crypto_piece_that_names_no_chinese_place_or_body_is_out_of_scope():
    text = ("Bitcoin rose 3% on Tuesday and ether gained 5%, as traders priced in a ruling on spot ether funds "
            "expected next month. Trading volume on the largest exchanges doubled, and funding rates turned positive. "
            "Analysts said regulatory approval could bring new crypto buyers, while some warned that the regulator "
            "may delay its decision again. Options data show traders buying calls for the end of the quarter.")
    abroad = classify("Ether climbs as traders await a fund decision", text)
    assert abroad["regions"] == [] and abroad["relevant"] is False
    # naming no place at all is what lowers it: the same words about a Chinese city score higher
    assert abroad["relevance"] < classify("Ether climbs in Shanghai trading as traders await a fund decision",
                                          text)["relevance"] - 0.3


def test_a_course_advertised_in_the_headline_lowers_the_score_but_a_course_policy_does_not():
    text = ("课程面向金融机构和政府部门从业人员，讲授区块链原理、智能合约和数字人民币应用，结合各地区块链政策"
            "解读监管要求。学员结业后可获得证书，学费每人1.8万元。")
    advert = classify("某大学区块链金融高级研修班招生简章", text)
    plain = classify("某大学区块链金融高级课程介绍", text)
    assert advert["relevance"] < plain["relevance"] - 0.2
    policy = classify("教育部推动高校开设区块链课程",
                      "教育部印发通知，要求有条件的高校开设区块链课程，建设区块链专业，培养区块链人才，"
                      "支持地方建设区块链产教融合基地。")
    assert policy["relevant"] is True


def test_blockchain_listed_after_a_full_width_bracket_is_a_technology_peer():
    title = "某市元宇宙产业发展行动方案"
    text = ("市人民政府印发行动方案，提出到2026年元宇宙核心产业规模突破300亿元。重点发展虚拟现实（VR）、"
            "增强现实（AR）、人工智能生成内容（AIGC）、区块链等关键技术，建设元宇宙产业园，培育骨干企业，"
            "支持企业联合高校开展近眼显示、实时渲染等技术攻关。设立元宇宙产业专项资金，每年安排不少于1亿元，"
            "加强人才引育。加强监管，防范虚拟货币炒作、非法集资等风险。建立工作专班，由市工信局牵头，"
            "各区政府负责落实，定期通报进展。")
    labels = classify(title, text)
    assert labels["relevant"] is False
    # the same plan with blockchain named as a measure of its own is about blockchain too
    assert classify(title, text + "方案还提出，建设区块链公共服务平台，推动区块链在政务服务、供应链金融中的应用试点，"
                    "对区块链企业给予房租补贴。")["relevant"] is True


def test_a_ministry_or_agency_named_by_its_own_name_is_a_policy_actor():
    found = groups("農業部推動產銷履歷導入區塊鏈，能源署推綠電憑證區塊鏈化。")
    assert {"農業部", "能源署"} <= set(found["policy"])


def test_the_scan_lists_each_kind_of_hit_in_order_of_end():
    lex = lexicon()
    folded = lower_same_length("区块链产业发展行动计划。Blockchain pilot zones: the ministry issued rules on crypto trading, "
                               "未经授权不得转载。省政府印发《关于加快区块链产业发展的实施意见》，不得违规。")
    hits = scan(lex, folded)
    assert sum(map(len, hits.values())) > 10
    for found in hits.values():
        assert [h[1] for h in found] == sorted(h[1] for h in found)


def test_words_inside_any_of_several_hidden_phrases_count_for_no_group():
    found = groups("通知要求，区块链平台不得为虚拟货币交易提供服务。未经授权不得转载。县里推动农产品上链。"
                   "未经授权不得转载、摘编。公司发布区块链一体机新产品。")
    assert found["regulation"].count("不得") == 1  # the ban, not the two copyright lines
    assert found["company"].count("产品") == 1  # the firm's product, not the farm produce
