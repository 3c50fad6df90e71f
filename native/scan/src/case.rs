//! Lowering without ``str.lower``'s Unicode lookup per character, where only ASCII
//! letters have case.

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyString;

/// Whether ``lower()`` leaves this character (not ASCII) as it is and it is common in
/// the articles: CJK, its punctuation and symbols, general punctuation, Latin-1's
/// symbols, full-width forms but the capitals. The test suite checks each against
/// Python's ``str.lower``.
fn caseless(code: u32) -> bool {
    matches!(code, 0xA0..=0xBF | 0x2000..=0x206F | 0x3000..=0x9FFF | 0xFF00..=0xFF20 | 0xFF3B..=0xFFEF)
}

/// ``text.lower()`` for a text whose only characters with case are ASCII letters (most
/// articles: Chinese with ASCII), written straight into a new string of the same kind;
/// None for any other text, which ``str.lower`` must fold.
#[pyfunction]
pub fn lower_plain<'py>(py: Python<'py>, text: &Bound<'py, PyString>) -> PyResult<Option<Bound<'py, PyString>>> {
    let source = text.as_ptr();
    // SAFETY: ``text`` is a str (a ready, canonical compact string in CPython 3.12+ and
    // 3.11 alike); its data holds ``length`` code units of ``kind`` bytes, and the new
    // string, made for the same maximum character class, has room for as many.
    unsafe {
        let length = ffi::PyUnicode_GET_LENGTH(source);
        let kind = ffi::PyUnicode_KIND(source);
        let data = ffi::PyUnicode_DATA(source);
        let size = length as usize;
        let (widest, ascii) = match kind {
            ffi::PyUnicode_1BYTE_KIND => {
                let units = std::slice::from_raw_parts(data as *const u8, size);
                if !units.iter().all(|u| *u < 0x80 || caseless(u32::from(*u))) {
                    return Ok(None);
                }
                (0xFF, units.iter().all(|u| *u < 0x80))
            }
            ffi::PyUnicode_2BYTE_KIND => {
                let units = std::slice::from_raw_parts(data as *const u16, size);
                if !units.iter().all(|u| *u < 0x80 || caseless(u32::from(*u))) {
                    return Ok(None);
                }
                (0xFFFF, false)
            }
            _ => return Ok(None),
        };
        let made = ffi::PyUnicode_New(length, if ascii { 0x7F } else { widest });
        let made = Bound::from_owned_ptr_or_err(py, made)?;
        let target = ffi::PyUnicode_DATA(made.as_ptr());
        if kind == ffi::PyUnicode_1BYTE_KIND {
            let from = std::slice::from_raw_parts(data as *const u8, size);
            let to = std::slice::from_raw_parts_mut(target as *mut u8, size);
            for (t, f) in to.iter_mut().zip(from) {
                *t = f.to_ascii_lowercase();
            }
        } else {
            let from = std::slice::from_raw_parts(data as *const u16, size);
            let to = std::slice::from_raw_parts_mut(target as *mut u16, size);
            for (t, f) in to.iter_mut().zip(from) {
                *t = if (0x41..=0x5A).contains(f) { *f + 32 } else { *f };
            }
        }
        Ok(Some(made.cast_into_unchecked()))
    }
}

