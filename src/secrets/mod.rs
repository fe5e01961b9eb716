//! Secrets never reach an output. While a file is loaded, the byte ranges of its secret values
//! are found from its parsed structure (YAML key paths, Heat parameters, Terraform variables,
//! haproxy and keepalived directives); every renderer shows the file through [`Secrets::mask`],
//! which keeps each byte offset in place so that spans still line up. Text a rule derives from a
//! secret (a message quoting a parameter's default) is caught by [`Scrubber`], which masks the
//! secret values wherever they appear in an output string.
//!
//! `--fix` edits the real text; only what is shown is masked.

mod hcl;
mod lines;
mod proxy;
mod tree;

use std::ops::Range;
use std::path::Path;

use crate::discover::FileKind;

pub use tree::in_documents;

/// Shorter values are not scrubbed from messages: masking every `abc` in a report would hide more
/// than it protects. Their bytes in the file are still masked.
const MIN_SCRUBBED: usize = 4;

/// The secret values of one file: where they are and what they say.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Secrets {
    ranges: Vec<Range<usize>>,
    values: Vec<String>,
}

impl Secrets {
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Records a secret value at `range` of `text`; `value` is its decoded form when it differs
    /// from the text (a quoted or block scalar).
    fn add(&mut self, text: &str, range: Range<usize>, value: Option<String>) {
        if range.start >= range.end || range.end > text.len() {
            return;
        }
        let value = value.unwrap_or_else(|| {
            text.get(range.clone()).unwrap_or_default().trim().trim_matches(['"', '\'']).to_owned()
        });
        if value.chars().count() >= MIN_SCRUBBED && !is_plain_setting(&value) && !self.values.contains(&value)
        {
            self.values.push(value);
        }
        self.ranges.push(range);
    }

    fn extend(&mut self, other: Secrets) {
        self.ranges.extend(other.ranges);
        for v in other.values {
            if !self.values.contains(&v) {
                self.values.push(v);
            }
        }
    }

    /// The text with every non-blank byte of every secret range replaced by `*`.
    pub fn mask(&self, text: &str) -> String {
        if self.ranges.is_empty() {
            return text.to_owned();
        }
        let mut bytes = text.as_bytes().to_vec();
        for range in &self.ranges {
            for b in bytes.get_mut(range.clone()).into_iter().flatten() {
                // Every byte of a multi-byte character becomes one `*`, and `*` is ASCII: the
                // result is valid UTF-8 of the same length.
                if !b.is_ascii_whitespace() {
                    *b = b'*';
                }
            }
        }
        let masked = fix_partial_characters(bytes);
        String::from_utf8(masked).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// Whether `range` overlaps a secret.
    pub fn overlaps(&self, range: Range<usize>) -> bool {
        self.ranges.iter().any(|r| r.start < range.end.max(range.start + 1) && range.start < r.end)
    }

    pub fn values(&self) -> &[String] {
        &self.values
    }
}

/// A range that cut a multi-byte character leaves continuation bytes without their lead byte:
/// those become `*` too (the character was part of a secret).
fn fix_partial_characters(mut bytes: Vec<u8>) -> Vec<u8> {
    let mut i = 0;
    while i < bytes.len() {
        let Some(&b) = bytes.get(i) else { break };
        let width = match b {
            0x00..=0x7f => 1,
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf7 => 4,
            _ => 0,
        };
        let whole = width > 0
            && bytes.get(i + 1..i + width).is_some_and(|rest| rest.iter().all(|c| (0x80..0xc0).contains(c)));
        if whole {
            i += width;
        } else {
            if let Some(c) = bytes.get_mut(i) {
                *c = b'*';
            }
            i += 1;
        }
    }
    bytes
}

/// The secrets of a text as the loader would find them, judged by the file's name: for text
/// that was never loaded (the files `--diff` shows after the fixes).
pub fn find(path: &Path, text: &str) -> Secrets {
    match crate::discover::kind(path) {
        Some(FileKind::Terraform) => crate::inputs::terraform::parse_file(path, text)
            .map(|body| in_terraform(&body, text))
            .unwrap_or_default(),
        Some(FileKind::Yaml) | None => {
            let parsed = crate::yaml::parse(crate::source::FileId(0), text);
            in_yaml(&parsed, text)
        }
        Some(FileKind::Config) => in_config(text),
    }
}

/// The secrets of a parsed YAML file; a file with parse errors is also scanned line by line, so
/// that the broken part (which SL001 shows) is covered too.
pub fn in_yaml(parsed: &crate::yaml::Parsed, text: &str) -> Secrets {
    let mut secrets = in_documents(&parsed.documents, text);
    if !parsed.errors.is_empty() {
        secrets.extend(lines::in_lines(text));
    }
    secrets
}

/// Text that is not valid YAML nor Terraform but is shown anyway (an unreadable file).
pub fn in_unparsed(text: &str) -> Secrets {
    lines::in_lines(text)
}

pub use hcl::in_terraform;
pub use proxy::in_config;

/// Whether a value is a flag or a number (`save_private_key: True`, `token_ttl: 3600`): masked where
/// it stands, but not scrubbed from every message of the run, where `true` and `3600` mean
/// something else.
fn is_plain_setting(value: &str) -> bool {
    let v = value.trim();
    ["true", "false", "yes", "no", "on", "off", "null"].iter().any(|w| v.eq_ignore_ascii_case(w))
        || v.parse::<f64>().is_ok()
}

/// Whether a key names a secret: `password`, `db_password`, `OS_AUTH_TOKEN`, `pullSecret`,
/// `sshKey`, `auth_pass`, `userData`, `private_key`, … (any case). Keys that refer to a secret
/// held elsewhere (`secretName`, `secretRef`, `userDataSecret: {name: …}`) name one too, but
/// their values are mappings or names: callers mask only scalar values, and a mapping's
/// entries are judged by their own keys.
pub fn is_secret_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    // Every key of every document comes here: a needle is tried only where its first letter
    // stands, so most positions cost one comparison.
    let found = (0..bytes.len()).any(|i| {
        let needles: &[&str] = match bytes.get(i).map_or(0, u8::to_ascii_lowercase) {
            b'p' => &["password", "passwd", "passphrase", "private_key", "privatekey"],
            b's' => &["secret", "sshkey", "ssh_key"],
            b't' => &["token", "trustbundle"],
            b'c' => &["credential", "cabundle"],
            b'a' => &["auth_pass", "admin_pass", "apikey"],
            b'u' => &["userdata", "user_data"],
            _ => return false,
        };
        let rest = bytes.get(i..).unwrap_or_default();
        needles.iter().any(|n| rest.get(..n.len()).is_some_and(|w| w.eq_ignore_ascii_case(n.as_bytes())))
    });
    found
        && !["secretname", "secret_name", "secretref", "secret_ref", "secretkeyref"]
            .iter()
            .any(|end| ends_with_ignore_case(bytes, end.as_bytes()))
}

