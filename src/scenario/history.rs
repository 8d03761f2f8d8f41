//! The history CSV (`tenant,month,seats,active,acr[,m365,azure]`): a partner's monthly
//! facts per customer tenant, often its whole customer base.
//!
//! Big exports are the common case, so the file is read once and, when it has no quoted
//! fields (a plain export), split at line ends and parsed in parallel by the csv crate.
//! Fields are parsed from bytes with exact fast paths for plain numbers; anything
//! unusual goes through the general parsers, which also word the errors. The result
//! does not depend on the number of threads: chunks are merged in file order.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;

use super::import::{association, check_header, decimal, line_of, read_error, whole};
use crate::error::{Error, Result, csv_error, describe_io};
use crate::month::Month;
use crate::rules::{Ruleset, Side};
use crate::scenario::model::MAX_LEVEL;

/// An association cell of a history row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssocCell {
    /// Empty: keeps the association of the row before.
    Keep,
    Counts(bool),
}

/// One month of one imported tenant, already rounded to what is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryRow {
    pub month: Month,
    pub seats: u32,
    pub active: u32,
    pub acr_cents: i64,
    pub m365: AssocCell,
    pub azure: AssocCell,
}

/// Imported tenants: names, and each tenant's rows in month order.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub names: Vec<String>,
    /// All rows, grouped by tenant and sorted by month within a tenant.
    pub rows: Vec<HistoryRow>,
    /// `rows[starts[t]..starts[t + 1]]` are tenant t's rows.
    pub starts: Vec<usize>,
}

impl History {
    pub fn rows_of(&self, tenant: usize) -> &[HistoryRow] {
        &self.rows[self.starts[tenant]..self.starts[tenant + 1]]
    }

    pub fn first_month(&self) -> Option<Month> {
        self.rows.iter().map(|r| r.month).min()
    }

    pub fn last_month(&self) -> Option<Month> {
        self.rows.iter().map(|r| r.month).max()
    }
}

const REQUIRED: [&str; 5] = ["tenant", "month", "seats", "active", "acr"];
const OPTIONAL: [&str; 2] = ["m365", "azure"];

