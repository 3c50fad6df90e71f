"""Kibana saved objects (deploy/kibana/*.ndjson): loading, checking, importing.

The NDJSON files are data: ``load_saved_objects`` validates them (every line an object
with a type, a stable id and attributes; every reference resolvable) with errors that
name the file, the line and the field. ``referenced_fields`` lists the document fields an
object uses, so a test can hold them against the Elasticsearch mapping.
``import_saved_objects`` posts them to Kibana's saved-objects import API.
"""

from __future__ import annotations

import base64
import json
import re
import ssl
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KIBANA_DIR = Path(__file__).resolve().parents[2] / "deploy" / "kibana"
_TYPES = ("index-pattern", "search", "visualization", "lens", "dashboard")
# A field name before a KQL operator: `relevant:true`, `published >= now-7d`.
_KQL_FIELD = re.compile(r"(?<![\w.\"])([A-Za-z_][\w.]*)\s*(?::|>=|<=|>|<)")


class SavedObjectsError(ValueError):
    """A saved-objects file that does not follow the format."""


class KibanaError(Exception):
    """Kibana could not be reached or refused a request; ``fix`` says what to do."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.fix = fix


@dataclass(frozen=True)
class SavedObject:
    file: str
    line: int
    body: dict[str, Any]

    @property
    def key(self) -> tuple[str, str]:
        return self.body["type"], self.body["id"]

    def where(self) -> str:
        return f"{self.file}:{self.line} ({self.body.get('type')} {self.body.get('id')})"


def load_saved_objects(directory: Path = KIBANA_DIR) -> list[SavedObject]:
    """Every saved object of every ``*.ndjson`` in ``directory`` (files in name order),
    validated; raises SavedObjectsError naming the file, line and field."""
    objects: list[SavedObject] = []
    files = sorted(directory.glob("*.ndjson"))
    if not files:
        raise SavedObjectsError(f"{directory}: no *.ndjson saved-objects files")
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                objects.append(_parse_line(path.name, number, line))
    seen: dict[tuple[str, str], SavedObject] = {}
    for obj in objects:
        if obj.key in seen:
            raise SavedObjectsError(f"{obj.where()}: same type and id as {seen[obj.key].where()}")
        seen[obj.key] = obj
    for obj in objects:
        for reference in obj.body["references"]:
            if (reference.get("type"), reference.get("id")) not in seen:
                raise SavedObjectsError(f"{obj.where()}: field references: {reference.get('type')} "
                                        f"{reference.get('id')!r} is not defined in {directory}")
    return objects


def _parse_line(file: str, number: int, line: str) -> SavedObject:
    where = f"{file}:{number}"
    try:
        body = json.loads(line)
    except json.JSONDecodeError as exc:
        raise SavedObjectsError(f"{where}: not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise SavedObjectsError(f"{where}: not a JSON object")
    if body.get("type") not in _TYPES:
        raise SavedObjectsError(f"{where}: field type: {body.get('type')!r} is not one of {_TYPES}")
    if not isinstance(body.get("id"), str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", body["id"]):
        raise SavedObjectsError(f"{where}: field id: {body.get('id')!r} must be a stable lower-case-dashed id")
    attributes = body.get("attributes")
    if not isinstance(attributes, dict) or not isinstance(attributes.get("title"), str):
        raise SavedObjectsError(f"{where}: field attributes.title is missing")
    if not isinstance(body.get("references"), list):
        raise SavedObjectsError(f"{where}: field references must be a list")
    for name in ("visState", "panelsJSON", "optionsJSON", "uiStateJSON", "fieldAttrs", "runtimeFieldMap",
                 "sourceFilters"):
        if name in attributes:
            _embedded_json(where, f"attributes.{name}", attributes[name])
    meta = attributes.get("kibanaSavedObjectMeta", {}).get("searchSourceJSON")
    if meta is not None:
        _embedded_json(where, "attributes.kibanaSavedObjectMeta.searchSourceJSON", meta)
    return SavedObject(file, number, body)


def _embedded_json(where: str, field: str, text: Any) -> Any:
    try:
        return json.loads(text)
    except (TypeError, json.JSONDecodeError) as exc:
        raise SavedObjectsError(f"{where}: field {field} is not a JSON string: {exc}") from None


def referenced_fields(obj: SavedObject) -> set[str]:
    """Document fields the object uses: a data view's time field and hidden fields, a
    search's columns, sort and query, a visualization's aggregation fields and query."""
    attributes = obj.body["attributes"]
    fields: set[str] = set()
    if obj.body["type"] == "index-pattern":
        fields.update([attributes["timeFieldName"]] if attributes.get("timeFieldName") else [])
        fields.update(entry["value"] for entry in json.loads(attributes.get("sourceFilters", "[]")))
    fields.update(attributes.get("columns", []))
    fields.update(column for column, _direction in attributes.get("sort", []))
    source = json.loads(attributes.get("kibanaSavedObjectMeta", {}).get("searchSourceJSON", "{}"))
    fields.update(_KQL_FIELD.findall(source.get("query", {}).get("query", "")))
    fields.update(f["meta"]["key"] for f in source.get("filter", []) if f.get("meta", {}).get("key"))
    if "visState" in attributes:
        for agg in json.loads(attributes["visState"]).get("aggs", []):
            if agg.get("params", {}).get("field"):
                fields.add(agg["params"]["field"])
    return fields


def data_view_titles(objects: list[SavedObject]) -> dict[str, str]:
    """Data view id -> its index pattern (the alias it reads)."""
    return {o.body["id"]: o.body["attributes"]["title"] for o in objects if o.body["type"] == "index-pattern"}


def data_view_of(obj: SavedObject) -> str | None:
    """The id of the data view a search or visualization reads, if any."""
    return next((r["id"] for r in obj.body["references"] if r["type"] == "index-pattern"), None)


def to_ndjson(objects: list[SavedObject]) -> bytes:
    return "".join(json.dumps(o.body, ensure_ascii=False) + "\n" for o in objects).encode("utf-8")


def auth_headers(api_key: str = "", username: str = "", password: str = "") -> dict[str, str]:
    """Kibana accepts the Elasticsearch credentials: an API key or basic auth."""
    headers = {"kbn-xsrf": "policywatch"}
    if api_key:
        headers["Authorization"] = f"ApiKey {api_key}"
    elif username:
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    return headers


def request_json(method: str, url: str, headers: dict[str, str], body: bytes | None = None,
                 content_type: str = "", ca_certs: str = "", verify: bool = True,
                 timeout_s: float = 30.0) -> dict[str, Any]:
    """One HTTP request to Kibana, the JSON answer back; KibanaError with a fix otherwise."""
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
    if content_type:
        request.add_header("Content-Type", content_type)
    context = ssl.create_default_context(cafile=ca_certs or None)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(request, timeout=timeout_s, context=context) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", "replace")
        fix = ("check ELASTICSEARCH_API_KEY or ELASTICSEARCH_USERNAME/PASSWORD: Kibana takes the same credentials "
               "(the user needs the policywatch_kibana_editor role to import)") if exc.code in (401, 403) \
            else "look at Kibana's log"
        raise KibanaError(f"Kibana at {url} answered {exc.code}: {detail}", fix) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise KibanaError(f"Kibana is unreachable at {url}: {reason}",
                          "start Kibana or fix KIBANA_URL (e.g. http://kibana:5601); it takes a minute to start") from None
    except json.JSONDecodeError as exc:
        raise KibanaError(f"Kibana at {url} did not answer JSON: {exc}", "is KIBANA_URL really Kibana?") from None


def import_saved_objects(url: str, headers: dict[str, str], ndjson: bytes, ca_certs: str = "",
                         verify: bool = True, timeout_s: float = 60.0) -> dict[str, Any]:
    """POST the objects to ``/api/saved_objects/_import?overwrite=true``; returns Kibana's
    answer ({"success", "successCount", "errors"}). Raises KibanaError when Kibana is
    unreachable or reports errors."""
    boundary = f"policywatch-{uuid.uuid4().hex}"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"policywatch.ndjson\"\r\n"
            f"Content-Type: application/ndjson\r\n\r\n").encode() + ndjson + f"\r\n--{boundary}--\r\n".encode()
    answer = request_json("POST", f"{url.rstrip('/')}/api/saved_objects/_import?overwrite=true", headers, body,
                          content_type=f"multipart/form-data; boundary={boundary}", ca_certs=ca_certs,
                          verify=verify, timeout_s=timeout_s)
    if not answer.get("success"):
        errors = "; ".join(f"{e.get('type')} {e.get('id')}: {e.get('error')}" for e in answer.get("errors", []))
        raise KibanaError(f"Kibana refused some objects: {errors or answer}",
                          "fix the objects in deploy/kibana/ (the Kibana version must be 8.x)")
    return answer
