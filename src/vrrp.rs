//! keepalived virtual router IDs as OpenShift derives them from the cluster name
//! (openshift/baremetal-runtimecfg `FletcherChecksum8` and `PopulateVRIDs`; DOMAIN.md §C.1).

use std::collections::HashMap;

/// Fletcher-8 with mod-15 accumulators, as baremetal-runtimecfg computes it.
pub fn fletcher8(s: &str) -> u8 {
    F8::default().feed(s.as_bytes()).sum()
}

/// Fletcher-8's running state: all that the bytes read so far leave for the rest of the input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
struct F8 {
    a: u8,
    b: u8,
}

impl F8 {
    fn feed(self, bytes: &[u8]) -> F8 {
        bytes.iter().fold(self, |F8 { a, b }, &c| {
            // u8 wrapping mirrors Go's uint8 arithmetic; for ASCII names it never wraps.
            let a = a.wrapping_add(c) % 15;
            F8 { a, b: b.wrapping_add(a) % 15 }
        })
    }

    /// Feeds the decimal digits of `n`, as `format!("{n}")` spells them, without the allocation
    /// (the free-name candidates are fed by the hundred thousand).
    fn feed_number(self, n: u32) -> F8 {
        let mut digits = [0u8; 10];
        let mut start = digits.len();
        let mut rest = n;
        for slot in digits.iter_mut().rev() {
            // `rest % 10` is below 10: the cast cannot truncate.
            *slot = b'0' + (rest % 10) as u8;
            start -= 1;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        self.feed(digits.get(start..).unwrap_or_default())
    }

    fn sum(self) -> u8 {
        (self.b << 4) | self.a
    }

    /// The VRIDs of the name read so far.
    fn vrids(self) -> Vrids {
        // F8 tops out at 0xEE, so `+ 1` cannot overflow; it keeps VRID 0 (invalid) out.
        let api = self.feed(b"-api").sum().saturating_add(1);
        let mut ingress = self.feed(b"-ingress").sum().saturating_add(1);
        if ingress == api {
            ingress = ingress.saturating_add(1);
        }
        Vrids { api, ingress }
    }
}

/// The API and ingress VRIDs of a cluster named `name` (its install-config `metadata.name`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Vrids {
    pub api: u8,
    pub ingress: u8,
}

pub fn vrids(name: &str) -> Vrids {
    F8::default().feed(name.as_bytes()).vrids()
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

/// The suffixes a free name may take: `base-2`, `base-3`, …
const SUFFIXES: std::ops::Range<u32> = 2..1000;

/// A set of VRIDs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct VridSet([u64; 4]);

impl VridSet {
    pub fn insert(&mut self, id: u8) {
        if let Some(word) = self.0.get_mut(usize::from(id / 64)) {
            *word |= 1 << (id % 64);
        }
    }

    pub fn contains(&self, id: u8) -> bool {
        self.0.get(usize::from(id / 64)).is_some_and(|word| word & (1 << (id % 64)) != 0)
    }
}

/// Names close to a base name whose VRIDs are free. The candidates' VRIDs depend on the base name
/// only through the checksum's state after `base-`, which takes one of 225 values, so they are
/// computed once per state.
#[derive(Default)]
pub struct FreeNames {
    by_state: HashMap<F8, Vec<Vrids>>,
}

impl FreeNames {
    /// The first of `base-2`, `base-3`, … whose VRIDs are both outside `taken`.
    pub fn find(&mut self, base: &str, taken: VridSet) -> Option<String> {
        let state = F8::default().feed(base.as_bytes()).feed(b"-");
        let candidates = self
            .by_state
            .entry(state)
            .or_insert_with(|| SUFFIXES.map(|i| state.feed_number(i).vrids()).collect());
        let first = candidates.iter().position(|v| !taken.contains(v.api) && !taken.contains(v.ingress))?;
        let mut suffixes = SUFFIXES;
        Some(format!("{base}-{}", suffixes.nth(first)?))
    }
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
    fn feeds_numbers_as_their_decimal_text() {
        for n in [0, 7, 10, 999, 1000, u32::MAX] {
            assert_eq!(F8::default().feed_number(n), F8::default().feed(n.to_string().as_bytes()));
        }
    }

    #[test]
    fn suggests_a_free_name() {
        let ocp1 = vrids("ocp1");
        let mut taken = VridSet::default();
        taken.insert(ocp1.api);
        taken.insert(ocp1.ingress);
        let mut free = FreeNames::default();
        let name = free.find("ocp58", taken).unwrap_or_default();
        assert!(!name.is_empty());
        assert!(collisions(vrids(&name), ocp1).is_empty());
        // The first candidate whose VRIDs are not taken, as trying each name in turn finds it.
        let mut crowded = VridSet::default();
        (1..=u8::MAX).filter(|v| !v.is_multiple_of(7)).for_each(|v| crowded.insert(v));
        let fits = |v: Vrids| !crowded.contains(v.api) && !crowded.contains(v.ingress);
        let by_name = (2..1000).map(|i| format!("ocp58-{i}")).find(|n| fits(vrids(n)));
        assert!(by_name.is_some());
        assert_eq!(free.find("ocp58", crowded), by_name);
        // Two IDs left, the ones of `ocp1-7`.
        let left = vrids("ocp1-7");
        let mut full = VridSet::default();
        (1..=u8::MAX).filter(|v| *v != left.api && *v != left.ingress).for_each(|v| full.insert(v));
        let fits = |v: Vrids| !full.contains(v.api) && !full.contains(v.ingress);
        let by_name = (2..1000).map(|i| format!("ocp1-{i}")).find(|n| fits(vrids(n)));
        assert!(by_name.is_some());
        assert_eq!(free.find("ocp1", full), by_name);
    }
}
