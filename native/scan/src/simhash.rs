//! The story fingerprint's hot part (consumers/stories.py keeps the rules): fold the
//! text, cut it into tokens, hash each distinct shingle of three tokens and take the
//! majority of each bit. Python's tables drive it, so it gives Python's value exactly.

use std::collections::HashSet;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyString;

const PLANE: usize = 0x10000;
const SECOND_SEED: u32 = 0x9E37_79B9;

/// A SimHash over shingles of tokens of folded text, for the characters of the Basic
/// Multilingual Plane (a text with others is left to Python).
#[pyclass(frozen, module = "policywatch_scan")]
pub struct SimHasher {
    fold: Vec<char>,  // per code point: its folded character (a few rare ones past the plane)
    token: Vec<bool>, // per folded character: a token of its own (an ideograph, a letter)
    shingle: usize,
}

impl SimHasher {
    /// The folded text's tokens, concatenated, and where each ends; None when the text
    /// has a character past the plane, or one that folds to such a character.
    fn tokens(&self, text: &str) -> Option<(String, Vec<usize>)> {
        let mut joined = String::with_capacity(text.len());
        let mut ends = Vec::new();
        let mut in_word = false; // inside a run of [a-z0-9]: one token
        for character in text.chars() {
            let folded = *self.fold.get(character as usize)?;
            if folded.is_ascii_lowercase() || folded.is_ascii_digit() {
                joined.push(folded);
                if in_word {
                    *ends.last_mut()? = joined.len();
                } else {
                    ends.push(joined.len());
                    in_word = true;
                }
                continue;
            }
            in_word = false;
            if *self.token.get(folded as usize)? {
                joined.push(folded);
                ends.push(joined.len());
            }
        }
        Some((joined, ends))
    }
}

#[pymethods]
impl SimHasher {
    /// ``fold``: the folded code point of each code point of the plane; ``token``: one
    /// byte per code point of the plane, 1 where a folded character that is not [a-z0-9]
    /// is a token of its own; ``shingle``: tokens per shingle.
    #[new]
    fn new(fold: Vec<u32>, token: Vec<u8>, shingle: usize) -> PyResult<Self> {
        if fold.len() != PLANE || token.len() != PLANE || shingle == 0 {
            return Err(PyValueError::new_err("fold and token tables of 65536 entries and a shingle of 1 or more"));
        }
        // surrogates are in no str a Rust &str holds: their entries are never read
        let fold = fold.into_iter().enumerate()
            .map(|(code, folded)| if (0xD800..0xE000).contains(&code) { Some('\0') } else {
                char::from_u32(folded)
            })
            .collect::<Option<Vec<char>>>()
            .ok_or_else(|| PyValueError::new_err("the fold table maps a code point to no character"))?;
        Ok(SimHasher { fold, token: token.into_iter().map(|flag| flag != 0).collect(), shingle })
    }

    /// (tokens, distinct shingles, SimHash) of ``text``: each distinct shingle (its
    /// tokens joined, in UTF-8) hashed by two CRC-32s (seeds 0 and 0x9E3779B9) into 64
    /// bits, each bit of the result set where more than half the hashes have it. None
    /// for a text with a character past the plane.
    fn simhash(&self, py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<Option<(usize, usize, u64)>> {
        let text = text.to_str()?;
        Ok(py.detach(|| {
            let (joined, ends) = self.tokens(text)?;
            let bytes = joined.as_bytes();
            let mut shingles: HashSet<&[u8]> = HashSet::new();
            for i in self.shingle - 1..ends.len() {
                let start = if i + 1 == self.shingle { 0 } else { ends[i - self.shingle] };
                shingles.insert(&bytes[start..ends[i]]);
            }
            let mut ones = [0usize; 64];
            for shingle in &shingles {
                let high = u64::from(crc32(shingle, 0));
                let hash = high << 32 | u64::from(crc32(shingle, SECOND_SEED));
                for (bit, count) in ones.iter_mut().enumerate() {
                    *count += ((hash >> bit) & 1) as usize;
                }
            }
            let value = ones.iter().enumerate()
                .filter(|(_, count)| 2 * **count > shingles.len())
                .fold(0u64, |value, (bit, _)| value | 1 << bit);
            Some((ends.len(), shingles.len(), value))
        }))
    }
}

/// zlib's crc32(data, seed): the CRC-32 of ``data`` continuing from ``seed``.
fn crc32(data: &[u8], seed: u32) -> u32 {
    let mut hasher = crc32fast::Hasher::new_with_initial(seed);
    hasher.update(data);
    hasher.finalize()
}
