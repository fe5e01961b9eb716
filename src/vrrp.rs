//! keepalived virtual router IDs as OpenShift derives them from the cluster name
//! (openshift/baremetal-runtimecfg `FletcherChecksum8` and `PopulateVRIDs`; DOMAIN.md §C.1).

/// Fletcher-8 with mod-15 accumulators, as baremetal-runtimecfg computes it.
pub fn fletcher8(s: &str) -> u8 {
    let (mut a, mut b) = (0u8, 0u8);
    for &c in s.as_bytes() {
        // u8 wrapping mirrors Go's uint8 arithmetic; for ASCII names it never wraps.
        a = a.wrapping_add(c) % 15;
        b = b.wrapping_add(a) % 15;
    }
    (b << 4) | a
}

/// The API and ingress VRIDs of a cluster named `name` (its install-config `metadata.name`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Vrids {
    pub api: u8,
    pub ingress: u8,
}

pub fn vrids(name: &str) -> Vrids {
    // F8 tops out at 0xEE, so `+ 1` cannot overflow; it keeps VRID 0 (invalid) out.
    let api = fletcher8(&format!("{name}-api")).saturating_add(1);
    let mut ingress = fletcher8(&format!("{name}-ingress")).saturating_add(1);
    if ingress == api {
        ingress = ingress.saturating_add(1);
    }
    Vrids { api, ingress }
}

/// The kind of VIP a VRID belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VipKind {
    Api,
    Ingress,
}

impl VipKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VipKind::Api => "API",
            VipKind::Ingress => "ingress",
        }
    }
}

/// A shared VRID between two clusters: which VIP of each collides, and on which ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Collision {
    pub first: VipKind,
    pub second: VipKind,
    pub id: u8,
}

/// Every pairing of the two clusters' VRIDs that collides.
pub fn collisions(a: Vrids, b: Vrids) -> Vec<Collision> {
    let pairs = [
        (VipKind::Api, a.api, VipKind::Api, b.api),
        (VipKind::Api, a.api, VipKind::Ingress, b.ingress),
        (VipKind::Ingress, a.ingress, VipKind::Api, b.api),
        (VipKind::Ingress, a.ingress, VipKind::Ingress, b.ingress),
    ];
    pairs
        .into_iter()
        .filter(|(_, x, _, y)| x == y)
        .map(|(first, id, second, _)| Collision { first, second, id })
        .collect()
}

/// A name close to `base` whose VRIDs collide with none of `taken` (`base-2`, `base-3`, …).
pub fn free_name(base: &str, taken: &[Vrids]) -> Option<String> {
    let clashes = |v: Vrids| taken.iter().any(|t| !collisions(v, *t).is_empty());
    (2..1000).map(|i| format!("{base}-{i}")).find(|candidate| !clashes(vrids(candidate)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_worked_examples() {
        assert_eq!(vrids("ocp1"), Vrids { api: 219, ingress: 106 });
        assert_eq!(vrids("prod"), Vrids { api: 2, ingress: 33 });
        assert_eq!(vrids("stretch-a"), Vrids { api: 7, ingress: 118 });
        assert_eq!(fletcher8("prod-api"), 0x01);
    }

    #[test]
    fn finds_full_and_cross_collisions() {
        assert_eq!(vrids("ocp58"), vrids("ocp1"));
        assert_eq!(collisions(vrids("ocp1"), vrids("ocp58")).len(), 2);
        let cross = collisions(vrids("ocp1"), vrids("ocp39"));
        assert_eq!(cross, vec![Collision { first: VipKind::Ingress, second: VipKind::Api, id: 106 }]);
        assert!(collisions(vrids("ocp1"), vrids("prod")).is_empty());
    }

    #[test]
    fn suggests_a_free_name() {
        let taken = [vrids("ocp1")];
        let name = free_name("ocp58", &taken).unwrap_or_default();
        assert!(!name.is_empty());
        assert!(collisions(vrids(&name), taken[0]).is_empty());
    }
}
