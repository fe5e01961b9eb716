//! Inline suppression directives read from comments.
//!
//! ```text
//! # stretchlint: ignore[SL102] the bastion is reached through a jump host
//! # stretchlint: ignore[SL102, unknown-field] until=2027-01-31 waiting for the 4.18 upgrade
//! # stretchlint: ignore-file[SL405] lab cluster
//! ```
//!
//! * `ignore[...]` suppresses the listed rules on one line: the comment's own line when the
//!   comment trails content, or exactly the next line when the comment stands alone on its line
//!   (a blank line in between is not skipped: the directive then targets the blank line).
//! * `ignore-file[...]` suppresses the listed rules in the whole file, wherever it appears.
//! * The list holds rule codes or names, separated by commas; spaces around them are allowed.
//! * `until=YYYY-MM-DD` may follow the `]` (before the reason); the suppression holds through
//!   that day (see [`Directive::is_expired`]).
//! * The rest of the comment is the reason.
//!
//! A comment is a directive when its text, after the comment marker and optional spaces or tabs,
//! starts with `stretchlint:` (case-sensitive). Such a comment that cannot be read (unknown verb,
//! missing `[` or `]`, empty rule list, invalid date) is returned as a [`Malformed`] directive
//! so that the caller can report it. Whether the listed rules exist is for the caller to check,
//! with the span of each rule word.
//!
//! YAML comments come from the parser's event stream, never from a text scan, because block
//! scalars and quoted strings may contain `#`. The text formats (haproxy, keepalived, Terraform)
//! are scanned line by line.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use granit_parser::{Event, Parser};

use crate::source::{FileId, LineIndex, Sp, Span};

/// What every directive comment starts with (after the comment marker and optional blanks).
const PREFIX: &str = "stretchlint:";

/// Where a directive applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// One line (1-based): the comment's line for a trailing comment, the next line for a
    /// comment alone on its line. The line may not exist (a directive on the last line).
    Line { target_line: usize },
    /// The whole file (`ignore-file[...]`).
    File,
}

/// One well-formed suppression directive.
#[derive(Clone, Debug, PartialEq)]
pub struct Directive {
    pub scope: Scope,
    /// Each rule code or name as written, with the byte span of that word.
    pub rules: Vec<Sp<String>>,
    /// The trimmed text after the `]` (and after `until=...`); `None` when empty.
    pub reason: Option<String>,
    /// The last day the suppression holds.
    pub until: Option<Date>,
    /// The whole comment, from its marker (`#` or `//`) to the end of the line, trailing blanks
    /// left out.
    pub span: Span,
    /// 1-based line of the comment.
    pub line: usize,
}

impl Directive {
    /// Whether this directive applies to a finding on this 1-based line (always for `ignore-file`).
    pub fn covers_line(&self, line: usize) -> bool {
        match self.scope {
            Scope::Line { target_line } => target_line == line,
            Scope::File => true,
        }
    }

    /// Whether the `until=` date has passed: the suppression holds through its `until` day, so
    /// it is expired only from the day after.
    pub fn is_expired(&self, today: Date) -> bool {
        self.until.is_some_and(|until| until < today)
    }
}

/// A comment that starts like a directive but cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed {
    /// The whole comment.
    pub span: Span,
    pub message: String,
}

/// The directives of one file, in source order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Directives {
    pub directives: Vec<Directive>,
    pub malformed: Vec<Malformed>,
}

impl Directives {
    pub fn is_empty(&self) -> bool {
        self.directives.is_empty() && self.malformed.is_empty()
    }

    fn push(&mut self, parsed: Option<Result<Directive, Malformed>>) {
        match parsed {
            Some(Ok(directive)) => self.directives.push(directive),
            Some(Err(malformed)) => self.malformed.push(malformed),
            None => {}
        }
    }

    /// Source order, each comment once (the YAML parser may buffer comments while looking ahead).
    fn finish(mut self) -> Self {
        self.directives.sort_by_key(|d| d.span.start);
        self.directives.dedup_by_key(|d| d.span.start);
        self.malformed.sort_by_key(|m| m.span.start);
        self.malformed.dedup_by_key(|m| m.span.start);
        self
    }
}

