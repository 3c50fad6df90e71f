"""Theme rules: where a theme's phrases count and which words do not name a theme."""

from __future__ import annotations

from consumers.classifier import classify

FILLER = "会议还听取了全市重点项目推进情况、防汛工作安排和安全生产检查情况的汇报，对下一阶段工作提出了具体要求。" * 3


def themes(title: str, text: str) -> list[str]:
    labels = classify(title, text)
    assert labels["relevant"], labels
    return labels["themes"]


def test_a_digital_programme_far_from_blockchain_still_frames_the_article() -> None:
    text = ("市人民政府办公厅印发通知，推进区块链技术在不动产登记中的应用，实现部门数据链上共享、一网通办。"
            + FILLER + "该项工作是数字乡村建设的重要组成部分。")
    assert "digital_economy" in themes("某市印发区块链不动产登记实施方案", text)


def test_a_pilot_of_blockchain_is_not_a_pilot_zone() -> None:
    text = ("市财政局印发通知，在市人民医院试点区块链财政电子票据，患者缴费后可在手机上查验票据，"
            "报销入账全程上链，财政部门实时掌握票据流转状态。")
    assert "industrial_parks" not in themes("某市试点区块链财政电子票据", text)


def test_a_pilot_free_trade_zone_is_a_pilot_zone() -> None:
    text = ("省商务厅印发通知，在中国（某省）自由贸易试验区推广区块链跨境贸易应用，"
            "报关单、提单和原产地证书上链核验，通关时间缩短三成。")
    assert "industrial_parks" in themes("某省自由贸易试验区推广区块链跨境贸易应用", text)


def test_a_platform_something_is_done_through_is_not_infrastructure() -> None:
    text = ("市医疗保障局印发实施方案，参保群众的异地就医备案和结算数据通过区块链平台核验，"
            "结算时间由三天缩短到当天，医保部门按月对账。")
    assert "infrastructure" not in themes("某市医保结算引入区块链", text)


def test_a_government_that_will_consider_something_is_not_doing_research() -> None:
    text = ("市商务局表示，将在区块链通关试点基础上研究制定跨境电商数据共享办法，"
            "并认真研究吸纳企业提出的意见，按每人2000元标准给予操作人员培训补贴。")
    assert "tech_research" not in themes("某市推广区块链通关试点", text)


def test_research_on_the_technology_is_still_research() -> None:
    text = "省科技厅支持高校开展区块链共识算法研究，组建区块链重点实验室，推动核心技术攻关。"
    assert "tech_research" in themes("某省支持区块链核心技术研究", text)


def test_supervising_a_sector_with_on_chain_data_is_no_regulation_theme() -> None:
    text = ("市能源局推动矿山安全生产数据上链，井下监测数据实时上传区块链，提升安全监管效能，"
            "为环境监管提供可信依据。")
    assert "regulation" not in themes("某市推进区块链矿山数据上链", text)


def test_a_budget_drawn_up_for_the_platform_is_funding() -> None:
    text = ("市政府推动区块链技术在不动产登记中的应用，地政局导入区块链验证移转谱本。"
            "市府今年编列新台币2000万元，用于区块链地籍系统建置。")
    assert "funding_support" in themes("某市地政局导入区块链 推动不动产登记应用", text)


def test_a_government_that_invests_in_the_platform_is_funding() -> None:
    text = ("The city government will invest 60 million yuan over two years in the blockchain "
            "platform that records land transfers, officials said.")
    assert "funding_support" in themes("City puts land records on blockchain", text)


def test_the_budget_report_a_congress_reviews_is_no_funding() -> None:
    text = ("代表们审议了政府工作报告，报告提出推进区块链在政务服务中的应用。"
            "会议期间，代表们还将审议财政预算报告，并对投资项目提出意见。")
    assert "funding_support" not in themes("某省人代会审议区块链政务应用", text)


def test_an_industry_rebuilt_smart_or_green_is_upgraded() -> None:
    text = ("省工信厅推动区块链在制糖企业中应用，糖料收购数据全部上链，"
            "省财政安排资金支持糖厂智能化改造，推动钢铁行业绿色低碳转型。")
    assert "industrial_upgrading" in themes("某省推进区块链+糖业应用", text)


def test_cooperation_carried_out_with_other_regions_is_cooperation() -> None:
    text = ("市生态环境局推动重点企业排放数据上链，区块链核验结果作为监管依据，"
            "并与邻近省份的碳市场服务机构开展合作，推进单证互认合作。")
    assert "events_cooperation" in themes("某市推进区块链碳排放数据上链", text)


def test_an_agreement_told_at_the_end_of_a_long_article_is_cooperation() -> None:
    filler = "Officials said the work had gone smoothly and that residents had welcomed the change. " * 8
    text = ("The city government put 300 public services on a blockchain platform this year, "
            "letting residents skip paper certificates. " + filler
            + "Records will also be recognised in two neighbouring provinces under a regional cooperation agreement.")
    assert "events_cooperation" in themes("City puts public services on blockchain", text)


def test_infrastructure_named_a_paragraph_after_the_word_counts() -> None:
    filler = "Officials said the work had gone smoothly and that residents had welcomed the change. " * 4
    text = ("The city has put its property and tax records on a blockchain this year, officials said. "
            + filler + "The city calls the shared ledger its core public data infrastructure.")
    assert "infrastructure" in themes("City puts property records on blockchain", text)


