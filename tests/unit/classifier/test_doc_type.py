"""Document type: the decision order of consumers/classifier/doctype.py, on texts written
here (first person, announcement in title or lead, report, cue strength, ties)."""

from __future__ import annotations

import pytest

from consumers.classifier import classify

BODY_ZH = "会议指出，要推动区块链技术在政务服务和供应链金融领域的应用，支持建设区块链产业园。"
BODY_EN = ("Officials said the city would support blockchain use in government services and "
           "supply chain finance and build a blockchain industrial park.")


@pytest.mark.parametrize(("title", "text", "expected"), [
    # an issuing verb and a document noun in one clause of the title: news announcing a document
    ("某省发布区块链产业发展八项措施", BODY_ZH, "policy_document"),
    ("多部门联合公布区块链创新应用试点名单", BODY_ZH, "policy_document"),
    ("區塊鏈產業發展行動計劃正式頒佈", BODY_ZH, "policy_document"),
    ("City unveils three-year plan for blockchain pilot zone", BODY_EN, "policy_document"),
    ("Blockchain guidelines released by provincial regulators", BODY_EN, "policy_document"),
    # a year's work points are a plan
    ("某省数字政府建设2024年工作要点：推广区块链政务应用", BODY_ZH, "policy_document"),
    # a draft act drawn up (拟定) is announced
    ("监管机构拟定虚拟资产服务法草案", BODY_ZH, "policy_document"),
    # a standard or a regulator's public notice is a document too
    ("某市发布区块链溯源服务地方标准", BODY_ZH, "policy_document"),
    ("Central bank issues security standard for blockchain applications", BODY_EN, "policy_document"),
    ("金融管理局发出通告提醒市民防范虚拟货币风险", BODY_ZH, "policy_document"),
    # a document a headline names as the basis of what happened is not the news
    ("Police break up crypto trading ring citing the 2021 trading ban", BODY_EN, "news_report"),
    ("City departments share data on blockchain under new access rules", BODY_EN, "news_report"),
    ("Province bans crypto mining", BODY_EN, "policy_document"),
    # the verb alone, or verb and noun in different clauses, announce no document
    ("Tax bureau issues first blockchain e-invoice", BODY_EN, "news_report"),
    ("Start-up launches blockchain wallet, plans to expand abroad", BODY_EN, "news_report"),
    ("某公司发布区块链存证一体机", BODY_ZH, "news_report"),
    ("某公司发布区块链解决方案", BODY_ZH, "news_report"),
    # a work report or a Policy Address (traditional characters too) is a government report
    ("行政長官發表施政報告 推動區塊鏈與金融科技發展", BODY_ZH, "government_report"),
    ("Chief Executive's Policy Address backs blockchain pilots", BODY_EN, "government_report"),
    # a company speaking of itself is a promotional piece, whatever it reports
    ("喜报！我司区块链平台入选国家区块链创新应用试点名单", BODY_ZH, "commentary"),
    ("Our company joins national blockchain pilot list", BODY_EN, "commentary"),
    # an explainer's question, a course's advertisement, an author's view, a reader addressed
    ("智能合约是什么？一个例子讲明白", BODY_ZH, "commentary"),
    ("区块链开发训练营春季招生", "零基础也能学，八周完成三个项目。" + BODY_ZH, "commentary"),
    ("Law firm note: new blockchain filing rules", "In our view, the rules reach further than "
     "most firms expect. " + BODY_EN, "commentary"),
    ("Keeping a wallet safe", "If you keep coins on an exchange, your keys are held by others. " + BODY_EN,
     "commentary"),
    # an official's interview: the title names the official, the text the interview
    ("某省商务厅负责人：区块链让跨境贸易单证更可信", "该负责人日前在接受本报记者专访时表示，将扩大试点。" + BODY_ZH,
     "official_speech"),
    # an official congratulating for a government in a speech is no company
    ("某市副市长在区块链大会上的讲话", "首先，我代表市政府对大会的召开表示热烈祝贺！" + BODY_ZH, "official_speech"),
    # a committee is no committee member
    ("某市仲裁委员会上线区块链存证平台", BODY_ZH, "news_report"),
])
def test_title_decides_the_type(title, text, expected):
    assert classify(title, text)["doc_type"] == expected