/// A calendar date (proleptic Gregorian), ordered chronologically.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// A date, if it exists (`2027-02-29` does not).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        (day >= 1 && day <= days_in_month(year, month)).then_some(Self { year, month, day })
    }

    /// Reads exactly `YYYY-MM-DD` (four-digit year, two-digit month and day) of an existing date.
    pub fn parse(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u16> {
            let digits = text.get(range)?;
            if digits.bytes().all(|b| b.is_ascii_digit()) { digits.parse().ok() } else { None }
        };
        let year = i32::from(number(0..4)?);
        let month = u8::try_from(number(5..7)?).ok()?;
        let day = u8::try_from(number(8..10)?).ok()?;
        Self::new(year, month, day)
    }

    /// The date `days` days after 1970-01-01 (negative: before), by Howard Hinnant's
    /// civil-from-days algorithm.
    pub fn from_unix_days(days: i64) -> Self {
        let z = days.saturating_add(719_468);
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097); // [0, 146096]
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
        let mp = (5 * doy + 2) / 153; // [0, 11], March-based
        let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
        let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
        let year = era.saturating_mul(400).saturating_add(yoe).saturating_add(i64::from(month <= 2));
        Self {
            year: i32::try_from(year).unwrap_or(if year < 0 { i32::MIN } else { i32::MAX }),
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

/// Today's date in UTC, from the system clock.
pub fn today() -> Date {
    const DAY: u64 = 86_400;
    let days = match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs() / DAY).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs().div_ceil(DAY)).unwrap_or(i64::MAX),
    };
    Date::from_unix_days(days)
}

/// The directives in the comments of a YAML file.
///
/// Comments come from granit-parser's event stream (the parser under serde-saphyr), so a `#` in
/// a block scalar or a quoted string is not a comment. The parser runs only when the text
/// contains `stretchlint:`. The parser does not recurse and does not expand aliases; it stops at
/// 255 levels of nesting with an error. After a syntax error the comments read so far are kept
/// and reading resumes at the next document (`---`), as a multi-document bundle may have one
/// broken document.
pub fn from_yaml(file: FileId, text: &str) -> Directives {
    let mut out = Directives::default();
    if !text.contains(PREFIX) {
        return out;
    }
    let lines = LineIndex::new(text);
    // Comments are buffered while the parser looks ahead (for instance between a key and a block
    // sequence); the default limit of 96 would fail on a long commented-out block. The buffer
    // holds at most the file's comments.
    let options = granit_parser::options! { max_buffered_comment_events: usize::MAX };
    #[cfg(test)]
    tests::PARSER_RUNS.with(|runs| runs.set(runs.get() + 1));
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut last_error = None;
    while let Some(next) = parser.next() {
        match next {
            Ok((Event::Comment(body, _), span)) => {
                if !body.contains(PREFIX) {
                    continue;
                }
                let start = byte_offset(text, span.start);
                let end = byte_offset(text, span.end);
                let Some(comment) = text.get(start..end) else { continue };
                if !comment.starts_with('#') {
                    continue;
                }
                let line = lines.line_col(text, start).line;
                let line_start = lines.line_start(line).unwrap_or(0);
                let alone = text.get(line_start..start).is_some_and(is_blank);
                out.push(parse_comment(file, comment.trim_end(), start, 1, line, alone));
            }
            Ok(_) => {}
            Err(error) => {
                if !crate::yaml::resume_at_next_document(&mut parser, &mut last_error, error.marker().index())
                {
                    break;
                }
            }
        }
    }
    out.finish()
}

/// The byte offset of a parser marker (its `index()` counts characters; `byte_offset()` is set
/// for string input).
fn byte_offset(text: &str, marker: granit_parser::Marker) -> usize {
    marker
        .byte_offset()
        .unwrap_or_else(|| text.char_indices().nth(marker.index()).map_or(text.len(), |(offset, _)| offset))
}

/// The directives in the comments of a line-based text file: haproxy.cfg, keepalived.conf or
/// Terraform (`.tf`).
///
/// A comment starts with `#` or `//` at the start of a line or after a space or tab, outside a
/// double-quoted string (with `\` escapes; a string does not continue on the next line), and runs
/// to the end of the line. Terraform heredoc bodies (`<<EOF` or `<<-EOF` ending a line, through
/// the line that holds only the terminator, indentation allowed) are skipped. `/* */` block
/// comments are not recognised as such: a `#` comment inside one is still read.
pub fn from_text(file: FileId, text: &str) -> Directives {
    let mut out = Directives::default();
    if !text.contains(PREFIX) {
        return out;
    }
    let mut heredoc: Option<&str> = None;
    for (index, (start, line)) in crate::source::lines(text).enumerate() {
        if let Some(terminator) = heredoc {
            if line.trim() == terminator {
                heredoc = None;
            }
            continue;
        }
        let scan = scan_line(line);
        heredoc = scan.heredoc;
        let Some((at, marker_len)) = scan.comment else { continue };
        let (Some(before), Some(comment)) = (line.get(..at), line.get(at..)) else { continue };
        if !comment.contains(PREFIX) {
            continue;
        }
        out.push(parse_comment(
            file,
            comment.trim_end(),
            start + at,
            marker_len,
            index + 1,
            is_blank(before),
        ));
    }
    out.finish()
}

