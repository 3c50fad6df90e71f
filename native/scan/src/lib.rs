//! The classifier's native part (consumers/classifier/native.py imports it): the loops
//! that run once per character or per phrase found, where an interpreter spends most.
//! The rules stay in Python.
//!
//! - scan: the phrase scan (consumers/classifier/hits.py);
//! - case: lowering plain text (consumers/classifier/normalise.py);
//! - simhash: the story fingerprint's shingles and hash (consumers/stories.py).

use pyo3::prelude::*;

mod case;
mod scan;
mod simhash;

#[pymodule]
fn policywatch_scan(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<scan::Scanner>()?;
    module.add_class::<simhash::SimHasher>()?;
    module.add_function(wrap_pyfunction!(case::lower_plain, module)?)?;
    Ok(())
}