fn ends_with_ignore_case(s: &[u8], end: &[u8]) -> bool {
    s.len() >= end.len() && s.get(s.len() - end.len()..).is_some_and(|t| t.eq_ignore_ascii_case(end))
}

/// Masks the secret values of a run wherever they appear in a string meant for output.
///
/// One automaton over every value (Aho-Corasick, leftmost-longest, so a value containing another
/// is masked whole): each string is read once, however many secrets the run holds (an estate has
/// a pull secret per cluster, and every message and name of every cluster is scrubbed).
#[derive(Clone, Debug, Default)]
pub struct Scrubber {
    automaton: Option<aho_corasick::AhoCorasick>,
}

impl Scrubber {
    pub fn new<'a>(values: impl IntoIterator<Item = &'a str>) -> Self {
        let mut values: Vec<&str> = values.into_iter().filter(|v| !v.is_empty()).collect();
        values.sort_unstable();
        values.dedup();
        let automaton = (!values.is_empty())
            .then(|| {
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .build(&values)
                    .ok()
            })
            .flatten();
        Self { automaton }
    }

    pub fn is_empty(&self) -> bool {
        self.automaton.is_none()
    }

    /// `text` with every secret value in it replaced by as many `*` as it has characters.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        self.scrub_in_place(&mut out);
        out
    }

    pub fn scrub_in_place(&self, text: &mut String) {
        let Some(automaton) = &self.automaton else { return };
        if automaton.find(text.as_str()).is_none() {
            return;
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for m in automaton.find_iter(text.as_str()) {
            out.push_str(text.get(at..m.start()).unwrap_or_default());
            let chars = text.get(m.start()..m.end()).map_or(0, |v| v.chars().count());
            out.extend(std::iter::repeat_n('*', chars));
            at = m.end();
        }
        out.push_str(text.get(at..).unwrap_or_default());
        *text = out;
    }

    pub fn scrub_option(&self, text: &mut Option<String>) {
        if let Some(t) = text {
            self.scrub_in_place(t);
        }
    }

    /// Every string in a JSON value (keys included).
    pub fn scrub_json(&self, value: &mut serde_json::Value) {
        use serde_json::Value;
        if self.is_empty() {
            return;
        }
        match value {
            Value::String(s) => self.scrub_in_place(s),
            Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_json(v)),
            Value::Object(map) => {
                let entries = std::mem::take(map);
                for (mut key, mut v) in entries {
                    self.scrub_in_place(&mut key);
                    self.scrub_json(&mut v);
                    map.insert(key, v);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys_and_references() {
        for key in
            ["password", "db_password", "OS_AUTH_TOKEN", "pullSecret", "sshKey", "auth_pass", "userData"]
        {
            assert!(is_secret_key(key), "{key}");
        }
        for key in ["name", "secretName", "credentialsSecretRef", "networks", "availabilityZone"] {
            assert!(!is_secret_key(key), "{key}");
        }
    }

    #[test]
    fn masking_keeps_length_and_utf8() {
        let mut s = Secrets::default();
        let text = "a: pässwörd x\n";
        // A range that ends inside `ö`: the cut character is masked whole.
        s.add(text, 3..9, None);
        let masked = s.mask(text);
        assert_eq!(masked.len(), text.len());
        assert!(masked.starts_with("a: ****") && masked.ends_with(" x\n"), "{masked}");
    }

    #[test]
    fn flags_and_numbers_are_masked_in_place_but_not_scrubbed() {
        let mut secrets = Secrets::default();
        let text = "save_private_key: True\ntoken_ttl: 3600\npassword: hunter2x\n";
        for word in ["True", "3600", "hunter2x"] {
            let at = text.find(word).unwrap_or_default();
            secrets.add(text, at..at + word.len(), None);
        }
        assert_eq!(secrets.values(), ["hunter2x"]);
        assert!(!secrets.mask(text).contains("True"));
    }

    #[test]
    fn scrubber_masks_longest_first() {
        let scrub = Scrubber::new(["hunter2", "hunter22pass"]);
        assert_eq!(scrub.scrub("default hunter22pass, hunter2"), "default ************, *******");
    }
}