/// Reads a history CSV, checking every row.
pub fn read_history(path: &Path, rules: &Ruleset) -> Result<History> {
    let bytes = std::fs::read(path).map_err(|e| {
        Error::Input(format!(
            "cannot read history {}: {}",
            path.display(),
            describe_io(&e)
        ))
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(&bytes[..]);
    let header = reader.headers().map_err(|e| read_error(path, e))?.clone();
    let optional = check_header(path, &header, &REQUIRED, &OPTIONAL)?;
    if optional == 1 {
        return Err(csv_error(
            path,
            1,
            "the header names `m365` without `azure`: give both association columns or neither",
        ));
    }
    let body_start = reader.position().byte() as usize;
    let body = &bytes[body_start.min(bytes.len())..];
    let columns = REQUIRED.len() + optional;

    // A quoted field may hold a line break, so only a file without quotes is split.
    let pieces = if body.contains(&b'"') {
        vec![(body_start, body)]
    } else {
        split_at_lines(body, body_start, 64)
    };
    let parser = Parser {
        path,
        rules,
        columns,
    };
    let chunks: Vec<Result<Chunk>> = pieces
        .into_par_iter()
        .map(|(offset, piece)| parser.chunk(offset, piece))
        .collect();
    let chunks: Vec<Chunk> = chunks.into_iter().collect::<Result<_>>()?;

    // Merge in file order: tenant ids follow first appearance in the file.
    let total: usize = chunks.iter().map(|c| c.rows.len()).sum();
    if total == 0 {
        return Err(Error::Input(format!(
            "{}: the history has a header but no rows",
            path.display()
        )));
    }
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut rows: Vec<HistoryRow> = Vec::with_capacity(total);
    let mut ids: Vec<u32> = Vec::with_capacity(total);
    for chunk in chunks {
        let remap: Vec<u32> = chunk
            .names
            .into_iter()
            .map(|n| {
                *index.entry(n).or_insert_with_key(|n| {
                    names.push(n.clone());
                    (names.len() - 1) as u32
                })
            })
            .collect();
        rows.extend_from_slice(&chunk.rows);
        ids.extend(chunk.ids.iter().map(|&local| remap[local as usize]));
    }
    // Exports are usually grouped by tenant and sorted by month already.
    let key = |i: usize| (ids[i], rows[i].month);
    if !(1..total).all(|i| key(i - 1) <= key(i)) {
        let mut order: Vec<usize> = (0..total).collect();
        order.par_sort_by_key(|&i| key(i));
        rows = order.iter().map(|&i| rows[i]).collect();
        ids = order.iter().map(|&i| ids[i]).collect();
    }
    if let Some(i) =
        (1..total).find(|&i| ids[i - 1] == ids[i] && rows[i - 1].month == rows[i].month)
    {
        return Err(duplicate(
            path,
            &bytes,
            columns,
            &names[ids[i] as usize],
            rows[i].month,
        ));
    }
    let mut starts = Vec::with_capacity(names.len() + 1);
    starts.extend((0..total).filter(|&i| i == 0 || ids[i - 1] != ids[i]));
    starts.push(total);
    Ok(History {
        names,
        rows,
        starts,
    })
}

/// Splits `body` into about `parts` pieces, each ending at a line end.
fn split_at_lines(body: &[u8], offset: usize, parts: usize) -> Vec<(usize, &[u8])> {
    let target = (body.len() / parts).max(1 << 16);
    let mut pieces = Vec::new();
    let mut from = 0;
    while from < body.len() {
        let mut to = (from + target).min(body.len());
        while to < body.len() && body[to - 1] != b'\n' {
            to += 1;
        }
        pieces.push((offset + from, &body[from..to]));
        from = to;
    }
    pieces
}

/// One piece of the file, parsed: its tenants in order of first appearance, its rows,
/// and each row's tenant as an index into `names`.
struct Chunk {
    names: Vec<String>,
    rows: Vec<HistoryRow>,
    ids: Vec<u32>,
}

struct Parser<'a> {
    path: &'a Path,
    rules: &'a Ruleset,
    columns: usize,
}

impl Parser<'_> {
    fn chunk(&self, offset: usize, piece: &[u8]) -> Result<Chunk> {
        let path = self.path;
        // Fields are trimmed where they are read: the reader's own trimming rebuilds every record.
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(piece);
        let mut ids: HashMap<String, u32> = HashMap::new();
        let expected = piece.len() / 32;
        let mut chunk = Chunk {
            names: Vec::new(),
            rows: Vec::with_capacity(expected),
            ids: Vec::with_capacity(expected),
        };
        let mut record = csv::ByteRecord::new();
        let mut last: Option<(Vec<u8>, u32)> = None;
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let at = e.position().map_or(0, |p| p.byte()) + offset as u64;
                    return Err(csv_error(
                        path,
                        line_of(path, at),
                        "this row could not be read as CSV",
                    ));
                }
            }
            let at = record.position().map_or(0, |p| p.byte()) + offset as u64;
            let fail = |m: String| csv_error(path, line_of(path, at), m);
            if record.len() != self.columns {
                return Err(fail(format!(
                    "this row has {} fields, the header has {}",
                    record.len(),
                    self.columns
                )));
            }
            let name = record[0].trim_ascii();
            if name.is_empty() {
                return Err(fail("the tenant name is empty".into()));
            }
            // Rows of one tenant usually come together: skip the lookup for them.
            let id = match &last {
                Some((n, id)) if n == name => *id,
                _ => {
                    let text = std::str::from_utf8(name)
                        .map_err(|_| fail("this row is not valid UTF-8 text".into()))?;
                    let id = match ids.get(text) {
                        Some(id) => *id,
                        None => {
                            chunk.names.push(text.to_string());
                            let id = (chunk.names.len() - 1) as u32;
                            ids.insert(text.to_string(), id);
                            id
                        }
                    };
                    last = Some((name.to_vec(), id));
                    id
                }
            };
            chunk.rows.push(self.row(&record).map_err(fail)?);
            chunk.ids.push(id);
        }
        Ok(chunk)
    }

    fn row(&self, record: &csv::ByteRecord) -> std::result::Result<HistoryRow, String> {
        let field = |i: usize| record[i].trim_ascii();
        let text = |i: usize| {
            std::str::from_utf8(field(i))
                .map_err(|_| "this row is not valid UTF-8 text".to_string())
        };
        let month = match fast_month(field(1)) {
            Some(m) => m,
            None => text(1)?
                .parse()
                .map_err(|e: crate::month::BadMonth| e.to_string())?,
        };
        let count = |i: usize, column: &str| match fast_whole(field(i)) {
            Some(v) => Ok(v),
            None => whole(text(i)?, column),
        };
        let acr_cents = match fast_cents(field(4)) {
            Some(c) => c,
            None => {
                let d = decimal(text(4)?, "acr")?;
                crate::scenario::import::cents(d)
                    .ok_or_else(|| format!("acr `{}` is too large", text(4).unwrap_or_default()))?
            }
        };
        let cell = |i: usize, side: Side, column: &str| {
            if self.columns <= i || field(i).is_empty() {
                Ok(AssocCell::Keep)
            } else {
                association(self.rules, side, text(i)?, column)
            }
        };
        Ok(HistoryRow {
            month,
            seats: count(2, "seats")?,
            active: count(3, "active")?,
            acr_cents,
            m365: cell(5, Side::M365, "m365")?,
            azure: cell(6, Side::Azure, "azure")?,
        })
    }
}

