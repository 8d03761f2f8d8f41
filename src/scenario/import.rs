//! The two CSV imports: monthly tenant facts (`history`) and certifications (`people_csv`).

use std::path::Path;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

pub use super::history::{AssocCell, History, HistoryRow};
use crate::error::{Error, Result, csv_error, describe_io};
use crate::month::DayOrMonth;
use crate::rules::{Ruleset, Side};
use crate::scenario::model::MAX_LEVEL;

pub(super) fn open(path: &Path, what: &str) -> Result<csv::Reader<std::io::Cursor<Vec<u8>>>> {
    let bytes = std::fs::read(path).map_err(|e| cannot_read(what, path, &e))?;
    let (start, delimiter) = text_start(&bytes);
    let mut cursor = std::io::Cursor::new(bytes);
    cursor.set_position(start as u64);
    Ok(csv::ReaderBuilder::new()
        .has_headers(true)
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(cursor))
}

/// A day or a month as written in a CSV file: "2026-05" or "2026-05-14", or a month as a
/// spreadsheet re-saved it ("May-26", "05/2026"; see
/// [`crate::month::month_from_spreadsheet`]).
fn day_or_month(text: &str) -> std::result::Result<DayOrMonth, String> {
    text.parse::<DayOrMonth>().or_else(|e| {
        if text.contains('/') || text.chars().any(|c| c.is_ascii_alphabetic()) {
            crate::month::month_from_spreadsheet(text).map(DayOrMonth::Month)
        } else {
            Err(e.to_string())
        }
    })
}

/// The error for a file that cannot be read: "cannot read history a.csv: no such file".
pub fn cannot_read(what: &str, path: &Path, e: &std::io::Error) -> Error {
    Error::Input(format!(
        "cannot read {what} {}: {}",
        path.display(),
        describe_io(e)
    ))
}

/// Where a CSV file's text starts and its separator: Excel's "CSV UTF-8" starts with a
/// byte-order mark, which the header must not keep.
pub fn text_start(bytes: &[u8]) -> (usize, u8) {
    let start = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    (start, delimiter_of(&bytes[start..]))
}

/// The separator a CSV file uses, from its header line: a comma, or the semicolon that
/// Excel writes where the decimal mark is a comma, or a tab (a "Text (Tab delimited)"
/// export). A header with a comma is comma-separated.
pub fn delimiter_of(bytes: &[u8]) -> u8 {
    let header = &bytes[..memchr::memchr(b'\n', bytes).unwrap_or(bytes.len())];
    if header.contains(&b',') {
        b','
    } else if header.contains(&b';') {
        b';'
    } else if header.contains(&b'\t') {
        b'\t'
    } else {
        b','
    }
}

/// The 1-based line of a byte offset, counted in the file itself: the csv crate's own line
/// numbers skip blank lines and miscount CRLF files. Only called when reporting an error.
pub fn line_of(path: &Path, byte: u64) -> u64 {
    let Ok(bytes) = std::fs::read(path) else {
        return 0;
    };
    // The offset csv reports is where it started reading: before any blank lines and
    // before the LF of a CRLF. The record itself starts after those.
    let mut at = (byte as usize).min(bytes.len());
    while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
        at += 1;
    }
    bytes[..at].iter().filter(|&&c| c == b'\n').count() as u64 + 1
}

/// The next record of a piece of `path` that starts at byte `offset` of the file, read
/// into `record` and checked to have `columns` fields: its byte position in the file, or
/// `None` at the piece's end. Errors name the record's line.
pub fn next_record<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    record: &mut csv::ByteRecord,
    path: &Path,
    offset: usize,
    columns: usize,
) -> Result<Option<u64>> {
    let at = |p: Option<&csv::Position>| p.map_or(0, |p| p.byte()) + offset as u64;
    match reader.read_byte_record(record) {
        Ok(true) => {}
        Ok(false) => return Ok(None),
        Err(e) => {
            return Err(csv_error(
                path,
                line_of(path, at(e.position())),
                "this row could not be read as CSV",
            ));
        }
    }
    let position = at(record.position());
    if record.len() != columns {
        return Err(csv_error(
            path,
            line_of(path, position),
            wrong_field_count(record.len(), columns),
        ));
    }
    Ok(Some(position))
}

/// A row with more or fewer fields than its header has columns, in plain words.
pub(super) fn wrong_field_count(found: usize, columns: usize) -> String {
    let fields = if found == 1 { "field" } else { "fields" };
    format!(
        "this row has {found} {fields}, the header has {columns}: give one value per column, \
         separated as the header is (an empty value still needs its separator)"
    )
}

