"""The document type of an article (taxonomy.md "doc_type"), decided in a fixed order.

1. A company speaking of itself (``first_person``: 我司, 喜报, our company) in the title
   or the lead: ``commentary``, whatever else it reports (a promotional piece), unless the
   title names an official's speech (an official congratulates for a government).
2. Every type scores its cues: title cues only in the title, text cues anywhere above the
   page's footer (the editor, print controls, a copyright notice); each
   distinct phrase counts once, word forms included (a news story's ten "said" are one
   cue; so are "lawmaker" and "lawmakers"). A weight-0 cue hides those inside it (委员会).
3. An announcement (``announcement``: an issuing verb and a document noun in one clause,
   印发《…方案》, unveils plan, 名单公布) adds to ``policy_document``: ``title_weight`` in
   the title, ``lede_weight`` in the lede, ``lead_weight`` elsewhere in the lead. The lead
   starts at the first sentence, after the lines a page wraps the article in and a
   dateline; the lede is its first clause (某厅印发通知，…), or an English first sentence
   naming its source last (…, according to a plan released on Monday). News announcing a
   document is a policy document.
4. A firm addressing its customers in the lead (``customer_notice``: 尊敬的用户, dear
   users) issues no policy document: its notice (【公告】) scores nothing for one.
5. The highest score wins if it reaches ``min_score``; ties go to the type listed first in
   ``priority``. Otherwise the default (``news_report``).

The cues and weights are data: lexicons/doc_types.yaml.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

from consumers.classifier.hits import Hit, lemma, outermost
from consumers.classifier.lexicon import SIGNAL

if TYPE_CHECKING:
    from consumers.classifier.lexicon import Lexicon


# A page wraps its article in lines that hold no sentence: breadcrumbs (首页 > 新闻中心), a
# date and source line, font switches, the title again. Such a line has no sentence mark.
_SENTENCE = re.compile(r"[。，！？；]|[.,;!?](?:\s|$)")
# A dateline or byline before the first sentence: 新华社深圳11月20日电, 本报讯, 河北新闻网讯（记者 某某）,
# 【某某网／记者某某／台北报导】, BEIJING, Dec 14 --, YINCHUAN —.
_DATELINE = re.compile(
    r"(?:【[^】\n]{1,40}】\s*)?"
    r"(?:[^，。\n]{0,20}?(?:\d{1,2}日[电電]|本[报報][讯訊]|[网網台社][讯訊])(?:[（(][^）)\n]{0,20}[）)])?\s*"
    r"|[a-z][a-z'’ .-]{1,30}(?:, [a-z]{3,9}\.? \d{1,2})?(?: \([^)\n]{1,30}\))? ?(?:--|—|–) ?)?")
# The first clauses of a lede may only say when (近日，日前，On Tuesday,): the lede is the first
# clause at least this long.
_LEDE_MIN = 7
# An English first sentence (a letter or digit first) and its end.
_LATIN = re.compile(r"[\"'“‘(]?[a-z0-9]")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")
# "has issued", "have jointly released": the auxiliary (and an adverb) right before a verb.
_PERFECT = re.compile(r"\b(?:has|have)(?: [a-z]+ly)? $")
# A firm this close after the verb issued the paper itself (a plan released by a company).
_ISSUER_SPAN = 40
# A headline's words this far before a title cue may name it as the basis of the news
# (announcement.basis_words).
_BASIS_SPAN = 40
# Above the first sentence a page may print a column's tag (【财经评析】, 【观点】) with the
# headline, or a byline (作者：某律师事务所合伙人): its commentary title cues count there too
# (others: tested, no gain). Not in a portal's menu or breadcrumbs (首页 | 专题专栏; 首页 > 工作动态:
# two separators or more), and not in a tag opening the first sentence's line (【数位时代】…, its
# source).
_HEADLINE_MATTER = {"commentary"}
_MENU = re.compile(r"(?:[|｜>»/].*){2}")
# A tag opening the first sentence's line may be a column's (【财新观察】2019年末以来，…) or a source's
# (【数码时代】…): there only a cue written with the tag's closing bracket counts (观察】, 评析】), as a
# column's name ends so and a source's does not.
_FIRST_LINE_TAG = re.compile(r"[ \t　]*(【[^】\n]{1,20}】)")
# A document named as the start of a period (自2020年发布《…计划》以来) was issued before the news.
_SINCE = re.compile(r"》?(?:实施|出台|发布|印发)?以来")
# A document issued by its name: the verb, then the name's opening bracket (印发《, 发布了《).
_NAMED = ("《", "了《")
# A page ends its article with lines of its own: the editor, print and share controls, the
# copyright notice (未经授权不得转载 obliges nobody to anything the news reports), the site map,
# links to other pieces. A line opening with one of these starts the footer: no cue counts there.
_FOOTER = re.compile(
    r"\n[ \t　]*(?:[（(]?[ \t　]*(?:责任编辑|编辑)[:：]|【(?:纠错|我要打印|打印|列印|关闭|转寄|相关新闻|相关阅读)|分享到|分享[:：]"
    r"|版权声明|版权所有|声明[:：]|本网站(?:所|内容|刊)|网站地图|扫一扫在手机|扫描二维码|上一篇[:：]|上一则[:：]|下一篇[:：]"
    r"|延伸阅读|热门新闻|网友评论|editor[:：]|edited by|copyright|©|all rights reserved|related articles|read more[:：]|share this)")
# Wrapping lines are looked for this far into the text.
_WRAP_MAX = 400


def _lead_start(folded: str, title_end: int) -> tuple[int, int]:
    """Where the line of the article's first sentence starts (after the lines a page wraps it
    in, the title repeated), and where the sentence starts, after a dateline (the lead is
    counted from there)."""
    title = folded[:title_end].strip()
    start = title_end + 1
    while start < min(len(folded), title_end + _WRAP_MAX):
        stop = folded.find("\n", start)
        stop = len(folded) if stop < 0 else stop
        line = folded[start:stop].strip()
        if line and line != title and _SENTENCE.search(line):
            break
        start = stop + 1
    else:
        return title_end + 1, title_end + 1  # no sentence near the top: count from the text's start
    dateline = _DATELINE.match(folded, start)
    return start, dateline.end() if dateline else start


def _headline_matter(folded: str, title_end: int, wrap_end: int) -> list[tuple[int, int]]:
    """The lines between the title and the first sentence's line that are no menu or
    breadcrumbs (a column's tag, a byline)."""
    spans = []
    start = title_end + 1
    while start < wrap_end:
        stop = folded.find("\n", start, wrap_end)
        stop = wrap_end if stop < 0 else stop
        if not _MENU.search(folded, start, stop):
            spans.append((start, stop))
        start = stop + 1
    return spans


def _announcements(lex: Lexicon, verbs: list[Hit], nouns: list[Hit], folded: str, end: int) -> list[Hit]:
    """Verb and document-noun (outermost) pairs that start before ``end``, in one clause, at most
    ``announcement.max_gap`` characters apart (either order: 印发《…》, 《…》印发)."""
    rules = lex.doc_rules
    found: list[Hit] = []
    nouns = [n for n in nouns if n[0] < end and not _SINCE.match(folded, n[1])]
    for verb in verbs:
        if verb[0] >= end:
            continue
        for noun in nouns:
            (_, left_end, _), (right_start, _, _) = (verb, noun) if verb[1] <= noun[0] else (noun, verb)
            if left_end > right_start or right_start - left_end > rules.max_gap:
                continue
            if rules.clause_break.search(folded, left_end, right_start) is None:
                found += (verb, noun)
                break
    return found


def _lede(lex: Lexicon, folded: str, start: int) -> tuple[int, int]:
    """The lede: the first clause from ``start`` at least ``_LEDE_MIN`` characters long (近日，
    is only when)."""
    stop = lex.doc_rules.clause_break.search(folded, start)
    while stop is not None and stop.start() - start < _LEDE_MIN:
        start = stop.end()
        stop = lex.doc_rules.clause_break.search(folded, start)
    return start, len(folded) if stop is None else stop.start()


def _first_sentence_end(lex: Lexicon, folded: str, start: int, verb: Hit) -> int | None:
    """Where an English first sentence from ``start`` ends, if ``verb`` is a verb of release;
    None for a Chinese lead or another verb."""
    if not _LATIN.match(folded, start) or folded[verb[0]:verb[1]] not in lex.doc_rules.release_verbs:
        return None
    stop = _SENTENCE_END.search(folded, start)
    return len(folded) if stop is None else stop.start()


def _source_last(lex: Lexicon, folded: str, start: int, verb: Hit, noun: Hit) -> bool:
    """Whether an English first sentence names its source last, the document before a verb of
    release: "…, according to a plan released on Monday" is news of the plan; "under a plan
    approved by" is its basis."""
    end = _first_sentence_end(lex, folded, start, verb)
    return end is not None and noun[0] < verb[1] <= end


def _has_issued(lex: Lexicon, folded: str, start: int, verb: Hit, noun: Hit) -> bool:
    """Whether an English first sentence says its subject has released a document (a verb of
    release in the present perfect, before the document, in that sentence)."""
    end = _first_sentence_end(lex, folded, start, verb)
    return (end is not None and verb[1] <= noun[0] and noun[1] <= end
            and _PERFECT.search(folded, max(start, verb[0] - 20), verb[0]) is not None)


def _lead_weight(lex: Lexicon, pairs: list[Hit], hits: dict[str, list[Hit]], folded: str, lead_start: int) -> float:
    """``lede_weight`` when the lede's first clause is a body issuing a document (江西省工信厅
    印发通知，…: the news is the document): the verb before the document (not "under a plan
    approved by", a basis) and no company in the clause (a listed firm's 公告); also when a
    body issues a document by its name further on in the lead (会上，某市正式发布《…》); else
    ``lead_weight`` (a document cited further on)."""
    rules = lex.doc_rules
    lede_start, lede_end = _lede(lex, folded, lead_start)
    companies = [h[0] for h in hits.get(SIGNAL + "company", ())]
    for verb, noun in zip(pairs[::2], pairs[1::2]):
        if lede_start <= verb[0] and verb[1] <= noun[0] and noun[1] <= lede_end:
            if not any(lede_start <= c < lede_end and not verb[1] <= c < noun[0] for c in companies):
                return rules.lede_weight
        # a document issued by its full name (会上，某市正式发布《…若干政策》) is the news
        # wherever in the lead, unless a firm issues it in that clause
        elif verb[1] <= noun[0] and folded.startswith(_NAMED, verb[1]):
            if not any(verb[0] - rules.max_gap <= c < verb[0] for c in companies):
                return rules.lede_weight
        # an English first sentence whose subject "has issued" a document (Wuxi, …, has
        # issued a plan to …): the sentence's own verb, however long its first clause
        elif _has_issued(lex, folded, lead_start, verb, noun):
            if not any(lead_start <= c < noun[1] and not verb[1] <= c < noun[0] for c in companies):
                return rules.lede_weight
        # the issuer follows the verb (released by a firm: its own paper); firms named
        # before the document are whom it concerns
        elif _source_last(lex, folded, lead_start, verb, noun) and not any(verb[1] <= c < verb[1] + _ISSUER_SPAN for c in companies):
            return rules.lede_weight
    return rules.lead_weight


def doc_type(lex: Lexicon, hits: dict[str, list[Hit]], folded: str, title_end: int,
             lead_end: int) -> tuple[str, list[Hit]]:
    """The doc type and the hits behind it (empty for the default)."""
    rules = lex.doc_rules
    selfish = [h for h in hits.get("first_person", ()) if h[0] < lead_end]
    # an official speaking for a government (我代表市政府…表示热烈祝贺) is no company
    if selfish and not any(h[0] < title_end and h[2].title_only and h[2].labels[0] == "official_speech"
                           and h[2].weight >= 2 for h in hits.get("doctype", ())):
        return "commentary", selfish
    scores: dict[str, float] = defaultdict(float)
    evidence: dict[str, list[Hit]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    wrap_end, lead_start = _lead_start(folded, title_end)
    footer = _FOOTER.search(folded, lead_start)
    text_end = footer.start() if footer else len(folded)
    matter = _headline_matter(folded, title_end, wrap_end)
    tag = _FIRST_LINE_TAG.match(folded, wrap_end)
    tag_start, tag_end = tag.span(1) if tag else (0, 0)
    cues = hits.get("doctype", [])
    # a weight-0 phrase hides those inside it: 委员 inside 委员会 (a committee) is no member
    names = [(h[0], h[1]) for h in cues if not h[2].weight]
    for hit in cues:
        start, end, term = hit
        if term.title_only:
            if start >= title_end:
                if not (term.labels[0] in _HEADLINE_MATTER
                        and (any(s <= start and end <= e for s, e in matter)
                             or tag_start <= start and end == tag_end)):
                    continue
            elif rules.basis.search(folded, max(0, start - _BASIS_SPAN), start):
                continue
        if not term.weight or start >= text_end or names and any(s <= start and end <= e for s, e in names):
            continue
        label = term.labels[0]
        evidence[label].append(hit)
        key = (label, lemma(folded[start:end]))
        if key not in seen:
            seen.add(key)
            scores[label] += term.weight
    # Pairs start before the lead's end: nothing later counts, and no later noun holds an
    # earlier one (a longer phrase around a noun starts where it does or before).
    lead_end = min(lead_end + lead_start - title_end - 1, text_end)  # as long, from the first sentence
    verbs = [v for v in hits.get("issue_verb", ()) if v[0] < lead_end]
    nouns = [n for n in hits.get("doc_noun", ()) if n[0] < lead_end]
    if verbs and nouns:
        nouns = [n for n in outermost(nouns) if n[2].weight > 0]
        in_title = _announcements(lex, verbs, nouns, folded, title_end)
        in_lead = [] if in_title else _announcements(lex, [v for v in verbs if v[0] >= title_end], nouns, folded, lead_end)
        if in_title or in_lead:
            scores["policy_document"] += rules.title_weight if in_title else _lead_weight(lex, in_lead, hits, folded, lead_start)
            evidence["policy_document"] += in_title or in_lead
    # a document the lead quotes as saying something is what the article reports (as a lede
    # announcing it); further down it may be background
    said = [n for n in outermost([n for n in hits.get("doc_noun", ()) if title_end <= n[0] < lead_end])
            if n[2].weight > 0 and rules.document_says.match(folded, n[1])]
    if said:
        scores["policy_document"] += rules.lede_weight
        evidence["policy_document"] += said[:1]
    # a firm addressing its customers (尊敬的用户, dear users) issues no policy document
    if any(h[0] < lead_end for h in hits.get("customer_notice", ())):
        scores.pop("policy_document", None)
    if scores:
        best = max(scores, key=lambda label: (scores[label], -rules.priority.index(label)))
        if scores[best] >= rules.min_score:
            return best, evidence[best]
    return rules.default, []
