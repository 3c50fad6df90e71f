"""The demo's pure parts: dated pages and the summary table."""

from __future__ import annotations

from datetime import date

from policywatch.demo.server import SITE_DIR, render_page
from policywatch.demo.summary import fit, format_summary, side_by_side, width
from tests.unit.embedded.articles import document


def test_placeholders_become_dates_relative_to_today():
    page = "发布时间：@@CN-2@@ <time>@@ISO-10@@</time>".encode("gbk")
    assert render_page(page, date(2026, 1, 3)).decode("gbk") == "发布时间：2026年01月01日 <time>2025-12-24</time>"


def test_the_government_site_is_gbk_and_every_placeholder_is_filled():
    for path in SITE_DIR.rglob("*.html"):
        body = render_page(path.read_bytes(), date(2026, 1, 20))
        assert b"@@" not in body, path
        if "gov" in path.parts:
            body.decode("gbk")  # raises if a page is not GBK
            assert b"gb2312" in body
        else:
            body.decode("utf-8")


def test_width_counts_chinese_characters_twice():
    assert width("河南ab") == 6
    assert fit("河南省人民政府", 7) == "河南省…"
    assert width(fit("河南省人民政府", 7)) == 7
    assert fit("ab", 4) == "ab  "


def test_side_by_side_pads_the_left_column():
    assert side_by_side(["a", "bbb"], ["x"], gap=1) == ["a   x", "bbb"]


def test_summary_lists_regions_themes_and_top_titles():
    stats = {"total": 3, "relevant": 2, "by_region": {"Henan": 2, "National": 1},
             "by_theme": {"industrial_parks": 2}}
    text = format_summary(stats, [document("plan"), document("undated")])
    assert "Stored articles: 3 (2 about blockchain policy)" in text
    assert "Henan" in text and "industrial_parks" in text
    assert "0.95  2026-01-10" in text and "河南省区块链产业发展行动计划" in text
    assert "undated" in text


def test_demo_sources_validate_against_the_registry_rules(tmp_path):
    from policywatch.demo.run import demo_sources

    sources = demo_sources("http://127.0.0.1:8123", tmp_path)
    assert [s.name for s in sources] == ["demo-henan-gov", "demo-ministry", "demo-finance-news"]
    assert sources[0].start_urls == ("http://127.0.0.1:8123/gov/index.html",)
    assert sources[0].article_re.search("http://127.0.0.1:8123/gov/art/plan.html")
    assert not sources[1].article_re.search("http://127.0.0.1:8123/ministry/index.html")


def test_demo_subscription_file_is_valid():
    from alerts.subscriptions import load_yaml
    from policywatch.demo.run import SUBSCRIPTION_FILE

    [subscription] = load_yaml(SUBSCRIPTION_FILE)
    assert subscription.filters.regions == ("Henan", "National")


def test_the_demo_site_keeps_its_port_between_runs(tmp_path):
    from policywatch.demo.run import PORT_FILE, site_port, start_site

    assert site_port(tmp_path) == 0
    with start_site(tmp_path) as site:
        assert (tmp_path / PORT_FILE).read_text() == str(site.port)
    assert site_port(tmp_path) == site.port
