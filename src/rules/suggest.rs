//! "Did you mean …?": the closest of a few known names to a word that matched none of them.

/// The candidate closest to `word` by edit distance (case-insensitive), when it is close enough
/// to be a plausible typo: at most one edit for short names, up to three for long ones. Ties go
/// to the first candidate, so callers pass candidates in a meaningful order.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    let limit = (word.chars().count() / 3).clamp(1, 3);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let d = levenshtein(&word, &candidate.to_lowercase());
        if d <= limit && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Edit distance (insertions, deletions, substitutions) over characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    // One row of the distance matrix at a time: `prev[j]` is the distance between the prefix
    // of `a` read so far and the first `j` characters of `b`.
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (pair, cb) in prev.windows(2).zip(&b) {
            if let ([diag, up], Some(left)) = (pair, cur.last().copied()) {
                cur.push((diag + usize::from(ca != *cb)).min(up + 1).min(left + 1));
            }
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::{closest, levenshtein};

    #[test]
    fn distances() {
        assert_eq!(levenshtein("az1", "az1"), 0);
        assert_eq!(levenshtein("az-1", "az1"), 1);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
    }

    #[test]
    fn suggests_only_plausible_typos() {
        let zones = ["az1", "az2", "az3"];
        assert_eq!(closest("az-3", zones), Some("az3"));
        assert_eq!(closest("AZ2", zones), Some("az2"));
        assert_eq!(closest("nova", zones), None);
        assert_eq!(closest("zone-b", ["zone-a", "zone-b"]), Some("zone-b"));
        assert_eq!(closest("x", Vec::<&str>::new()), None);
    }
}
