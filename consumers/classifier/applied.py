"""Which application phrases name an area that blockchain is applied to (taxonomy.md
"applications": areas named *for* blockchain), not areas the article also covers.

An application phrase counts only where the text applies blockchain to it
(lexicons/applications.yaml ``applied_to`` and ``named_in_list`` hold the words and
distances):

1. Scope: in a sentence that names blockchain as a technology (within the anchors'
   window; 区块链企业 and blockchain start-ups name the industry), or in a sentence
   that speaks of applications (a cue: 应用, 场景, 平台, projects...) near one, or
   anywhere in an article whose title names blockchain (the article is about it) when
   the cue is not another application's (平台, not 智慧医疗平台): "In the field of smart
   cities, the province will implement traceability projects";
   "平台整合海关报关、物流运输和跨境结算等环节数据"; far from the word, the cue may also
   be in the paragraph, or in a heading above (应用场景), and every item of a numbered
   list counts when the title names a plan (区块链产业发展行动计划: its measures).
   Elsewhere (the work report's chapters on schools and hospitals) it is another topic.
2. A generic word (金融, bank) counts in full only joined to blockchain as one compound
   (区块链+金融, 区块链金融, blockchain-based payments: ``applied_to.joiners``) or
   named as an area in scope (金融领域, the financial sector); at its
   own weight right next to a blockchain mention that names the technology, not the
   industry (blockchain-based payments; not 区块链企业可申请银行贷款); or as an item of
   an enumeration in scope.
3. An enumeration of applications (数字金融、物联网、智能制造) raises its items to the
   list weight; but an application listed beside blockchain or another technology
   (5G、工业互联网、物联网、区块链) is a peer technology, not an area, and one followed by
   a word for bodies (民政、不动产登记等部门; tax departments) names departments: they
   count nothing, but such an enumeration in scope is data shared between departments
   (``applied_to.departments``: e_government).
4. A generic word of an application with ``generic_clues`` also needs one of those
   signals in its sentence: bitcoin is the background of a blockchain article unless
   crypto regulation is spoken of. (Names of bodies, 教育部 or the Financial Times, are
   weight-0 phrases of the lexicon: they hide the words inside them.)
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from consumers.classifier.hits import END, START, Hit

if TYPE_CHECKING:
    from consumers.classifier.engine import Anchors
    from consumers.classifier.lexicon import Lexicon, Term

# A sentence ends at 。！？ or a newline, or at . ! ? before a space. Written as one
# character class first (the lookbehind tells which kind matched), so a search skips
# from candidate to candidate in C rather than trying two branches at every character.
_SENTENCE_END = re.compile(r"[。！？\n.!?](?:(?<=[^.!?])|(?=\s))")
# a range of areas (applications ranging from finance to logistics), not a path (traced
# from manufacturer to patient, 从拨付到支付)
_TO = re.compile(r"\s+to\s+")
_FROM = re.compile(r"\b(?:rang(?:e|es|ing)|everything|spanning|areas|fields|sectors|industries|uses|applications|scenarios)\s+from\s+$")
# an item of a numbered list: （一） 1. 一、 (2) ① 第三， First, (at the start of a line)
_ITEM = re.compile(r"\s*(?:[(（]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}\s*[、.．]|\d{1,2}\s*[、.．)）](?!\d)"
                   r"|[①-⑳]|第[一二三四五六七八九十]{1,3}[，,、是]|[一二三四五六七八九十]是|其[一二三四五]\s*[，,、是]"
                   r"|(?:first|second|third|fourth|fifth|sixth|finally)\b)")
# ... or of a list written in sentences: (方案提出，)一是…；二是…  First, … Second, …
_CLAUSE_START = re.compile(r"[。！？；;\n.!?](?:(?<=[^.!?])|(?=\s))")  # as _SENTENCE_END, and ；
# the text up to the last clause start: one backward search from the end
_UP_TO_CLAUSE_START = re.compile(".*" + _CLAUSE_START.pattern, re.S)
_INLINE_ITEM = re.compile(r"(?:[^，,。；;\n]{0,12}[，,：:])?\s*(?:[一二三四五六七八九十]是|其[一二三四五]\s*[，,、是]|第[一二三四五六七八九十]{1,3}[，,、是]"
                          r"|(?:first|second|third|fourth|fifth|sixth|finally)\s*,)")
# a heading: a short line that ends no sentence
_HEADING = re.compile(r"\s*[^。！？.!?\n]{1,40}")
_SPACES = re.compile(r"\s+")
_PERK = ("perk",)  # the label of perks offered to talent (lexicon.py)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_JOINER_MAX = 12  # characters a joiner with its spaces may take (" - enabled ")


def raised(term: Term, weight: float) -> Term:
    """``term`` weighing ``weight`` at least: itself when it does already (most list
    items), so only a lighter term is hashed (a dataclass's hash is a Python call)."""
    return term if term.weight >= weight else _reweighted(term, weight)


@functools.lru_cache(maxsize=4096)
def _reweighted(term: Term, weight: float) -> Term:
    return replace(term, weight=weight)


def shares_sentence(folded: str, window: int, position: int, starts: list[int]) -> bool:
    """One of ``starts`` (sorted) is within ``window`` characters before or after
    ``position`` with no sentence end between (searched on demand: most texts need a few)."""
    i = bisect.bisect_right(starts, position)
    if i > 0 and position - starts[i - 1] <= window:
        if _SENTENCE_END.search(folded, starts[i - 1], position) is None:
            return True
    return (i < len(starts) and starts[i] - position <= window
            and _SENTENCE_END.search(folded, position, starts[i]) is None)


def clue_starts(signals: dict[str, tuple[float, list[Hit]]], clues: tuple[str, ...]) -> list[int]:
    """Where the signals of the groups ``clues`` start, sorted."""
    return sorted(h[0] for group in clues for h in signals.get(group, (0.0, []))[1])


class Sentences:
    """Whether a place of the text is in a sentence that speaks of blockchain, or of
    applications next to one that does."""

    def __init__(self, folded: str, anchors: Anchors, cues: list[Hit], references: list[Hit] | None,
                 plan: bool = False) -> None:
        self.folded, self.anchors, self.plan = folded, anchors, plan
        self.cue_starts = sorted(map(START, cues))
        self.reference_starts = None if references is None else sorted(map(START, references))
        self.parts: tuple[list[int], list[bool], list[bool]] | None = None  # of an article titled with blockchain, on demand

    def shares_sentence(self, hit: Hit, starts: list[int]) -> bool:
        """One of ``starts`` (sorted) shares ``hit``'s sentence (see shares_sentence)."""
        return shares_sentence(self.folded, self.anchors.window, hit[0], starts)

    def anchored_at(self, hit: Hit) -> bool:
        """``hit`` is in a sentence that names blockchain as a technology (a sentence on
        区块链企业 or 区块链人才 alone speaks of the industry: it needs a cue)."""
        return self.shares_sentence(hit, self.anchors.technology_starts)

    def in_scope(self, hit: Hit) -> bool:
        """``hit`` is in a sentence that names blockchain, or in a sentence that names
        applications near one; when the title names blockchain, also in a paragraph that
        names applications, an item of a numbered list, or a part under a heading that
        names applications (应用场景, 重点领域)."""
        if self.anchored_at(hit):
            return True
        near = self.anchors.near(hit)
        if near and self.shares_sentence(hit, self.cue_starts):
            return True
        if self.reference_starts is None:
            return False
        if not near and self.shares_sentence(hit, self.reference_starts):
            return True
        if self.parts is None:
            self.parts = self._parts()
        starts, cued, _ = self.parts
        if cued[bisect.bisect_right(starts, hit[0]) - 1] and not near:  # near a mention, the sentence decides
            return True
        return self.listed(hit)

    def referred(self, hit: Hit) -> bool:
        """``hit`` is in a sentence that refers to the subject of an article titled with
        blockchain (banks using the platform's data to offer loans)."""
        return self.reference_starts is not None and self.shares_sentence(hit, self.reference_starts)

    def listed(self, hit: Hit) -> bool:
        """``hit`` is in an item of a plan's list of measures or below a heading that names
        applications (in an article titled with blockchain)."""
        if self.reference_starts is None:
            return False
        if self.parts is None:
            self.parts = self._parts()
        starts, _, listed = self.parts
        return listed[bisect.bisect_right(starts, hit[0]) - 1] or (self.plan and self._inline_item(hit[0]))

    def _inline_item(self, position: int) -> bool:
        """The clause at ``position`` begins with an ordinal (一是, First,): an item of a
        list of measures written in sentences."""
        folded = self.folded
        low = max(0, position - 4 * self.anchors.window)  # an item is shorter than this
        last = _UP_TO_CLAUSE_START.match(folded, low, position)
        return _INLINE_ITEM.match(folded, low if last is None else last.end()) is not None

    def _parts(self) -> tuple[list[int], list[bool], list[bool]]:
        """The lines of the text (their starts), whether each names applications (a
        reference cue), and whether each is listed: an item of a numbered list of a plan
        (（一）, 1., ①), or a line below a heading that names applications, up to the next
        heading."""
        folded, references = self.folded, self.reference_starts or []
        starts, cued_lines, listed = [], [], []
        under = False  # below a heading that names applications
        position = 0
        lines = folded.split("\n")
        title = _SPACES.sub("", lines[0])
        for line in lines:
            end = position + len(line)
            i = bisect.bisect_left(references, position)
            cued = i < len(references) and references[i] < end
            # the title heads the whole text, also where the page repeats it above the text
            heading = position > 0 and _HEADING.fullmatch(line) is not None and _SPACES.sub("", line) != title
            if heading:
                under = cued
            starts.append(position)
            cued_lines.append(cued)
            listed.append(under or (self.plan and _ITEM.match(line) is not None))
            position = end + 1
        return starts, cued_lines, listed


def _named_as_area(lex: Lexicon, folded: str, start: int, end: int) -> bool:
    """The phrase is named as an area: 金融领域, 在政务服务方面, fields such as payments."""
    return (lex.area_after.match(folded, end) is not None
            or lex.area_before.search(folded, max(0, start - 30), start) is not None)


def _area_heading(lex: Lexicon, folded: str, start: int, end: int) -> bool:
    """The phrase opens a clause as the area it speaks of: 在政务服务方面，…  In the field
    of smart cities, … (not 在子女入学和住房等方面提供便利: perks, not areas)."""
    after = lex.area_after.match(folded, end)
    if after is not None:
        return folded[start - 1:start] == "在" and folded[after.end():after.end() + 1] in ("，", ",")
    return (folded[end:end + 1] == "," and lex.area_before.search(folded, max(0, start - 30), start) is not None)


def _from_to(folded: str, first_start: int, left_end: int, right_start: int) -> bool:
    """A range of areas, "ranging from X to Y", which names its ends as an enumeration does."""
    return (_TO.fullmatch(folded, left_end, right_start) is not None
            and _FROM.search(folded, max(0, first_start - 20), first_start) is not None)


def _whole_item(lex: Lexicon, folded: str, start: int, end: int) -> bool:
    """An item after a Chinese word (离岸金融, 和物流) ends where the item does: at a
    separator, 等, an area noun (领域) or the end of the Chinese, not inside a longer word
    (轨道交通装备, 及行政事业单位)."""
    if not _HAN.match(folded, start - 1) or not _HAN.match(folded, end):
        return True
    return folded[end] == "等" or lex.list_gap.match(folded, end) is not None or lex.area_after.match(folded, end) is not None


def _runs(lex: Lexicon, ordered: list[Hit], folded: str) -> list[list[int]]:
    """Indexes of enumerations: neighbours of different labels separated only by list
    separators (or a range: from finance to logistics), at most
    ``named_in_list.max_gap`` characters apart."""
    runs: list[list[int]] = []
    for i in range(1, len(ordered)):
        (left_start, left_end, left), (right_start, right_end, right) = ordered[i - 1], ordered[i]  # their terms
        gap = right_start - left_end
        if (left.labels != right.labels and 0 <= gap <= lex.list_max_gap
                and left.weight > 0 and right.weight > 0
                and ((lex.list_gap.fullmatch(folded, left_end, right_start) and _whole_item(lex, folded, right_start, right_end))
                     or _from_to(folded, ordered[runs[-1][0]][0] if runs and runs[-1][-1] == i - 1 else left_start,
                                 left_end, right_start))):
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i - 1, i])
    return runs


