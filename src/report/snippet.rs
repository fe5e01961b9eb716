//! The source text a human-format snippet is drawn from: every line of the file kept (so miette's
//! line numbers stay right), line ends normalised, and lines too long to show cut down to a window
//! around the finding's labels.
//!
//! miette lays a line out with `u16` widths and panics past column 65,535 (one minified JSON
//! document as YAML, a long flow-style line); and a snippet of thousands of characters helps no
//! reader anyway.

use std::ops::Range;

/// Longest line drawn whole, in bytes; a longer one keeps a window of about this size.
pub const MAX_LINE: usize = 240;
/// Bytes kept before the first label on a cut line.
const LEAD: usize = 60;
const ELLIPSIS: &str = "…";

/// The text to draw and where each label went in it.
#[derive(Debug, PartialEq)]
pub struct Excerpt {
    pub text: String,
    /// The labels' ranges in `text`, in the order given.
    pub spans: Vec<Range<usize>>,
    /// Lines cut down, as (1-based line, its length in characters).
    pub cut: Vec<(usize, usize)>,
}

/// The excerpt of `text` for labels at `spans` (byte ranges of `text`).
pub fn excerpt(text: &str, spans: &[Range<usize>]) -> Excerpt {
    let mut out = String::with_capacity(text.len().min(1 << 20));
    // Each kept piece of the original, and where it starts in `out`: offsets map through them.
    let mut pieces: Vec<(Range<usize>, usize)> = Vec::new();
    let mut cut = Vec::new();
    for (index, (start, line)) in crate::source::lines(text).enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let end = start + line.len();
        if line.len() <= MAX_LINE {
            pieces.push((start..end, out.len()));
            out.push_str(line);
            continue;
        }
        let first = spans.iter().map(|s| s.start).filter(|s| (start..=end).contains(s)).min();
        let from = floor(text, first.map_or(start, |f| f.saturating_sub(LEAD).max(start)));
        let to = floor(text, (from + MAX_LINE).min(end));
        if from > start {
            out.push_str(ELLIPSIS);
        }
        pieces.push((from..to, out.len()));
        out.push_str(text.get(from..to).unwrap_or_default());
        if to < end {
            out.push_str(ELLIPSIS);
        }
        cut.push((index + 1, line.chars().count()));
    }
    let map = |offset: usize| {
        // The first piece that ends at or after the offset: an offset in a cut-away part lands on
        // the nearest kept edge.
        let at = pieces.partition_point(|(range, _)| range.end < offset);
        match pieces.get(at) {
            Some((range, to)) => to + offset.saturating_sub(range.start).min(range.len()),
            None => out.len(),
        }
    };
    let spans = spans
        .iter()
        .map(|s| {
            let start = map(s.start);
            start..map(s.end).max(start)
        })
        .collect();
    Excerpt { text: out, spans, cut }
}

/// The text with every lone CR (a line end the tool counts, miette does not) written as LF: the
/// same length, so spans keep their place.
pub fn lone_cr_as_lf(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(if c == '\r' && chars.peek() != Some(&'\n') { '\n' } else { c });
    }
    out
}

/// The nearest char boundary at or before `offset`.
fn floor(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_stay_and_line_ends_become_lf() {
        let text = "a: 1\r\nb: 2\rc: 3\n";
        let e = excerpt(text, std::slice::from_ref(&(9..10)));
        assert_eq!(e.text, "a: 1\nb: 2\nc: 3\n");
        assert_eq!(e.text.get(e.spans[0].clone()), Some("2"));
        assert!(e.cut.is_empty());
    }

    #[test]
    fn lone_cr_becomes_lf_and_crlf_stays() {
        assert_eq!(lone_cr_as_lf("a\rb\r\nc\r"), "a\nb\r\nc\n");
    }

    #[test]
    fn a_long_line_keeps_a_window_around_the_label() {
        let long = format!("x: \"{}\", bad: 1, \"{}\"", "é".repeat(40_000), "y".repeat(50_000));
        let text = format!("first: 1\n{long}\nlast: 2\n");
        let at = text.find("bad").unwrap_or_default();
        let e = excerpt(&text, &[at..at + 3, 0..5]);
        assert_eq!(e.text.get(e.spans[0].clone()), Some("bad"));
        assert_eq!(e.text.get(e.spans[1].clone()), Some("first"));
        assert_eq!(e.text.lines().count(), 3);
        assert!(e.text.lines().all(|l| l.len() <= MAX_LINE + 2 * ELLIPSIS.len()), "{}", e.text);
        assert_eq!(e.cut, [(2, long.chars().count())]);
    }

    #[test]
    fn a_label_in_a_cut_away_part_lands_on_the_edge() {
        let text = format!("{}\n", "z".repeat(10_000));
        let e = excerpt(&text, &[9_000..9_010, 10..20]);
        assert!(e.spans.iter().all(|s| s.end <= e.text.len() && e.text.is_char_boundary(s.start)));
    }
}
