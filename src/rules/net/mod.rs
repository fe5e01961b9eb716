//! SL2xx: networking.
pub mod api_ingress_vip_equal;
pub mod machine_subnet_outside_machine_network;
pub mod router_ha_and_distributed;
pub mod single_gateway_stretched_l2;
pub mod stretched_l2_missing_in_az;
pub mod vip_on_routed_network;
pub mod vip_outside_machine_network;
