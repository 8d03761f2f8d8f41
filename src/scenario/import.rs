//! The two CSV imports: monthly tenant facts (`history`) and certifications (`people_csv`).

use std::collections::HashMap;
use std::path::Path;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::error::{Error, Result, csv_error, describe_io};
use crate::month::{DayOrMonth, Month};
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

fn open(path: &Path, what: &str) -> Result<csv::Reader<std::fs::File>> {
    let file = std::fs::File::open(path).map_err(|e| {
        Error::Input(format!(
            "cannot read {what} {}: {}",
            path.display(),
            describe_io(&e)
        ))
    })?;
    Ok(csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(file))
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

fn read_error(path: &Path, e: csv::Error) -> Error {
    let line = e.position().map_or(0, |p| line_of(path, p.byte()));
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("this row has {len} fields, the header has {expected_len}")
        }
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
fn check_header(
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

fn whole(text: &str, column: &str) -> std::result::Result<u32, String> {
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

fn decimal(text: &str, column: &str) -> std::result::Result<Decimal, String> {
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

fn association(
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

/// Reads `tenant,month,seats,active,acr[,m365,azure]`.
pub fn read_history(path: &Path, rules: &Ruleset) -> Result<History> {
    let mut reader = open(path, "history")?;
    let header = reader.headers().map_err(|e| read_error(path, e))?.clone();
    let optional = check_header(
        path,
        &header,
        &["tenant", "month", "seats", "active", "acr"],
        &["m365", "azure"],
    )?;
    if optional == 1 {
        return Err(csv_error(
            path,
            1,
            "the header names `m365` without `azure`: give both association columns or neither",
        ));
    }

    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    // (tenant, row, byte offset of the row) in file order; sorted below.
    let mut rows: Vec<(u32, HistoryRow, u64)> = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut last: Option<(String, u32)> = None;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(read_error(path, e)),
        }
        let byte = record.position().map_or(0, |p| p.byte());
        let fail = |m: String| csv_error(path, line_of(path, byte), m);
        let name = &record[0];
        if name.is_empty() {
            return Err(fail("the tenant name is empty".into()));
        }
        // Rows of one tenant usually come together: skip the hash lookup for them.
        let id = match &last {
            Some((n, id)) if n == name => *id,
            _ => {
                let id = *ids.entry(name.to_string()).or_insert_with(|| {
                    names.push(name.to_string());
                    (names.len() - 1) as u32
                });
                last = Some((name.to_string(), id));
                id
            }
        };
        let month: Month = record[1]
            .parse()
            .map_err(|e: crate::month::BadMonth| fail(e.to_string()))?;
        let acr = decimal(&record[4], "acr").map_err(fail)?;
        let row = HistoryRow {
            month,
            seats: whole(&record[2], "seats").map_err(fail)?,
            active: whole(&record[3], "active").map_err(fail)?,
            acr_cents: cents(acr)
                .ok_or_else(|| fail(format!("acr `{}` is too large", &record[4])))?,
            m365: if optional > 0 {
                association(rules, Side::M365, &record[5], "m365").map_err(fail)?
            } else {
                AssocCell::Keep
            },
            azure: if optional > 1 {
                association(rules, Side::Azure, &record[6], "azure").map_err(fail)?
            } else {
                AssocCell::Keep
            },
        };
        rows.push((id, row, byte));
    }
    if rows.is_empty() {
        return Err(Error::Input(format!(
            "{}: the history has a header but no rows",
            path.display()
        )));
    }
    rows.sort_by_key(|(id, row, _)| (*id, row.month));
    if let Some(w) = rows
        .windows(2)
        .find(|w| w[0].0 == w[1].0 && w[0].1.month == w[1].1.month)
    {
        return Err(csv_error(
            path,
            line_of(path, w[1].2),
            format!(
                "tenant \"{}\" has a second row for {} (the first is on line {})",
                names[w[0].0 as usize],
                w[0].1.month,
                line_of(path, w[0].2)
            ),
        ));
    }
    let mut starts = Vec::with_capacity(names.len() + 1);
    for (i, (id, _, _)) in rows.iter().enumerate() {
        if i == 0 || rows[i - 1].0 != *id {
            starts.push(i);
        }
    }
    starts.push(rows.len());
    Ok(History {
        names,
        rows: rows.into_iter().map(|(_, r, _)| r).collect(),
        starts,
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
        let passed: DayOrMonth = record[2].parse().map_err(fail)?;
        let expires = match record.get(3).filter(|_| optional > 0) {
            Some("") | None => None,
            Some(text) => Some(text.parse::<DayOrMonth>().map_err(fail)?),
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
