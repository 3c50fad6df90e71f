"""The sources registry: coverage of the real registry, and rejection of bad entries."""

from __future__ import annotations

import pytest

from crawlers.registry import RegistryError, load_file, load_registry
from crawlers.spiderloader import default_registry
from policywatch.taxonomy import REGIONS

PROVINCES = [r for r in REGIONS if r not in ("Hong Kong", "Macau", "Taiwan", "National")]


def test_registry_covers_every_mainland_province_central_bodies_and_media():
    registry = default_registry()
    provincial = [s for s in registry.values() if s.kind == "provincial"]
    assert sorted(s.region for s in provincial) == sorted(PROVINCES)
    assert all(len(s.start_urls) >= 2 for s in provincial), "news and policy sections"
    assert {"gov-cn-policy", "gov-cn-news", "ndrc", "miit", "cac", "pbc", "caict-whitepapers"} <= set(registry)
    media = [s for s in registry.values() if s.kind == "media"]
    assert len(media) >= 6 and any(s.lang == "en" for s in media)
    assert any(s.feeds for s in registry.values())


def test_every_start_url_is_inside_allowed_domains():
    for source in default_registry().values():
        assert all(source.in_domains(u) for u in (*source.start_urls, *source.feeds, *source.sitemaps)), source.name


GOOD = """
sources:
  - name: gov-test
    kind: provincial
    region: Henan
    lang: zh
    start_urls: [https://www.henan.gov.cn/ywdt/]
    allowed_domains: [henan.gov.cn]
    article_pattern: '/t20\\d{6}_\\d+\\.html$'
"""


def _write(tmp_path, text):
    path = tmp_path / "test.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_entry_loads_with_defaults(tmp_path):
    (source,) = load_file(_write(tmp_path, GOOD))
    assert source.timezone == "Asia/Shanghai" and source.every_minutes == 180
    assert source.article_re.search("https://www.henan.gov.cn/a/t20200114_1.html")


@pytest.mark.parametrize(("old", "new", "field"), [
    ("region: Henan", "region: Henan Province", "region"),
    ("kind: provincial", "kind: blog", "kind"),
    ("lang: zh", "lang: fr", "lang"),
    ("https://www.henan.gov.cn/ywdt/", "https://www.example.com/ywdt/", "start_urls"),
    ("'/t20\\d{6}_\\d+\\.html$'", "'/t20(\\d{6}_\\d+\\.html$'", "article_pattern"),
    ("name: gov-test", "name: Gov Test", "name"),
    ("    lang: zh\n", "    lang: zh\n    every_minutes: 1\n", "every_minutes"),
    ("    lang: zh\n", "    lang: zh\n    timezone: Mars/Olympus\n", "timezone"),
    ("    lang: zh\n", "    lang: zh\n    selectors: {title: 'h1[['}\n", "selectors.title"),
    ("    lang: zh\n", "    lang: zh\n    colour: red\n", "colour"),
    ("    allowed_domains: [henan.gov.cn]\n", "", "allowed_domains"),
])
def test_a_bad_entry_is_rejected_naming_file_entry_and_field(tmp_path, old, new, field):
    assert old in GOOD
    with pytest.raises(RegistryError) as error:
        load_file(_write(tmp_path, GOOD.replace(old, new)))
    message = str(error.value)
    assert message.startswith("test.yaml: entry ")
    assert f"field '{field}'" in message


def test_duplicate_names_across_files_are_rejected(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(RegistryError, match="b.yaml: entry gov-test: field 'name': already declared in a.yaml"):
        load_registry(tmp_path)


def test_broken_yaml_names_the_file(tmp_path):
    with pytest.raises(RegistryError, match="test.yaml: not valid YAML"):
        load_file(_write(tmp_path, "sources: [\n"))


def test_an_entry_naming_a_missing_spider_class_is_rejected(tmp_path):
    from crawlers.spiderloader import custom_spiders, spider_class_for

    (source,) = load_file(_write(tmp_path, GOOD.replace("    lang: zh\n", "    lang: zh\n    spider: NoSuchSpider\n")))
    with pytest.raises(RegistryError, match="test.yaml: entry gov-test: field 'spider': no class NoSuchSpider"):
        spider_class_for(source, custom_spiders())
    sina = default_registry()["media-sina-finance"]
    assert spider_class_for(sina, custom_spiders()).__mro__[1].__name__ == "SinaRollSpider"
