//! SL105: `zones`, `rootVolume.zones` and `rootVolume.types` are paired index by index.
//!
//! The installer builds one failure domain per index: the count is the longest list, and lists
//! of one entry are broadcast (DOMAIN.md §B.4). Two lists longer than one with different lengths
//! have no such pairing: the installer rejects zones vs types, and panics on any other such pair
//! while building the machines (older releases paired compute lists modulo the shorter one, so
//! some machines got the volume AZ or type of another site). Checked on each pool as written
//! and as merged with defaultMachinePlatform (the merge can bring the lists together from two
//! places).

use super::named_pools;
use crate::diagnostic::Diagnostic;
use crate::inputs::install_config::PoolPlatform;
use crate::rules::{Context, declare_rule};
use crate::source::{Sp, Span};

declare_rule!(ZoneListLengthMismatch, "SL105", "SL105-zone-list-length-mismatch.yaml", check);

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut reported: Vec<(Span, Span)> = Vec::new();
    for cluster in &cx.model.clusters {
        let Some(ic) = &cluster.install_config else { continue };
        // Pools as written (what the installer validates) first, then as merged.
        let mut pools: Vec<(String, &PoolPlatform, bool)> = vec![(
            "platform.openstack.defaultMachinePlatform".to_owned(),
            &ic.openstack.default_machine_platform,
            true,
        )];
        for (name, pool) in named_pools(ic) {
            pools.push((name.clone(), &pool.own, true));
            pools.push((name, &pool.effective, false));
        }
        for (name, pool, as_written) in pools {
            for diag in pool_findings(&name, pool, as_written) {
                let key = (diag.primary.span, diag.secondary.first().map_or(diag.primary.span, |l| l.span));
                if !reported.contains(&key) {
                    reported.push(key);
                    out.push(diag.for_cluster(Some(&cluster.name)));
                }
            }
        }
    }
}

/// A list that takes part in the pairing: more than one known entry.
fn paired(list: Option<&Sp<Vec<Sp<String>>>>) -> Option<&Sp<Vec<Sp<String>>>> {
    list.filter(|l| l.value.len() > 1)
}

fn pool_findings(name: &str, pool: &PoolPlatform, as_written: bool) -> Vec<Diagnostic> {
    let Some(rv) = &pool.root_volume else { return Vec::new() };
    let zones = paired(pool.zones.known());
    let volume_zones = paired(rv.zones.known());
    let types = paired(rv.types.known());
    let mut out = Vec::new();
    let mut mismatch = |what: &str,
                        list: &Sp<Vec<Sp<String>>>,
                        against: &str,
                        other: &Sp<Vec<Sp<String>>>| {
        let (n, m) = (list.value.len(), other.value.len());
        if n == m {
            return;
        }
        out.push(
            Diagnostic::new(
                "SL105",
                list.span,
                format!(
                    "{name}: `{what}` has {n} entries but `{against}` has {m}; the installer pairs them index by index"
                ),
            )
            .with_label(format!("{n} entries"))
            .with_secondary(other.span, format!("{m} entries"))
            .with_help(format!(
                "give `{what}` exactly {m} entries, one per entry of `{against}` in the same order (or a single entry, used for all); {}",
                consequence(what, against, as_written)
            )),
        );
    };
    match zones {
        Some(z) => {
            if let Some(v) = volume_zones {
                mismatch("rootVolume.zones", v, "zones", z);
            }
            if let Some(t) = types {
                mismatch("rootVolume.types", t, "zones", z);
            }
        }
        None => {
            if let (Some(v), Some(t)) = (volume_zones, types) {
                mismatch("rootVolume.types", t, "rootVolume.zones", v);
            }
        }
    }
    out
}

/// What the installer does with the mismatched pair (DOMAIN.md §A.5-5, §B.3, §B.4; newer
/// installers build compute MachineSets through the same `failureDomainsFromSpec`, which panics).
fn consequence(what: &str, against: &str, as_written: bool) -> &'static str {
    match (what == "rootVolume.types" && against == "zones", as_written) {
        (true, true) => "the installer rejects the pool",
        (_, false) => {
            "the lists meet only once defaultMachinePlatform is merged in, after the installer's validation, and it then panics while building the machines (older releases paired compute lists modulo the shorter one, giving some machines the volume AZ or type of another AZ)"
        }
        (false, true) => {
            "the installer does not validate this pair and panics while building the machines (older releases paired compute lists modulo the shorter one, giving some machines the volume AZ or type of another AZ)"
        }
    }
}
