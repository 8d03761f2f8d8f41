//! Training completions -> the people CSV: who holds which catalog certification, since
//! when, and until when when it lapsed.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::columns::{Field, headings, locate, missing};
use super::download::{Download, text};
use super::values::{self, DateEvidence, DateOrder};
use crate::error::{Error, Result, csv_error};
use crate::rules::Ruleset;
use crate::scenario::history::ReadProgress;
use crate::scenario::import::line_of;

const FIELDS: [Field; 7] = [
    Field::optional(&["IndividualFirstName", "FirstName"]),
    Field::optional(&["IndividualLastName", "LastName"]),
    Field::optional(&["Email", "EmailAddress", "IndividualEmail"]),
    Field::required(&["TrainingTitle", "CertificationTitle", "Title"]),
    Field::required(&["TrainingCompletionDate", "CompletionDate"]),
    Field::optional(&["ExpirationDate", "ExpiryDate"]),
    Field::optional(&["TrainingType", "CredentialType"]),
];

/// Titles left out, with how many rows had each.
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
    /// Rows of people.csv: one per person, certification and unbroken stretch of holding it.
    pub certifications: usize,
    /// Of those, the ones that lapsed before the as-of date (written with `expires`).
    pub lapsed: usize,
    /// Completions of a certification the person already held then (a renewal, or the same
    /// row in two downloads), merged into one row.
    pub merged: u64,
    /// Rows whose training type is not a certification or an exam (courses, learning
    /// paths), by type.
    pub not_certifications: Vec<Unknown>,
    pub not_in_catalog: Vec<Unknown>,
    pub after_retirement: Vec<AfterRetirement>,
}

pub struct TrainingImport {
    pub csv: String,
    pub summary: TrainingSummary,
}

/// Who a row is about: the email (lowercased) when the row has one, else the name
/// (lowercased).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum PersonKey {
    Email(String),
    Name(String),
}

struct Person {
    display: String,
    email: Option<String>,
    /// The names (lowercased) its rows gave, for rows of that name without an email.
    names: std::collections::BTreeSet<String>,
    /// Where the person is first named, for an error about them.
    file: usize,
    position: u64,
}

/// Holding a certification: since, and until (`None`: no expiry known).
type Stretch = (NaiveDate, Option<NaiveDate>);

/// One completion of a catalog certification.
struct Completion {
    person: PersonKey,
    cert: usize,
    passed: NaiveDate,
    expires: Option<NaiveDate>,
}

/// The catalog certification a training title names, if any: its name, an alias or its
/// code, or, in an exam's title (`Exam SC-200: ...`), its code as a word. A course named
/// after an exam (`SC-200: Mitigate threats ...`) is not the certification.
pub fn certification_of(rules: &Ruleset, title: &str) -> Option<usize> {
    let t = title.trim();
    let strip = |prefix: &str| {
        t.get(..prefix.len())
            .filter(|p| p.eq_ignore_ascii_case(prefix))
            .map(|_| t[prefix.len()..].trim())
    };
    let short = strip("microsoft certified:").unwrap_or(t);
    if let Some(i) = rules
        .certification_index(short)
        .or_else(|| rules.certification_index(t))
    {
        return Some(i);
    }
    strip("exam ")?;
    let words: Vec<&str> = t
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    rules.certifications.iter().position(|c| {
        c.code()
            .is_some_and(|code| words.iter().any(|w| w.eq_ignore_ascii_case(code)))
    })
}

/// Counts a row left out under `text` (its title or type), spellings that differ only in
/// case together, shown as first written.
fn left_out(counts: &mut BTreeMap<String, Unknown>, text: &str) {
    counts
        .entry(text.to_lowercase())
        .or_insert_with(|| Unknown {
            title: text.to_string(),
            rows: 0,
        })
        .rows += 1;
}

/// Whether a training type is a credential (a certification or an exam), not a course.
fn credential(kind: &str) -> bool {
    let k = kind.to_lowercase();
    k.is_empty() || k.contains("certification") || k.contains("exam")
}

