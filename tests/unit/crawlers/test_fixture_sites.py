"""Every source's fixture pages, parsed offline by the spider that crawls the source.

tests/fixtures/sites/<source>/ holds a listing page (listing.html, or listing.json for
JSON listings), an article page, optionally feed.xml, and expected.json. A new source
needs new fixture files only: this one test discovers them (`policywatch sources add`
writes a first version).
"""

from __future__ import annotations

import pytest

from crawlers.spiderloader import default_registry
from tests.support.fixture_site import FIXTURE_SITES
from tests.unit.crawlers.offline import check_fixture_site

REGISTRY = default_registry()
SITES = sorted(p.parent.name for p in FIXTURE_SITES.glob("*/expected.json"))


def test_every_registry_source_has_fixtures_and_every_fixture_a_source():
    assert not set(REGISTRY) - set(SITES), f"sources without fixtures: {sorted(set(REGISTRY) - set(SITES))}"
    assert not set(SITES) - set(REGISTRY), f"fixtures without a source: {sorted(set(SITES) - set(REGISTRY))}"


@pytest.mark.parametrize("name", SITES)
def test_fixture_site(name):
    check_fixture_site(FIXTURE_SITES / name, REGISTRY[name])