class Joined:
    """Where a phrase is joined to blockchain: by a plus (区块链+金融, 能源+区块链), or,
    for a word of some weight, as one compound with a name of the technology
    (区块链金融, 能源区块链, blockchain-based payments; not 上链存证, a verb's object):
    the compound names the area blockchain is applied to."""

    def __init__(self, lex: Lexicon, folded: str, anchors: Anchors) -> None:
        self.lex, self.folded, self.anchors = lex, folded, anchors
        self.ends: list[int] | None = None  # of the names, computed on demand: most texts need none
        self.starts: frozenset[int] = frozenset()

    def __call__(self, hit: Hit) -> bool:
        folded, joiner = self.folded, self.lex.joiner
        if self.anchors.joined(hit, folded):
            return True
        start, end, term = hit
        if term.weight < self.lex.compound_min:
            return False
        if self.ends is None:
            technology = set(self.anchors.technology_starts)
            names = [h for h in self.anchors.hits if h[0] in technology and h[2].weight >= 1]
            self.ends, self.starts = sorted(map(END, names)), frozenset(map(START, names))
        i = bisect.bisect_left(self.ends, start - _JOINER_MAX)
        while i < len(self.ends) and self.ends[i] <= start:
            if joiner.match(folded, self.ends[i]).end() == start:
                return True
            i += 1
        return joiner.match(folded, end).end() in self.starts


