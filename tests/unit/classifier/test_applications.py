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


def test_what_a_cbdc_settles_or_hands_out_is_an_area_of_its_own():
    text = ("人民银行表示，将推动数字人民币在跨境贸易结算中的应用，并试点以数字人民币发放政府补助款和消费券。"
            "数字人民币还可在医院和公交使用。") * 2
    labels = classify("数字人民币试点扩围", text)
    assert labels["relevant"] is True
    assert labels["applications"] == ["finance", "social_services", "trade"]  # hospitals and buses are places to pay


def test_area_in_another_sentence_is_another_topic():
    report = ("省长作政府工作报告，提出建设区块链产业园，对入驻的区块链企业给予房租补贴。"
              "报告同时提出，要深化医疗卫生体制改革，加快保障性住房建设。")
    labels = classify("省政府工作报告提出建设区块链产业园", report)
    assert labels["relevant"] is True
    assert not {"healthcare", "real_estate"} & set(labels["applications"])
    # a neighbouring sentence that speaks of applications continues the blockchain one
    cued = classify("省政府工作报告提出建设区块链产业园", report.replace("报告同时提出，要深化医疗卫生体制改革，加快保障性住房建设。",
                                                           "其中，示范应用将重点放在医疗健康数据共享。"))
    assert "healthcare" in cued["applications"]


def test_application_listed_beside_technologies_is_a_peer_technology():
    peers = classify(TITLE, POLICY + "加快5G、工业互联网、物联网、区块链、人工智能等新型基础设施建设。")
    assert not {"manufacturing", "iot"} & set(peers["applications"])
    fused = classify(TITLE, POLICY + "推动区块链与工业互联网融合，在装备制造企业开展应用试点。")
    assert "manufacturing" in fused["applications"]


def test_generic_word_beside_the_blockchain_industry_is_funding_not_finance():
    text = POLICY + "对区块链企业申请银行贷款的给予贴息，支持区块链企业通过股权融资做大做强。"
    assert "finance" not in classify(TITLE, text)["applications"]
    assert "finance" in classify(TITLE, POLICY + "推动区块链技术在银行业务中的应用。")["applications"]


def test_names_of_bodies_name_no_area():
    text = POLICY + "（责任单位：市大数据局、市教育局、市农业农村局、市税务局）"
    assert not {"education", "agriculture", "tax_invoicing"} & set(classify(TITLE, text)["applications"])


def test_crypto_names_are_background_unless_regulation_is_spoken_of():
    policy = ("The city government issued measures to support blockchain firms and build a blockchain industrial park. "
              "The measures also fund blockchain research and a blockchain public service platform. ")
    background = policy + "Blockchain, the technology behind bitcoin and other cryptocurrencies, is a priority industry."
    assert "digital_assets" not in classify("City issues blockchain measures", background)["applications"]
    regulated = policy + "Regulators said the blockchain park will not host any bitcoin or cryptocurrency trading, which stays banned."
    assert "digital_assets" in classify("City issues blockchain measures", regulated)["applications"]


def test_generic_word_named_as_an_area_counts():
    assert "finance" in classify(TITLE, POLICY + "推动区块链技术在金融领域的应用。")["applications"]
    english = classify("City issues blockchain measures", "The city government issued measures to support blockchain. "
                       "The measures say blockchain will be used in the financial sector, a government official said.")
    assert "finance" in english["applications"]


def test_enumeration_of_departments_names_bodies_not_areas():
    text = POLICY + "区块链平台与民政、不动产登记、税务等部门实现数据共享。"
    labels = classify(TITLE, text)
    assert "e_government" in labels["applications"]
    assert not {"real_estate", "tax_invoicing"} & set(labels["applications"])


def test_sentence_on_blockchain_talent_alone_applies_blockchain_to_nothing():
    text = POLICY + "对新引进的区块链高层次人才，在子女入学、医疗保障和住房等方面提供便利。"
    assert not {"healthcare", "real_estate"} & set(classify(TITLE, text)["applications"])


def test_data_shared_between_departments_is_e_government():
    text = ("The city government issued a plan to build a blockchain platform. "
            "Under the plan, the blockchain platform connects data from the housing and health departments. ")
    labels = classify("City issues blockchain plan", text)
    assert "e_government" in labels["applications"]
    assert not {"real_estate", "healthcare"} & set(labels["applications"])
    single = classify("City issues blockchain plan", text.replace("the housing and health departments", "the tax bureau"))
    assert "e_government" not in single["applications"]


