"""The articles indices in Elasticsearch: template files, names, alias.

Writes and reads go through the alias ``<prefix>-articles``. Behind it sit versioned
indices ``<prefix>-articles-v<mapping_version>-<generation>``: the mapping version
comes from deploy/elasticsearch/articles.json (bump it for a mapping change and run
``policywatch es migrate``), the six-digit generation grows on rollover. One index
template (``<prefix>-articles``) built from that file applies to every index of the
pattern, with the text analysis chosen for the node at hand (deploy/elasticsearch/
analysis/*.json, first one whose probe the node accepts).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policywatch.errors import PermanentError
from policywatch.store.es_errors import mapped_errors

log = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "deploy" / "elasticsearch"
TEMPLATE_PRIORITY = 200


class TemplateError(ValueError):
    """A template file under deploy/elasticsearch/ that is missing or malformed."""


@dataclass(frozen=True)
class Analysis:
    name: str
    probe: dict[str, Any]
    settings: dict[str, Any]


@dataclass(frozen=True)
class ArticlesTemplate:
    mapping_version: int
    settings: dict[str, Any]
    mappings: dict[str, Any]
    analyses: tuple[Analysis, ...]  # in order of preference


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TemplateError(f"{path}: file is missing") from None
    except json.JSONDecodeError as exc:
        raise TemplateError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: must hold a JSON object")
    return data


def _require(data: dict, path: Path, name: str, kind: type) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise TemplateError(f"{path}: field {name!r} must be a {kind.__name__}")
    return value


def load_template(directory: Path = TEMPLATE_DIR) -> ArticlesTemplate:
    """Read and check articles.json and the analysis files it names."""
    path = directory / "articles.json"
    data = _read_json(path)
    version = _require(data, path, "mapping_version", int)
    if version < 1:
        raise TemplateError(f"{path}: field 'mapping_version' must be 1 or more")
    mappings = _require(data, path, "mappings", dict)
    if not isinstance(mappings.get("properties"), dict) or mappings.get("dynamic") not in ("strict", False):
        raise TemplateError(f"{path}: 'mappings' needs 'properties' and \"dynamic\": \"strict\" or false")
    analyses = []
    for name in _require(data, path, "analysis_preference", list):
        analysis_path = directory / "analysis" / f"{name}.json"
        analysis = _read_json(analysis_path)
        analyses.append(Analysis(name, _require(analysis, analysis_path, "probe", dict),
                                 _require(analysis, analysis_path, "analysis", dict)))
    if not analyses:
        raise TemplateError(f"{path}: field 'analysis_preference' names no analysis file")
    return ArticlesTemplate(version, _require(data, path, "settings", dict), mappings, tuple(analyses))


@dataclass(frozen=True)
class IndexOptions:
    """Per-deployment index settings (from settings.py by the caller)."""

    refresh_interval: str = "1s"
    replicas: int = 0


@dataclass(frozen=True)
class ArticleIndexNames:
    prefix: str

    @property
    def alias(self) -> str:
        return f"{self.prefix}-articles"

    @property
    def template(self) -> str:
        return f"{self.prefix}-articles"

    @property
    def pattern(self) -> str:
        return f"{self.prefix}-articles-v*"

    def index(self, mapping_version: int, generation: int = 1) -> str:
        return f"{self.prefix}-articles-v{mapping_version}-{generation:06d}"

    def parse(self, index: str) -> tuple[int, int] | None:
        """(mapping_version, generation) of one of our index names, else None."""
        match = re.fullmatch(re.escape(self.prefix) + r"-articles-v(\d+)-(\d{6})", index)
        return (int(match.group(1)), int(match.group(2))) if match else None


def choose_analysis(client, template: ArticlesTemplate) -> Analysis:
    """The first analysis in order of preference that the node supports."""
    for analysis in template.analyses:
        try:
            with mapped_errors("probing text analysis"):
                client.indices.analyze(**analysis.probe)
        except PermanentError as exc:  # refused (400): not supported here, try the next
            log.info("text analysis not available on this node",
                     extra={"analysis": analysis.name, "reason": str(exc)[:200]})
            continue
        log.info("text analysis chosen", extra={"analysis": analysis.name})
        return analysis
    raise TemplateError("no analysis under deploy/elasticsearch/analysis/ is supported by this node")


def template_body(names: ArticleIndexNames, template: ArticlesTemplate, analysis: Analysis,
                  options: IndexOptions) -> dict[str, Any]:
    """The composable index template, with a hash of itself in ``_meta`` so an
    unchanged template is recognised and left alone."""
    index_settings = {**template.settings, "analysis": analysis.settings,
                      "refresh_interval": options.refresh_interval,
                      "number_of_replicas": options.replicas}
    mappings = {**template.mappings, "_meta": {"mapping_version": template.mapping_version}}
    body = {"index_patterns": [names.pattern], "priority": TEMPLATE_PRIORITY,
            "template": {"settings": index_settings, "mappings": mappings}}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()
    body["_meta"] = {"mapping_version": template.mapping_version, "analysis": analysis.name,
                     "content_sha256": digest}
    return body


def put_template(client, names: ArticleIndexNames, body: dict[str, Any]) -> bool:
    """Install the template unless the same one is there; True when it changed."""
    with mapped_errors(f"reading index template {names.template}"):
        existing = client.options(ignore_status=404).indices.get_index_template(name=names.template)
    for item in existing.get("index_templates", []) if existing else []:
        if item["index_template"].get("_meta", {}).get("content_sha256") == body["_meta"]["content_sha256"]:
            return False
    with mapped_errors(f"installing index template {names.template}"):
        client.indices.put_index_template(name=names.template, **body)
    log.info("index template installed", extra={"template": names.template, **body["_meta"]})
    return True


def alias_indices(client, names: ArticleIndexNames) -> dict[str, bool]:
    """Indices behind the alias, each with whether it is the write index."""
    with mapped_errors(f"reading alias {names.alias}"):
        response = client.options(ignore_status=404).indices.get_alias(name=names.alias)
    if response.meta.status == 404:
        return {}
    found = {}
    for index, entry in response.body.items():
        alias = entry.get("aliases", {}).get(names.alias)
        if alias is not None:
            found[index] = bool(alias.get("is_write_index", False))
    if len(found) == 1:  # an alias over one index writes to it without the flag
        found = dict.fromkeys(found, True)
    return found


def ensure_alias(client, names: ArticleIndexNames, mapping_version: int) -> bool:
    """Create the first index with the alias on it, unless the alias exists; True when
    created."""
    if alias_indices(client, names):
        return False
    index = names.index(mapping_version)
    with mapped_errors(f"creating index {index}"):
        response = client.options(ignore_status=400).indices.create(
            index=index, aliases={names.alias: {"is_write_index": True}})
    if response.meta.status == 400:
        if "resource_already_exists_exception" not in str(response.body):
            raise TemplateError(f"creating index {index} failed: {response.body}")
        # The index is there without the alias (an interrupted bootstrap): attach it.
        with mapped_errors(f"adding alias {names.alias}"):
            client.indices.update_aliases(actions=[
                {"add": {"index": index, "alias": names.alias, "is_write_index": True}}])
    log.info("articles index created", extra={"index": index, "alias": names.alias})
    return True


def ensure_articles(client, prefix: str, options: IndexOptions, directory: Path = TEMPLATE_DIR) -> dict[str, bool]:
    """Template, first index and alias for ``prefix``; idempotent. Says what changed."""
    names = ArticleIndexNames(prefix)
    template = load_template(directory)
    body = template_body(names, template, choose_analysis(client, template), options)
    return {"template": put_template(client, names, body),
            "alias": ensure_alias(client, names, template.mapping_version)}
