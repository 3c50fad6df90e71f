"""Load, validate and compile the classifier's lexicons (YAML files in ``lexicons/``).

The lexicons are business data an analyst edits: every phrase that signals a region, a
theme, an application, a document type or relevance lives there, with its weight. This
module checks them (an error names the file, the entry and the field), folds every
phrase the way the text is folded (traditional -> simplified, ASCII lower case) and
compiles all of them into ONE Aho-Corasick automaton (the native scanner of
native/scan), so an article is scanned once.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from consumers.classifier.counties import county_phrases
from consumers.classifier.hits import lemma
from consumers.classifier.native import Scanner
from consumers.classifier.normalise import fold, variants
from policywatch.taxonomy import APPLICATIONS, DOC_TYPES, REGIONS, THEMES

LEXICON_DIR = Path(__file__).with_name("lexicons")
LEXICON_VERSION = "lexicon-1.11"
# Signal groups that name what the article must be about (blockchain, crypto assets, a
# central-bank digital currency): labels of policy content count only near one, and an
# article without any is not relevant.
ANCHOR_GROUPS = ("blockchain", "crypto", "cbdc")
# Kinds of term looked at only in a relevant article: an article whose text has no
# anchor phrase at all does not need their hits (most news mentions no blockchain).
CONTENT_KINDS = frozenset({"theme", "application", "cue"})


# libyaml's safe loader parses the same YAML as PyYAML's own, ten times faster (most of
# the start-up was parsing the lexicons); PyYAML's where libyaml is not built in.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# What ``\s`` matches in a regex over a str (every space character is in the BMP).
_SPACES = frozenset(c for c in map(chr, range(0x10000)) if c.isspace())


class LexiconError(ValueError):
    """A lexicon file that does not follow its schema; the message says where."""


@dataclass(frozen=True)
class Term:
    """One phrase of one lexicon: what it signals when found in a text."""

    kind: str          # "place", "national", "theme", "application", "signal", "doctype",
                       # "first_person", "customer_notice", "issue_verb", "doc_noun"
    labels: tuple[str, ...]  # regions / theme / application / signal group / doc type
    weight: float
    word: bool         # ASCII phrase: must stand as a whole word
    title_only: bool = False
    # The lemma (hits.lemma) of the spelling this term was compiled for: a hit spans
    # exactly the pattern it matched, so the rules that count each phrase once need not
    # slice and look it up per hit. Each spelling has its own copy; equality ignores it.
    lemma: str | None = field(default=None, compare=False)


# Prefix of the keys under which ``hits.scan`` lists the hits of each relevance signal group.
SIGNAL = "signal:"


def bucket(term: Term) -> str:
    """Under which key ``hits.scan`` lists the hits of ``term``: its kind, and for a
    relevance signal its group too ("signal:blockchain"): the scan sorts the hits out
    once, and the groups' weights need no second pass over them."""
    return SIGNAL + term.labels[0] if term.kind == "signal" else term.kind


@dataclass
class Lexicon:
    scanner: Scanner  # every phrase and the hits a match of it makes (hits.scan)
    buckets: tuple[str, ...]  # the keys under which hits.scan lists hits (bucket()), by slot
    version: str
    org_suffix: re.Pattern[str]
    org_prefix: re.Pattern[str]
    local_prefix_chars: frozenset[str]
    org_suffix_first: frozenset[str]  # the characters a match of org_suffix may start with
    org_prefix_last: frozenset[str]  # the last characters of org prefixes (and spaces may follow them)
    relevance: dict[str, Any]
    doc_rules: DocRules
    label_min: dict[str, float]
    scenario_min_applications: int
    scenario_exempt: frozenset[str]
    crypto_keep: frozenset[str]
    cbdc_keep: frozenset[str]
    list_weight: float
    list_max_gap: int
    list_gap: re.Pattern[str]
    generic_below: float
    generic_near_zh: int
    generic_near_en: int
    industry_after: re.Pattern[str]
    industry_first: frozenset[str]  # the characters a match of industry_after may start with
    peer_max_gap: int
    peer_gap: re.Pattern[str]
    peer_last: frozenset[str]   # the last characters of peer separators, and spaces
    peer_first: frozenset[str]  # their first characters, and spaces
    generic_clues: dict[str, tuple[str, ...]]
    area_after: re.Pattern[str]
    area_before: re.Pattern[str]
    plan_title: re.Pattern[str]
    body_after: re.Pattern[str]
    body_first: frozenset[str]
    departments: Term | None
    joiner: re.Pattern[str]
    compound_min: float
    # applications found in a CBDC-focused article that are kept beside cbdc_keep
    cbdc_found: frozenset[str] = frozenset()
    central_marks: tuple[str, ...] = ()  # in an actor's name: central even after a place name
    # themes whose weight-1 phrases count anywhere in a relevant article, not only near a mention
    theme_framing: frozenset[str] = frozenset()
    # themes whose weight-1 phrases count within this many times the anchors' window of a mention
    theme_far: dict[str, float] = field(default_factory=dict)
    # the same for an article in English (theme_far where far_english names no factor)
    theme_far_english: dict[str, float] = field(default_factory=dict)
    # a unified platform (全省统一的…平台): the pattern, its marks, and the theme hit each match makes
    shared_platform: tuple[re.Pattern[str], tuple[str, ...], Term] | None = None
    # themes that an article about a central-bank digital currency does not take
    cbdc_theme_drop: frozenset[str] = frozenset()
    # applications kept beside crypto_keep in a crypto-focused article when named specifically
    crypto_found: frozenset[str] = frozenset()
    # (application, the lemmas of its bare words, those of the finance named for it): in an
    # article that names the finance, the bare words count nothing (供应链 where 供应链金融 is)
    absorbed: tuple[tuple[str, frozenset[str], frozenset[str]], ...] = ()


