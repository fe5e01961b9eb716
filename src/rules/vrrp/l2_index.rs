//! Which keepalived clusters share a broadcast domain and a VRID (SL301), looked up through an
//! index built once: a scan of thousands of clusters on one stretched L2 must not compare every
//! pair, nor look every cluster's network up again for each pair.
//!
//! The Site decides when it attaches both clusters (one control-plane network, one L2): those
//! clusters are bucketed by network and VRID. Otherwise the install-configs decide pair by pair
//! (a shared network or subnet name, overlapping machine networks), which no key captures: those
//! pairs are still compared, but only among clusters that use the VRID asked about.

use std::collections::HashMap;

use ipnet::IpNet;

use crate::inputs::{Field, InstallConfig};
use crate::model::Cluster;
use crate::model::attach::Attachment;
use crate::model::site::Site;
use crate::source::{FileId, Sp, Span};
use crate::vrrp::{FreeNames, VridSet, Vrids};

/// A cluster whose VIPs keepalived holds, with what the rule needs of it.
pub(super) struct Keepalived<'a> {
    pub cluster: &'a Cluster,
    pub ic: &'a InstallConfig,
    pub name: &'a Sp<String>,
    pub vrids: Vrids,
    pub path: &'a str,
    /// The control-plane network the Site gives the cluster, looked up once.
    pub attachment: Option<Attachment<'a>>,
}

impl<'a> Keepalived<'a> {
    pub fn new(
        site: &'a Site,
        cluster: &'a Cluster,
        ic: &'a InstallConfig,
        name: &'a Sp<String>,
        path: &'a str,
    ) -> Self {
        let attachment = site.control_plane_attachment(cluster);
        Keepalived { cluster, ic, name, vrids: crate::vrrp::vrids(&name.value), path, attachment }
    }

    /// Whether the install-config alone can put the cluster on an L2 with another one.
    fn placed_by_install_config(&self) -> bool {
        brings_own_network(self.ic) && !unknown_identity(self.ic)
    }
}

/// Why two clusters are taken to share an L2, and where each says so.
pub(super) struct SharedL2 {
    pub what: String,
    pub earlier: Span,
    pub later: Span,
}

/// A network as [`crate::model::site::Origin`] tells networks apart: its file and resource key.
type NetworkKey<'a> = (FileId, &'a str, Span);

fn network_key<'a>(a: &Attachment<'a>) -> NetworkKey<'a> {
    let origin = &a.network.origin;
    (origin.file, origin.key.value.as_str(), origin.key.span)
}

/// Cluster indices by VRID: slot `v` holds the clusters with an API or ingress VRID `v`.
type ByVrid = Box<[Vec<usize>; 256]>;

fn by_vrid() -> ByVrid {
    Box::new(std::array::from_fn(|_| Vec::new()))
}

/// The clusters (indices into the slice it was built from) by L2 and VRID.
pub(super) struct L2Index<'k, 'a> {
    clusters: &'k [Keepalived<'a>],
    /// Clusters the Site attaches, by control-plane network: a network is one L2.
    by_network: HashMap<NetworkKey<'a>, ByVrid>,
    /// Clusters the install-config can place on a shared L2: for a cluster the Site does not
    /// attach, any of them may share its L2.
    placeable: ByVrid,
    /// The clusters of `placeable` the Site does not attach: for a cluster it attaches, only
    /// these are told by the install-configs.
    unattached: ByVrid,
    free_names: FreeNames,
}