def test_announcement_in_the_lead_counts_less_than_in_the_title():
    lead = "近日，省政府办公厅印发《区块链产业发展实施方案》，提出到2025年建设两个区块链产业园。"
    labels = classify("区块链产业迎来新机遇", lead + BODY_ZH * 3)
    assert labels["doc_type"] == "policy_document"
    phrases = next(e["phrases"] for e in labels["evidence"] if e["field"] == "doc_type")
    assert "印发" in phrases
    # the same sentence far below the lead is background, not the news
    late = classify("区块链产业迎来新机遇", BODY_ZH * 6 + lead)
    assert late["doc_type"] == "news_report"


def test_a_repeated_reporting_verb_is_one_cue():
    text = " ".join(["The platform processed more payments this month, an operator said."] * 8)
    assert classify("Blockchain payment platform grows", text)["doc_type"] == "news_report"


def test_first_person_below_the_lead_does_not_decide():
    text = BODY_ZH * 6 + "我公司将积极参与。"
    assert classify("某省发布区块链产业发展八项措施", text)["doc_type"] == "policy_document"


WRAPPED_ZH = "首页 > 新闻中心 > 工作动态\n发布时间：2022-05　　来源：本站　　浏览次数：321\n【字体：大 中 小】\n\n{title}\n\n{lede}"


@pytest.mark.parametrize(("title", "lede", "expected"), [
    # the lede comes after the page's wrapping lines, the title again and a time phrase
    ("某省：推进区块链在政务服务中应用", "近日，某省大数据局印发通知，部署区块链政务应用工作。" + BODY_ZH, "policy_document"),
    # a company's product in the same place announces no document
    ("某公司推出区块链存证平台", "近日，某公司发布区块链存证平台，服务中小企业。" + BODY_ZH, "news_report"),
])
def test_the_lede_starts_at_the_first_sentence(title, lede, expected):
    assert classify(title, WRAPPED_ZH.format(title=title, lede=lede))["doc_type"] == expected


@pytest.mark.parametrize("dateline", ["BEIJING, Dec 3 -- ", "SOMECITY — ", "新华社北京3月2日电　", "【某某新闻网／记者某某／台北报导】"])
def test_a_dateline_is_not_the_lede(dateline):
    zh = dateline[0] in "新【"
    lede = ("某部近日印发指导意见，要求加快区块链技术应用。" + BODY_ZH) if zh else \
        ("The ministry has issued a guideline on blockchain use in customs, officials said. " + BODY_EN)
    title = "某部推动区块链技术应用" if zh else "Ministry pushes blockchain use in customs"
    assert classify(title, title + "\n" + dateline + lede)["doc_type"] == "policy_document"


@pytest.mark.parametrize(("lede", "expected"), [
    # the first sentence names a released document as its source, last: news of the document
    ("The city will pay blockchain start-ups a rent subsidy for three years, according to an "
     "action plan released by the municipal government on Monday.", "policy_document"),
    ("Farms will record every crate on a traceability chain, under rules issued by the county.", "policy_document"),
    # a plan approved earlier is the basis of what is reported, and a firm's own plan is no document
    ("The housing bureau has moved rental contracts onto a ledger, under a plan approved by the city.", "news_report"),
    ("Clients can settle invoices on the ledger, according to a plan released by the company last week.", "news_report"),
])
def test_an_english_lede_may_name_its_document_last(lede, expected):
    assert classify("City moves services onto blockchain", lede + " " + BODY_EN)["doc_type"] == expected


