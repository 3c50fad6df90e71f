"""The classifier's core: one scan of the folded text, then rules that turn hits into labels.

Every decision is made from *hits* (a lexicon phrase found at a position), so every label
can quote the words that produced it as evidence.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from itertools import accumulate

from consumers.classifier.applied import Peers, applied, clued
from consumers.classifier.doctype import doc_type
from consumers.classifier.hits import END, START, Hit, by_start_longest_first, lemma, outermost, scan
from consumers.classifier.lexicon import ANCHOR_GROUPS, SIGNAL, Lexicon, Term
from consumers.classifier.normalise import lower_same_length

MAX_PHRASES = 5
# Signal groups that count as policy content when near an anchor.
NEAR_GROUPS = ("policy", "regulation")
# The signal group whose phrases hide the signals inside them (relevance.yaml).
HIDDEN = "hidden"
# How far (in characters) from a blockchain mention a policy phrase still belongs to it:
# English needs about three times the characters of Chinese for the same words.
WINDOW_ZH = 100
WINDOW_EN = 300
# Mentions that all stand within this share of a window (a clause: 30 characters of
# Chinese, 90 of English) are one mention: an expert's aside on crypto in a quantum plan.
PASSING_SPAN = 0.3


def _leftmost_longest(hits: list[Hit]) -> list[Hit]:
    kept: list[Hit] = []
    reach = -1
    for hit in by_start_longest_first(hits):
        if hit[0] >= reach:
            kept.append(hit)
            reach = hit[1]
    return kept


def regions(lex: Lexicon, folded: str, hits: dict[str, list[Hit]]) -> dict[str, list[Hit]]:
    """Regions named in the text, each with the hits that name it."""
    found: dict[str, list[Hit]] = defaultdict(list)
    places = _leftmost_longest(hits["place"])
    place_ends = set()
    # Trap phrases (no region) that hold an actor: 财政部门 (departments) is not 财政部.
    traps = [(hit[0], hit[1]) for hit in hits["place"] if not hit[2].labels]
    for hit in places:
        start, end, term = hit
        # an organisation's name (浙江大学, 中国人民银行杭州中心支行): the regexes run only where
        # a character that can end a prefix stands before (or a space), or one that can begin a suffix after
        if ((end < len(folded) and folded[end] in lex.org_suffix_first and lex.org_suffix.match(folded, end))
                or (start and (folded[start - 1] in lex.org_prefix_last or folded[start - 1].isspace())
                    and lex.org_prefix.search(folded, max(0, start - 40), start))):
            continue
        place_ends.add(end)
        for region in term.labels:
            found[region].append(hit)
    for hit in hits["national"]:
        start = hit[0]
        before = folded[start - 1] if start else ""
        if before in lex.local_prefix_chars:  # 省发改委, 市网信办: local bodies
            continue
        # 深圳网信办 is local, 长春国家区块链创新应用试点 and 天津落实国家…要求 are not
        if start in place_ends and not any(mark in folded[start:hit[1]] for mark in lex.central_marks):
            continue
        if traps and any(low <= start and hit[1] <= high for low, high in traps):
            continue
        if len(hit[2].labels) > 1 and found.keys() == {"Taiwan"}:  # Taiwan's own 教育部, 财政部
            continue
        found["National"].append(hit)
    return found


class Anchors:
    """Where the text speaks of blockchain (or crypto assets, or central-bank digital
    currency): labels of policy content count only near such a place."""

    def __init__(self, signals: dict[str, tuple[float, list[Hit]]], window: int,
                 folded: str = "", lex: Lexicon | None = None) -> None:
        anchors = [h for group in ANCHOR_GROUPS for h in signals.get(group, (0.0, []))[1]]
        self.hits = anchors
        self.starts = sorted(map(START, anchors))  # map on an itemgetter: no Python call per hit
        self.edges = frozenset(map(START, anchors)) | frozenset(map(END, anchors))
        self.plus = "+" in folded or "＋" in folded  # most texts have none: nothing is joined by one
        self.window = window
        # The places within the window of a mention, as disjoint intervals [low, high]
        # (sorted): ``near`` is then one bisect, and ``keep_near`` a loop without calls.
        self.lows: list[int] = []
        self.highs: list[int] = []
        for start in self.starts:
            if self.highs and start - window <= self.highs[-1]:
                self.highs[-1] = start + window
            else:
                self.lows.append(start - window)
                self.highs.append(start + window)
        # 区块链企业, blockchain firms: the industry, to which nothing is applied (the regex
        # runs only where a character it may start with follows the mention)
        self.technology_starts = self.starts if lex is None else sorted(
            h[0] for h in anchors if h[1] == len(folded) or folded[h[1]] not in lex.industry_first
            or lex.industry_after.match(folded, h[1]) is None)

    def joined(self, hit: Hit, folded: str) -> bool:
        """Whether ``hit`` is joined to a blockchain mention by a plus: 区块链+政务,
        能源+区块链, "blockchain + education" (the idiom that names an application)."""
        if not self.plus:
            return False
        start, end = hit[0], hit[1]
        after, before = folded[end:end + 3], folded[max(0, start - 3):start]  # a plus is near, or no regex runs
        if "+" in after or "＋" in after:
            plus = _PLUS_AFTER.match(folded, end)
            if plus is not None and plus.end() in self.edges:
                return True
        if "+" in before or "＋" in before:
            plus = _PLUS_BEFORE.search(folded, max(0, start - 4), start)
            return plus is not None and plus.start() in self.edges
        return False

    def near(self, hit: Hit, window: int | None = None, starts: list[int] | None = None) -> bool:
        """Whether ``hit`` starts within ``window`` characters (default: the anchors'
        window) of a blockchain mention (one of ``starts``, default all)."""
        position = hit[0]
        if window is None and starts is None:
            i = bisect.bisect_right(self.lows, position)
            return i > 0 and position <= self.highs[i - 1]
        starts = self.starts if starts is None else starts
        window = self.window if window is None else window
        i = bisect.bisect_left(starts, position)
        if i < len(starts) and starts[i] - position <= window:
            return True
        return i > 0 and position - starts[i - 1] <= window

    def keep_near(self, hits: list[Hit]) -> list[Hit]:
        """The ``hits`` that are ``near`` a mention (in their order). Hits in order of
        start (most lists: outermost's, and the scan's as a rule) are cut by two bisects
        per window, a few windows per text, rather than one per hit."""
        starts = list(map(START, hits))
        if starts == sorted(starts):  # both in C: cheaper than a bisect per hit
            kept: list[Hit] = []
            for low, high in zip(self.lows, self.highs):
                kept += hits[bisect.bisect_left(starts, low):bisect.bisect_right(starts, high)]
            return kept
        lows, highs, after = self.lows, self.highs, bisect.bisect_right
        return [h for h in hits if (i := after(lows, h[0])) and h[0] <= highs[i - 1]]

    def near_technology(self, hit: Hit, window: int) -> bool:
        """Within ``window`` of a mention of blockchain as a technology (not 区块链企业)."""
        return self.near(hit, window, self.technology_starts)


def _outside(hits: list[Hit], lows: list[int], reach: list[int], covered: list[tuple[int, int]]) -> list[Hit]:
    """``hits`` that lie within no span of ``lows`` (the spans' starts, sorted) and
    ``reach`` (the furthest end of the spans up to each): a hit lies within one when some
    span starting at or before it reaches its end, so one bisection tells (an article may
    have dozens of spans and hundreds of hits). Only a hit that ends in ``covered`` (the
    spans merged, in order) can: the scan lists hits in order of end, so two bisections
    per merged span find those few, and the others are not looked at one by one."""
    ends = list(map(END, hits))
    inside = set()
    for low, high in covered:
        for i in range(bisect.bisect_right(ends, low), bisect.bisect_right(ends, high)):
            j = bisect.bisect_right(lows, hits[i][0])
            if j and reach[j - 1] >= hits[i][1]:
                inside.add(i)
    return [hit for i, hit in enumerate(hits) if i not in inside] if inside else hits


def signal_groups(lex: Lexicon, hits: dict[str, list[Hit]]) -> dict[str, tuple[float, list[Hit]]]:
    """Each relevance signal group found, with the sum of its hits' weights (every hit
    counts; added in the order of the hits, as floats add: not sum(), which may compensate)
    and its hits. The scan listed each group apart. Phrases inside a phrase of the
    group HIDDEN count for no group: 不得 in a copyright line (未经授权不得转载) bans
    nothing, 产品 in 农产品 is no company's product."""
    found: dict[str, tuple[float, list[Hit]]] = {}
    hidden = sorted((h[0], h[1]) for h in hits.get(SIGNAL + HIDDEN, ()))
    lows, reach = [low for low, _ in hidden], list(accumulate((high for _, high in hidden), max))
    covered: list[tuple[int, int]] = []
    for low, high in hidden:
        if covered and low <= covered[-1][1]:
            covered[-1] = (covered[-1][0], max(high, covered[-1][1]))
        else:
            covered.append((low, high))
    for group in lex.relevance["groups"]:
        group_hits = hits.get(SIGNAL + group)
        if group_hits and hidden and group != HIDDEN:
            group_hits = _outside(group_hits, lows, reach, covered)
        if group_hits and group != HIDDEN:
            total = 0.0
            for _, _, term in group_hits:  # a third of the cost of reduce() over attrgetter calls
                total += term.weight
            found[group] = (total, group_hits)
    return found


