//! SL3xx: load balancing and VRRP.
mod l2_index;
pub mod vrrp_id_collision;
pub mod vrrp_id_collision_external;
