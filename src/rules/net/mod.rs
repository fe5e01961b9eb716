//! SL2xx: networking.
pub mod api_ingress_vip_equal;
pub mod router_ha_and_distributed;
pub mod vip_outside_machine_network;