def test_obligations_imposed_report_a_rule():
    lede = ("The district has required all rental operators to register leases on a blockchain platform. "
            "Under rules issued by the housing bureau, landlords must not list a flat before its record is checked. ")
    assert classify("District moves rental leases onto blockchain", lede + BODY_EN)["doc_type"] == "policy_document"
    # the same news without the obligations is a report
    plain = ("The district has invited rental operators to register leases on a blockchain platform. "
             "Under rules issued by the housing bureau, landlords may list a flat before its record is checked. ")
    assert classify("District moves rental leases onto blockchain", plain + BODY_EN)["doc_type"] == "news_report"


def test_a_city_included_in_a_pilot_is_news_unless_a_document_is_named():
    assert classify("数字人民币试点再扩容 两城市纳入", BODY_ZH)["doc_type"] == "news_report"


@pytest.mark.parametrize(("title", "text", "expected"), [
    # the lead quotes a document as saying something: the article reports the document
    ("某市提出建设区块链应用标杆城市", "《某市数字城市发展纲要》提出，到2027年建成区块链政务平台。" + BODY_ZH, "policy_document"),
    ("Province targets drone corridors", "The province's new plan calls for drone corridors and the use of "
     "blockchain in airspace management. " + BODY_EN, "policy_document"),
    # the same document quoted far below the lead is background
    ("某市区块链政务平台上线", BODY_ZH * 4 + "《某市数字城市发展纲要》提出，到2027年建成区块链政务平台。", "news_report"),
])
def test_a_document_quoted_in_the_lead(title, text, expected):
    assert classify(title, text)["doc_type"] == expected


def test_a_product_named_inside_the_document_is_no_issuing_company():
    lede = "农业部今日公布「农产品产销履历区块链化推动计划」，将投入三亿元。"
    assert classify("农业部推动产销履历上链", lede + BODY_ZH)["doc_type"] == "policy_document"
    # a company issuing in the lede is its own announcement
    firm = "某科技公司今日公布「区块链推动计划」，将投入三亿元。"
    assert classify("某科技公司推动产销履历上链", firm + BODY_ZH)["doc_type"] == "news_report"


def test_a_column_tag_above_the_first_sentence_marks_commentary():
    title = "虚拟资产新规下的平台之路"
    tagged = "【财经评析】" + title + "\n文／某某\n监管机构日前公布新规，平台今后均需取得许可。" + BODY_ZH
    assert classify(title, tagged)["doc_type"] == "commentary"
    # the same tag far below the top is a link to another piece
    assert classify(title, "监管机构日前公布新规，平台今后均需取得许可。" + BODY_ZH * 3 + "\n【财经评析】")["doc_type"] == "news_report"


def test_a_portals_menu_and_a_source_tag_are_no_column():
    title = "某区上线区块链不动产登记平台"
    lede = "近日，某区不动产登记中心上线区块链平台，办事群众可在线查询登记进度。"
    # the portal's menu and breadcrumbs above the first sentence name its own sections
    portal = ("某区人民政府门户网站\n首页 | 政务公开 | 互动交流 | 专题专栏\n您当前的位置：首页 > 政务公开 > 观察\n"
              "来源：某区政府　发布时间：2024-03-01\n")
    assert classify(title, portal + lede + BODY_ZH)["doc_type"] == "news_report"
    # a tag opening the first sentence's line names its source, not a column
    assert classify(title, "【数码时代】" + lede + BODY_ZH)["doc_type"] == "news_report"
    # unless the tag ends with a column's kind (【财新观察】); a reporter's column is still news
    assert classify(title, "【某某观察】" + lede + BODY_ZH)["doc_type"] == "commentary"
    assert classify(title, "【财经时评】" + lede + BODY_ZH)["doc_type"] == "commentary"
    assert classify(title, "【记者观察】" + lede + BODY_ZH)["doc_type"] == "news_report"
    # the kind inside a source's tag, or a column's tag further down, marks nothing
    assert classify(title, "【观察者报】" + lede + BODY_ZH)["doc_type"] == "news_report"
    assert classify(title, lede + "\n【某某观察】" + BODY_ZH)["doc_type"] == "news_report"
    # a column label or a byline above the first sentence still marks an analysis
    assert classify(title, "评论 | 文／某某\n" + lede + BODY_ZH)["doc_type"] == "commentary"
    assert classify(title, "作者：某律师事务所合伙人\n" + lede + BODY_ZH)["doc_type"] == "commentary"


