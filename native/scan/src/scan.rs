//! The phrase scan: one pass of an Aho-Corasick automaton over an article's folded text,
//! each match turned into the hits its pattern makes, grouped by bucket. Offsets are in
//! characters (code points), as Python's str counts them.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple};

/// The hits a match of one pattern makes: (slot of its bucket, term) per term.
type Payload = Vec<(usize, Py<PyAny>)>;

struct Pattern {
    chars: usize,  // its length in characters: a match's start is its end less this
    word: bool,    // ASCII phrase: only as a whole word (a plural "s" may follow)
    anchor: bool,  // a match makes the text one that may be relevant
    full: Payload, // the hits it makes in a text that may be relevant
    core: Payload, // ... and in one that cannot be (without the content kinds)
}

/// An automaton over every lexicon phrase and what a match of each makes.
#[pyclass(frozen, module = "policywatch_scan")]
pub struct Scanner {
    automaton: AhoCorasick,
    patterns: Vec<Pattern>,
    slots: usize,
}

fn word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
}

/// A match of an ASCII phrase at bytes start..end stands as a whole word: no letter or
/// digit before it, none after it but a plural "s" that ends the word.
fn whole_word(text: &[u8], start: usize, end: usize) -> bool {
    if start > 0 && word_byte(text[start - 1]) {
        return false;
    }
    if end < text.len() && word_byte(text[end]) {
        return text[end] == b's' && (end + 1 == text.len() || !word_byte(text[end + 1]));
    }
    true
}

/// Character offsets of byte offsets met in order: counts the characters (bytes that do
/// not continue one) between the last offset asked and the next.
struct Characters<'a> {
    text: &'a [u8],
    byte: usize,
    chars: usize,
}

impl Characters<'_> {
    fn at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            // overlapping matches come in order of end; should a crate upgrade change
            // that, count again from the start rather than slice backwards (a panic)
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.text[self.byte..byte].iter().filter(|b| (**b & 0xC0) != 0x80).count();
        self.byte = byte;
        self.chars
    }
}

#[pymethods]
impl Scanner {
    /// ``patterns`` (non-empty strings) and, for each by index, what ``scan`` makes of a
    /// match: ``full`` and ``core`` lists of (slot, term), whether it must stand as a
    /// whole word, whether it is an anchor; ``slots`` lists are returned per scan.
    #[new]
    fn new(patterns: Vec<String>, full: Vec<Payload>, core: Vec<Payload>, words: Vec<bool>,
           anchors: Vec<bool>, slots: usize) -> PyResult<Self> {
        let count = patterns.len();
        if [full.len(), core.len(), words.len(), anchors.len()].iter().any(|n| *n != count) {
            return Err(PyValueError::new_err("one payload, word flag and anchor flag per pattern"));
        }
        let outside = |payloads: &Vec<Payload>| payloads.iter().flatten().any(|(slot, _)| *slot >= slots);
        if outside(&full) || outside(&core) {
            return Err(PyValueError::new_err(format!("a slot is not below {slots}")));
        }
        if patterns.iter().any(String::is_empty) {
            return Err(PyValueError::new_err("an empty pattern"));
        }
        // A contiguous NFA: over the 35k patterns a DFA scans a 5 KB article in 30% fewer
        // instructions but takes 150 MB more memory.
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let patterns = patterns.iter().zip(full).zip(core).zip(words).zip(anchors)
            .map(|((((pattern, full), core), word), anchor)| Pattern {
                chars: pattern.chars().count(), word, anchor, full, core,
            })
            .collect();
        Ok(Scanner { automaton, patterns, slots })
    }

    /// Every match in ``text`` (overlapping), as ``slots`` lists of hits (start, end,
    /// term) in the automaton's order, by end. A text in which no anchor pattern matches
    /// gets the ``core`` hits only. ASCII phrases count only as whole words.
    fn scan<'py>(&self, py: Python<'py>, text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyList>> {
        let bytes = text.to_str()?.as_bytes();
        let mut matches: Vec<(usize, usize, usize)> = Vec::new(); // pattern, start and end byte
        let mut may_be_relevant = false;
        for found in self.automaton.find_overlapping_iter(bytes) {
            let index = found.pattern().as_usize();
            let pattern = &self.patterns[index];
            may_be_relevant |= pattern.anchor;
            if !pattern.word || whole_word(bytes, found.start(), found.end()) {
                matches.push((index, found.start(), found.end()));
            }
        }
        let lists: Vec<Bound<'py, PyList>> = (0..self.slots).map(|_| PyList::empty(py)).collect();
        let mut characters = Characters { text: bytes, byte: 0, chars: 0 };
        for (index, _, end_byte) in matches {
            let pattern = &self.patterns[index];
            let payload = if may_be_relevant { &pattern.full } else { &pattern.core };
            if payload.is_empty() {
                continue;
            }
            let end = characters.at(end_byte);
            let (start, end) = ((end - pattern.chars).into_pyobject(py)?, end.into_pyobject(py)?);
            for (slot, term) in payload {
                let hit = PyTuple::new(py, [start.as_any(), end.as_any(), term.bind(py)])?;
                lists[*slot].append(hit)?;
            }
        }
        PyList::new(py, lists)
    }

    /// The automaton's heap size in bytes.
    #[getter]
    fn memory_usage(&self) -> usize {
        self.automaton.memory_usage()
    }
}