pub fn read(
    paths: &[std::path::PathBuf],
    rules: &Ruleset,
    as_of: NaiveDate,
    dates: Option<DateOrder>,
    progress: &ReadProgress,
) -> Result<TrainingImport> {
    let mut people: BTreeMap<PersonKey, Person> = BTreeMap::new();
    let mut completions: Vec<Completion> = Vec::new();
    let mut unknown: BTreeMap<String, Unknown> = BTreeMap::new();
    let mut courses: BTreeMap<String, Unknown> = BTreeMap::new();
    let mut after_retirement = Vec::new();
    let mut rows = 0u64;
    for (file, path) in paths.iter().enumerate() {
        let download = Download::open(path, "training")?;
        let at = locate(path, "training", &download.header, &FIELDS)?;
        let heading = headings(&download.header, &FIELDS, &at);
        if !(at[0].is_some() && at[1].is_some()) && at[2].is_none() {
            let lacking: Vec<&Field> = [2, 0, 1]
                .iter()
                .filter(|&&i| at[i].is_none())
                .map(|&i| &FIELDS[i])
                .collect();
            return Err(missing(path, "training", &download.header, &lacking));
        }
        // Read the cells first: the order of slash dates is settled by the whole file.
        let mut records: Vec<(u64, [String; 7])> = Vec::new();
        let mut evidence = DateEvidence::default();
        for (offset, piece) in download.read_whole(progress) {
            download.read_piece(offset, piece, progress, |position, record| {
                let mut cells: [String; 7] = Default::default();
                for (i, c) in at.iter().enumerate() {
                    if let Some(c) = c {
                        cells[i] = text(record.get(*c).unwrap_or_default())?.to_string();
                    }
                }
                for i in [4, 5] {
                    evidence.see(|| line_of(path, position), &cells[i]);
                }
                records.push((position, cells));
                Ok(())
            })?;
        }
        let order = evidence
            .order(dates)
            .map_err(|(line, m)| csv_error(path, line, m))?;
        for (position, cells) in records {
            rows += 1;
            let fail = |m: String| csv_error(path, line_of(path, position), m);
            let [first, last, email, title, completed, expires, kind] = cells;
            if !credential(&kind) {
                left_out(&mut courses, &kind);
                continue;
            }
            let name = format!("{first} {last}")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let key = match (email.is_empty(), name.is_empty()) {
                (false, _) => PersonKey::Email(email.to_lowercase()),
                (true, false) => PersonKey::Name(name.to_lowercase()),
                (true, true) => {
                    return Err(fail(
                        "this row names no one: its name and email cells are empty".into(),
                    ));
                }
            };
            let passed = values::date(&completed, order)
                .map_err(|m| fail(format!("{}: {m}", heading[4])))?;
            let expires = if expires.is_empty() {
                None
            } else {
                Some(
                    values::date(&expires, order)
                        .map_err(|m| fail(format!("{}: {m}", heading[5])))?,
                )
            };
            if let Some(e) = expires
                && e <= passed
            {
                return Err(fail(format!(
                    "it expires ({e}) on or before it was completed ({passed}): are the two date columns swapped?"
                )));
            }
            let display = if name.is_empty() {
                email.clone()
            } else {
                name.clone()
            };
            let Some(cert) = certification_of(rules, &title) else {
                left_out(&mut unknown, &title);
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
            let named = !name.is_empty();
            let person = people.entry(key.clone()).or_insert(Person {
                display: display.clone(),
                email: (!email.is_empty()).then_some(email.clone()),
                names: Default::default(),
                file,
                position,
            });
            // A person first met by email alone is shown by name once a row gives it.
            if named {
                if Some(&person.display) == person.email.as_ref() {
                    person.display = display.clone();
                }
                person.names.insert(display.to_lowercase());
            }
            completions.push(Completion {
                person: key,
                cert,
                passed,
                expires,
            });
        }
    }
    let same = same_people(&people, paths)?;
    let mut held: BTreeMap<(PersonKey, usize), Vec<Stretch>> = BTreeMap::new();
    for c in completions {
        let person = same.get(&c.person).cloned().unwrap_or(c.person);
        held.entry((person, c.cert))
            .or_default()
            .push((c.passed, c.expires));
    }
    // Two people of the same name: each is told apart by the email.
    let holders: Vec<PersonKey> = {
        let mut h: Vec<PersonKey> = held.keys().map(|(p, _)| p.clone()).collect();
        h.dedup();
        h
    };
    let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
    for key in &holders {
        *shown.entry(&people[key].display).or_default() += 1;
    }
    let display = |key: &PersonKey| -> String {
        let p = &people[key];
        match (key, shown[p.display.as_str()] > 1) {
            (PersonKey::Email(e), true) => format!("{} <{e}>", p.display),
            _ => p.display.clone(),
        }
    };
    let mut lines: Vec<(String, usize, NaiveDate, Option<NaiveDate>)> = Vec::new();
    let mut merged = 0u64;
    for ((key, cert), mut stretches) in held {
        let person = display(&key);
        stretches.sort();
        merged += stretches.len() as u64;
        // Completions while the certification was still valid extend one stretch of
        // holding it; one after a lapse starts another.
        let mut open: Option<Stretch> = None;
        let close = |s: Stretch, lines: &mut Vec<_>| {
            // Valid on the as-of day: assumed renewed every year (RULES §5).
            let lapsed = s.1.filter(|u| *u < as_of);
            lines.push((person.clone(), cert, s.0, lapsed));
        };
        for (passed, expires) in stretches {
            // A completion without an expiration date (an exam's row) says nothing of
            // when the certification ends: the known dates decide.
            open = match open {
                Some((since, until)) if until.is_none_or(|u| passed <= u) => Some((
                    since,
                    match (until, expires) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        (known, None) | (None, known) => known,
                    },
                )),
                Some(done) => {
                    close(done, &mut lines);
                    Some((passed, expires))
                }
                None => Some((passed, expires)),
            };
        }
        if let Some(done) = open {
            close(done, &mut lines);
        }
    }
    merged -= lines.len() as u64;
    lines.sort();
    let mut out = csv::WriterBuilder::new().from_writer(Vec::new());
    let fail = |e: csv::Error| Error::Input(format!("cannot write people.csv: {e}"));
    out.write_record(["person", "cert", "passed", "expires"])
        .map_err(fail)?;
    for (person, cert, since, lapsed) in &lines {
        out.write_record([
            person.as_str(),
            &rules.certifications[*cert].short(),
            &since.to_string(),
            &lapsed.map(|d| d.to_string()).unwrap_or_default(),
        ])
        .map_err(fail)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| Error::Input(format!("cannot write people.csv: {e}")))?;
    let by_rows = |m: BTreeMap<String, Unknown>| {
        let mut v: Vec<Unknown> = m.into_values().collect();
        v.sort_by(|a, b| b.rows.cmp(&a.rows).then(a.title.cmp(&b.title)));
        v
    };
    Ok(TrainingImport {
        csv: String::from_utf8(bytes).expect("written from text"),
        summary: TrainingSummary {
            files: paths.len(),
            rows,
            people: holders.len(),
            certifications: lines.len(),
            lapsed: lines.iter().filter(|l| l.3.is_some()).count(),
            merged,
            not_certifications: by_rows(courses),
            not_in_catalog: by_rows(unknown),
            after_retirement,
        },
    })
}

