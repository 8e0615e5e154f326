//! Bringing data in from other formats: CSSM (Smart Licensing API) JSON responses.

pub mod cssm;

pub use cssm::{import_cssm_json, ImportReport};