def weighted(hits: list[Hit], anchors: Anchors | None, folded: str) -> dict[str, tuple[float, list[Hit]]]:
    """Sum of weights per label of ``hits`` (those near an anchor, if given), with the
    hits. Each distinct phrase of the ``folded`` text counts once, at its heaviest
    occurrence: a label needs varied evidence, not one word repeated."""
    scores: dict[str, float] = {}  # plain dicts: a defaultdict's lookups are not specialised
    evidence: dict[str, list[Hit]] = {}
    counted: dict[tuple[str, str], float] = {}
    for hit in hits if anchors is None else anchors.keep_near(hits):
        start, end, term = hit
        label, weight = term.labels[0], term.weight
        if label in evidence:
            evidence[label].append(hit)
        else:
            evidence[label] = [hit]
        key = (label, term.lemma or lemma(folded[start:end]))  # a lexicon term knows its lemma
        before = counted.get(key)
        if before is None:  # the label's first phrase is counted first
            counted[key] = weight
            scores[label] = scores.get(label, 0.0) + weight
        elif weight > before:
            counted[key] = weight
            scores[label] += weight - before
    return {label: (scores[label], evidence[label]) for label in scores}


_PLUS_AFTER = re.compile(r"\s*[+＋]\s*")
_PLUS_BEFORE = re.compile(r"\s*[+＋]\s*$")