def test_title_naming_blockchain_makes_its_application_sentences_count():
    title = "某市上线区块链跨境贸易平台"
    text = ("某市商务局近日宣布，由其指导建设的跨境贸易平台已在港区正式上线运行，首批有120家外贸企业入驻使用。"
            "据介绍，建设单位历时一年完成了开发，期间多次征求企业意见，对操作界面进行了优化，"
            "并组织了三轮培训。平台整合报关、物流运输等环节数据，企业可在线完成全部单证流转。")
    assert "supply_chain" in classify(title, text)["applications"]


def test_far_from_blockchain_another_applications_platform_is_another_topic():
    title = "区块链赋能供应链金融 某市中小企业融资难题得解"
    text = ("某市人民政府推动建设的区块链供应链金融服务平台日前上线，中小供应商可凭应收账款向银行申请融资。\n"
            "据了解，平台上线首月已为200余家中小企业提供融资8亿元，放款时间由一周缩短至一天，企业普遍反映手续简便。\n"
            "此外，该市今年还将推进智慧医疗平台建设，扩大家庭医生签约服务覆盖面。")
    labels = classify(title, text)
    assert labels["applications"] == ["finance"]


def test_compound_with_blockchain_names_the_area_but_a_verbs_object_does_not():
    assert "finance" in classify("某市出台措施支持区块链金融产业园发展", POLICY)["applications"]
    stored = classify(TITLE, POLICY + "企业合同数据实时上链存证，确保可追溯。")
    assert not {"judicial", "traceability"} & set(stored["applications"])


def test_departments_counted_in_an_enumeration_are_bodies():
    text = POLICY + "区块链公共服务平台已接入政务、税务、市场监管等18个部门，办事材料在链上共享。"
    labels = classify(TITLE, text)
    assert "e_government" in labels["applications"]
    assert "tax_invoicing" not in labels["applications"]


EN_TITLE = "Province issues blockchain action plan"
EN_POLICY = "The provincial government issued an action plan to support blockchain technology and its industry. "


def test_english_department_list_is_data_sharing_not_its_areas():
    labels = classify(EN_TITLE, EN_POLICY + "The customs, tax and commerce authorities will share records on a blockchain platform.")
    assert "e_government" in labels["applications"]
    assert not {"trade", "tax_invoicing"} & set(labels["applications"])


def test_english_areas_introduced_as_examples_count():
    labels = classify(EN_TITLE, EN_POLICY + "Pilot projects of the ledger will start in fields such as payments.")
    assert "finance" in labels["applications"]
    # the same generic word with no area noun before it is a word in passing
    plain = classify(EN_TITLE, EN_POLICY + "Pilot projects of the ledger will start, and payments will follow.")
    assert "finance" not in plain["applications"]


def test_english_range_of_areas_names_both_ends_but_a_path_does_not():
    ranged = classify(EN_TITLE, EN_POLICY + "Blockchain uses ranging from finance to logistics will be supported.")
    assert {"finance", "supply_chain"} <= set(ranged["applications"])
    path = classify(EN_TITLE, EN_POLICY + "Each stent on the blockchain will be traced from manufacturer to patient.")
    assert "manufacturing" not in path["applications"]


def test_chinese_areas_introduced_as_examples_count():
    labels = classify(TITLE, POLICY + "区块链应用场景包括金融，并逐步向其他行业延伸。")
    assert "finance" in labels["applications"]


def test_a_use_named_far_from_the_word_blockchain_counts_in_an_article_about_it():
    text = EN_POLICY + "Officials expect savings.\nThe records will also be used to settle insurance claims for patients."
    assert "finance" in classify("Province puts hospital bills on blockchain", text)["applications"]
    zh = POLICY + "据介绍，电子票据可直接用于商业保险理赔。"
    assert "finance" in classify("某市推行区块链电子票据", zh)["applications"]


PLAN_TITLE = "某市印发区块链产业发展行动计划"
PLAN_LEAD = "近日，某市人民政府办公室印发《某市区块链产业发展行动计划》，提出到2026年培育区块链企业100家，建设区块链产业园。\n"


def test_numbered_measures_of_a_plan_about_blockchain_are_its_applications():
    text = (PLAN_LEAD + "二、重点任务\n"
            "（一）提升政务服务效能。推动电子证照互认，实现企业开办全程网办。\n"
            "（二）服务实体经济。支持银行开展供应链金融，缓解中小企业融资难。\n"
            "三、保障措施\n设立专项资金，支持企业研发。")
    assert {"e_government", "finance"} <= set(classify(PLAN_TITLE, text)["applications"])