@pytest.mark.parametrize(("title", "text", "expected"), [
    # a headline that imposes an obligation reports a rule
    ("监管部门：数字资产托管机构须于年底前完成备案", BODY_ZH, "policy_document"),
    ("Port city requires blockchain records for imported seafood", BODY_EN, "policy_document"),
    # the same headline without the obligation is a report
    ("数字资产托管机构年底前陆续完成备案", BODY_ZH, "news_report"),
    # an amendment passed is a document announced, even by lawmakers
    ("Legislators pass amendment allowing a digital currency for the city", BODY_EN, "policy_document"),
])
def test_obligations_and_amendments_in_a_headline(title, text, expected):
    assert classify(title, text)["doc_type"] == expected


@pytest.mark.parametrize(("title", "text", "expected"), [
    # a headline that asks, weighs two things or explains how is analysis
    ("区块链与云计算：是替代还是融合？", BODY_ZH, "commentary"),
    ("Permissioned vs public ledgers for city services", BODY_EN, "commentary"),
    ("Ten years on: how a port turned blockchain trials into daily routine", BODY_EN, "commentary"),
    ("跨境支付新探索：多边数字货币项目的政策意涵", BODY_ZH, "commentary"),
    # a firm's own column is a promotional piece
    ("企业动态 | 某数科：链上存证服务突破千万次", BODY_ZH, "commentary"),
    # a column label outweighs the rules the piece analyses
    ("Analysis: what the new filing rules issued by regulators mean", BODY_EN, "commentary"),
    # a reporter's column is a news report
    ("记者观察：区块链产业园企业入驻率稳步提升", BODY_ZH, "news_report"),
])
def test_headlines_of_analysis(title, text, expected):
    assert classify(title, text)["doc_type"] == expected


def test_a_document_issued_by_its_name_later_in_the_lead():
    scene = "某市区块链产业大会昨日在高新区举行，来自各地的代表参会。"
    issued = scene + "会上，市政府正式发布《某市促进区块链产业发展的若干政策》，并宣布设立产业基金。"
    assert classify("某市设立区块链产业基金", issued + BODY_ZH)["doc_type"] == "policy_document"
    # the same clause with a firm issuing the document is its own paper
    firm = scene + "会上，某某科技股份有限公司发布《区块链存证服务企业标准》，并宣布设立产业基金。"
    assert classify("某市设立区块链产业基金", firm + BODY_ZH)["doc_type"] == "news_report"


@pytest.mark.parametrize(("title", "text", "expected"), [
    # a platform's notice to its users is no policy document, whatever it is called
    ("【公告】关于暂停部分数字藏品转赠功能的公告", "尊敬的用户：\n为配合系统升级，平台将于本周六暂停转赠功能。区块链存证服务不受影响。", "news_report"),
    ("Notice: wallet maintenance on Saturday", "Dear users,\nDeposits of blockchain tokens will be paused for two hours.", "news_report"),
    # the same notice by a regulator addressing the public is one
    ("【公告】关于暂停部分数字藏品转赠功能的公告", "为防范风险，监管部门决定暂停转赠功能。区块链存证服务不受影响。", "policy_document"),
    # what a firm's notice says (公告称) is its disclosure, reported as news
    ("某平台宣布停止运营", "某数字藏品平台近日发布公告称，因业务调整将停止运营。" + BODY_ZH, "news_report"),
    ("某地推行电子发票", "某市税务局近日发布公告，明确自下月起推行区块链电子发票。" + BODY_ZH, "policy_document"),
])
def test_notices_of_firms_and_of_authorities(title, text, expected):
    assert classify(title, text)["doc_type"] == expected