impl<'k, 'a> L2Index<'k, 'a> {
    pub fn new(clusters: &'k [Keepalived<'a>]) -> Self {
        let mut index = L2Index {
            clusters,
            by_network: HashMap::new(),
            placeable: by_vrid(),
            unattached: by_vrid(),
            free_names: FreeNames::default(),
        };
        for (i, c) in clusters.iter().enumerate() {
            let network =
                c.attachment.as_ref().map(|a| index.by_network.entry(network_key(a)).or_insert_with(by_vrid));
            let mut slots: Vec<&mut ByVrid> = network.into_iter().collect();
            if c.placed_by_install_config() {
                slots.push(&mut index.placeable);
                if c.attachment.is_none() {
                    slots.push(&mut index.unattached);
                }
            }
            for slot in slots {
                for v in [c.vrids.api, c.vrids.ingress] {
                    slot[usize::from(v)].push(i);
                }
            }
        }
        index
    }

    /// The clusters before `i` (in the slice's order) on its L2 that use one of its VRIDs, in
    /// that order.
    pub fn colliders(&self, i: usize) -> Vec<usize> {
        let Some(me) = self.clusters.get(i) else { return Vec::new() };
        let on_l2 = self.on_l2_of(i);
        let mut out: Vec<usize> = [me.vrids.api, me.vrids.ingress]
            .into_iter()
            .flat_map(|v| on_l2.users(v))
            .filter(|&j| j < i)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// A name near cluster `i`'s whose VRIDs no other cluster on its L2 uses.
    pub fn free_name(&mut self, i: usize) -> Option<String> {
        let me = self.clusters.get(i)?;
        let taken = self.on_l2_of(i).taken();
        self.free_names.find(&me.name.value, taken)
    }

    fn on_l2_of(&self, i: usize) -> OnL2<'_, 'a> {
        let me = self.clusters.get(i);
        let same_network = me.and_then(|me| self.by_network.get(&network_key(me.attachment.as_ref()?)));
        let pairwise = me
            .filter(|me| me.placed_by_install_config())
            .map(|me| if me.attachment.is_some() { &self.unattached } else { &self.placeable });
        OnL2 { clusters: self.clusters, i, same_network, pairwise }
    }
}

/// Where to look for the clusters on one cluster's L2.
struct OnL2<'k, 'a> {
    clusters: &'k [Keepalived<'a>],
    i: usize,
    /// Those on its network: all on its L2.
    same_network: Option<&'k ByVrid>,
    /// Those whose install-config may put them on its L2, pair by pair.
    pairwise: Option<&'k ByVrid>,
}

impl OnL2<'_, '_> {
    /// The VRIDs other clusters on its L2 use.
    fn taken(&self) -> VridSet {
        let mut taken = VridSet::default();
        let others = |slot: &Vec<usize>| slot.iter().any(|&j| j != self.i);
        for (v, slot) in (0..=u8::MAX).zip(self.same_network.iter().flat_map(|t| t.iter())) {
            if others(slot) {
                taken.insert(v);
            }
        }
        // Pair by pair only for the VRIDs a cluster placed by its install-config uses.
        for (v, slot) in (0..=u8::MAX).zip(self.pairwise.iter().flat_map(|t| t.iter())) {
            if !slot.is_empty() && !taken.contains(v) && self.users(v).next().is_some() {
                taken.insert(v);
            }
        }
        taken
    }

    /// The clusters other than this one that use VRID `v` on its L2.
    fn users(&self, v: u8) -> impl Iterator<Item = usize> + '_ {
        let v = usize::from(v);
        let me = self.clusters.get(self.i);
        let same_network = self.same_network.into_iter().flat_map(move |t| t[v].iter().copied());
        let pairwise = self.pairwise.into_iter().flat_map(move |t| t[v].iter().copied()).filter(move |&j| {
            match (self.clusters.get(j), me) {
                (Some(other), Some(me)) => l2_of(other, me).is_some(),
                _ => false,
            }
        });
        same_network.chain(pairwise).filter(move |&j| j != self.i)
    }
}

/// Whether the two clusters' control planes share a broadcast domain: when the Site attaches
/// both, whether they are one network; otherwise as the install-configs tell.
pub(super) fn l2_of(earlier: &Keepalived<'_>, later: &Keepalived<'_>) -> Option<SharedL2> {
    match (&earlier.attachment, &later.attachment) {
        (Some(a), Some(b)) if a.network.origin == b.network.origin => Some(SharedL2 {
            what: format!("network `{}`", a.network.display_name()),
            earlier: a.span,
            later: b.span,
        }),
        (Some(_), Some(_)) => None,
        _ => shared_l2(earlier.ic, later.ic),
    }
}

