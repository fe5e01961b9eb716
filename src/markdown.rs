//! Values from a scanned repository (names, paths, messages) in Markdown reports: a value must
//! stay one piece of text in its table cell, whatever it holds. Markup characters are escaped so
//! that a cluster named `<img src=x onerror=…>` or `[x](http://…)` renders as those characters,
//! `|` cannot end the cell, and a line break cannot end the row.

/// `text` as plain inline text on one line.
pub fn text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            // CommonMark lets a backslash escape any ASCII punctuation: these start emphasis,
            // links and images (`[`), code, HTML, entities and strikethrough, or split a cell.
            // A cell never starts a line, so `#`, `-` and `>` quotes need nothing.
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// `text` as a code span when it can be one (no backtick, no line break), else as [`text`].
/// In a GFM table `\|` is the only escape a code span honours, and the one it needs.
pub fn code(text: &str) -> String {
    let plain = !text.is_empty()
        && !text.chars().any(|c| c == '`' || c.is_control() || c == '\u{2028}' || c == '\u{2029}');
    if plain { format!("`{}`", text.replace('|', "\\|")) } else { self::text(text) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_and_stays_on_one_line() {
        assert_eq!(text("<img src=x onerror=alert(1)>"), "\\<img src=x onerror=alert(1)\\>");
        assert_eq!(text("a|b\nc [l](u) *e* _f_"), "a\\|b c \\[l\\](u) \\*e\\* \\_f\\_");
        assert_eq!(code("clusters/a|b"), "`clusters/a\\|b`");
        assert_eq!(code("a`b"), "a\\`b");
    }
}
