//! SL3xx: load balancing and VRRP.