/// Whether the two clusters' control planes sit on one broadcast domain, as far as the
/// install-configs tell.
fn shared_l2(earlier: &InstallConfig, later: &InstallConfig) -> Option<SharedL2> {
    // Without `controlPlanePort` or `machinesSubnet` the installer creates a network for the
    // cluster alone (`<infraID>-network`): nothing else is on its L2, whatever its CIDR.
    if !brings_own_network(earlier) || !brings_own_network(later) {
        return None;
    }
    // A templated network or subnet could be anything: whether the L2 is shared is unknown.
    if unknown_identity(earlier) || unknown_identity(later) {
        return None;
    }
    let (ea, la) = (identities(earlier), identities(later));
    for (kind, e) in &ea {
        if let Some((_, l)) = la.iter().find(|(k, l)| k == kind && l.value == e.value) {
            let what = format!("{} `{}`", kind.0, e.value);
            return Some(SharedL2 { what, earlier: e.span, later: l.span });
        }
    }
    // Two different Neutron networks are two broadcast domains, even with the same CIDR.
    let differ = |f: fn(&InstallConfig) -> Option<&Sp<String>>| match (f(earlier), f(later)) {
        (Some(e), Some(l)) => e.value != l.value,
        _ => false,
    };
    if differ(network_id) || differ(network_name) {
        return None;
    }
    let (Some(en), Some(ln)) =
        (earlier.networking.machine_network.value(), later.networking.machine_network.value())
    else {
        return None;
    };
    en.iter().find_map(|e| {
        let l = ln.iter().find(|l| overlaps(&e.value, &l.value))?;
        let what = if e.value == l.value {
            e.value.to_string()
        } else {
            format!("{} (overlaps {})", l.value, e.value)
        };
        Some(SharedL2 { what, earlier: e.span, later: l.span })
    })
}

fn brings_own_network(ic: &InstallConfig) -> bool {
    ic.openstack.control_plane_port.is_some() || ic.openstack.machines_subnet.is_present()
}

fn network_id(ic: &InstallConfig) -> Option<&Sp<String>> {
    ic.openstack.control_plane_port.as_ref()?.network_id.known()
}

fn network_name(ic: &InstallConfig) -> Option<&Sp<String>> {
    ic.openstack.control_plane_port.as_ref()?.network_name.known()
}

/// What names a network or subnet: its kind ("network", "subnet") and whether by id or by name.
type Identity<'a> = ((&'static str, bool), &'a Sp<String>);

/// The known network and subnet ids and names of the control-plane port; the deprecated
/// `machinesSubnet` is a subnet id (the installer converts it into `fixedIPs[0].subnet.id`).
fn identities(ic: &InstallConfig) -> Vec<Identity<'_>> {
    let mut out = Vec::new();
    if let Some(port) = &ic.openstack.control_plane_port {
        out.extend(port.network_id.known().map(|v| (("network", true), v)));
        out.extend(port.network_name.known().map(|v| (("network", false), v)));
        for (id, name) in &port.subnets {
            out.extend(id.known().map(|v| (("subnet", true), v)));
            out.extend(name.known().map(|v| (("subnet", false), v)));
        }
    }
    if let Field::Known(subnet) = &ic.openstack.machines_subnet {
        out.push((("subnet", true), subnet));
    }
    out
}

/// CIDR blocks either nest or are disjoint.
fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

fn unknown_identity(ic: &InstallConfig) -> bool {
    let os = &ic.openstack;
    os.machines_subnet.is_unknown()
        || os.control_plane_port.as_ref().is_some_and(|p| {
            p.network_id.is_unknown()
                || p.network_name.is_unknown()
                || p.subnets.iter().any(|(id, name)| id.is_unknown() || name.is_unknown())
        })
}