class Peers:
    """Where a technology (blockchain, 人工智能, big data) is listed: an application
    phrase right before or after one, separated only by peer separators, is a peer."""

    def __init__(self, lex: Lexicon, folded: str, technologies: list[Hit]) -> None:
        self.lex, self.folded, self.technologies = lex, folded, technologies
        self.after: set[int] | None = None  # where a phrase listed after a technology starts
        self.starts = frozenset(map(START, technologies))

    def beside(self, hit: Hit) -> bool:
        lex, folded = self.lex, self.folded
        start, end, _ = hit
        if start and folded[start - 1] in lex.peer_last:
            if self.after is None:  # on demand: most phrases follow no separator
                self.after = set()
                size = len(folded)
                for _, tech_end, _ in self.technologies:
                    if tech_end >= size or folded[tech_end] not in lex.peer_first:
                        continue  # no separator can start here: the regex would fail
                    gap = lex.peer_gap.match(folded, tech_end)
                    if gap is not None and gap.end() - tech_end <= lex.peer_max_gap:
                        self.after.add(gap.end())
            if start in self.after:
                return True
        if end >= len(folded) or folded[end] not in lex.peer_first:
            return False
        gap = lex.peer_gap.match(folded, end)
        return gap is not None and gap.end() in self.starts and gap.end() - end <= lex.peer_max_gap


