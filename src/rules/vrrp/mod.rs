//! SL3xx: load balancing and VRRP.
pub mod vrrp_id_collision;
pub mod vrrp_id_collision_external;
