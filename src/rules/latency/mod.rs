//! SL6xx: latency between the AZs of a stretched control plane.

pub mod inter_az_latency;