@pytest.mark.parametrize(("lede", "expected"), [
    # the first sentence's subject has issued a document, after a long first clause
    ("Harbourton, a coastal city known for its container port and fisheries, has issued a plan "
     "to record every shipment on a blockchain by 2027. ", "policy_document"),
    # it has launched a platform: no document
    ("Harbourton, a coastal city known for its container port and fisheries, has launched a platform "
     "to record every shipment on a blockchain by 2027. ", "news_report"),
    # a firm that has issued a plan of its own
    ("Harbourton Shipping, a company known for its container fleet and ferries, has issued a plan "
     "to record every shipment on a blockchain by 2027. ", "news_report"),
])
def test_an_english_subject_that_has_issued_a_document(lede, expected):
    assert classify("Harbourton wants every container on a ledger", lede + BODY_EN)["doc_type"] == expected


def test_a_document_that_starts_a_period_is_background():
    forum = ("某市区块链论坛昨日举行。市科委负责人致辞时介绍，某市自2021年发布《某市区块链创新发展行动计划》以来，"
             "已建成城市级区块链平台。论坛发布了《区块链产业发展报告》。")
    assert classify("某市区块链论坛举行", forum + BODY_ZH)["doc_type"] == "news_report"
    issued = "某市区块链论坛昨日举行。会上，市政府发布《某市区块链创新发展行动计划》，提出建成城市级区块链平台。"
    assert classify("某市区块链论坛举行", issued + BODY_ZH)["doc_type"] == "policy_document"


def test_a_project_stating_its_vision_promotes_itself():
    lede = "某某链是一条面向供应链金融的区块链公链。我们的愿景是让每一笔应收账款都能在链上流转。"
    assert classify("某某链项目介绍", lede + BODY_ZH)["doc_type"] == "commentary"


def test_what_a_reader_needs_to_know_of_rules_is_a_guide():
    title = "New custody rules take effect: what token issuers need to know"
    assert classify(title, BODY_EN)["doc_type"] == "commentary"
    assert classify("New custody rules take effect for token issuers", BODY_EN)["doc_type"] == "policy_document"


def test_an_official_answering_the_legislature_speaks():
    lede = ("金融管理局总裁今日出席立法会财经事务委员会会议时表示，数字货币试验将扩大至零售层面。"
            "他强调，区块链结算须兼顾安全与效率。他指出，新规将于明年公布。")
    assert classify("金管局：数字货币试验将扩大至零售层面", lede)["doc_type"] == "official_speech"


@pytest.mark.parametrize("footer", [
    "（责任编辑：某某）\n【纠错】【打印】【关闭】\n版权声明：本网所有作品，未经本网授权不得转载、摘编。",
    "\n責任編輯：某某\n【列印】【轉寄】\n本網站所刊載之內容，未經授權不得轉載。",
    "\nCopyright 2024 Some News. Reproduction must not be made without permission.",
    "\n上一篇：某市召开座谈会\n下一篇：某区发布通知\n本网站所刊载内容，未经授权不得转载。",
])
def test_a_pages_footer_imposes_no_obligation(footer):
    title = "某市获批建设区块链产业园"
    text = "近日，某市区块链产业园获批省级示范园区，已入驻企业60家。" + BODY_ZH + "\n" + footer
    assert classify(title, text)["doc_type"] == "news_report"
    # the same obligation in the article reports a rule
    rule = "近日，某市区块链产业园获批省级示范园区，园区企业不得开展代币发行融资。" + BODY_ZH
    assert classify(title, rule)["doc_type"] == "policy_document"


