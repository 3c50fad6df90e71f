"""A corpus of hostile inputs, generated here (no third-party text): web pages, raw-topic
messages, subscriptions and search queries. Each case has a name and the payload; the
drill (test_hostile_inputs.py) feeds them through the real entry points and checks
that each ends in a result, a clear error or a counted drop, never in a crash."""

from __future__ import annotations

import json
from dataclasses import dataclass

from tests.unit.consumers.raw_articles import raw_article

BODY = "<p>" + "为推动区块链技术和产业创新发展，省政府办公厅印发行动计划。" * 3 + "</p>"


@dataclass(frozen=True)
class Page:
    name: str
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    listing: bool = False  # parse as a listing page instead of an article


def _article(title: str, body: str, head: str = "") -> str:
    return (f"<html><head><meta charset='utf-8'>{head}<title>{title}</title></head>"
            f"<body><h1>{title}</h1><div class='TRS_Editor'>{body}</div></body></html>")


def pages() -> list[Page]:
    nested = "<div>" * 20000 + BODY + "</div>" * 20000
    gbk = _article("区块链产业发展行动计划", BODY).encode("gbk", "replace")
    return [
        Page("huge_3mb", _article("大页面", BODY + "<p>" + "填充文字。" * 200_000 + "</p>").encode()),
        Page("binary_png_as_html", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64),
        Page("binary_octet_stream", bytes(range(256)) * 16, "application/octet-stream"),
        Page("deeply_nested_20000", _article("嵌套", nested).encode()),
        Page("broken_tags", b"<html><body><h1>title<div class='TRS_Editor'><p>" + BODY.encode() + b"<b><i></p></div"),
        Page("gbk_labelled_utf8", gbk, "text/html; charset=utf-8"),
        Page("utf8_labelled_gbk", _article("区块链", BODY).encode(), "text/html; charset=gbk"),
        Page("unknown_charset", _article("区块链", BODY).encode(), "text/html; charset=x-klingon"),
        Page("utf16_with_bom", "\ufeff".encode("utf-16-le") + _article("区块链", BODY).encode("utf-16-le")),
        Page("script_only", b"<html><head><script>document.write('<h1>x</h1>')</script></head><body>"
                            b"<script>var a = 1;</script></body></html>"),
        Page("null_bytes", _article("空\x00字节", BODY.replace("，", "\x00")).encode()),
        Page("null_bytes_first", b"\x00" * 10 + _article("x", BODY).encode()),
        Page("empty", b""),
        Page("whitespace_only", b" \n\t " * 100),
        Page("title_only", b"<html><head><title>Only a title</title></head><body></body></html>"),
        Page("links_only", ("<html><body>" + "".join(f"<a href='/a/{n}.html'>link {n}</a>" for n in range(300))
                            + "</body></html>").encode()),
        Page("hundred_kb_title", _article("长" * 100_000, BODY).encode()),
        Page("control_chars_title", _article("标题\x07\x1b[31m\r\n注入", BODY).encode()),
        Page("zero_width_and_rtl", _article("\u200b\u202e区块链\u200d", BODY + "\u202e\u2066").encode()),
        Page("unterminated_comment", b"<html><body><!-- " + BODY.encode() * 50),
        Page("meta_refresh_elsewhere", _article("x", BODY, "<meta http-equiv='refresh' content='0;url=http://evil.example/'>"
                                                ).encode()),
        Page("base_href_other_domain", _article("x", BODY + "<a href='/a/1.html'>a</a>",
                                                "<base href='http://evil.example/'>").encode(), listing=True),
        Page("javascript_links", b"<html><body>" + b"<a href='javascript:alert(1)'>x</a>" * 100 + b"</body></html>",
             listing=True),
        Page("endless_pagination", b"<html><body><a href='/a/1.html'>a</a><a href='?page=999999'>\xe4\xb8\x8b\xe4\xb8"
                                   b"\x80\xe9\xa1\xb5</a></body></html>", listing=True),
        Page("hundred_thousand_links", ("<html><body>" + "<a href='/a/1.html'>x</a>" * 100_000 + "</body></html>").encode(),
             listing=True),
        Page("huge_attribute", _article("x", BODY, f"<meta name='x' content='{'A' * 2_000_000}'>").encode()),
        Page("entity_flood", _article("&amp;" * 10_000, "&#x0;&#xD800;&#99999999;" * 1000 + BODY).encode()),
    ]


