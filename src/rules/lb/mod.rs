//! SL3xx: user-managed load balancers (HAProxy configurations in the scan).
pub mod external_lb_missing_frontend;
pub mod external_lb_not_az_redundant;
