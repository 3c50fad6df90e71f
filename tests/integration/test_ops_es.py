"""``policywatch es migrate`` wiring on the real Elasticsearch: with the live mapping
already current it refuses with a clear one-line error and changes nothing."""

import subprocess
import sys

import pytest

from policywatch.store.elasticsearch import ElasticsearchArticleStore
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.integration


def test_migrate_without_a_mapping_change_is_refused_and_leaves_the_alias(es_client, es_url, es_prefix, tmp_path):
    store = ElasticsearchArticleStore(es_client, es_prefix)
    store.ensure_ready()
    before = es_client.indices.get_alias(name=store.alias)
    result = subprocess.run([sys.executable, "-m", "policywatch", "es", "migrate"], cwd=REPO_ROOT,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "POLICYWATCH_DATA_DIR": str(tmp_path),
                                 "ELASTICSEARCH_URL": es_url, "ELASTICSEARCH_INDEX_PREFIX": es_prefix},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "is not newer than the live version" in result.stderr
    assert es_client.indices.get_alias(name=store.alias) == before
