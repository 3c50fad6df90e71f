"""Extraction: selectors first, the fallback extractor when they miss, counted drops."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from crawlers.attachments import AttachmentError, attachment_kind, attachment_text
from crawlers.extract import Dropped, extract_article
from crawlers.registry import Selectors
from crawlers.spiderloader import default_registry

SOURCE = default_registry()["gov-henan"]
URL = "https://www.henan.gov.cn/2020/01-14/1001001.html"
BODY = "".join(f"<p>第{i}条 推进区块链技术在政务服务领域的应用，建设统一的基础设施平台。</p>" for i in range(5))


def page(inner: str, head: str = "") -> str:
    return f"<html><head>{head}<title>省政府文件_河南省人民政府门户网站</title></head><body>{inner}</body></html>"


def test_selectors_are_used_when_they_match():
    html = page(f'<h1>关于区块链的通知</h1><div class="pubtime">发布时间：2020-01-14 09:30</div>'
                f'<div class="TRS_Editor">{BODY}</div>', '<meta name="ArticleTitle" content="关于区块链的通知">')
    result = extract_article(html, URL, SOURCE)
    assert result.extraction == "selectors"
    assert result.title == "关于区块链的通知"
    assert result.published == "2020-01-14T01:30:00Z"
    assert "第4条" in result.text and "河南省人民政府门户网站" not in result.text


def test_a_redesigned_page_falls_back_to_the_main_text_extractor():
    html = page(f'<div class="new-layout"><article><h2>重新设计后的页面</h2><div class="txt">{BODY}</div>'
                f'</article></div><footer>版权所有</footer>')
    result = extract_article(html, URL, SOURCE)
    assert result.extraction == "fallback"
    assert "第3条" in result.text
    assert result.title  # from the extractor or <title>, never empty
    assert result.published == "2020-01-13T16:00:00Z"  # no date on the page: taken from /2020/01-14/ in the URL


@pytest.mark.parametrize(("html", "reason"), [
    ("", "empty_page"),
    ("   \n ", "empty_page"),
    ("<html><body></body></html>", "empty_page"),
    ("\x00\x01\x02PK binary" * 10, "not_html"),
    (page("<ul>" + "".join(f'<li><a href="/a/{i}.html">链接标题{i}号</a></li>' for i in range(40)) + "</ul>"),
     "not_article"),
    (page("<p>太短</p>"), "no_article_text"),
])
def test_pages_without_an_article_are_dropped_with_a_reason(html, reason):
    with pytest.raises(Dropped) as dropped:
        extract_article(html, URL, SOURCE)
    assert dropped.value.reason == reason


def test_broken_html_is_extracted_not_crashed():
    html = f'<html><body><h1>未闭合的标题<div class="TRS_Editor">{BODY}<p><b>未闭合'
    result = extract_article(html, URL, replace(SOURCE, selectors=Selectors(title=("h1",), body=(".TRS_Editor",))))
    assert "第2条" in result.text


def test_attachments_anywhere_on_the_page_are_listed_once_and_resolved():
    html = page(f'<div class="TRS_Editor">{BODY}<a href="files/plan.pdf">方案</a></div>'
                '<div class="fj"><a href="//www.henan.gov.cn/files/list.docx">名单</a>'
                '<a href="files/plan.pdf">方案（重复）</a><a href="other.html">不是附件</a></div>')
    result = extract_article(html, URL, SOURCE)
    assert result.attachments == [("https://www.henan.gov.cn/2020/01-14/files/plan.pdf", "方案"),
                                  ("https://www.henan.gov.cn/files/list.docx", "名单")]


def test_word_and_pdf_attachments_yield_text_and_damaged_ones_raise():
    import docx

    document = docx.Document()
    document.add_paragraph("区块链产业试点园区名单")
    buffer = io.BytesIO()
    document.save(buffer)
    assert attachment_text("https://x.gov.cn/a.docx", None, buffer.getvalue()) == "区块链产业试点园区名单"
    from tests.support.fixture_site import E2E_SITE

    pdf = (E2E_SITE / "portal/files/pilot-zones.pdf").read_bytes()
    assert "Zhengzhou" in attachment_text("https://x.gov.cn/a.pdf", "application/pdf", pdf)
    with pytest.raises(AttachmentError):
        attachment_text("https://x.gov.cn/a.pdf", "application/pdf", b"%PDF-1.4 truncated")
    assert attachment_kind("https://x.gov.cn/a.doc", "application/msword", b"\xd0\xcf\x11\xe0") == "doc"
    assert attachment_text("https://x.gov.cn/a.doc", "application/msword", b"\xd0\xcf\x11\xe0") == ""


def test_a_stray_nul_byte_does_not_lose_the_article():
    page = ("<html><head><title>t</title></head><body>\x00<h1>区块链试点工作方案</h1>"
            "<div class='TRS_Editor'>" + "推进区块链在政务服务领域的应用试点。" * 5 + "</div></body></html>")
    extracted = extract_article(page, URL, SOURCE)
    assert "区块链" in extracted.text and "\x00" not in extracted.text