def messages() -> dict[str, bytes]:
    """Raw-topic message values (all under CONSUMER_MAX_MESSAGE_BYTES but one)."""
    numbers = iter(range(7000, 8000))

    def article(**changes) -> bytes:  # each case its own article id
        payload = raw_article(next(numbers)).to_dict()
        payload.update(changes)
        return json.dumps(payload, ensure_ascii=False).encode()

    return {
        "msg_deeply_nested_json": b"[" * 100_000 + b"]" * 100_000,
        "msg_nan_and_infinity": b'{"schema": NaN, "schema_version": Infinity}',
        "msg_huge_number": b'{"schema_version": 1' + b"0" * 5000 + b"}",
        "msg_duplicate_keys": article()[:-1] + b', "title": ""}',
        "msg_lone_surrogate_text": article(text="区块链 \\ud800 政策").replace(b"\\\\ud800", b"\\ud800"),
        "msg_control_chars_title": article(title="标题\u0000\u0007\u001b[2J"),
        "msg_unparseable_dates": article(published="去年某天", fetched_at="not a time"),
        "msg_one_megabyte_title": article(title="链" * 300_000),
        "msg_ten_thousand_attachments": article(attachments=[{"url": f"https://x.example/{n}.pdf", "title": ""}
                                                             for n in range(10_000)]),
        "msg_attachment_not_url": article(attachments=[{"url": 5}]),
        "msg_wrong_types": article(title=["a list"], text={"an": "object"}),
        "msg_utf8_bom": b"\xef\xbb\xbf" + article(),
        "msg_three_megabytes": b"{" + b" " * (3 * 1024 * 1024) + b"}",
    }


def subscriptions() -> dict[str, object]:
    """Subscription mappings (or non-mappings) as a YAML file or the CLI would hand over."""
    good = {"id": "ok-sub", "email": "desk@example.com", "schedule": {"kind": "daily", "at": "08:00"}}

    def sub(**changes) -> dict:
        return {**good, **changes}

    return {
        "sub_bad_cron": sub(schedule={"kind": "cron", "cron": "61 25 * * *"}),
        "sub_cron_six_fields": sub(schedule={"kind": "cron", "cron": "* * * * * *"}),
        "sub_bad_timezone": sub(schedule={"kind": "daily", "at": "08:00", "timezone": "Mars/Olympus_Mons"}),
        "sub_bad_time": sub(schedule={"kind": "daily", "at": "25:61"}),
        "sub_unknown_region": sub(filters={"regions": ["Atlantis"]}),
        "sub_unknown_theme": sub(filters={"themes": ["moon_mining"]}),
        "sub_unknown_filter": sub(filters={"colour": ["red"]}),
        "sub_header_injection_name": sub(name="Li\r\nBcc: victim@example.com"),
        "sub_header_injection_email": sub(email="a@example.com\r\nBcc: victim@example.com"),
        "sub_email_no_at": sub(email="not-an-address"),
        "sub_email_two_ats": sub(email="a@b@example.com"),
        "sub_email_spaces": sub(email="a b@example.com"),
        "sub_id_path_traversal": sub(id="../../etc/passwd"),
        "sub_id_uppercase_unicode": sub(id="Ünïcode"),
        "sub_not_a_mapping": ["id", "email"],
        "sub_min_relevance_text": sub(filters={"min_relevance": "high"}),
        "sub_min_relevance_bool": sub(filters={"min_relevance": True}),
        "sub_huge_query": sub(filters={"query": "区块链 " * 10_000}),
        "sub_schedule_number": sub(schedule=42),
        "sub_unknown_field": sub(password="hunter2"),
    }


SUBSCRIPTION_FILES = {
    "yaml_not_yaml": "subscriptions: [unclosed\n  - {",
    "yaml_no_list": "subscriptions: 5\n",
    "yaml_python_tag": "subscriptions:\n  - !!python/object/apply:os.system ['echo pwned']\n",
    "yaml_duplicate_ids": ("subscriptions:\n" + "  - {id: twice, email: a@example.com, schedule: immediate}\n" * 2),
    "yaml_billion_laughs": ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                            "subscriptions: [*d]\n"),
}


def queries() -> dict[str, str]:
    """Free-text search queries as a user might type them into `policywatch search`."""
    return {
        "q_empty": "",
        "q_whitespace": "   \t\n ",
        "q_huge": "区块链 政策 " * 5000,
        "q_one_huge_term": "链" * 50_000,
        "q_lucene_syntax": 'title:区块链 AND (text:"政策" OR source:*) NOT _id:1^3~2',
        "q_lucene_specials": r'+ - && || ! ( ) { } [ ] ^ " ~ * ? : \ /',
        "q_unbalanced_quote": '"区块链 政策',
        "q_regex_and_wildcards": "/.*/ ???? *区块链*",
        "q_json_injection": '"}}, "query": {"match_all": {}}, "x": {"',
        "q_null_and_controls": "区块链\x00\x07\x1b",
        "q_lone_surrogate": "区块链 \ud800",
        "q_only_punctuation": "，。！？；：“”",
    }