def test_a_part_under_a_heading_that_names_scenarios_applies_blockchain():
    text = PLAN_LEAD + "应用场景\n智慧医疗：推动电子病历跨院调阅。\n不动产登记：实现二手房交易一次办结。"
    assert {"healthcare", "real_estate"} <= set(classify(PLAN_TITLE, text)["applications"])


def test_numbered_chapters_of_a_work_report_are_other_topics():
    text = ("市长作政府工作报告，提出推动区块链技术创新，建设区块链产业园。\n"
            "（四）提升民生保障水平。城镇新增就业5万人，提高城乡低保标准。")
    labels = classify("某市政府工作报告：推动区块链创新发展", text)
    assert "social_services" not in labels["applications"]


def test_a_paragraph_that_names_applications_applies_blockchain_to_its_areas():
    filler = "Officials praised the speed of the work and the city's staff. " * 6  # beyond the window of the word
    text = (EN_POLICY + filler + "\n"
            "The application went live in May. Banks check each applicant's property registration record.")
    assert "real_estate" in classify("City moves housing loans onto blockchain", text)["applications"]


def test_measures_written_in_sentences_of_a_plan_are_its_applications():
    zh = PLAN_LEAD + "方案提出，一是推进政务服务，推动电子证照互认；二是推动医院检查检验结果互认。"
    assert {"e_government", "healthcare"} <= set(classify(PLAN_TITLE, zh)["applications"])
    en = (EN_POLICY + "The plan lists four priorities. First, government services: residents will no longer "
          "need to submit paper copies. Second, hospitals will share patients' test results.")
    assert {"e_government", "healthcare"} <= set(classify("Province issues blockchain plan", en)["applications"])


def test_an_area_named_as_such_in_an_article_about_blockchain_counts():
    text = PLAN_LEAD + "方案明确了重点任务。在政务服务方面，推动电子证照互认。"
    assert "e_government" in classify(PLAN_TITLE, text)["applications"]


def test_two_generic_words_in_a_measure_of_a_plan_name_its_area():
    text = PLAN_LEAD + "（三）支持银行向中小企业提供贷款。\n（四）设立专项资金。"
    assert "finance" in classify(PLAN_TITLE, text)["applications"]
    one = PLAN_LEAD + "（三）支持银行参与平台建设。\n（四）设立专项资金。"
    assert "finance" not in classify(PLAN_TITLE, one)["applications"]


def test_an_english_area_written_with_a_hyphen_counts():
    text = (EN_POLICY + "The blockchain platform lets banks verify the social-security records of small firms "
            "before approving trade-finance deals.")
    assert {"social_services", "finance"} <= set(classify("City links credit data on blockchain", text)["applications"])


def test_an_item_of_an_enumeration_may_carry_a_modifier():
    text = POLICY + "推进区块链技术在跨境贸易、离岸金融、国际航运等领域的示范应用。"
    assert {"trade", "finance"} <= set(classify(TITLE, text)["applications"])
    # ... but an item ends where the enumeration's item does: 轨道交通装备 is no transport
    industry = POLICY + "推进区块链技术在工程机械、轨道交通装备等产业的供应链协同应用。"
    assert "smart_city" not in classify(TITLE, industry)["applications"]


def test_a_title_repeated_above_the_text_is_no_heading():
    title = "某省政府工作报告：加快建设区块链试验区 推进数据跨境流动试点"
    text = (title + "\n" + POLICY + "推动区块链电子证照在政务服务中的应用。\n"
            "对于今年的目标，报告提出地区生产总值增长6%左右。\n报告还对教育、医疗、住房等民生工作作出部署。")
    applications = classify(title, text)["applications"]
    assert "e_government" in applications
    assert not {"education", "healthcare", "real_estate", "social_services"} & set(applications)


def test_perks_for_talent_are_no_applications():
    text = (PLAN_LEAD + "（五）强化人才支撑。对区块链领域高层次人才，在住房、子女就学等方面予以支持，"
            "并给予个人所得税优惠。\n（六）推动区块链电子发票应用。")
    applications = classify(PLAN_TITLE, text)["applications"]
    assert "tax_invoicing" in applications
    assert "real_estate" not in applications


