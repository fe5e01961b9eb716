//! OpenShift operator configs that bear on an AZ loss: the pod MTU, the ingress replicas and the
//! etcd timing profile.

use super::field::{self, Field};
use crate::source::FileId;
use crate::yaml::Node;

/// `Network.operator.openshift.io` (`cluster-network-03-config.yml`).
#[derive(Clone, Debug)]
pub struct NetworkOperator {
    pub file: FileId,
    /// `ovnKubernetesConfig.mtu`, or `openshiftSDNConfig.mtu`.
    pub mtu: Field<i64>,
    pub network_type: Field<String>,
    /// `spec.migration.mtu.machine.to`: the node NIC MTU an MTU migration sets.
    pub machine_mtu: Field<i64>,
}

/// `IngressController` (`operator.openshift.io/v1`).
#[derive(Clone, Debug)]
pub struct IngressController {
    pub file: FileId,
    pub name: Field<String>,
    pub replicas: Field<i64>,
}

/// `Etcd` (`operator.openshift.io/v1`), for `controlPlaneHardwareSpeed`.
#[derive(Clone, Debug)]
pub struct Etcd {
    pub file: FileId,
    pub control_plane_hardware_speed: Field<String>,
}

pub fn read_network(file: FileId, root: &Node) -> NetworkOperator {
    let net = root.path(&["spec", "defaultNetwork"]);
    let mtu = match field::int(net.and_then(|n| n.path(&["ovnKubernetesConfig", "mtu"]))) {
        Field::Missing => field::int(net.and_then(|n| n.path(&["openshiftSDNConfig", "mtu"]))),
        mtu => mtu,
    };
    NetworkOperator {
        file,
        mtu,
        network_type: field::string(net.and_then(|n| n.get("type"))),
        machine_mtu: field::int(root.path(&["spec", "migration", "mtu", "machine", "to"])),
    }
}

pub fn read_ingress(file: FileId, root: &Node) -> IngressController {
    IngressController {
        file,
        name: field::string(root.path(&["metadata", "name"])),
        replicas: field::replicas(root.path(&["spec", "replicas"])),
    }
}

pub fn read_etcd(file: FileId, root: &Node) -> Etcd {
    Etcd {
        file,
        control_plane_hardware_speed: field::string(root.path(&["spec", "controlPlaneHardwareSpeed"])),
    }
}
