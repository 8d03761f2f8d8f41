//! Errors a user can cause, and how they point at the spot in their file.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Everything that can stop a run. Each variant's message is complete on its own:
/// `main` prints it once after `error: `.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A problem at a known place in a TOML or CSV file.
    #[error("{0}")]
    At(Box<Diagnostic>),
    /// A problem with no single place (a missing file, an `extends` cycle).
    #[error("{0}")]
    Input(String),
    /// Options that contradict each other, found after parsing (as `--format json` with
    /// `-o plan.csv`): a command-line error like clap's own.
    #[error("{0}")]
    Usage(String),
    #[error("cannot write {path}: {reason}")]
    Write { path: PathBuf, reason: String },
}

impl Error {
    /// The documented exit code: 1 for bad input, 2 for an invalid command line (as clap
    /// exits), 3 when an output cannot be written.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::At(_) | Error::Input(_) => 1,
            Error::Usage(_) => 2,
            Error::Write { .. } => 3,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A message tied to a file, a line and a column, printed the way a compiler does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: String,
    /// 1-based
    pub line: usize,
    /// 1-based, in characters
    pub column: usize,
    pub message: String,
    /// The offending line and how many characters to underline, when the source is text we hold.
    pub excerpt: Option<(String, usize)>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )?;
        if let Some((text, width)) = &self.excerpt {
            let gutter = " ".repeat(self.line.to_string().len());
            write!(
                f,
                "\n{gutter} |\n{} | {}\n{gutter} | {}{}",
                self.line,
                text,
                " ".repeat(self.column - 1),
                "^".repeat((*width).max(1))
            )?;
        }
        Ok(())
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Error {
        Error::At(Box::new(d))
    }
}

/// The text of one input file, kept so that later checks can point into it.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
}

impl Source {
    pub fn read(path: &Path, what: &str) -> Result<Source> {
        if path.is_dir() {
            return Err(Error::Input(format!(
                "{} is a folder, not a {what} file: name the .toml file in it",
                path.display()
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| {
            Error::Input(format!(
                "cannot read {what} {}: {}",
                path.display(),
                describe_io(&e)
            ))
        })?;
        let text = utf8(&bytes)
            .map_err(|why| Error::Input(format!("cannot read {what} {}: {why}", path.display())))?;
        Ok(Source {
            path: path.to_path_buf(),
            text,
        })
    }

    pub fn display_path(&self) -> String {
        self.path.display().to_string()
    }

    /// "plan.toml:12:5", for messages about a place found only later (during simulation).
    pub fn locate(&self, span: Range<usize>) -> String {
        match self.at(span, "") {
            Error::At(d) => format!("{}:{}:{}", d.path, d.line, d.column),
            _ => self.display_path(),
        }
    }

    /// A diagnostic pointing at a byte range of this file.
    pub fn at(&self, span: Range<usize>, message: impl Into<String>) -> Error {
        let start = span.start.min(self.text.len());
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        let line = self.text[..start].matches('\n').count() + 1;
        let column = self.text[line_start..start].chars().count() + 1;
        let text = self.text[line_start..line_end].trim_end_matches('\r');
        let end = span.end.clamp(start, line_end);
        let width = self.text[start..end].chars().count();
        Diagnostic {
            path: self.display_path(),
            line,
            column,
            message: message.into(),
            excerpt: Some((text.replace('\t', " "), width)),
        }
        .into()
    }

    /// Turns a TOML syntax or shape error into a diagnostic at its place, in words that
    /// say what to write (the parser's own words describe its grammar).
    pub fn toml_error(&self, e: toml::de::Error) -> Error {
        let raw = e.message().trim_end();
        let Some(span) = e.span() else {
            return Error::Input(format!("{}: {}", self.display_path(), plain_words(raw)));
        };
        let written = self.text.get(span.clone()).unwrap_or("").trim().to_string();
        let message = slip(raw, &written, &self.text).unwrap_or_else(|| plain_words(raw));
        self.at(span, message)
    }

    /// Parses this file as TOML into `T`.
    pub fn parse_toml<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        toml::from_str(&self.text).map_err(|e| self.toml_error(e))
    }
}

/// The bytes of a text file as UTF-8 (a leading byte-order mark dropped, as Notepad and
/// Excel write one), or why not, saying how to save it.
pub fn utf8(bytes: &[u8]) -> std::result::Result<String, String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(
            "it is saved as UTF-16 (\"Unicode\" in Windows): save it as UTF-8 instead (in Notepad, Save as, Encoding: UTF-8)".into(),
        );
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            let start = bytes[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&bytes[start..at]).chars().count() + 1;
            Err(format!(
                "it is not UTF-8 text: the byte 0x{:02X} at line {line}, column {column} is probably a letter such as é saved as Windows-1252 or Latin-1; save the file as UTF-8 (in Notepad, Save as, Encoding: UTF-8; in Excel, CSV UTF-8)",
                bytes[at]
            ))
        }
    }
}

