//! SL4xx: install-config hygiene.

pub mod cluster_name_invalid;
pub mod cluster_network_mtu_unsupported;
pub mod conflicting_deprecated_field;
pub mod deprecated_field;
mod locate;
pub mod unknown_field;
