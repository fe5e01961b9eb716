//! Secrets in haproxy and keepalived configurations: keepalived `auth_pass`, haproxy
//! `stats auth USER:PASS` and `userlist` users' `password`/`insecure-password`.

use super::Secrets;

pub fn in_config(text: &str) -> Secrets {
    let mut out = Secrets::default();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let words = words(line);
        let word = |i: usize| words.get(i).map(|(_, w)| *w);
        match (word(0), word(1)) {
            (Some("auth_pass"), _) => {
                if let Some(&(offset, value)) = words.get(1) {
                    out.add(text, start + offset..start + offset + value.len(), None);
                }
            }
            (Some("stats"), Some("auth")) => {
                if let Some(&(offset, value)) = words.get(2)
                    && let Some(colon) = value.find(':')
                {
                    out.add(text, start + offset + colon + 1..start + offset + value.len(), None);
                }
            }
            (Some("user"), Some(_)) => {
                let keyword = words.iter().position(|(_, w)| *w == "password" || *w == "insecure-password");
                if let Some(&(offset, value)) = keyword.and_then(|k| words.get(k + 1)) {
                    out.add(text, start + offset..start + offset + value.len(), None);
                }
            }
            _ => {}
        }
    }
    out
}

/// The words of a line before its comment, with their offsets.
fn words(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push((s, line.get(s..i).unwrap_or_default()));
            }
        } else if start.is_none() {
            if (c == '#' || c == '!') && out.first().is_none_or(|(_, w): &(usize, &str)| *w != "auth_pass") {
                break;
            }
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, line.get(s..).unwrap_or_default()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keepalived_and_haproxy_passwords() {
        let text = "vrrp_instance API {\n  authentication {\n    auth_type PASS\n    auth_pass hunter29\n  }\n}\nlisten stats\n  stats auth admin:hunter30\nuserlist ops\n  user alice password $6$hunter31\n  user bob insecure-password hunter32 groups g\n";
        let out = in_config(text).mask(text);
        assert_eq!(out.len(), text.len());
        for secret in ["hunter29", "hunter30", "hunter31", "hunter32"] {
            assert!(!out.contains(secret), "{secret}: {out}");
        }
        assert!(
            out.contains("stats auth admin:")
                && out.contains("user alice password ")
                && out.contains("groups g")
        );
    }
}