def _err(path: Path, entry: str, fieldname: str, problem: str) -> LexiconError:
    return LexiconError(f"{path.name}: entry {entry!r}, field {fieldname!r}: {problem}")


def _phrases(path: Path, entry: str, fieldname: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(p, str) and p.strip() for p in value):
        raise _err(path, entry, fieldname, "must be a list of non-empty strings")
    return [p.strip() for p in value]


def _labels(path: Path, entry: str, fieldname: str, value: Any, allowed: tuple[str, ...]) -> list[str]:
    """A list of taxonomy labels, each one of ``allowed``."""
    labels = _phrases(path, entry, fieldname, value)
    unknown = [label for label in labels if label not in allowed]
    if unknown:
        raise _err(path, entry, fieldname, f"{unknown} are not labels of {allowed}")
    return labels


def _number(path: Path, entry: str, fieldname: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _err(path, entry, fieldname, "must be a number")
    return float(value)


def _mapping(path: Path, entry: str, fieldname: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _err(path, entry, fieldname, "must be a mapping")
    return value


def _read(path: Path) -> dict[str, Any]:
    """The top-level mapping of a lexicon file (read-only: it is shared). ``load`` asks for
    a file once per section it validates; each version of the file is parsed once (the
    YAML parse is most of the start-up time)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise LexiconError(f"{path.name}: cannot be read as YAML: {exc}") from None
    return _parse(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _parse(path: Path, mtime_ns: int, size: int) -> dict[str, Any]:
    """``path`` parsed; the modification time and size key the cache, so an edited file is
    read again."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise LexiconError(f"{path.name}: cannot be read as YAML: {exc}") from None
    if not isinstance(data, dict):
        raise LexiconError(f"{path.name}: top level must be a mapping")
    return data


class _Builder:
    """Collects (phrase -> terms) before the automaton is made."""

    def __init__(self) -> None:
        self.entries: dict[str, list[Term]] = {}

    def add(self, phrase: str, term: Term, *, as_written: bool = False) -> None:
        key = phrase if as_written else fold(phrase)
        word = bool(re.fullmatch(r"[\x20-\x7e]+", key)) and key[:1].isalnum() and key[-1:].isalnum()
        term = Term(term.kind, term.labels, term.weight, word, term.title_only)
        terms = self.entries.setdefault(key, [])
        if term not in terms:  # the same phrase listed twice counts once
            terms.append(term)

    def build(self) -> tuple[Scanner, tuple[str, ...]]:
        """The scanner over every phrase and its traditional spellings (the text is not
        folded: too slow) with the hits a match of each makes, by slot of its bucket (and
        without CONTENT_KINDS, for a text no anchor phrase makes one that may be
        relevant), and the buckets by slot: what ``hits.scan`` needs per match, looked
        up once here rather than per hit."""
        patterns: list[str] = []
        payloads: list[tuple[tuple[str, Term], ...]] = []
        for key, terms in self.entries.items():
            for form in variants(key):
                patterns.append(form)
                spelled = [replace(term, lemma=lemma(form)) for term in terms]
                payloads.append(tuple((bucket(term), term) for term in spelled))
        buckets = tuple(sorted({key for payload in payloads for key, _ in payload}))
        slot = {key: i for i, key in enumerate(buckets)}
        full = [[(slot[key], term) for key, term in payload] for payload in payloads]
        core = [[(slot[key], term) for key, term in payload if key not in CONTENT_KINDS] for payload in payloads]
        words = [payload[0][1].word for payload in payloads]
        anchors = [any(term.kind == "signal" and term.labels[0] in ANCHOR_GROUPS for _, term in payload)
                   for payload in payloads]
        return Scanner(patterns, full, core, words, anchors, len(buckets)), buckets


def _load_places(builder: _Builder, path: Path, counties: Path) -> tuple[re.Pattern[str], re.Pattern[str], frozenset[str],
                                                                         frozenset[str], frozenset[str], tuple[str, ...]]:
    data = _read(path)
    regions = _mapping(path, "regions", "regions", data.get("regions"))
    known: dict[str, str] = {}  # each folded name and place -> its region, for counties.yaml's checks
    for region, spec in regions.items():
        if region not in REGIONS or region == "National":
            raise _err(path, str(region), "regions", f"unknown region; use one of {REGIONS[:-1]}")
        spec = _mapping(path, region, "names", spec)
        for fieldname in ("names", "places"):
            for phrase in _phrases(path, region, fieldname, spec.get(fieldname, [])):
                if known.setdefault(fold(phrase), region) != region:
                    raise _err(path, region, fieldname, f"{phrase!r} is listed under {known[fold(phrase)]} too")
                builder.add(phrase, Term("place", (region,), 1.0, False))
    for phrase, labels in county_phrases(counties, _read(counties), known):
        builder.add(phrase, Term("place", labels, 1.0, False))
    for entry, spec in _mapping(path, "phrases", "phrases", data.get("phrases", {})).items():
        labels = spec if isinstance(spec, list) else None
        if labels is None or not all(r in REGIONS and r != "National" for r in labels):
            raise _err(path, str(entry), "phrases", "must map to a list of region names (may be empty)")
        builder.add(str(entry), Term("place", tuple(labels), 1.0, False))
    suffixes = _phrases(path, "org_suffixes", "org_suffixes", data.get("org_suffixes", []))
    prefixes = _phrases(path, "org_prefixes", "org_prefixes", data.get("org_prefixes", []))
    national = _mapping(path, "national", "national", data.get("national"))
    for phrase in _phrases(path, "national", "actors", national.get("actors")):
        builder.add(phrase, Term("national", ("National",), 1.0, False))
    for phrase in _phrases(path, "national", "shared_with_taiwan", national.get("shared_with_taiwan", [])):
        builder.add(phrase, Term("national", ("National", "Taiwan"), 1.0, False))  # the engine decides which
    local = _phrases(path, "national", "local_prefix_chars", national.get("local_prefix_chars", []))
    central_marks = _phrases(path, "national", "central_marks", national.get("central_marks", []))
    forms = lambda items: {v for s in items for v in variants(fold(s))}  # noqa: E731
    suffix_re = re.compile(r"[\s'’]*(?:s\s+)?(?:" + _alternatives(suffixes) + ")" if suffixes else r"(?!x)x")
    prefix_re = re.compile(r"(?:" + _alternatives(prefixes) + r")\s*$" if prefixes else r"(?!x)x")
    # what may stand right after a place or right before it, where the regexes can match
    suffix_first = _SPACES | {"'", "’", "s"} | {v[0] for v in forms(suffixes)}
    prefix_last = frozenset(v[-1] for v in forms(prefixes))
    return (suffix_re, prefix_re, frozenset("".join(forms(local))), suffix_first, prefix_last,
            tuple(forms(central_marks)))


def _load_labelled(builder: _Builder, path: Path, kind: str, allowed: tuple[str, ...]) -> dict[str, float]:
    """Terms of each label into the builder; returns each label's minimum score."""
    data = _read(path)
    top = kind + "s"
    default_min = _number(path, "min_score", "min_score", data.get("min_score", 1))
    minimum: dict[str, float] = {}
    for label, spec in _mapping(path, top, top, data.get(top)).items():
        if label not in allowed:
            raise _err(path, str(label), top, f"unknown {kind}; use one of {allowed}")
        spec = _mapping(path, label, "terms", spec)
        minimum[label] = _number(path, label, "min_score", spec.get("min_score", default_min))
        terms = _mapping(path, label, "terms", spec.get("terms"))
        for weight_key, phrases in terms.items():
            weight = _number(path, label, f"terms.{weight_key}", weight_key)
            for phrase in _phrases(path, label, f"terms.{weight_key}", phrases):
                for form in _hyphenated(phrase) if kind == "application" else (phrase,):
                    builder.add(form, Term(kind, (label,), weight, False))
    return minimum


def _hyphenated(phrase: str) -> list[str]:
    """An English phrase of words as written, and with one of its spaces a hyphen:
    writers join the words of an area into one modifier (social-security records,
    trade-finance deals)."""
    words = phrase.split(" ")
    if len(words) < 2 or not phrase.isascii():
        return [phrase]
    return [phrase] + [" ".join(words[:i]) + "-" + words[i] + ("" if i + 1 == len(words) else " " + " ".join(words[i + 1:]))
                       for i in range(1, len(words))]


def _load_relevance(builder: _Builder, path: Path) -> dict[str, Any]:
    data = _read(path)
    model = _mapping(path, "model", "model", data.get("model"))
    for key in ("bias", "threshold"):
        _number(path, "model", key, model.get(key))
    coefs = _mapping(path, "model", "coefficients", model.get("coefficients"))
    for name, value in coefs.items():
        _number(path, "model", f"coefficients.{name}", value)
    groups = _mapping(path, "signals", "signals", data.get("signals"))
    for group, spec in groups.items():
        spec = _mapping(path, group, "terms", spec)
        for weight_key, phrases in _mapping(path, group, "terms", spec.get("terms")).items():
            weight = _number(path, group, f"terms.{weight_key}", weight_key)
            for phrase in _phrases(path, group, f"terms.{weight_key}", phrases):
                builder.add(phrase, Term("signal", (str(group),), weight, False))
    coefficients = {k: float(v) for k, v in coefs.items()}
    # the names of each group's features and the factors of each product, made once here
    # rather than formatted and split for every article
    names = {str(group): tuple(f"{group}_{feature}" for feature in ("log", "density", "in_title", "lead"))
             for group in groups}
    products = tuple((name, *name.split("*", 1)) for name in coefficients if "*" in str(name))
    return {"bias": float(model["bias"]), "threshold": float(model["threshold"]), "coefficients": coefficients,
            "groups": tuple(map(str, groups)), "feature_names": names, "products": products}


@dataclass(frozen=True)
class DocRules:
    """How doc_types.yaml decides a document type (see consumers.classifier.doctype)."""

    default: str
    min_score: float
    priority: tuple[str, ...]
    title_weight: float
    lead_weight: float
    lede_weight: float
    lead_zh: int
    lead_en: int
    max_gap: int
    clause_break: re.Pattern[str]
    release_verbs: frozenset[str]
    document_says: re.Pattern[str]  # matched right after a document's name
    basis: re.Pattern[str]  # searched in the words before a title cue


# ASCII punctuation a doc-type cue may hold, and its full-width form in Chinese text.
_FULL_WIDTH = str.maketrans({"?": "？", ":": "：", "!": "！", "|": "｜"})


def _load_doc_types(builder: _Builder, path: Path) -> DocRules:
    data = _read(path)
    default = data.get("default")
    if default not in DOC_TYPES:
        raise _err(path, "default", "default", f"must be one of {DOC_TYPES}")
    min_score = _number(path, "min_score", "min_score", data.get("min_score", 1))
    priority = _phrases(path, "priority", "priority", data.get("priority"))
    if sorted(priority) != sorted(DOC_TYPES):
        raise _err(path, "priority", "priority", f"must list each of {DOC_TYPES} once")
    for label, spec in _mapping(path, "doc_types", "doc_types", data.get("doc_types")).items():
        if label not in DOC_TYPES:
            raise _err(path, str(label), "doc_types", f"unknown doc_type; use one of {DOC_TYPES}")
        spec = _mapping(path, label, "title", spec)
        for where in ("title", "text"):
            for weight_key, phrases in _mapping(path, label, where, spec.get(where, {})).items():
                weight = _number(path, label, f"{where}.{weight_key}", weight_key)
                for phrase in _phrases(path, label, f"{where}.{weight_key}", phrases):
                    term = Term("doctype", (label,), weight, False, where == "title")
                    builder.add(phrase, term)
                    # the text keeps full-width punctuation (lower_same_length): a cue that
                    # holds a question mark or a colon (评论：, ？) is looked for in both widths
                    wide = fold(phrase).translate(_FULL_WIDTH)
                    if wide != fold(phrase):
                        builder.add(wide, term, as_written=True)
    for phrase in _phrases(path, "customer_notice", "customer_notice", data.get("customer_notice", [])):
        builder.add(phrase, Term("customer_notice", ("news_report",), 1.0, False))
    for phrase in _phrases(path, "first_person", "first_person", data.get("first_person")):
        builder.add(phrase, Term("first_person", ("commentary",), 1.0, False))
    spec = _mapping(path, "announcement", "announcement", data.get("announcement"))
    for phrase in _phrases(path, "announcement", "verbs", spec.get("verbs")):
        builder.add(phrase, Term("issue_verb", ("policy_document",), 1.0, False))
    for phrase in _phrases(path, "announcement", "documents", spec.get("documents")):
        builder.add(phrase, Term("doc_noun", ("policy_document",), 1.0, False))
    for phrase in _phrases(path, "announcement", "not_documents", spec.get("not_documents", [])):
        builder.add(phrase, Term("doc_noun", ("policy_document",), 0.0, False))
    numbers = {key: _number(path, "announcement", key, spec.get(key))
               for key in ("title_weight", "lead_weight", "lede_weight", "lead_zh", "lead_en", "max_gap")}
    breaks = spec.get("clause_breaks")  # not stripped: a newline or ". " is a break
    if not isinstance(breaks, list) or not all(isinstance(b, str) and b for b in breaks):
        raise _err(path, "announcement", "clause_breaks", "must be a list of non-empty strings")
    # the text keeps full-width punctuation (lower_same_length): match both forms
    clause_break = re.compile("|".join(re.escape(form) for form in sorted({f for b in breaks for f in (b, fold(b))}, key=len, reverse=True)))
    release_verbs = frozenset(_phrases(path, "announcement", "release_verbs", spec.get("release_verbs")))
    says = _phrases(path, "announcement", "document_says", spec.get("document_says"))
    chinese = "|".join(re.escape(p) for p in says if not p.isascii())
    english = "|".join(re.escape(p) for p in says if p.isascii())
    # after 《…》 or a quoted name a Chinese verb follows at once, an English one after a space
    document_says = re.compile("|".join(([f"[》」]?(?:{chinese})"] if chinese else [])
                                        + ([f"[”\"]? (?:{english})\\b"] if english else [])))
    words = _phrases(path, "announcement", "basis_words", spec.get("basis_words"))
    # the word, then the rest of the headline's clause up to the cue
    basis = re.compile(rf"\b(?:{'|'.join(map(re.escape, words))})\b[^,:;|]*$")
    return DocRules(default, min_score, tuple(priority), numbers["title_weight"], numbers["lead_weight"], numbers["lede_weight"],
                    int(numbers["lead_zh"]), int(numbers["lead_en"]), int(numbers["max_gap"]), clause_break,
                    release_verbs, document_says, basis)


def load(directory: Path = LEXICON_DIR) -> Lexicon:
    """Read every lexicon file, validate it and compile the automaton."""
    builder = _Builder()
    paths = {name: directory / f"{name}.yaml"
             for name in ("regions", "counties", "themes", "applications", "relevance", "doc_types")}
    for name, path in paths.items():
        if not path.is_file():
            raise LexiconError(f"{path}: lexicon file missing")
    suffix_re, prefix_re, local, suffix_first, prefix_last, central_marks = _load_places(builder, paths["regions"], paths["counties"])
    minimum = _load_labelled(builder, paths["themes"], "theme", THEMES)
    scenarios = _mapping(paths["themes"], "implied_scenarios", "implied_scenarios",
                         _read(paths["themes"]).get("implied_scenarios"))
    scenario_min = _number(paths["themes"], "implied_scenarios", "min_applications", scenarios.get("min_applications"))
    exempt = _labels(paths["themes"], "implied_scenarios", "except", scenarios.get("except", []), APPLICATIONS)
    framing = _labels(paths["themes"], "framing", "framing", _read(paths["themes"]).get("framing", []), THEMES)
    shared_platform = _shared_platform(paths["themes"])
    theme_far = _theme_factors(paths["themes"], "far")
    theme_far_english = {**theme_far, **_theme_factors(paths["themes"], "far_english")}
    cbdc_themes = _mapping(paths["themes"], "cbdc_focus", "cbdc_focus", _read(paths["themes"]).get("cbdc_focus", {}))
    cbdc_drop = _labels(paths["themes"], "cbdc_focus", "drop", cbdc_themes.get("drop", []), THEMES)
    focus = _mapping(paths["applications"], "crypto_focus", "crypto_focus",
                     _read(paths["applications"]).get("crypto_focus"))
    crypto_keep = _labels(paths["applications"], "crypto_focus", "keep", focus.get("keep"), APPLICATIONS)
    crypto_found = _labels(paths["applications"], "crypto_focus", "found", focus.get("found", []), APPLICATIONS)
    cbdc_focus = _mapping(paths["applications"], "cbdc_focus", "cbdc_focus",
                          _read(paths["applications"]).get("cbdc_focus"))
    cbdc_keep = _labels(paths["applications"], "cbdc_focus", "keep", cbdc_focus.get("keep"), APPLICATIONS)
    cbdc_found = _labels(paths["applications"], "cbdc_focus", "found", cbdc_focus.get("found", []), APPLICATIONS)
    minimum.update(_load_labelled(builder, paths["applications"], "application", APPLICATIONS))
    listing = _mapping(paths["applications"], "named_in_list", "named_in_list",
                       _read(paths["applications"]).get("named_in_list"))
    list_weight = _number(paths["applications"], "named_in_list", "weight", listing.get("weight"))
    list_max_gap = _number(paths["applications"], "named_in_list", "max_gap", listing.get("max_gap"))
    separators = _phrases(paths["applications"], "named_in_list", "separators", listing.get("separators"))
    # an item may carry a modifier of a character or two that is no phrase (跨境贸易、离岸金融)
    list_gap = re.compile(r"\s*(?:" + _alternatives(separators) + r")(?:\s|" + _alternatives(separators) + r")*[\u4e00-\u9fff]{0,2}")
    applied = _mapping(paths["applications"], "applied_to", "applied_to",
                       _read(paths["applications"]).get("applied_to"))
    generic = [_number(paths["applications"], "applied_to", key, applied.get(key)) for key in ("generic_below", "zh", "en")]
    industry_after, industry_first, peer_max_gap, peer_gap, peer_last, peer_first = _load_applied(builder, paths["applications"], applied)
    areas = _phrases(paths["applications"], "applied_to", "area_nouns", applied.get("area_nouns"))
    area_after = re.compile(r"[\s-]*(?:" + _alternatives(areas) + ")")
    # areas such as payments, 在应用场景方面，如金融: an area noun and a word that introduces its
    # examples, right before the phrase (searched backwards from it: anchored at the end)
    leads = _phrases(paths["applications"], "applied_to", "area_leads", applied.get("area_leads"))
    introducers = _phrases(paths["applications"], "applied_to", "area_introducers", applied.get("area_introducers"))
    area_before = re.compile(r"(?:" + _alternatives(leads) + r")\s*[,，:：]?\s*(?:" + _alternatives(introducers)
                             + r")\s*[,，:：]?\s*(?:the\s+)?$")
    plans = _phrases(paths["applications"], "applied_to", "plan_nouns", applied.get("plan_nouns"))
    plan_title = re.compile(r"(?:" + _alternatives(plans) + r")(?![a-z])")  # a whole English word: plan, not planet
    bodies = _phrases(paths["applications"], "applied_to", "body_nouns", applied.get("body_nouns"))
    # 税务、市场监管等18个部门: more items of the enumeration and a count may stand
    # before the word for bodies (items joined by 、 only: a full-width comma ends a clause,
    # 穿透式监管，监管部门可实时查看 names no department)
    # (or, in English, by commas, and, or: customs, tax and commerce authorities; items of
    # one or two words)
    body_after = re.compile(r"(?:、\s*[^\s、，,。；;！？]{1,8}?|(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)"
                            r"(?!(?:the|a|an|its|their|this|that|which)\s)[a-z][a-z'-]*(?:\s[a-z][a-z'-]*)?)*"
                            r"[\s-]*(?:等\s*[\d一二三四五六七八九十百几多]*\s*[个家]?\s*)?(?:" + _alternatives(bodies) + ")"
                            r"(?!\s+(?:said|say|says|told|announced|added)\b)")  # ..., hospitals and schools, local authorities said
    body_first = frozenset("、-等,\t\n ") | {v[0] for p in bodies for v in variants(fold(p))}  # what may follow the phrase
    departments = applied.get("departments")
    if departments is not None and departments not in APPLICATIONS:
        raise _err(paths["applications"], "applied_to", "departments", f"must be one of {APPLICATIONS}")
    departments_term = None if departments is None else Term("application", (departments,), 1.0, False)
    # perks offered to talent are found by the scan, among the cues but labelled "perk" (not
    # content: they hide no theme phrase, 人才 in 人才住房); applied.py drops the areas in their clauses
    for phrase in _phrases(paths["applications"], "applied_to", "perks", applied.get("perks", [])):
        builder.add(phrase, Term("cue", ("perk",), 1.0, False))
    joiners = _phrases(paths["applications"], "applied_to", "joiners", applied.get("joiners"))
    joiner = re.compile(r"\s*(?:(?:" + _alternatives(joiners) + r")\s*)?")  # may be empty: 区块链金融
    relevance = _load_relevance(builder, paths["relevance"])
    clues = _generic_clues(paths["applications"], relevance["groups"])
    doc_rules = _load_doc_types(builder, paths["doc_types"])
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return Lexicon(*builder.build(), f"{LEXICON_VERSION}+{digest.hexdigest()[:12]}",
                   suffix_re, prefix_re, local, suffix_first, prefix_last, relevance, doc_rules, minimum,
                   int(scenario_min), frozenset(exempt), frozenset(crypto_keep), frozenset(cbdc_keep),
                   list_weight, int(list_max_gap), list_gap, generic[0], int(generic[1]), int(generic[2]),
                   industry_after, industry_first, int(peer_max_gap), peer_gap, peer_last, peer_first, clues, area_after, area_before, plan_title, body_after, body_first, departments_term, joiner,
                   _number(paths["applications"], "applied_to", "compound_min", applied.get("compound_min")),
                   frozenset(cbdc_found),
                   central_marks=central_marks, theme_framing=frozenset(framing), theme_far=theme_far,
                   theme_far_english=theme_far_english, shared_platform=shared_platform,
                   cbdc_theme_drop=frozenset(cbdc_drop), crypto_found=frozenset(crypto_found),
                   absorbed=_absorbed(paths["applications"]))


def _absorbed(path: Path) -> tuple[tuple[str, frozenset[str], frozenset[str]], ...]:
    """applications.yaml's ``absorbed``: for each entry its application and the lemmas
    (Term.lemma, every spelling) of its bare words and of the finance named for it."""
    entries = _read(path).get("absorbed", [])
    if not isinstance(entries, list):
        raise _err(path, "absorbed", "absorbed", "must be a list of mappings")
    found = []
    for i, spec in enumerate(entries):
        entry = f"absorbed[{i}]"
        spec = _mapping(path, entry, "absorbed", spec)
        label = spec.get("application")
        if label not in APPLICATIONS:
            raise _err(path, entry, "application", f"must be one of {APPLICATIONS}")
        words = _phrases(path, entry, "words", spec.get("words"))
        by = _phrases(path, entry, "by", spec.get("by"))
        found.append((label, _lemmas(words), _lemmas(by)))
    return tuple(found)


def _shared_platform(path: Path) -> tuple[re.Pattern[str], tuple[str, ...], Term] | None:
    """themes.yaml's ``shared_platform``: a mark (统一) at most ``max_gap`` characters
    before a noun (平台) in one clause, as a pattern; the marks folded (the text is searched
    for them first: a pattern tried at every character costs 5% of an article's classification);
    and the weight-1 theme term of a match."""
    spec = _read(path).get("shared_platform")
    if spec is None:
        return None
    spec = _mapping(path, "shared_platform", "shared_platform", spec)
    theme = spec.get("theme")
    if theme not in THEMES:
        raise _err(path, "shared_platform", "theme", f"must be one of {THEMES}")
    marks = _phrases(path, "shared_platform", "marks", spec.get("marks"))
    nouns = _phrases(path, "shared_platform", "nouns", spec.get("nouns"))
    gap = _number(path, "shared_platform", "max_gap", spec.get("max_gap"))
    if gap < 0 or gap != int(gap):
        raise _err(path, "shared_platform", "max_gap", "must be a whole number of characters")
    pattern = re.compile(f"(?:{_alternatives(marks)})[^，。；：、,.;:!?！？\\n]{{0,{int(gap)}}}?(?:{_alternatives(nouns)})")
    return pattern, tuple(sorted({fold(mark) for mark in marks})), Term("theme", (theme,), 1.0, False)


def _theme_factors(path: Path, entry: str) -> dict[str, float]:
    """themes.yaml's ``entry``: a mapping of themes to factors of at least 1 (of the window)."""
    factors = {theme: _number(path, entry, theme, factor)
               for theme, factor in _mapping(path, entry, entry, _read(path).get(entry, {})).items()}
    if not set(factors) <= set(THEMES) or any(factor < 1 for factor in factors.values()):
        raise _err(path, entry, entry, f"must map themes of {THEMES} to factors of at least 1")
    return factors


def _generic_clues(path: Path, groups: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """applications.<application>.generic_clues: relevance signal groups, one of which
    must be in the sentence of a generic word of that application for it to count."""
    clues: dict[str, tuple[str, ...]] = {}
    for label, spec in _mapping(path, "applications", "applications", _read(path).get("applications")).items():
        if isinstance(spec, dict) and "generic_clues" in spec:
            named = _phrases(path, str(label), "generic_clues", spec["generic_clues"])
            if not set(named) <= set(groups):
                raise _err(path, str(label), "generic_clues", f"must name signal groups of relevance.yaml {groups}")
            clues[str(label)] = tuple(named)
    return clues


def _lemmas(phrases: list[str]) -> frozenset[str]:
    """The lemmas of ``phrases`` folded, in every spelling: what Term.lemma holds for each."""
    return frozenset(lemma(v) for p in phrases for v in variants(fold(p)))


def _alternatives(phrases: list[str]) -> str:
    """A regex alternation of ``phrases`` folded, in every spelling, longest first."""
    return _trie({v for p in phrases for v in variants(fold(p))})


def _trie(forms: set[str]) -> str:
    """A regex that matches what ``"|".join(sorted(forms, key=len, reverse=True))`` does,
    trying the same forms in the same order, written as a trie (区块(?:链|)...): the regex
    engine tries alternatives one by one, so a flat list of dozens costs a test of each at
    every position, where the trie tests one character per level. Forms that match at
    one place are prefixes of each other: longest first is "go deeper before stopping"."""
    root: dict[str, dict] = {}
    for form in forms:
        node = root
        for char in form:
            node = node.setdefault(char, {})
        node[""] = {}  # a form ends here

    def below(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + below(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" not in node:
            return body
        return ("(?:" + body + ")" if len(branches) == 1 and len(body) > 1 else body) + "?"  # greedy: longer first

    return below(root)


def _load_applied(builder: _Builder, path: Path, applied: dict[str, Any]
                  ) -> tuple[re.Pattern[str], frozenset[str], float, re.Pattern[str], frozenset[str], frozenset[str]]:
    """The words that tell where blockchain is applied (see consumers.classifier.applied):
    cues of a sentence about applications, the nouns that make a blockchain mention name
    the industry, and the technologies an application may be listed beside."""
    for phrase in _phrases(path, "applied_to", "cues", applied.get("cues")):
        builder.add(phrase, Term("cue", ("cue",), 1.0, False))
    industry = _phrases(path, "applied_to", "industry", applied.get("industry"))
    modifiers = _phrases(path, "applied_to", "industry_modifiers", applied.get("industry_modifiers"))
    industry_after = re.compile(r"[\s-]*(?:(?:" + _alternatives(modifiers) + r")[\s-]*)?(?:" + _alternatives(industry) + ")")
    # most mentions are followed by none of these: no regex needs to run there
    industry_first = _SPACES | {"-"} | {v[0] for p in modifiers + industry for v in variants(fold(p))}
    peers = _mapping(path, "technology_peers", "technology_peers", _read(path).get("technology_peers"))
    for phrase in _phrases(path, "technology_peers", "technologies", peers.get("technologies")):
        builder.add(phrase, Term("technology", ("technology",), 1.0, False))
    max_gap = _number(path, "technology_peers", "max_gap", peers.get("max_gap"))
    separators = _phrases(path, "technology_peers", "separators", peers.get("separators"))
    # the text is matched unfolded (lower-cased only): a full-width separator (，）) is
    # kept as written besides its folded form
    alternatives = "|".join(re.escape(p) for p in sorted(set(separators), key=len, reverse=True)) + "|" + _alternatives(separators)
    peer_gap = re.compile(r"\s*(?:" + alternatives + r")(?:\s|" + alternatives + ")*")  # 区块链溯源 is one compound
    forms = separators + [v for p in separators for v in variants(fold(p))]  # what ends and begins a separator, or the spaces around one
    return (industry_after, industry_first, max_gap, peer_gap,
            frozenset(v[-1] for v in forms) | _SPACES, frozenset(v[0] for v in forms) | _SPACES)
