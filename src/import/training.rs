//! Training completions -> the people CSV: who holds which catalog certification, since
//! when, and until when when it lapsed.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::columns::{Field, locate, missing};
use super::download::{Download, text};
use super::values::{self, DateEvidence, DateOrder};
use crate::error::{Error, Result, csv_error};
use crate::rules::{Ruleset, loosely_equal};
use crate::scenario::history::ReadProgress;
use crate::scenario::import::line_of;

const FIELDS: [Field; 6] = [
    Field::optional(&["IndividualFirstName", "FirstName"]),
    Field::optional(&["IndividualLastName", "LastName"]),
    Field::optional(&["Email", "EmailAddress", "IndividualEmail"]),
    Field::required(&["TrainingTitle", "CertificationTitle", "Title"]),
    Field::required(&["TrainingCompletionDate", "CompletionDate"]),
    Field::optional(&["ExpirationDate", "ExpiryDate"]),
];

/// A title that names no certification of the catalog.
#[derive(Debug, Clone, Serialize)]
pub struct Unknown {
    pub title: String,
    pub rows: u64,
}

/// A completion dated after its certification retired, which cannot count.
#[derive(Debug, Clone, Serialize)]
pub struct AfterRetirement {
    pub person: String,
    pub cert: String,
    pub passed: String,
    pub retired: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrainingSummary {
    pub files: usize,
    pub rows: u64,
    pub people: usize,
    /// Rows of people.csv: one per person and certification.
    pub certifications: usize,
    /// Of those, the ones that lapsed before the as-of date (written with `expires`).
    pub lapsed: usize,
    /// Rows for a person and certification already read (a renewal, or the same row in
    /// two downloads), merged into one.
    pub merged: u64,
    pub not_in_catalog: Vec<Unknown>,
    pub after_retirement: Vec<AfterRetirement>,
}

pub struct TrainingImport {
    pub csv: String,
    pub summary: TrainingSummary,
}

/// Who a row is about.
struct Person {
    display: String,
    email: Option<String>,
}

/// The catalog certification a training title names, if any: its name, an alias or its
/// code, or its code as a word of the title ("Exam SC-200: ...").
pub fn certification_of(rules: &Ruleset, title: &str) -> Option<usize> {
    let t = title.trim();
    const PREFIX: &str = "microsoft certified:";
    let short = t
        .get(..PREFIX.len())
        .filter(|p| p.eq_ignore_ascii_case(PREFIX))
        .map_or(t, |_| t[PREFIX.len()..].trim());
    let named = |c: &crate::rules::Certification| {
        c.code()
            .into_iter()
            .chain([c.name()])
            .chain(c.aliases.iter().map(|a| a.get_ref().as_str()))
            .any(|n| loosely_equal(n, short) || loosely_equal(n, t))
    };
    if let Some(i) = rules.certifications.iter().position(named) {
        return Some(i);
    }
    let words: Vec<&str> = t
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    rules.certifications.iter().position(|c| {
        c.code()
            .is_some_and(|code| words.iter().any(|w| w.eq_ignore_ascii_case(code)))
    })
}

pub fn read(
    paths: &[std::path::PathBuf],
    rules: &Ruleset,
    as_of: NaiveDate,
    dates: Option<DateOrder>,
    progress: &ReadProgress,
) -> Result<TrainingImport> {
    let mut people: BTreeMap<String, Person> = BTreeMap::new();
    // (person key, certification) -> (earliest completion, latest expiration).
    let mut held: BTreeMap<(String, usize), (NaiveDate, Option<NaiveDate>)> = BTreeMap::new();
    let mut unknown: BTreeMap<String, Unknown> = BTreeMap::new();
    let mut after_retirement = Vec::new();
    let (mut rows, mut merged) = (0u64, 0u64);
    for path in paths {
        let download = Download::open(path, "training")?;
        let at = locate(path, "training", &download.header, &FIELDS)?;
        let names = at[0].is_some() && at[1].is_some();
        if !names && at[2].is_none() {
            let lacking: Vec<&Field> = [2, 0, 1]
                .iter()
                .filter(|&&i| at[i].is_none())
                .map(|&i| &FIELDS[i])
                .collect();
            return Err(missing(path, "training", &download.header, &lacking));
        }
        // Read the cells first: the order of slash dates is settled by the whole file.
        let mut records: Vec<(u64, [String; 6])> = Vec::new();
        let mut evidence = DateEvidence::default();
        for (offset, piece) in download.pieces(1) {
            download.read_piece(offset, piece, progress, |position, record| {
                let mut cells: [String; 6] = Default::default();
                for (i, c) in at.iter().enumerate() {
                    if let Some(c) = c {
                        cells[i] = text(record.get(*c).unwrap_or_default())?.to_string();
                    }
                }
                evidence.see(position, &cells[4]);
                evidence.see(position, &cells[5]);
                records.push((position, cells));
                Ok(())
            })?;
        }
        let order = evidence
            .order(dates)
            .map_err(|(position, m)| csv_error(path, line_of(path, position), m))?;
        for (position, cells) in records {
            rows += 1;
            let fail = |m: String| csv_error(path, line_of(path, position), m);
            let [first, last, email, title, completed, expires] = cells;
            let name = format!("{first} {last}")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let email = (!email.is_empty()).then(|| email.to_string());
            let key = match (&email, name.is_empty()) {
                (Some(e), _) => e.to_lowercase(),
                (None, false) => name.to_lowercase(),
                (None, true) => {
                    return Err(fail(
                        "this row names no one: its name and email cells are empty".into(),
                    ));
                }
            };
            let passed = values::date(&completed, order)
                .map_err(|m| fail(format!("{}: {m}", FIELDS[4].names[0])))?;
            let expires = if expires.is_empty() {
                None
            } else {
                Some(
                    values::date(&expires, order)
                        .map_err(|m| fail(format!("{}: {m}", FIELDS[5].names[0])))?,
                )
            };
            let display = if name.is_empty() {
                email.clone().unwrap_or_default()
            } else {
                name
            };
            let Some(cert) = certification_of(rules, &title) else {
                let e = unknown.entry(title.to_lowercase()).or_insert(Unknown {
                    title: title.clone(),
                    rows: 0,
                });
                e.rows += 1;
                continue;
            };
            let c = &rules.certifications[cert];
            if let Some(retired) = c.retired
                && passed > retired.last_day()
            {
                after_retirement.push(AfterRetirement {
                    person: display,
                    cert: c.short(),
                    passed: passed.to_string(),
                    retired: retired.last_day().to_string(),
                });
                continue;
            }
            people
                .entry(key.clone())
                .or_insert(Person { display, email });
            match held.get_mut(&(key.clone(), cert)) {
                Some((since, until)) => {
                    merged += 1;
                    *since = (*since).min(passed);
                    *until = match (*until, expires) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        (a, b) => a.or(b),
                    };
                }
                None => {
                    held.insert((key, cert), (passed, expires));
                }
            }
        }
    }
    // Two people of the same name: each is told apart by the email.
    let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
    for p in people.values() {
        *shown.entry(&p.display).or_default() += 1;
    }
    let display: BTreeMap<&str, String> = people
        .iter()
        .map(|(key, p)| {
            let d = match (&p.email, shown[p.display.as_str()] > 1) {
                (Some(_), true) => format!("{} <{key}>", p.display),
                _ => p.display.clone(),
            };
            (key.as_str(), d)
        })
        .collect();
    let mut lines: Vec<(&str, usize, NaiveDate, Option<NaiveDate>)> = held
        .iter()
        .map(|((key, cert), (since, until))| {
            // A certification still valid on the as-of date is assumed renewed (RULES §5).
            let lapsed = until.filter(|u| *u < as_of);
            (display[key.as_str()].as_str(), *cert, *since, lapsed)
        })
        .collect();
    lines.sort();
    let mut out = csv::WriterBuilder::new().from_writer(Vec::new());
    let fail = |e: csv::Error| Error::Input(format!("cannot write people.csv: {e}"));
    out.write_record(["person", "cert", "passed", "expires"])
        .map_err(fail)?;
    for (person, cert, since, lapsed) in &lines {
        out.write_record([
            *person,
            &rules.certifications[*cert].short(),
            &since.to_string(),
            &lapsed.map(|d| d.to_string()).unwrap_or_default(),
        ])
        .map_err(fail)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| Error::Input(format!("cannot write people.csv: {e}")))?;
    let mut not_in_catalog: Vec<Unknown> = unknown.into_values().collect();
    not_in_catalog.sort_by(|a, b| b.rows.cmp(&a.rows).then(a.title.cmp(&b.title)));
    Ok(TrainingImport {
        csv: String::from_utf8(bytes).expect("written from text"),
        summary: TrainingSummary {
            files: paths.len(),
            rows,
            people: people.len(),
            certifications: lines.len(),
            lapsed: lines.iter().filter(|l| l.3.is_some()).count(),
            merged,
            not_in_catalog,
            after_retirement,
        },
    })
}
