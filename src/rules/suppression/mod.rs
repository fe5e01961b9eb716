//! SL9xx: findings about inline suppressions. They depend on what every other rule found, so
//! they are made when the report is built (report::suppressions), not by `check`; each file here
//! says what its rule reports and words its findings.

pub mod invalid_suppression;
pub mod unused_suppression;
