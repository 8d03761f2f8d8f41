//! `pcsim import`: Partner Center's downloads (Azure usage, Microsoft 365 usage, training
//! completions) -> our history CSV and people CSV, applying the ruleset's lists of what
//! counts (docs/partner-center.md). Reads files; writes nothing (the caller does).

pub mod columns;
pub mod download;
pub mod training;
pub mod usage;
pub mod values;

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::rules::Ruleset;
use crate::scenario::history::ReadProgress;
pub use training::TrainingSummary;
pub use usage::{HistorySummary, Kind, KindSummary};
pub use values::DateOrder;

/// What to import.
#[derive(Debug, Clone)]
pub struct Request {
    pub azure: Vec<PathBuf>,
    pub m365: Vec<PathBuf>,
    pub training: Vec<PathBuf>,
    /// The day certifications are judged on: one that expired before it lapsed; one that
    /// expires after it is assumed renewed.
    pub as_of: NaiveDate,
    /// The order of slash dates in the training files, when they cannot tell.
    pub dates: Option<DateOrder>,
}

/// What the import made: the CSV texts and the summary.
pub struct Imported {
    /// `history.csv`, when usage files were given and some tenant has usage that counts.
    pub history: Option<String>,
    /// `people.csv`, when training files were given.
    pub people: Option<String>,
    pub summary: Summary,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// `YYYY-MM-DD`: see [`Request::as_of`].
    pub as_of: String,
    pub usage: Vec<KindSummary>,
    pub history: Option<HistorySummary>,
    pub training: Option<TrainingSummary>,
    /// Things that look wrong in the downloads but do not stop the import.
    pub warnings: Vec<String>,
}

pub fn import(request: &Request, rules: &Ruleset, progress: &ReadProgress) -> Result<Imported> {
    if request.azure.is_empty() && request.m365.is_empty() && request.training.is_empty() {
        return Err(Error::Usage(
            "name the downloads to import: --azure FILE, --m365 FILE and/or --training FILE (each may be given several times)".into(),
        ));
    }
    let files: Vec<(Kind, &PathBuf)> = request
        .azure
        .iter()
        .map(|p| (Kind::Azure, p))
        .chain(request.m365.iter().map(|p| (Kind::M365, p)))
        .collect();
    refuse_twice(
        files
            .iter()
            .map(|(_, p)| *p)
            .chain(&request.training)
            .collect(),
    )?;
    let lists = usage::Lists::new(rules)?;
    let mut summary = Summary {
        as_of: request.as_of.to_string(),
        usage: Vec::new(),
        history: None,
        training: None,
        warnings: Vec::new(),
    };
    let mut history = None;
    if !files.is_empty() {
        // Every file on every core at once: one file's pieces alone would leave cores
        // idle while the last of them finishes. The first error in file order is told.
        let read: Vec<Result<Vec<usage::Part>>> = {
            use rayon::prelude::*;
            files
                .par_iter()
                .enumerate()
                .map(|(i, (kind, path))| {
                    let download = download::Download::open(path, kind.label())?;
                    usage::read(&download, *kind, i, &lists, progress)
                })
                .collect()
        };
        let mut parts = Vec::new();
        for file in read {
            parts.extend(file?);
        }
        let names: Vec<(Kind, String)> = files
            .iter()
            .map(|(k, p)| (*k, p.display().to_string()))
            .collect();
        let made = usage::history(parts, &names, &lists)?;
        summary.usage = made.kinds;
        summary.warnings.extend(made.warnings);
        match &made.history {
            Some(h) if h.tenants == 0 => summary
                .warnings
                .push("no tenant has usage that counts, so no history.csv was written".into()),
            Some(_) => history = Some(made.csv),
            None => {}
        }
        summary.history = made.history;
    }
    let mut people = None;
    if !request.training.is_empty() {
        let t = training::read(
            &request.training,
            rules,
            request.as_of,
            request.dates,
            progress,
        )?;
        people = Some(t.csv);
        summary.training = Some(t.summary);
    }
    Ok(Imported {
        history,
        people,
        summary,
    })
}

/// The same file given twice would count its rows twice.
fn refuse_twice(paths: Vec<&PathBuf>) -> Result<()> {
    let mut seen: Vec<(PathBuf, &PathBuf)> = Vec::new();
    for p in paths {
        let real = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        if let Some((_, first)) = seen.iter().find(|(r, _)| *r == real) {
            let named = if first == &p {
                format!("{} is named twice", p.display())
            } else {
                format!("{} and {} are the same file", first.display(), p.display())
            };
            return Err(Error::Usage(format!(
                "{named}: its rows would count twice; name each file once"
            )));
        }
        seen.push((real, p));
    }
    Ok(())
}
