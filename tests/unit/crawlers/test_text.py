"""Dates and encodings as Chinese and English pages write them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from crawlers.dates import published_utc
from crawlers.encoding import choose_encoding

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("text", "expected"), [
    ("2020年1月14日", "2020-01-13T16:00:00Z"),
    ("2020年01月14日", "2020-01-13T16:00:00Z"),
    ("2020年01月14日09:30 | 来源：人民网", "2020-01-14T01:30:00Z"),
    ("发布时间：2020-01-14 09:30", "2020-01-14T01:30:00Z"),
    ("2020/01/14", "2020-01-13T16:00:00Z"),
    ("2020-01-14", "2020-01-13T16:00:00Z"),
    ("Updated: 2020-01-14T09:30:00+08:00", "2020-01-14T01:30:00Z"),
    ("January 14, 2020", "2020-01-13T16:00:00Z"),
    ("14 Jan 2020", "2020-01-13T16:00:00Z"),
    ("Tue, 14 Jan 2020 01:30:00 GMT", "2020-01-13T17:30:00Z"),
    ("2020-13-45 then 2020-02-01", "2020-01-31T16:00:00Z"),
])
def test_dates_are_read_in_the_source_time_zone_and_stored_in_utc(text, expected):
    assert published_utc([text], "https://example.org/", SHANGHAI) == expected


def test_a_date_in_the_url_is_the_last_resort():
    assert published_utc([None, "no date"], "https://www.ndrc.gov.cn/tz/202001/t20200114_1.html", SHANGHAI) \
        == "2020-01-13T16:00:00Z"
    assert published_utc(["no date"], "https://example.org/a.html", SHANGHAI) is None


def test_other_time_zones_are_honoured():
    assert published_utc(["2020-01-14 09:30"], "", ZoneInfo("Europe/London")) == "2020-01-14T09:30:00Z"


GBK_PAGE = "<html><head><meta charset='gb2312'></head><body>区块链试点，联系人：张喆</body></html>".encode("gbk")


def test_gb2312_labels_decode_as_gb18030_so_gbk_only_characters_survive():
    encoding = choose_encoding(GBK_PAGE, "text/html; charset=gb2312")
    assert encoding == "gb18030" and "张喆" in GBK_PAGE.decode(encoding)


def test_a_gbk_page_labelled_utf8_falls_back_to_gb18030():
    assert choose_encoding(GBK_PAGE, "text/html; charset=utf-8") == "gb18030"


def test_an_unlabelled_page_is_utf8_if_it_decodes_else_gb18030():
    assert choose_encoding("区块链".encode("utf-8")) == "utf-8"
    assert choose_encoding("区块链".encode("gbk")) == "gb18030"


def test_a_forced_encoding_wins():
    assert choose_encoding("abc".encode("ascii"), "text/html; charset=utf-8", forced="gbk") == "gb18030"
