"""Blockchain-policy classifier: labels of ../shared/taxonomy.md with evidence.

``classify(title, text, lang=None, url=None)`` is pure and never raises: any input
(empty, megabytes, binary garbage, other languages) gives a well-formed result. The
lexicons (YAML under ``lexicons/``) are loaded and compiled once, by ``lexicon()`` on
first use (not at import: every ``policywatch`` command imports this package to
register its subcommands, and a crawler should not pay a second for lexicons). Stages
that classify call ``lexicon()`` at start-up, so a broken lexicon stops them there.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from consumers.classifier import engine
from consumers.classifier.lexicon import Lexicon, LexiconError, load
from consumers.classifier.normalise import clean_sized

__all__ = ["classify", "CLASSIFIER_VERSION", "LexiconError"]

log = logging.getLogger(__name__)



@cache
def lexicon() -> Lexicon:
    """The compiled lexicons; raises LexiconError naming the file, entry and field."""
    return load()


def __getattr__(name: str) -> Any:
    if name == "CLASSIFIER_VERSION":  # the lexicons' version, read on first use
        return lexicon().version
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def empty_labels(doc_type: str = "news_report") -> dict[str, Any]:
    """The labels of an article with nothing to go on: not relevant, no regions."""
    return {"relevant": False, "relevance": 0.0, "regions": [], "themes": [], "applications": [],
            "doc_type": doc_type, "evidence": [], "classifier_version": lexicon().version}


def classify(title: str, text: str, lang: str | None = None, url: str | None = None) -> dict[str, Any]:
    """Labels of one article: exactly the keys of ``policywatch.schema.LABEL_FIELDS``.

    ``lang`` and ``url`` are accepted for callers that have them; the lexicons cover
    Chinese (simplified and traditional) and English together, so they are not needed
    to choose one.
    """
    lex = lexicon()  # outside the try: a broken lexicon is not a bad article
    try:
        (title_s, title_size), (text_s, text_size) = clean_sized(title, 2_000), clean_sized(text)
        if not (title_s.strip() or text_s.strip()):
            return empty_labels(lex.doc_rules.default)
        labels = engine.classify_text(lex, title_s, text_s, title_size + 1 + text_size)
        labels["classifier_version"] = lex.version
        return labels
    except Exception:  # a bug must not stop the consumer loop; the article stays unlabelled
        log.exception("classifier failed on an article", extra={"url": url if isinstance(url, str) else None})
        return empty_labels(lex.doc_rules.default)