def test_generic_words_in_a_sentence_about_the_platform_name_its_area_far_from_the_word():
    text = (EN_POLICY + "Officials said the system would cut paperwork for companies in the province.\n"
            "The city said hundreds of firms had registered within a month, and more were expected to join next year "
            "as the scheme widens to cover further districts and services across the region.\n"
            "Next year, banks will be able to use the platform's records when granting loans to small firms.")
    assert "finance" in classify("City launches blockchain platform for company records", text)["applications"]


def test_priority_areas_and_uploaded_data_refer_to_the_subject_of_the_article():
    filler = ("Officials said the system would cut paperwork for companies in the province.\n"
              "The city said hundreds of firms had registered within a month, and more were expected to join next year "
              "as the scheme widens to cover further districts and services across the region.\n")
    title = "Province to build blockchain platform for companies"
    listed = EN_POLICY + filler + "The governor listed priority areas as government services and electronic invoices."
    assert {"e_government", "tax_invoicing"} <= set(classify(title, listed)["applications"])
    uploaded = EN_POLICY + filler + "Under the rules, importers must upload customs declarations within a day."
    assert "trade" in classify(title, uploaded)["applications"]


def test_a_crackdown_on_crypto_speculation_cited_in_a_blockchain_plan_is_digital_assets():
    text = POLICY + "同时，严厉打击以区块链为名的非法集资、虚拟货币炒作等违法活动。"
    assert "digital_assets" in classify(TITLE, text)["applications"]
    english = (EN_POLICY + "The city will also crack down on virtual currency speculation carried out "
               "in the name of blockchain.")
    assert "digital_assets" in classify("City issues blockchain measures", english)["applications"]


def test_a_cbdc_article_takes_digital_assets_only_from_crypto_regulation():
    pilot = ("The central bank said the digital yuan pilot would be extended to more cities, "
             "with e-CNY payments accepted on buses and in shops. ") * 2
    banned = pilot + "The governor said the ban on cryptocurrency trading remained in force."
    assert {"finance", "digital_assets"} <= set(classify("Central bank widens e-CNY pilot", banned)["applications"])
    contrast = pilot + "Unlike a stablecoin, the e-CNY is issued by the central bank."
    assert "digital_assets" not in classify("Central bank widens e-CNY pilot", contrast)["applications"]


def test_inspections_the_government_puts_on_the_chain_are_e_government():
    text = POLICY + "运用区块链技术开展安全生产监管和生态环境监管。"
    assert "e_government" in classify(TITLE, text)["applications"]


def test_devices_that_upload_by_themselves_qualifications_and_upgraded_mills_name_their_areas():
    text = POLICY + "过磅数据由智能地磅自动采集并上传区块链平台，糖厂同步推进智能化改造。"
    assert {"iot", "manufacturing"} <= set(classify(TITLE, text)["applications"])
    english = EN_POLICY + "The blockchain platform will verify professional qualifications of accountants and engineers."
    assert "social_services" in classify("City launches blockchain platform", english)["applications"]


def test_what_a_scanned_code_shows_is_named_for_the_platform_and_a_products_digital_id_is_no_identity():
    title = "某县上线牛羊肉区块链溯源平台"
    text = ("县政府印发区块链产业发展若干措施，设立区块链产业专项资金。\n"
            "某县牛羊肉区块链溯源平台日前上线。消费者扫描包装上的溯源码，即可查看屠宰检疫和冷链运输等信息。"
            "每件产品都有唯一的“数字身份证”。")
    applications = classify(title, text)["applications"]
    assert "supply_chain" in applications
    assert "e_government" not in applications


def test_english_generic_words_count_a_clause_away_but_a_technology_list_goes_on_after_an_abbreviation():
    text = (EN_POLICY + "The single window uses a blockchain to share export declarations with banks, "
            "so that exporters can obtain financing.")
    assert "finance" in classify("Province issues blockchain measures", text)["applications"]
    listed = (EN_POLICY + "It will integrate blockchain with new-generation information technology, including the "
              "internet of things (IoT), big data and artificial intelligence.")
    assert "iot" not in classify("Province issues blockchain measures", listed)["applications"]


def test_income_tax_offered_to_talent_is_no_tax_application():
    text = POLICY + "区块链高端人才可按规定享受个人所得税优惠。"
    assert "tax_invoicing" not in classify(TITLE, text)["applications"]
    filed = POLICY + "推动区块链在个人所得税申报和电子发票中的应用。"
    assert "tax_invoicing" in classify(TITLE, filed)["applications"]