struct LineScan<'a> {
    /// Byte offset in the line and length of the comment marker.
    comment: Option<(usize, usize)>,
    /// The terminator of a heredoc opened on this line.
    heredoc: Option<&'a str>,
}

fn scan_line(line: &str) -> LineScan<'_> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut escaped = false;
    let mut prev: Option<u8> = None;
    let mut heredoc = None;
    // Only ASCII bytes are compared, and they never occur inside a multi-byte UTF-8 character.
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else {
            let word_start = prev.is_none_or(|p| p == b' ' || p == b'\t');
            match b {
                b'"' => in_string = true,
                b'#' if word_start => return LineScan { comment: Some((i, 1)), heredoc },
                b'/' if word_start && bytes.get(i + 1) == Some(&b'/') => {
                    return LineScan { comment: Some((i, 2)), heredoc };
                }
                b'<' if prev == Some(b'<') && heredoc.is_none() => {
                    heredoc = line.get(i + 1..).and_then(heredoc_terminator);
                }
                _ => {}
            }
        }
        prev = Some(b);
    }
    LineScan { comment: None, heredoc }
}

/// The terminator of a heredoc whose opener `<<` precedes `rest`: `EOF` in `<<EOF` or `<<-EOF`,
/// when the identifier ends the line.
fn heredoc_terminator(rest: &str) -> Option<&str> {
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(rest.len());
    let (ident, tail) = rest.split_at_checked(end)?;
    let starts_well = ident.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    (starts_well && tail.trim().is_empty()).then_some(ident)
}

/// Only blanks (or a byte-order mark at the start of the file) before a comment.
fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || c == '\u{feff}')
}

