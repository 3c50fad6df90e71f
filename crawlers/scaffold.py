"""`policywatch sources add`: a new source's registry entry plus its offline fixtures.

The entry uses the markup most Chinese government portals share (the national
guideline's ArticleTitle/PubDate meta tags; TRS, Hanweb and gov.cn body containers), and
the fixture pages model that markup, so the parametrized fixture test passes at once.
Then edit the fixture pages to look like the real site (save one listing and one article
page, shorten them, replace the text with your own) and adjust the selectors until the
test passes again.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml

from crawlers.registry import RegistryError, load_file, load_registry
from policywatch.errors import UserError

GOV_CMS_SELECTORS = {
    "title": ["meta[name=ArticleTitle]::attr(content)", "h1"],
    "body": ["#UCAP-CONTENT", ".TRS_Editor", "#zoom", ".article-content", ".pages_content"],
    "date": ["meta[name=PubDate]::attr(content)", ".pubtime", ".pages-date"],
}
# Article URLs of the common portal CMSs: TRS (t20200114_123.html), Hanweb
# (art_123_456.html), gov.cn-style (content_123.htm).
DEFAULT_PATTERN = r"/(?:t20\d{6}_\d+|art_\d+_\d+|content_\d+)\.s?html?$"
_ARTICLE_PATH = "t20200114_1001.html"


def listing_html(title: str, links: list[tuple[str, str]], next_href: str | None = None) -> str:
    items = "\n".join(f'      <li><a href="{href}">{text}</a><span>2020-01-14</span></li>' for href, text in links)
    nxt = f'\n    <div class="page"><a href="{next_href}">下一页</a></div>' if next_href else ""
    return (f'<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"><title>{title}</title></head>\n<body>\n'
            f'  <div class="list">\n    <ul>\n{items}\n    </ul>{nxt}\n  </div>\n</body>\n</html>\n')


def article_html(title: str, date: str, paragraphs: list[str], container: str = 'div class="TRS_Editor"',
                 charset: str = "utf-8") -> str:
    tag = container.split()[0]
    body = "\n".join(f"    <p>{p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="{charset}">\n<meta name="ArticleTitle" '
            f'content="{title}">\n<meta name="PubDate" content="{date}">\n<title>{title}</title>\n</head>\n'
            f'<body>\n  <div class="header"><a href="/">首页</a></div>\n  <h1>{title}</h1>\n'
            f'  <div class="pubtime">发布时间：{date}</div>\n  <{container}>\n{body}\n  </{tag}>\n'
            f'</body>\n</html>\n')


def add_source(name: str, url: str, region: str, kind: str, lang: str, pattern: str | None,
               sources_dir: Path, fixtures_dir: Path) -> list[Path]:
    """Write ``<sources_dir>/<name>.yaml`` and ``<fixtures_dir>/<name>/``; returns the paths."""
    host = urlsplit(url).hostname
    if not host:
        raise UserError(f"--url {url!r} is not an absolute URL")
    if name in load_registry(sources_dir):
        raise UserError(f"source {name} is already declared")
    entry_path = sources_dir / f"{name}.yaml"
    fixture_dir = fixtures_dir / name
    if entry_path.exists() or fixture_dir.exists():
        raise UserError(f"{entry_path} or {fixture_dir} already exists")
    entry = {"name": name, "kind": kind, "region": region, "lang": lang, "start_urls": [url],
             "allowed_domains": [host.removeprefix("www.")], "article_pattern": pattern or DEFAULT_PATTERN,
             "selectors": GOV_CMS_SELECTORS, "every_minutes": 180}
    text = ("# Scaffolded by `policywatch sources add`; check the URLs and selectors against the site.\n"
            + yaml.safe_dump({"sources": [entry]}, allow_unicode=True, sort_keys=False))
    entry_path.write_text(text, encoding="utf-8")
    try:
        load_file(entry_path)
    except RegistryError:
        entry_path.unlink()
        raise
    article_url = urljoin(url, _ARTICLE_PATH)
    if not re.search(entry["article_pattern"], article_url):
        print(f"note: the sample article URL {article_url} does not match the pattern; edit "
              f"{fixture_dir}/expected.json and the listing page to use a real article URL")
    title = "关于推进数字政府建设的通知"
    paragraphs = ["为深入推进数字政府建设，提升政务服务水平，现将有关事项通知如下。",
                  "一、加快政务数据共享，探索区块链技术在政务服务中的应用。"]
    fixture_dir.mkdir(parents=True)
    (fixture_dir / "listing.html").write_text(
        listing_html("通知公告", [(_ARTICLE_PATH, title), ("/about.html", "关于我们")]), encoding="utf-8")
    (fixture_dir / "article.html").write_text(article_html(title, "2020-01-14 09:30", paragraphs),
                                              encoding="utf-8")
    expected = {
        "listing_url": url, "article_url": article_url, "content_type": "text/html; charset=utf-8",
        "listing": {"article_urls": [article_url], "next_page": None},
        "article": {"title": title, "published": "2020-01-14T01:30:00Z", "extraction": "selectors",
                    "text_contains": ["区块链技术在政务服务中的应用"]},
    }
    (fixture_dir / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n",
                                               encoding="utf-8")
    return [entry_path, fixture_dir / "listing.html", fixture_dir / "article.html", fixture_dir / "expected.json"]