/// A slip of hand-typed TOML recognised from the parser's message and what was written,
/// in words that say what to write instead.
fn slip(raw: &str, written: &str, text: &str) -> Option<String> {
    let curly = ['“', '”', '‘', '’'];
    if written.contains(curly) {
        return Some(format!(
            "{written} has curly quotes (as Word or Outlook type them): write straight quotes, as \"{}\"",
            written.trim_matches(curly)
        ));
    }
    let month_like = |w: &str| {
        let b = w.as_bytes();
        // ASCII throughout, so that the month's first seven bytes are seven characters.
        (w.len() == 7 || w.len() == 10)
            && w.is_ascii()
            && b[..4].iter().all(u8::is_ascii_digit)
            && b[4] == b'-'
    };
    if month_like(written) && (raw.contains("date") || raw.contains("expected")) {
        return Some(if written.len() == 7 {
            format!("a month is written in quotes: \"{written}\"")
        } else {
            format!(
                "a date is written in quotes, as \"{written}\" (a real day), or a month as \"{}\"",
                &written[..7]
            )
        });
    }
    if raw.starts_with("invalid ")
        && !written.is_empty()
        && written.chars().next().is_some_and(|c| c.is_alphabetic())
        && !matches!(written, "true" | "false" | "inf" | "nan")
    {
        return Some(format!(
            "text is written in quotes: \"{written}\" (without them TOML reads a number, true or false)"
        ));
    }
    if let Some(field) = raw
        .strip_prefix("missing field `")
        .and_then(|r| r.strip_suffix('`'))
    {
        if text.trim().is_empty() {
            return Some(
                "the file is empty: a scenario needs at least name = \"…\" and start = \"YYYY-MM\" (pcsim init writes a starter to fill in)".into(),
            );
        }
        return Some(format!("`{field}` is missing here: add {field} = …"));
    }
    let hint = [
        (
            "struct CertEntry",
            "a certification as a table in braces, such as { cert = \"SC-200\", passed = \"2026-05\" }",
        ),
        (
            "struct OptionTenant",
            "a table in braces, such as { seats = 50, active = 10 }",
        ),
        (
            "struct OptionChange",
            "a table in braces, such as { tenant = \"Contoso\", acr = \"+10%\" }",
        ),
    ];
    for (name, words) in hint {
        if raw.ends_with(name) {
            let found = raw
                .strip_prefix("invalid type: ")
                .and_then(|r| r.split(", expected ").next())
                .map(found_words)
                .unwrap_or_default();
            return Some(format!("expected {words}, not {found}"));
        }
    }
    None
}

/// Rewrites serde's type-mismatch wording ("invalid type: map, expected a sequence") in
/// words a person editing TOML by hand recognises.
fn plain_words(message: &str) -> String {
    let Some(rest) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
    else {
        return message.to_string();
    };
    let Some((found, expected)) = rest.split_once(", expected ") else {
        return message.to_string();
    };
    let found = found_words(found);
    let expected = match expected {
        e if [
            "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "usize",
        ]
        .contains(&e) =>
        {
            "a whole number"
        }
        e if e.contains("Decimal") => "a number, such as 120 or 350.50",
        "a string" => "text in quotes",
        "a boolean" => "true or false",
        "a sequence" => "a list",
        // A sub-table such as `tenant = { seats = 50 }`: serde names its Rust struct.
        e if e.starts_with("struct ") => "a table in braces, such as { seats = 50 }",
        e => e,
    };
    let mut text = format!("expected {expected}, not {found}");
    if expected == "a list" && found == "a table" {
        text.push_str(
            ": write each entry with double brackets, as [[tenants]], [[people]] or [[changes]]",
        );
    }
    text
}

/// `e`, or, when it is about an unknown key and `source` has one of `marks`, that the
/// file is `what` (the wrong kind of file for its place).
pub fn mistaken_for(e: Error, source: &Source, marks: &[&str], what: &str) -> Error {
    if e.to_string().contains("unknown field") && marks.iter().any(|m| source.text.contains(m)) {
        Error::Input(format!("{} looks like {what}", source.display_path()))
    } else {
        e
    }
}

/// What serde says it found, as written: "a table", "a list", `5`, `"text"`.
fn found_words(found: &str) -> String {
    match found {
        "map" => "a table".to_string(),
        "sequence" => "a list".to_string(),
        f => f
            .strip_prefix("floating point ")
            .or_else(|| f.strip_prefix("integer "))
            .or_else(|| f.strip_prefix("boolean "))
            .map(|v| v.trim_matches('`').to_string())
            .or_else(|| f.strip_prefix("string ").map(str::to_string))
            .unwrap_or_else(|| f.to_string()),
    }
}

/// A problem on one line of a CSV file (1-based line, counting the header).
pub fn csv_error(path: &Path, line: u64, message: impl fmt::Display) -> Error {
    Diagnostic {
        path: path.display().to_string(),
        line: line as usize,
        column: 1,
        message: message.to_string(),
        excerpt: None,
    }
    .into()
}

pub fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_mismatches_in_plain_words() {
        assert_eq!(
            plain_words("invalid type: floating point `12.5`, expected i64"),
            "expected a whole number, not 12.5"
        );
        assert_eq!(
            plain_words(
                "invalid type: string \"ten\", expected a Decimal type representing a fixed-point number"
            ),
            "expected a number, such as 120 or 350.50, not \"ten\""
        );
        assert!(plain_words("invalid type: map, expected a sequence").contains("[[tenants]]"));
        assert_eq!(
            plain_words("invalid type: integer `5`, expected struct OptionTenant"),
            "expected a table in braces, such as { seats = 50 }, not 5"
        );
        assert_eq!(
            plain_words("unknown field `strat`"),
            "unknown field `strat`"
        );
    }

    #[test]
    fn points_at_line_and_column() {
        let src = Source {
            path: "plan.toml".into(),
            text: "name = \"x\"\nstart = \"2027-13\"\n".into(),
        };
        let Error::At(d) = src.at(19..28, "bad month") else {
            panic!()
        };
        assert_eq!((d.line, d.column), (2, 9));
        assert_eq!(
            d.to_string(),
            "plan.toml:2:9: bad month\n  |\n2 | start = \"2027-13\"\n  |         ^^^^^^^^^"
        );
    }
}
