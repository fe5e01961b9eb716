//! SL3xx: user-managed load balancers (HAProxy configurations, F5 BIG-IP tasks in Ansible).
pub mod external_lb_missing_frontend;
pub mod external_lb_not_az_redundant;