/// Reads one comment: `comment` runs from its marker (of `marker_len` bytes) to the end of the
/// line, starting at byte `start` of the file. `None` when it is not a directive.
fn parse_comment(
    file: FileId,
    comment: &str,
    start: usize,
    marker_len: usize,
    line: usize,
    alone: bool,
) -> Option<Result<Directive, Malformed>> {
    let body = comment.get(marker_len..)?.trim_start_matches([' ', '\t']);
    let rest = body.strip_prefix(PREFIX)?;
    let span = Span::new(file, start, start + comment.len());
    let malformed = |message: String| Some(Err(Malformed { span, message }));
    // Byte offset in the file of a suffix of `comment`.
    let offset_of = |suffix: &str| start + (comment.len() - suffix.len());

    let rest = rest.trim_start();
    let verb_end =
        rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')).unwrap_or(rest.len());
    let (verb, after_verb) = rest.split_at_checked(verb_end)?;
    let scope = match verb {
        "ignore" => Scope::Line { target_line: if alone { line + 1 } else { line } },
        "ignore-file" => Scope::File,
        "" => {
            return malformed("expected `ignore[...]` or `ignore-file[...]` after `stretchlint:`".to_owned());
        }
        other => {
            return malformed(format!(
                "unknown directive `{other}`: expected `ignore[...]` or `ignore-file[...]` \
                 after `stretchlint:`"
            ));
        }
    };
    let Some(list) = after_verb.trim_start().strip_prefix('[') else {
        return malformed(format!("expected `[` after `{verb}`: write `{verb}[CODE, ...]`"));
    };
    let Some(close) = list.find(']') else {
        return malformed(format!("missing `]` closing the rule list of `{verb}[`"));
    };
    let (inner, after) = list.split_at_checked(close)?;
    let after = after.strip_prefix(']')?;

    if inner.trim().is_empty() {
        return malformed(format!("empty rule list in `{verb}[]`: name at least one rule code or name"));
    }
    let mut rules = Vec::new();
    let mut item_start = offset_of(list);
    for item in inner.split(',') {
        let word = item.trim();
        let word_start = item_start + (item.len() - item.trim_start().len());
        item_start += item.len() + 1;
        if word.is_empty() {
            return malformed(format!("empty entry in the rule list `[{inner}]` (stray comma?)"));
        }
        if !word.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return malformed(format!(
                "invalid rule `{word}` in `[{inner}]`: rule codes and names are letters, digits, \
                 `-` and `_`, separated by commas"
            ));
        }
        rules.push(Sp::new(word.to_owned(), Span::new(file, word_start, word_start + word.len())));
    }

    let mut rest = after.trim_start();
    let mut until = None;
    if let Some(value) = rest.strip_prefix("until=") {
        let end = value.find(char::is_whitespace).unwrap_or(value.len());
        let (date, tail) = value.split_at_checked(end)?;
        if date.is_empty() {
            return malformed("missing date after `until=`: write `until=YYYY-MM-DD`".to_owned());
        }
        match Date::parse(date) {
            Some(date) => until = Some(date),
            None => {
                return malformed(format!(
                    "invalid date `{date}` after `until=`: expected a date as YYYY-MM-DD"
                ));
            }
        }
        rest = tail;
    }
    let reason = rest.trim();
    let reason = (!reason.is_empty()).then(|| reason.to_owned());
    Some(Ok(Directive { scope, rules, reason, until, span, line }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    const F: FileId = FileId(3);

    thread_local! {
        /// How often `from_yaml` started the parser on this test's thread.
        pub(super) static PARSER_RUNS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    fn slice(text: &str, span: Span) -> &str {
        text.get(span.start as usize..span.end as usize).unwrap()
    }

    fn rules(d: &Directive) -> Vec<&str> {
        d.rules.iter().map(|r| r.value.as_str()).collect()
    }

    fn line_target(d: &Directive) -> usize {
        match d.scope {
            Scope::Line { target_line } => target_line,
            Scope::File => panic!("file scope"),
        }
    }

    #[test]
    fn trailing_and_standalone_yaml() {
        let text = "a: 1 # stretchlint: ignore[SL102] bastion\n# stretchlint: ignore[SL103]\nb: 2\n";
        let d = from_yaml(F, text);
        assert!(d.malformed.is_empty(), "{d:?}");
        assert_eq!(d.directives.len(), 2);
        let (first, second) = (&d.directives[0], &d.directives[1]);
        assert_eq!(first.line, 1);
        assert_eq!(line_target(first), 1);
        assert_eq!(rules(first), ["SL102"]);
        assert_eq!(first.reason.as_deref(), Some("bastion"));
        assert_eq!(slice(text, first.span), "# stretchlint: ignore[SL102] bastion");
        assert_eq!(slice(text, first.rules[0].span), "SL102");
        assert_eq!(first.rules[0].span.file, F);
        assert_eq!(second.line, 2);
        assert_eq!(line_target(second), 3);
        assert_eq!(second.reason, None);
        assert!(second.covers_line(3) && !second.covers_line(2));
    }

    #[test]
    fn standalone_targets_exactly_the_next_line() {
        let text = "a: 1\n  # stretchlint: ignore[SL1]\n\nb: 2\n";
        let d = from_yaml(F, text);
        assert_eq!(line_target(&d.directives[0]), 3);
    }

    #[test]
    fn several_rules_with_spaces_and_spans() {
        let text = "k: v # stretchlint: ignore[ SL102 ,unknown-field,  SL2_x ] why not\n";
        let d = from_yaml(F, text);
        let directive = &d.directives[0];
        assert_eq!(rules(directive), ["SL102", "unknown-field", "SL2_x"]);
        for rule in &directive.rules {
            assert_eq!(slice(text, rule.span), rule.value);
        }
        assert_eq!(directive.reason.as_deref(), Some("why not"));
    }

    #[test]
    fn non_ascii_before_comment_keeps_byte_spans() {
        let text = "clé: é # stretchlint: ignore[SL7] naïve\n";
        let d = from_yaml(F, text);
        let directive = &d.directives[0];
        assert_eq!(slice(text, directive.span), "# stretchlint: ignore[SL7] naïve");
        assert_eq!(slice(text, directive.rules[0].span), "SL7");
    }

    #[test]
    fn until_dates() {
        let text = "a: 1 # stretchlint: ignore[SL1] until=2027-01-31 upgrade pending\n\
                    b: 2 # stretchlint: ignore[SL1]until=2028-02-29\n\
                    c: 3 # stretchlint: ignore[SL1] until=2027-13-40 x\n\
                    d: 4 # stretchlint: ignore[SL1] until=2027-02-29\n\
                    e: 5 # stretchlint: ignore[SL1] until= x\n\
                    f: 6 # stretchlint: ignore[SL1] until=27-1-1\n\
                    g: 7 # stretchlint: ignore[SL1] later until=2027-01-01\n";
        let d = from_yaml(F, text);
        assert_eq!(d.directives.len(), 3, "{d:?}");
        assert_eq!(d.directives[0].until, Some(Date { year: 2027, month: 1, day: 31 }));
        assert_eq!(d.directives[0].reason.as_deref(), Some("upgrade pending"));
        assert_eq!(d.directives[1].until, Date::new(2028, 2, 29));
        assert_eq!(d.directives[1].reason, None);
        // `until=` only right after `]`: later, it is part of the reason.
        assert_eq!(d.directives[2].until, None);
        assert_eq!(d.directives[2].reason.as_deref(), Some("later until=2027-01-01"));
        assert_eq!(d.malformed.len(), 4);
        assert!(d.malformed[0].message.contains("2027-13-40"), "{:?}", d.malformed[0]);
        assert!(d.malformed[1].message.contains("2027-02-29"));
        assert!(d.malformed[2].message.contains("missing date"));
        assert!(d.malformed[3].message.contains("27-1-1"));
    }

    #[test]
    fn expiry_is_inclusive() {
        let text = "a: 1 # stretchlint: ignore[SL1] until=2027-01-31\n";
        let directive = from_yaml(F, text).directives.remove(0);
        assert!(!directive.is_expired(Date::new(2027, 1, 31).unwrap()));
        assert!(directive.is_expired(Date::new(2027, 2, 1).unwrap()));
    }

    #[test]
    fn ignore_file() {
        let text = "a:\n  b: 1\n# stretchlint: ignore-file[SL405] lab cluster\n";
        let d = from_yaml(F, text);
        assert_eq!(d.directives[0].scope, Scope::File);
        assert_eq!(d.directives[0].line, 3);
        assert_eq!(d.directives[0].reason.as_deref(), Some("lab cluster"));
        assert!(d.directives[0].covers_line(1));
    }

    #[test]
    fn hash_in_block_scalar_and_strings_is_not_a_comment() {
        let text = "script: |\n  # stretchlint: ignore[SL1]\n  echo\nq: \"x # stretchlint: ignore[SL2]\"\n\
                    s: 'y # stretchlint: ignore[SL3]'\nfolded: >\n  #stretchlint: nonsense\n";
        let d = from_yaml(F, text);
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn malformed_directives() {
        let text = "a: 1 # stretchlint: disable[SL1]\n\
                    b: 2 # stretchlint: ignore SL1\n\
                    c: 3 # stretchlint: ignore[SL1\n\
                    d: 4 # stretchlint: ignore[] x\n\
                    e: 5 # stretchlint: ignore[SL1,,SL2]\n\
                    f: 6 # stretchlint: ignore[SL1 SL2]\n\
                    g: 7 # stretchlint:\n";
        let d = from_yaml(F, text);
        assert!(d.directives.is_empty(), "{d:?}");
        let messages: Vec<&str> = d.malformed.iter().map(|m| m.message.as_str()).collect();
        assert_eq!(messages.len(), 7, "{messages:?}");
        assert!(messages[0].contains("unknown directive `disable`"));
        assert!(messages[1].contains("expected `[`"));
        assert!(messages[2].contains("missing `]`"));
        assert!(messages[3].contains("empty rule list"));
        assert!(messages[4].contains("empty entry"));
        assert!(messages[5].contains("invalid rule `SL1 SL2`"));
        assert!(messages[6].contains("expected `ignore[...]`"));
        assert_eq!(slice(text, d.malformed[0].span), "# stretchlint: disable[SL1]");
        assert_eq!(slice(text, d.malformed[6].span), "# stretchlint:");
    }

    #[test]
    fn non_directive_comments_are_ignored() {
        let text = "# header\na: 1 # see stretchlint: docs\n# Stretchlint: ignore[SL1]\n\
                    ## stretchlint: ignore[SL1]\n\
                    # stretchlintx: ignore[SL1]\n";
        assert!(from_yaml(F, text).is_empty());
        assert!(from_text(F, text).is_empty());
    }

    #[test]
    fn prefix_spacing() {
        let text = "a: 1 #stretchlint:ignore[SL1]\nb: 2 #\t  stretchlint:  ignore [SL2]\n";
        let d = from_yaml(F, text);
        assert_eq!(d.directives.len(), 2, "{d:?}");
        assert_eq!(rules(&d.directives[1]), ["SL2"]);
    }

    #[test]
    fn prefilter_skips_the_parser() {
        // Without the prefix the parser does not run at all.
        let before = PARSER_RUNS.with(std::cell::Cell::get);
        assert!(from_yaml(F, "a: [\n# ignore[SL1]\n").is_empty());
        assert_eq!(PARSER_RUNS.with(std::cell::Cell::get), before);
        assert_eq!(from_yaml(F, "a: 1 # stretchlint: ignore[SL1]\n").directives.len(), 1);
        assert_eq!(PARSER_RUNS.with(std::cell::Cell::get), before + 1);
        assert!(from_text(F, "# ignore[SL1]\n").is_empty());
        assert_eq!(from_yaml(F, ""), Directives::default());
    }

    #[test]
    fn parse_error_keeps_earlier_comments_and_recovers_at_next_document() {
        let text = "a: 1 # stretchlint: ignore[SL1]\nb: [1, 2\nc: # stretchlint: ignore[SL2]\n---\n\
                    d: 1 # stretchlint: ignore[SL3]\n";
        let d = from_yaml(F, text);
        let all: Vec<&str> = d.directives.iter().flat_map(rules).collect();
        assert_eq!(all, ["SL1", "SL3"]);
    }

    #[test]
    fn many_comments_before_a_block_sequence() {
        let mut text = String::from("a:\n");
        for i in 0..500 {
            text.push_str(&format!("# old line {i}\n"));
        }
        text.push_str("# stretchlint: ignore[SL1]\n  - x\n");
        let d = from_yaml(F, &text);
        assert_eq!(d.directives.len(), 1, "{d:?}");
        assert_eq!(line_target(&d.directives[0]), 503);
    }

    #[test]
    fn hostile_yaml_returns_quickly() {
        let start = Instant::now();
        let deep = format!("# stretchlint: ignore[SL1]\n{}", "[".repeat(100_000));
        let d = from_yaml(F, &deep);
        assert_eq!(d.directives.len(), 1);
        let deep_map = format!("# stretchlint: ignore[SL1]\n{}", "{a: ".repeat(100_000));
        assert_eq!(from_yaml(F, &deep_map).directives.len(), 1);
        let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (name, prev) in [("b", "a"), ("c", "b"), ("d", "c"), ("e", "d"), ("f", "e"), ("g", "f")] {
            bomb.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{prev}"); 9].join(",")));
        }
        bomb.push_str("h: *g # stretchlint: ignore[SL1]\n");
        assert_eq!(from_yaml(F, &bomb).directives.len(), 1);
        assert!(start.elapsed() < Duration::from_secs(1), "{:?}", start.elapsed());
    }

    #[test]
    fn crlf_line_endings() {
        let text = "a: 1 # stretchlint: ignore[SL1] why \r\n# stretchlint: ignore[SL2]\r\nb: 2\r\n";
        for d in [from_yaml(F, text), from_text(F, text)] {
            assert_eq!(d.directives.len(), 2, "{d:?}");
            assert_eq!(slice(text, d.directives[0].span), "# stretchlint: ignore[SL1] why");
            assert_eq!(d.directives[0].reason.as_deref(), Some("why"));
            assert_eq!(line_target(&d.directives[1]), 3);
        }
    }

    #[test]
    fn haproxy_comments() {
        let text = "backend api\n\
                    \x20   server m0 10.0.0.5:6443 check # stretchlint: ignore[SL201] single master\n\
                    # stretchlint: ignore[SL202]\n    server m1 10.0.0.6:6443\n\
                    \x20   http-request set-header X-Tag \"a # stretchlint: ignore[SL9]\"\n\
                    \x20   acl x path_beg /a#stretchlint:ignore[SL8]\n\
                    \x20   redirect location https://example.com/ # stretchlint: ignore-file[SL203]\n";
        let d = from_text(F, text);
        assert!(d.malformed.is_empty(), "{d:?}");
        let summary: Vec<(Scope, Vec<&str>)> = d.directives.iter().map(|d| (d.scope, rules(d))).collect();
        assert_eq!(
            summary,
            [
                (Scope::Line { target_line: 2 }, vec!["SL201"]),
                (Scope::Line { target_line: 4 }, vec!["SL202"]),
                (Scope::File, vec!["SL203"]),
            ]
        );
        assert_eq!(d.directives[0].reason.as_deref(), Some("single master"));
        assert_eq!(slice(text, d.directives[0].rules[0].span), "SL201");
        assert_eq!(slice(text, d.directives[2].span), "# stretchlint: ignore-file[SL203]");
    }

    #[test]
    fn keepalived_comments() {
        let text = "vrrp_instance VI_1 {\n    priority 100  # stretchlint: ignore[SL301]\n}\n";
        let d = from_text(F, text);
        assert_eq!(line_target(&d.directives[0]), 2);
    }

    #[test]
    fn terraform_comments_and_heredocs() {
        let text = "resource \"x\" \"y\" {\n\
                    \x20 // stretchlint: ignore[SL501] slash comment\n\
                    \x20 name = \"a#b // stretchlint: ignore[SL9]\" # stretchlint: ignore[SL502]\n\
                    \x20 user_data = <<-EOF\n\
                    \x20   # stretchlint: ignore[SL8]\n\
                    \x20   // stretchlint: ignore[SL8]\n\
                    \x20   EOF\n\
                    \x20 script = <<EOT\n\
                    # stretchlint: ignore[SL7]\n\
                    EOT\n\
                    \x20 escaped = \"q\\\" # stretchlint: ignore[SL6]\"\n\
                    }\n\
                    # stretchlint: ignore-file[SL503]\n";
        let d = from_text(F, text);
        assert!(d.malformed.is_empty(), "{d:?}");
        let summary: Vec<(usize, Scope, Vec<&str>)> =
            d.directives.iter().map(|d| (d.line, d.scope, rules(d))).collect();
        assert_eq!(
            summary,
            [
                (2, Scope::Line { target_line: 3 }, vec!["SL501"]),
                (3, Scope::Line { target_line: 3 }, vec!["SL502"]),
                (13, Scope::File, vec!["SL503"]),
            ]
        );
        assert_eq!(slice(text, d.directives[0].span), "// stretchlint: ignore[SL501] slash comment");
    }

    #[test]
    fn unterminated_quote_does_not_leak_to_next_line() {
        let text = "x = \"open\n# stretchlint: ignore[SL1]\ny = 1\n";
        assert_eq!(from_text(F, text).directives.len(), 1);
    }

    #[test]
    fn text_malformed_has_comment_span() {
        let text = "global\n  maxconn 10 # stretchlint: ignore[SL1] until=2027-02-30\n";
        let d = from_text(F, text);
        assert_eq!(d.malformed.len(), 1);
        assert_eq!(slice(text, d.malformed[0].span), "# stretchlint: ignore[SL1] until=2027-02-30");
    }

    #[test]
    fn date_parse_order_display() {
        assert_eq!(Date::parse("2027-01-31"), Some(Date { year: 2027, month: 1, day: 31 }));
        for bad in [
            "2027-13-01",
            "2027-00-10",
            "2027-04-31",
            "2100-02-29",
            "2027-1-31",
            "+027-01-31",
            "2027/01/31",
            "",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert!(Date::parse("2000-02-29").is_some());
        let a = Date::parse("2026-12-31").unwrap();
        let b = Date::parse("2027-01-01").unwrap();
        let c = Date::parse("2027-01-02").unwrap();
        assert!(a < b && b < c);
        assert_eq!(Date::new(5, 3, 7).unwrap().to_string(), "0005-03-07");
        assert_eq!(b.to_string(), "2027-01-01");
    }

    #[test]
    fn civil_from_days() {
        assert_eq!(Date::from_unix_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_unix_days(-1).to_string(), "1969-12-31");
        assert_eq!(Date::from_unix_days(11_016).to_string(), "2000-02-29");
        assert_eq!(Date::from_unix_days(20_454).to_string(), "2026-01-01");
        let _ = Date::from_unix_days(i64::MAX);
        let _ = Date::from_unix_days(i64::MIN);
    }

    #[test]
    fn today_is_plausible() {
        let t = today();
        assert!(t.year >= 2024, "{t}");
        assert!(Date::new(t.year, t.month, t.day).is_some());
    }
}