def applied(lex: Lexicon, hits: list[Hit], folded: str, anchors: Anchors, peers: Peers,
            cues: list[Hit], signals: dict[str, tuple[float, list[Hit]]], wide: bool, title_end: int) -> list[Hit]:
    """The application hits (outermost, in order of start) that name an area blockchain
    is applied to, with their weights as they count (see the module's rules)."""
    perks = [c[0] for c in cues if c[2].labels == _PERK]  # offered to talent, not cues
    if perks:
        cues = [c for c in cues if c[2].labels != _PERK]
    # the title names blockchain (a 区块链产业发展行动计划 too): the article is about it
    titled = bool(anchors.starts) and anchors.starts[0] < title_end
    ordered = hits if titled else anchors.keep_near(hits)  # nothing further counts
    references = None  # far from blockchain, a cue must refer to the title's subject: 平台, not 智慧医疗平台
    if titled:
        ends = set(map(END, hits))
        references = [c for c in cues if c[0] not in ends and not (folded[c[0] - 1:c[0]] == " " and c[0] - 1 in ends)]
    # ... and a plan about it (行动计划, measures) lists its measures, each about it
    plan = titled and lex.plan_title.search(folded, 0, title_end) is not None
    sentences = Sentences(folded, anchors, cues, references, plan)
    body_after, body_first, size = lex.body_after.match, lex.body_first, len(folded)
    joined = Joined(lex, folded, anchors)
    # a technology's or a department's name, unless joined to blockchain (区块链+金融、区块链+教育);
    # a weight-0 phrase (a body's name) is in no enumeration and counts nothing: not looked at
    dropped = [h[2].weight > 0
               and ((h[1] < size and folded[h[1]] in body_first and body_after(folded, h[1]) is not None) or peers.beside(h))
               and not joined(h) for h in ordered]
    boost: set[int] = set()
    kept: list[Hit] = []
    for run in _runs(lex, ordered, folded):
        if any(dropped[i] for i in run):  # a list of technologies, or of departments (民政、不动产登记等部门)
            for i in run:
                dropped[i] = True
            last = ordered[run[-1]]
            departments = body_after(folded, last[1])
            if departments is not None and lex.departments is not None and sentences.in_scope(last):
                kept.append((ordered[run[0]][0], departments.end(), lex.departments))
        elif any(sentences.in_scope(ordered[i]) for i in run):
            boost.update(run)
    close = lex.generic_near_en if wide else lex.generic_near_zh
    starts_of_clues: dict[tuple[str, ...], list[int]] = {}
    for i, hit in enumerate(ordered):
        start, end, term = hit
        if dropped[i] or term.weight <= 0:
            continue
        if i in boost:
            kept.append((start, end, raised(term, lex.list_weight)))
        elif term.weight < lex.generic_below:
            clues = lex.generic_clues.get(term.labels[0])
            if clues:
                if clues not in starts_of_clues:
                    starts_of_clues[clues] = clue_starts(signals, clues)
                if not sentences.shares_sentence(hit, starts_of_clues[clues]):
                    continue
            if joined(hit) or (_named_as_area(lex, folded, start, end) and sentences.in_scope(hit)):
                kept.append((start, end, raised(term, lex.generic_below)))
            elif ((anchors.near_technology(hit, close) and sentences.anchored_at(hit)) or sentences.listed(hit)
                  or (sentences.referred(hit) and not anchors.near(hit))):
                kept.append(hit)  # at its weight: a second word must confirm (banks ... loans)
        elif sentences.in_scope(hit) or (titled and _area_heading(lex, folded, start, end)):
            kept.append(hit)
    if perks and kept:
        kept = [h for h in kept if not _perk(perks, folded, h)]
    for label, words, finance in lex.absorbed:
        bare = {h[0] for h in kept if h[2].labels[0] == label and h[2].lemma in words and not joined(h)}
        # the chain of the finance named (供应链金融, found by the scan), not 区块链+供应链
        if bare and any(h[2].lemma in finance for h in hits):
            kept = [h for h in kept if h[0] not in bare]
    return kept


def _perk(perks: list[int], folded: str, hit: Hit) -> bool:
    """``hit`` is in a clause with one of ``perks`` (sorted starts of perks offered to
    talent: 在住房、子女就学等方面予以支持)."""
    i = bisect.bisect_right(perks, hit[0])
    before = perks[i - 1] if i else None
    after = perks[i] if i < len(perks) else None
    return ((before is not None and _CLAUSE_START.search(folded, before, hit[0]) is None)
            or (after is not None and _CLAUSE_START.search(folded, hit[1], after) is None))


def clued(lex: Lexicon, folded: str, label: str, hits: list[Hit], signals: dict[str, tuple[float, list[Hit]]],
          window: int) -> bool:
    """One of ``hits`` (of ``label``) shares a sentence with a signal of the label's
    ``generic_clues``, if it has any: in an article about a CBDC, a stablecoin named
    beside the currency is a contrast; a ban on crypto trading it cites is regulation
    (convention 5: digital_assets)."""
    clues = lex.generic_clues.get(label)
    if not clues:
        return True
    starts = clue_starts(signals, clues)
    return any(shares_sentence(folded, window, hit[0], starts) for hit in hits)