fn digits(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 12 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u64, |n, d| n * 10 + (d - b'0') as u64))
}

/// "2026-03"
fn fast_month(b: &[u8]) -> Option<Month> {
    if b.len() != 7 || b[4] != b'-' {
        return None;
    }
    Month::new(digits(&b[..4])? as i32, digits(&b[5..])? as u32)
}

/// A plain whole number within the level bound.
fn fast_whole(b: &[u8]) -> Option<u32> {
    digits(b)
        .filter(|&v| v <= MAX_LEVEL.mantissa() as u64)
        .map(|v| v as u32)
}

/// "350", "350.5", "350.25": exact cents within the level bound.
fn fast_cents(b: &[u8]) -> Option<i64> {
    let (whole, frac) = match b.iter().position(|&c| c == b'.') {
        Some(dot) => (&b[..dot], &b[dot + 1..]),
        None => (b, &b[..0]),
    };
    let units = digits(whole)?;
    let cents = match frac.len() {
        0 => 0,
        1 => digits(frac)? * 10,
        2 => digits(frac)?,
        _ => return None,
    };
    let total = units.checked_mul(100)? + cents;
    (total <= MAX_LEVEL.mantissa() as u64 * 100).then_some(total as i64)
}

/// Finds the two rows of a duplicate tenant and month, for a message naming both lines.
fn duplicate(path: &Path, bytes: &[u8], columns: usize, tenant: &str, month: Month) -> Error {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let mut lines = Vec::new();
    let mut record = csv::StringRecord::new();
    while let Ok(true) = reader.read_record(&mut record) {
        if record.len() == columns
            && &record[0] == tenant
            && record[1].parse::<Month>().ok() == Some(month)
        {
            lines.push(line_of(path, record.position().map_or(0, |p| p.byte())));
        }
    }
    let (first, second) = (
        lines.first().copied().unwrap_or(0),
        lines.get(1).copied().unwrap_or(0),
    );
    csv_error(
        path,
        second,
        format!("tenant \"{tenant}\" has a second row for {month} (the first is on line {first})"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_paths_are_exact_and_defer_the_unusual() {
        assert_eq!(fast_cents(b"350"), Some(35_000));
        assert_eq!(fast_cents(b"350.5"), Some(35_050));
        assert_eq!(fast_cents(b"0.07"), Some(7));
        assert_eq!(
            fast_cents(b"350.005"),
            None,
            "three decimals round in the general path"
        );
        assert_eq!(fast_cents(b"-1"), None);
        assert_eq!(fast_cents(b"1e3"), None);
        assert_eq!(fast_whole(b"1000000000"), Some(1_000_000_000));
        assert_eq!(
            fast_whole(b"1000000001"),
            None,
            "above the bound: the general path says so"
        );
        assert_eq!(fast_month(b"2026-03"), Month::new(2026, 3));
        assert_eq!(fast_month(b"2026-13"), None);
    }

    #[test]
    fn pieces_end_at_line_ends_and_cover_everything() {
        let body = b"a,1\nbb,22\nccc,333\n".repeat(10_000);
        let pieces = split_at_lines(&body, 7, 8);
        assert!(pieces.len() > 1);
        assert_eq!(
            pieces.iter().map(|(_, p)| p.len()).sum::<usize>(),
            body.len()
        );
        assert!(pieces.iter().all(|(_, p)| p.ends_with(b"\n")));
        assert_eq!(pieces[0].0, 7);
    }
}
