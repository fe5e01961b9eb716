//! SL2xx: networking.
