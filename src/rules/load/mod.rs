//! SL0xx: what the loader found while reading files.

pub mod duplicate_key;
pub mod invalid_site_file;
pub mod parse_error;
pub mod templated_file_skipped;
pub mod undefined_reference;
