//! SL4xx: install-config hygiene.
