"""The zh and en UI strings of digests and the unsubscribe pages (templates/strings.yaml).

Checked when loaded: both languages carry the same keys, and every label value of
policywatch/taxonomy.py has a Chinese display name, so a digest never shows a blank.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from policywatch.taxonomy import LABEL_VALUES

STRINGS_FILE = Path(__file__).resolve().parent / "templates" / "strings.yaml"


class StringsError(ValueError):
    """strings.yaml is incomplete or malformed."""


@lru_cache(maxsize=1)
def _load() -> dict:
    data = yaml.safe_load(STRINGS_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(data.get(k), dict) for k in ("en", "zh", "labels_zh")):
        raise StringsError(f"{STRINGS_FILE}: needs mappings 'en', 'zh' and 'labels_zh'")
    for lang, other in (("en", "zh"), ("zh", "en")):
        missing = set(data[other]) - set(data[lang])
        if missing:
            raise StringsError(f"{STRINGS_FILE}: entry '{lang}' lacks field '{sorted(missing)[0]}'")
    for field, values in LABEL_VALUES.items():
        for value in values:
            if not data["labels_zh"].get(value):
                raise StringsError(f"{STRINGS_FILE}: entry 'labels_zh' lacks {field} value '{value}'")
    return data


def text(language: str, key: str, **values) -> str:
    return _load()[language][key].format(**values)


def label(language: str, value: str) -> str:
    """Display name of a label value (region, theme, application, doc type)."""
    if language == "zh":
        return _load()["labels_zh"].get(value, value)
    return value.replace("_", " ")