def features(lex: Lexicon, signals: dict[str, tuple[float, list[Hit]]], size: int,
             title_end: int) -> dict[str, float]:
    """Numeric features of relevance, named as the coefficients in relevance.yaml."""
    values: dict[str, float] = {}
    per_k = 1000.0 / max(size, 300)
    names = lex.relevance["feature_names"]
    for group, (score, group_hits) in signals.items():
        log, density, in_title, lead = names[group]
        values[log] = math.log1p(score)
        values[density] = min(score * per_k, 10.0)
        first = min(map(START, group_hits))  # a group has hits, or no score
        values[in_title] = 1.0 if first < title_end else 0.0
        values[lead] = 1.0 if first < title_end + 300 else 0.0
    return values


def relevance_features(lex: Lexicon, folded: str, hits: dict[str, list[Hit]],
                       signals: dict[str, tuple[float, list[Hit]]], anchors: Anchors, title_end: int,
                       places: dict[str, list[Hit]], listed: Peers) -> dict[str, float]:
    """Every feature of the relevance model (see relevance.yaml), products included."""
    size = len(folded)
    values = features(lex, signals, size, title_end)
    # A company's headline names the firm or its business (公司, 融资, firm), not only a
    # verb a government uses too (推出, launches: weight 0.5).
    if "company" in signals:
        values["company_in_title"] = 1.0 if any(
            h[0] < title_end and h[2].weight >= 1.0 for h in signals["company"][1]) else 0.0
    # A headline that names blockchain (or crypto, a CBDC) and a government actor - a
    # province or city, a body, a document (not a bare verb: 推动, 获批) - but no company:
    # 长春推出区块链社保卡应用, not 深圳一科技公司发布区块链存证一体机.
    subject = bool(anchors.starts) and anchors.starts[0] < title_end and not values.get("company_in_title") and (
        any(h[0] < title_end and h[2].weight >= 1.0 for group in NEAR_GROUPS for h in signals.get(group, (0.0, []))[1])
        or any(h[0] < title_end for h in hits["national"])
        or any(h[0] < title_end for region_hits in places.values() for h in region_hits))
    values["subject_in_title"] = 1.0 if subject else 0.0
    # No province, city or central body anywhere: the scope is China's policy, and a
    # crypto piece naming none (an ETF in New York, the EU's rules, a token listing) is
    # market or foreign news.
    values["no_place"] = 0.0 if places else 1.0
    # A flash (a few sentences, shorter than two anchor windows): its headline carries
    # the subject and every sentence is near it; counts are small.
    values["flash"] = 1.0 if size < 2 * anchors.window else 0.0
    near_actors = len(anchors.keep_near(hits["national"]))
    policy, regulation = (_near_weight(signals.get(group, (0.0, []))[1], anchors) for group in NEAR_GROUPS)
    near_policy = policy + regulation + near_actors
    values["policy_near_log"] = math.log1p(near_policy)
    values["policy_near_density"] = min(near_policy * 1000.0 / max(size, 300), 10.0)
    # Blockchain only in lists of technologies (人工智能、区块链、元宇宙等), or named in one
    # place only (once, or a few times within one clause: 量子计算可能威胁加密货币和比特币)
    # outside the title of a longer article: the classic passing mention. In a flash the
    # one sentence that names it is most of the text.
    passing = False
    if anchors.starts and anchors.starts[0] >= title_end:  # blockchain not in the title
        own = [h[0] for h in anchors.hits if not listed.beside(h)]
        passing = not own or (not values["flash"] and max(own) - min(own) <= PASSING_SPAN * anchors.window)
    values["passing_mention"] = 1.0 if passing else 0.0
    expand_products(values, lex.relevance["products"])
    return values