@pytest.mark.parametrize(("title", "text", "expected"), [
    # an analyst quoted in a headline is a source of the news, not an analysis
    ("某币价格回升 分析师：短期或继续震荡", "某币价格周一回升3%，交易量明显放大。" + BODY_ZH, "news_report"),
    # a regulator pre-announcing a draft act, and a joint circular issued, announce documents
    ("监管机构公布虚拟资产新规", "监管机构今天预告《虚拟资产服务法》草案，业者须取得许可方可营业。" + BODY_ZH, "policy_document"),
    ("两家监管机构规管代币化产品", "两家监管机构今日发出联合通函，列明银行分销代币化证券的监管要求。" + BODY_ZH, "policy_document"),
    # a legislature voting a bill through article by article (细则性) passes a law; 细则 there is no document
    ("立法会修改货币法律", "立法会昨日细则性表决通过修改《货币法》法案，为发行数字货币提供法律基础。" + BODY_ZH, "policy_document"),
])
def test_analysts_drafts_circulars_and_bills_passed(title, text, expected):
    assert classify(title, text)["doc_type"] == expected


@pytest.mark.parametrize(("title", "text", "expected"), [
    # picks for investors and a history told are a writer's selection
    ("Three blockchain stocks to watch this year", BODY_EN, "commentary"),
    ("A brief history of a stablecoin", BODY_EN, "commentary"),
    ("区块链发展简史", BODY_ZH, "commentary"),
    # a job advertisement's sections: a firm's promotional text
    ("区块链研发工程师", "工作地点：某市\n岗位职责：负责联盟链平台开发。\n任职要求：熟悉智能合约。", "commentary"),
    # one section word in a news story is not an advertisement
    ("某市人才市场回暖", "某市人才市场数据显示，多家企业在招聘启事中列明岗位职责，区块链岗位需求上升。" + BODY_ZH,
     "news_report"),
])
def test_picks_histories_and_job_advertisements(title, text, expected):
    assert classify(title, text)["doc_type"] == expected


def test_a_body_line_opening_like_a_footer_word_is_still_the_article():
    # 上一篇 without a colon opens a tutorial's sentence, not a link to the previous piece
    title = "某市获批建设区块链产业园"
    text = "近日，某市区块链产业园获批省级示范园区。\n上一篇文章介绍了园区规划，园区企业不得开展代币发行融资。" + BODY_ZH
    assert classify(title, text)["doc_type"] == "policy_document"


@pytest.mark.parametrize(("title", "text", "expected"), [
    # an official answering the press on a document is interviewed, whatever the document
    ("某市数据局负责人就《某市区块链政务应用实施方案》答记者问",
     "近日，某市人民政府办公厅印发《某市区块链政务应用实施方案》。市数据局负责人就方案回答了记者提问。" + BODY_ZH,
     "official_speech"),
    # a spokesperson speaking at a regulator's regular briefing
    ("监管部门提示：警惕借区块链概念炒作",
     "某监管机构新闻发言人在例行新闻发布会上表示，部分企业借区块链概念炒作，不得误导投资者。" + BODY_ZH,
     "official_speech"),
    # a spokesperson quoted further down a news story does not make it a briefing
    ("某交易平台未获发牌 投资者应停止交易",
     "某平台近日被警方调查，涉及投资者逾千人。\n\n监管机构发言人强调，投资者应使用持牌平台。" + BODY_ZH,
     "news_report"),
    # a speaker's role heading the headline, in either language and either colon width
    ("某区科经委主任：两年内推出50个区块链政务场景", BODY_ZH, "official_speech"),
    ("央行研议数字货币 总裁:初期不会取代现金", BODY_ZH, "official_speech"),
    ("Internet court president: smart contracts can settle disputes early", BODY_EN, "official_speech"),
    ("Regulator official: stablecoin regime to take shape this year", BODY_EN, "official_speech"),
    # a firm's founder quoted in an interview is news, not an official's interview
    ("Start-up raises $20 million", "A blockchain start-up said in an interview on Monday that it had raised "
     "$20 million in a funding round. " + BODY_EN, "news_report"),
])
def test_press_questions_spokespersons_and_speakers_in_the_headline(title, text, expected):
    assert classify(title, text)["doc_type"] == expected