pub(super) fn read_error(path: &Path, e: csv::Error) -> Error {
    let line = e.position().map_or(0, |p| line_of(path, p.byte()));
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => wrong_field_count(*len as usize, *expected_len as usize),
        csv::ErrorKind::Utf8 { .. } => "this row is not valid UTF-8 text".to_string(),
        _ => e.to_string(),
    };
    if line == 0 {
        Error::Input(format!("{}: {message}", path.display()))
    } else {
        csv_error(path, line, message)
    }
}

/// Checks the header against the required columns and the optional trailing ones;
/// returns how many optional columns are present.
pub(super) fn check_header(
    path: &Path,
    header: &csv::StringRecord,
    required: &[&str],
    optional: &[&str],
) -> Result<usize> {
    let got: Vec<String> = header
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    for extra in 0..=optional.len() {
        let want: Vec<&str> = required.iter().chain(&optional[..extra]).copied().collect();
        if got == want {
            return Ok(extra);
        }
    }
    let mut forms = vec![required.join(",")];
    if !optional.is_empty() {
        forms.push(
            required
                .iter()
                .chain(optional)
                .copied()
                .collect::<Vec<_>>()
                .join(","),
        );
    }
    Err(csv_error(
        path,
        1,
        format!(
            "the header must be `{}`, not `{}`",
            forms.join("` or `"),
            got.join(",")
        ),
    ))
}

pub(super) fn whole(text: &str, column: &str) -> std::result::Result<u32, String> {
    if let Ok(v) = text.parse::<u32>()
        && Decimal::from(v) <= MAX_LEVEL
    {
        return Ok(v);
    }
    let d = decimal(text, column)?;
    d.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        .to_u32()
        .ok_or_else(|| format!("{column} `{text}` is too large"))
}

pub(super) fn decimal(text: &str, column: &str) -> std::result::Result<Decimal, String> {
    let d: Decimal = text
        .parse()
        .map_err(|_| format!("{column} `{text}` is not a number"))?;
    if d < Decimal::ZERO {
        return Err(format!("{column} must not be negative, not {text}"));
    }
    if d > MAX_LEVEL {
        return Err(format!(
            "{column} `{text}` is too large: at most 1,000,000,000"
        ));
    }
    Ok(d)
}

pub fn cents(d: Decimal) -> Option<i64> {
    d.checked_mul(Decimal::ONE_HUNDRED)?
        .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
}

pub(super) fn association(
    rules: &Ruleset,
    side: Side,
    text: &str,
    column: &str,
) -> std::result::Result<AssocCell, String> {
    if text.is_empty() {
        return Ok(AssocCell::Keep);
    }
    rules
        .associations
        .lookup(side, text)
        .map(|(_, counts)| AssocCell::Counts(counts))
        .ok_or_else(|| {
            format!(
                "{column} `{text}` is not an association; use one of: {}",
                rules.associations.known(side)
            )
        })
}

/// One row of the people CSV.
#[derive(Debug, Clone)]
pub struct PersonCert {
    pub person: String,
    pub cert: String,
    pub passed: DayOrMonth,
    pub expires: Option<DayOrMonth>,
    /// Byte offset of the row, for [`line_of`].
    pub byte: u64,
}

/// Reads `person,cert,passed[,expires]`.
pub fn read_people(path: &Path) -> Result<Vec<PersonCert>> {
    let mut reader = open(path, "people CSV")?;
    let header = reader.headers().map_err(|e| read_error(path, e))?.clone();
    let optional = check_header(path, &header, &["person", "cert", "passed"], &["expires"])?;
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| read_error(path, e))?;
        let byte = record.position().map_or(0, |p| p.byte());
        let fail = |m: String| csv_error(path, line_of(path, byte), m);
        if record[0].is_empty() || record[1].is_empty() {
            return Err(fail("person and cert must not be empty".into()));
        }
        let passed = day_or_month(&record[2]).map_err(fail)?;
        let expires = match record.get(3).filter(|_| optional > 0) {
            Some("") | None => None,
            Some(text) => Some(day_or_month(text).map_err(fail)?),
        };
        out.push(PersonCert {
            person: record[0].to_string(),
            cert: record[1].to_string(),
            passed,
            expires,
            byte,
        });
    }
    Ok(out)
}