/// A row without an email names the person with an email of the same name, when there is
/// exactly one: the same person, in a download that left the email out. With two or more
/// it cannot tell, and says so.
fn same_people(
    people: &BTreeMap<PersonKey, Person>,
    paths: &[std::path::PathBuf],
) -> Result<BTreeMap<PersonKey, PersonKey>> {
    // Who has an email, by each name their rows gave.
    let mut by_name: BTreeMap<&str, Vec<&PersonKey>> = BTreeMap::new();
    for (key, person) in people {
        if matches!(key, PersonKey::Email(_)) {
            for name in &person.names {
                by_name.entry(name).or_default().push(key);
            }
        }
    }
    let mut same = BTreeMap::new();
    for (key, person) in people {
        let PersonKey::Name(name) = key else {
            continue;
        };
        match by_name.get(name.as_str()).map(Vec::as_slice) {
            None | Some([]) => {}
            Some([one]) => {
                same.insert(key.clone(), (*one).clone());
            }
            Some(many) => {
                let path = &paths[person.file];
                let emails: Vec<&str> = many
                    .iter()
                    .filter_map(|k| people[*k].email.as_deref())
                    .collect();
                return Err(csv_error(
                    path,
                    line_of(path, person.position),
                    format!(
                        "{} has no email here, and {} people of that name have one ({}): add the email, so that pcsim knows who passed it",
                        person.display,
                        many.len(),
                        emails.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(same)
}