@pytest.mark.parametrize(("title", "text", "expected"), [
    # a list put up for public notice
    ("某市区块链应用项目评审结果公示", "某市工信局日前公示评审结果，共有20个项目入选。", "policy_document"),
    # a regulator's guiding principles, and an ordinance or rules taking effect on a date
    ("监管机构发布虚拟资产服务商指导原则", "监管机构今日发布「虚拟资产服务商指导原则」，要求业者分离保管客户资产。",
     "policy_document"),
    ("Regulator: stablecoin ordinance to take effect on 1 August",
     "The regulator announced today that the ordinance will come into operation on 1 August. " + BODY_EN,
     "policy_document"),
    ("New licensing regime for trading platforms takes effect 1 June", BODY_EN, "policy_document"),
    # an advertisement for an event or a course: tickets, early-bird prices, how to sign up
    ("【报名开启】某区块链峰会将于11月举办", "峰会将于11月在某市举行。\n\n票务信息：\n早鸟票999元\n报名方式：扫码报名。",
     "commentary"),
    ("Register now: blockchain summit returns this spring",
     "The summit returns in April with 200 speakers. Early-bird passes are available until February.",
     "commentary"),
    # a university's degree programme or admissions are news; a training course's call is an advert
    ("某大学开办金融科技硕士课程", "某大学宣布将于下学年开办金融科技硕士课程，首届招收60名学生。" + BODY_ZH, "news_report"),
    ("某高校2025年研究生招生“区块链工程”方向及考试科目", "某高校计算机学院研究生招生方案显示，区块链工程方向招收15人，报名时间为10月。" + BODY_ZH,
     "news_report"),
    ("区块链开发实战课程火热招生", "八周完成三个项目，报名方式：扫码添加助教。", "commentary"),
    # a think tank's brief
    ("Five years of blockchain policy (policy brief)", BODY_EN, "commentary"),
    # a broker's research note outweighs the documents it counts
    ("行业研究 | 区块链政策季度追踪：地方政策密集出台",
     "【核心观点】\n1）本季度各地共出台区块链政策文件30份。我们认为，监管将继续收紧。", "commentary"),
    # a news story on a summit that names its ticket office is still news
    ("某区块链峰会在某市开幕", "某区块链峰会昨日在某市开幕，3000余人参会，会展中心设有票务中心。" + BODY_ZH,
     "news_report"),
])
def test_public_notices_rules_in_force_and_advertisements(title, text, expected):
    assert classify(title, text)["doc_type"] == expected


@pytest.mark.parametrize(("title", "text", "expected"), [
    # what a document provides, told from inside it, reports the document
    ("Regulator approves retail trading at licensed platforms",
     "The regulator said on Thursday that licensed platforms may serve retail investors from June 1.\n"
     "Under the new guidelines, platforms may only list large tokens and must not offer airdrops.", "policy_document"),
    ("Zone renews support for fintech firms",
     "The zone has renewed its support for fintech firms for three years, its administration said.\n"
     "Under the measures, firms can receive rent subsidies of up to 50%.", "policy_document"),
    # departments issuing a document jointly
    ("某省：毕业生电子学位证书上链", "某省教育厅、省人社厅近日联合发文，自今年起毕业证书统一写入区块链。", "policy_document"),
    # a plan mentioned without what it provides is not the news
    ("City pilots blockchain invoices", "The city's tax bureau has issued its first blockchain invoice, "
     "part of a plan to digitise tax services. " + BODY_EN, "news_report"),
])
def test_a_document_told_from_inside_or_issued_jointly(title, text, expected):
    assert classify(title, text)["doc_type"] == expected