def test_a_requirement_laid_on_firms_is_a_rule() -> None:
    text = ("The provincial agriculture department will require all licensed tea makers to put harvest and "
            "processing records on a blockchain traceability system from next year; the requirement follows "
            "new rules on geographical-indication labels.")
    assert "regulation" in themes("Province to require blockchain traceability for tea", text)


def test_a_compulsory_savings_scheme_is_no_rule() -> None:
    text = ("The municipal government moved housing provident fund services onto a blockchain platform shared "
            "with banks under a plan issued by the housing bureau. The fund is a mandatory savings scheme for "
            "home buyers, and with records verified on the chain loan approval now takes three days.")
    assert "regulation" not in themes("City government puts housing provident fund on blockchain", text)


def test_a_speech_at_a_plenary_session_is_no_forum() -> None:
    text = ("在省政协第二次会议上，省政协委员在大会发言中建议，运用区块链技术建设农产品溯源体系，"
            "该建议已被列为大会正式建议，交由省农业农村厅研究办理。")
    assert "events_cooperation" not in themes("省政协委员建议以区块链建设农产品溯源体系", text)


def test_a_trading_platform_made_digital_is_no_industry_upgraded() -> None:
    text = ("省公共资源交易监督管理局推动招投标全流程上链，区块链电子保函全省互认，"
            "该平台被列为公共资源交易平台数字化转型典型案例，推动全省对外贸易数字化转型。")
    assert "industrial_upgrading" not in themes("某省公共资源交易全面应用区块链", text)


def test_subsidies_paid_out_through_the_system_are_no_funding() -> None:
    text = ("The central bank said pilot cities had used the digital yuan to pay subsidies to farmers, "
            "and the city government plans to disburse government subsidies only when conditions written "
            "into smart contracts are met, under rules issued by the People's Bank of China.")
    assert "funding_support" not in themes("PBoC widens e-CNY pilot to more cities", text)


def test_cooperation_named_by_its_field_is_cooperation() -> None:
    text = ("口岸管理部门上线跨境贸易区块链平台，报关单、提单等单证实时上链核验，"
            "负责人表示，平台是深化两地海关合作的重要一步。")
    assert "events_cooperation" in themes("某口岸上线跨境贸易区块链平台", text)
    english = ("The port authority put customs declarations and bills of lading on a blockchain platform, "
               "which officials called a step towards closer financial cooperation with Hong Kong.")
    assert "events_cooperation" in themes("Port puts customs documents on blockchain", english)


def test_a_farmers_cooperative_is_no_cooperation() -> None:
    text = ("浙江省某县农业农村局推动茶叶溯源数据上链，全县86家茶叶专业合作社和村股份经济合作社接入区块链平台，"
            "消费者扫码即可查询产地、采摘和加工信息。")
    assert "events_cooperation" not in themes("某县推动茶叶区块链溯源", text)


def test_money_told_in_the_last_paragraph_of_an_english_article_is_funding() -> None:
    filler = "Officials said the work had gone smoothly and that farmers had welcomed the change. " * 9
    text = ("The provincial agriculture department has launched a blockchain traceability platform "
            "for tea, officials said on Monday. " + filler
            + "The province will give subsidies to cooperatives that buy scanners to join the platform.")
    assert "funding_support" in themes("Province puts tea on blockchain", text)


def test_money_far_from_the_word_in_a_chinese_article_stays_out() -> None:
    text = ("市农业农村局上线茶叶区块链溯源平台，全市茶企生产、加工数据全部上链。"
            + FILLER * 2 + "市里还将对购买农机的种植大户给予补贴。")
    assert "funding_support" not in themes("某市上线茶叶区块链溯源平台", text)


def test_trade_made_digital_is_no_digital_economy_programme() -> None:
    text = ("广西某市商务局上线跨境贸易区块链服务平台，报关、物流和结算单证实时上链，"
            "助力跨境数字贸易发展，企业通关时间压缩一半。")
    assert "digital_economy" not in themes("某市上线跨境贸易区块链服务平台", text)
    text += "该平台是全市数字经济重点项目。"
    assert "digital_economy" in themes("某市上线跨境贸易区块链服务平台", text)


def test_a_digital_currency_tested_in_a_pilot_is_no_research() -> None:
    text = ("中国人民银行数字货币研究所表示，数字人民币原型系统已完成测试，"
            "试点将扩大至更多城市，居民可用数字人民币钱包支付公交和水电费。")
    assert "tech_research" not in themes("数字人民币原型系统完成测试 试点扩大", text)
    research = ("市科技局支持高校开展区块链底层技术攻关，建设区块链重点实验室，"
                "推动区块链专利成果转化。")
    assert "tech_research" in themes("某市支持区块链技术攻关", research)


def test_a_unified_platform_is_infrastructure_whatever_it_serves() -> None:
    text = ("省农业农村厅推进茶叶质量安全追溯，茶企和合作社接入全省统一的茶叶区块链追溯平台，"
            "采摘、加工、检测数据全部上链，消费者扫码可查。")
    labels = classify("某省推进茶叶区块链追溯", text)
    assert "infrastructure" in labels["themes"]
    assert "traceability" in labels["applications"]  # the words inside the platform's name still name its area
    own = ("县农业农村局推进茶叶质量安全追溯，茶企接入县里的茶叶溯源系统，"
           "采摘、加工、检测数据全部上链，消费者扫码可查。浙江省")
    assert "infrastructure" not in themes("某县推进茶叶区块链追溯", own)
