//! SL1xx: zones and failure domains.