def _near_weight(hits: list[Hit], anchors: Anchors) -> float:
    """The weights of ``hits`` near an anchor, added in their order (as ``weighted`` does,
    so the sum is the same float)."""
    total = 0.0
    for _, _, term in anchors.keep_near(hits):
        total += term.weight
    return total


def relevance(lex: Lexicon, values: dict[str, float]) -> float:
    model = lex.relevance
    z = model["bias"] + sum(coef * values.get(name, 0.0) for name, coef in model["coefficients"].items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def expand_products(values: dict[str, float], products: tuple[tuple[str, str, str], ...]) -> None:
    """Add the products named "a*b" in the coefficients (as (name, a, b)), so a rule can
    say "a AND b"."""
    for name, left, right in products:
        values[name] = values.get(left, 0.0) * values.get(right, 0.0)


def phrases(text: str, hits: list[Hit]) -> list[str]:
    """Distinct phrases of ``text`` behind ``hits``, in order of appearance."""
    seen: list[str] = []
    spans: set[str] = set()  # a phrase repeats: the same words need not be split again
    for start, end, _ in sorted(hits, key=START):
        span = text[start:end]
        if span in spans:
            continue
        spans.add(span)
        phrase = " ".join(span.split())
        if phrase and phrase not in seen:
            seen.append(phrase)
            if len(seen) >= MAX_PHRASES:
                break
    return seen


def _framing(lex: Lexicon, hits: list[Hit], folded: str,
             near: dict[str, tuple[float, list[Hit]]]) -> dict[str, tuple[float, list[Hit]]]:
    """Themes of ``lex.theme_framing`` that a weight-1 phrase names anywhere in the text,
    where the phrases ``near`` a mention weigh less: a programme (数字雄安, digital
    countryside, 教育数字化转型) frames the whole article, even far from the word blockchain."""
    framing = [h for h in hits if h[2].labels[0] in lex.theme_framing and h[2].weight >= 1.0]
    return {label: found for label, found in weighted(framing, None, folded).items()
            if label not in near or near[label][0] < found[0]}


def _within_reach(lex: Lexicon, hits: list[Hit], anchors: Anchors) -> list[Hit]:
    """Theme ``hits`` near a mention, and the phrases enough on their own (weight 1) of a
    theme in ``lex.theme_far`` within its wider window: a long article names the money for
    a blockchain project, or the standard it issues, a paragraph or two after the word
    (in English, whose news articles are short, often in the last paragraph)."""
    kept = anchors.keep_near(hits)
    window = anchors.window
    far = lex.theme_far_english if window == WINDOW_EN else lex.theme_far
    if far:
        kept += [h for h in hits if h[2].weight >= 1.0 and h[2].labels[0] in far and not anchors.near(h)
                 and anchors.near(h, round(window * far[h[2].labels[0]]))]
    return kept


def _own_characters(hits: list[Hit], folded: str) -> list[Hit]:
    """Theme ``hits`` without those whose last character is the first of 区块链: in
    试点区块链 (a pilot of blockchain) or 集聚区块链企业 the 区 is blockchain's, so
    试点区 and 集聚区 (zones) are not there; the shorter 试点, 集聚 still are."""
    return [h for h in hits if not (folded[h[1] - 1] == "区" and folded.startswith("块链", h[1]))]


def _shared_platforms(rule: tuple[re.Pattern[str], tuple[str, ...], Term], folded: str) -> list[Hit]:
    """Theme hits of a platform built as the one a province, city or sector uses
    (全省统一的区块链基础服务平台): shared infrastructure, whatever it serves. The pattern
    is tried only where a mark stands (str.find)."""
    pattern, marks, term = rule
    found: list[Hit] = []
    for mark in marks:
        at = folded.find(mark)
        while at >= 0:
            match = pattern.match(folded, at)
            if match is not None:
                found.append((at, match.end(), term))
            at = folded.find(mark, at + 1)
    return found


def classify_text(lex: Lexicon, title: str, text: str, size: int | None = None) -> dict:
    """Labels of one article from its cleaned title and text (see ``classify``), the two
    ``size`` bytes long in UTF-8 with the newline that joins them, if known."""
    body = title + "\n" + text
    folded = lower_same_length(body)
    title_end = len(title)
    hits = scan(lex, folded)
    signals = signal_groups(lex, hits)
    wide = (len(body.encode("utf-8", errors="replace")) if size is None else size) < 2 * len(body)
    anchors = Anchors(signals, WINDOW_EN if wide else WINDOW_ZH, folded, lex)
    found_regions = regions(lex, folded, hits)
    score = 0.0  # without a mention of blockchain (crypto, a CBDC): not relevant, no features needed
    # where technologies are listed: asked by the passing-mention rule and by applied(), found once;
    # a weaker mention (上链, on-chain: what is done) names no technology of a list (设备上链、质量追溯)
    technologies = hits["technology"] + [h for h in anchors.hits if h[2].weight >= 1]
    listed = Peers(lex, folded, technologies) if anchors.starts else None
    if listed is not None:
        score = relevance(lex, relevance_features(lex, folded, hits, signals, anchors, title_end, found_regions, listed))
    relevant = score >= lex.relevance["threshold"]
    evidence = [{"field": "regions", "value": r, "phrases": phrases(body, h)}
                for r, h in sorted(found_regions.items())]
    themes: list[str] = []
    applications: list[str] = []
    if relevant:
        listed = listed or Peers(lex, folded, technologies)  # a threshold of 0 needs no anchor
        content: dict[str, list[Hit]] = {"application": [], "theme": []}
        found_hits: dict[str, list[Hit]] = {}  # of each label found
        for hit in outermost(_own_characters(hits["theme"], folded) + hits["application"]):
            content[hit[2].kind].append(hit)
        if lex.shared_platform is not None:  # after outermost: the words inside still name their areas
            content["theme"] += _shared_platforms(lex.shared_platform, folded)
        # applications applied to blockchain, not merely named (applied() decides where they count)
        application_scores = weighted(applied(lex, content["application"], folded, anchors, listed, hits["cue"],
                                              signals, wide, title_end), None, folded)
        theme_scores = weighted(_within_reach(lex, content["theme"], anchors), None, folded)
        if lex.theme_framing:
            theme_scores.update(_framing(lex, content["theme"], folded, theme_scores))
        for kind, out, scored in (("application", applications, application_scores), ("theme", themes, theme_scores)):
            for label, (weight, label_hits) in sorted(scored.items()):
                if weight >= lex.label_min.get(label, 1.0):
                    out.append(label)
                    found_hits[label] = label_hits
                    evidence.append({"field": kind + "s", "value": label, "phrases": phrases(body, label_hits)})
        weight_of = lambda group: signals.get(group, (0.0, []))[0]  # noqa: E731
        keep = None
        if weight_of("crypto") > weight_of("blockchain") and not weight_of("cbdc"):
            keep = lex.crypto_keep
        elif weight_of("cbdc") > max(weight_of("blockchain"), weight_of("crypto")):
            keep = lex.cbdc_keep
        # Scenarios named for a CBDC are still its application scenarios; crypto words are not.
        named = [a for a in applications if a not in lex.scenario_exempt and (keep is not lex.crypto_keep or a in keep)]
        if keep is not None:  # the focus decides: crypto regulation is digital_assets, a CBDC finance
            focus = signals["crypto" if keep is lex.crypto_keep else "cbdc"][1]
            if keep is lex.cbdc_keep:
                found = frozenset(a for a in lex.cbdc_found.intersection(applications)
                                  if clued(lex, folded, a, found_hits[a], signals, anchors.window))
            else:  # an instrument named specifically (tokenised deposits, green bonds), not a generic word
                found = frozenset(a for a in lex.crypto_found.intersection(applications)
                                  if any(h[2].weight >= lex.generic_below for h in found_hits[a]))
            applications[:] = sorted(keep | found)
            evidence = [e for e in evidence if e["field"] != "applications" or e["value"] in found]
            evidence += [{"field": "applications", "value": a, "phrases": phrases(body, focus)} for a in sorted(keep)]
            if keep is lex.cbdc_keep and lex.cbdc_theme_drop.intersection(themes):
                themes[:] = [t for t in themes if t not in lex.cbdc_theme_drop]
                evidence = [e for e in evidence if e["field"] != "themes" or e["value"] not in lex.cbdc_theme_drop]
        if "application_scenarios" not in themes and len(named) >= lex.scenario_min_applications:
            themes.append("application_scenarios")
            evidence.append({"field": "themes", "value": "application_scenarios", "phrases": named})
        key_hits = [h for group in ("blockchain", "crypto", "cbdc", "policy") for h in signals.get(group, (0, []))[1]]
        evidence.insert(0, {"field": "relevant", "value": "true", "phrases": phrases(body, key_hits)})
    lead_end = title_end + 1 + (lex.doc_rules.lead_en if wide else lex.doc_rules.lead_zh)
    kind_of_doc, doc_hits = doc_type(lex, hits, folded, title_end, lead_end)
    if doc_hits:
        evidence.append({"field": "doc_type", "value": kind_of_doc, "phrases": phrases(body, doc_hits)})
    return {
        "relevant": relevant,
        "relevance": round(score, 4),
        "regions": sorted(found_regions),
        "themes": sorted(themes),
        "applications": sorted(applications),
        "doc_type": kind_of_doc,
        "evidence": evidence,
    }
