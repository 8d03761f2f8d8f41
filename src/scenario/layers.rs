//! `extends`: loading a chain of scenario files and merging them, parent first.

use std::path::{Path, PathBuf};

use toml::Spanned;

use super::model::{ChangeEntry, OptionEntry, PersonEntry, ScenarioFile, TenantEntry};
use crate::error::{Error, Result, Source};
use crate::month::Month;

/// One file of an `extends` chain.
#[derive(Debug)]
pub struct Layer {
    pub source: Source,
    pub file: ScenarioFile,
}

impl Layer {
    /// A path written in this file, relative to the file's own folder.
    pub fn relative(&self, written: &str) -> PathBuf {
        self.source
            .path
            .parent()
            .unwrap_or(Path::new(""))
            .join(written)
    }
}

/// An entry of the merged scenario and the layer (index into [`Merged::layers`]) it came from,
/// so that later checks can point into the right file.
#[derive(Debug, Clone)]
pub struct From<T> {
    pub layer: usize,
    pub entry: T,
}

/// A file-valued setting (`rules`, `history`, `people_csv`) resolved against its own file.
#[derive(Debug, Clone)]
pub struct FileSetting {
    pub layer: usize,
    pub path: PathBuf,
    pub written: Spanned<String>,
}

/// The chain merged: later files override earlier ones.
#[derive(Debug)]
pub struct Merged {
    /// Root first, the file the user named last.
    pub layers: Vec<Layer>,
    pub name: String,
    pub description: Option<String>,
    pub start: Option<Month>,
    /// `enrolled`, with the layer that set it so that an error can point at it.
    pub enrolled: Option<From<Spanned<Month>>>,
    pub months: Option<u32>,
    pub rules: Option<FileSetting>,
    pub history: Option<FileSetting>,
    pub people_csv: Option<FileSetting>,
    pub people: Vec<From<PersonEntry>>,
    pub tenants: Vec<From<TenantEntry>>,
    pub changes: Vec<From<ChangeEntry>>,
    pub options: Vec<From<OptionEntry>>,
}

/// Loads `path` and every file it extends.
pub fn load_chain(path: &Path) -> Result<Vec<Layer>> {
    let mut chain: Vec<Layer> = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut next = Some((path.to_path_buf(), None::<(usize, std::ops::Range<usize>)>));
    while let Some((path, referrer)) = next.take() {
        let source = match (Source::read(&path, "scenario"), &referrer) {
            (Ok(s), _) => s,
            (Err(_), Some((layer, span))) if !path.exists() => {
                let from: &Layer = &chain[*layer];
                return Err(from.source.at(
                    span.clone(),
                    format!("extends {}, which does not exist", path.display()),
                ));
            }
            (Err(e), _) => return Err(e),
        };
        let identity = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if let Some(first) = seen.iter().position(|p| *p == identity) {
            let mut cycle: Vec<String> = chain[first..]
                .iter()
                .map(|l| l.source.display_path())
                .collect();
            cycle.push(source.display_path());
            return Err(Error::Input(format!(
                "`extends` goes round in a cycle: {}",
                cycle.join(" -> ")
            )));
        }
        seen.push(identity);
        let file: ScenarioFile = source.parse_toml().map_err(|e| {
            crate::error::mistaken_for(
                e,
                &source,
                &["qualifying_total", "[paths.", "[[certifications]]"],
                "a ruleset, not a scenario: give it with --rules, or as `rules = \"…\"` in a scenario",
            )
        })?;
        let layer = Layer { source, file };
        next = layer
            .file
            .extends
            .as_ref()
            .map(|e| (layer.relative(e.get_ref()), Some((chain.len(), e.span()))));
        chain.push(layer);
    }
    chain.reverse();
    Ok(chain)
}

/// Merges a chain loaded by [`load_chain`].
pub fn merge(layers: Vec<Layer>) -> Result<Merged> {
    let leaf = layers.last().expect("a chain has at least one file");
    let mut merged = Merged {
        name: leaf.file.name.get_ref().clone(),
        description: None,
        start: None,
        enrolled: None,
        months: None,
        rules: None,
        history: None,
        people_csv: None,
        people: Vec::new(),
        tenants: Vec::new(),
        changes: Vec::new(),
        options: Vec::new(),
        layers: Vec::new(),
    };
    for (i, layer) in layers.iter().enumerate() {
        let f = &layer.file;
        merged.description = f.description.clone().or(merged.description.take());
        merged.start = f.start.or(merged.start);
        merged.enrolled = f
            .enrolled
            .as_ref()
            .map(|e| From {
                layer: i,
                entry: e.clone(),
            })
            .or(merged.enrolled.take());
        merged.months = f.months.map(|h| h.0).or(merged.months);
        let setting = |s: &Option<Spanned<String>>| {
            s.as_ref().map(|w| FileSetting {
                layer: i,
                path: layer.relative(w.get_ref()),
                written: w.clone(),
            })
        };
        merged.rules = setting(&f.rules).or(merged.rules.take());
        merged.history = setting(&f.history).or(merged.history.take());
        merged.people_csv = setting(&f.people_csv).or(merged.people_csv.take());
        override_by_name(
            &mut merged.people,
            &f.people,
            i,
            &layer.source,
            |p| &p.name,
            "person",
        )?;
        override_by_name(
            &mut merged.tenants,
            &f.tenants,
            i,
            &layer.source,
            |t| &t.name,
            "tenant",
        )?;
        override_by_name(
            &mut merged.options,
            &f.options,
            i,
            &layer.source,
            |o| &o.name,
            "option",
        )?;
        merged.changes.extend(f.changes.iter().map(|c| From {
            layer: i,
            entry: c.clone(),
        }));
    }
    merged.layers = layers;
    Ok(merged)
}

/// Adds a file's entries after its parent's; an entry named like a parent's replaces it.
/// Two entries of the same name in one file are an error.
fn override_by_name<T: Clone>(
    merged: &mut Vec<From<T>>,
    entries: &[T],
    layer: usize,
    source: &Source,
    name: impl Fn(&T) -> &Spanned<String>,
    what: &str,
) -> Result<()> {
    for (k, entry) in entries.iter().enumerate() {
        let n = name(entry);
        if entries[..k]
            .iter()
            .any(|e| name(e).get_ref() == n.get_ref())
        {
            return Err(source.at(
                n.span(),
                format!(
                    "there is already {} {what} named \"{}\" in this file",
                    if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
                        "an"
                    } else {
                        "a"
                    },
                    n.get_ref()
                ),
            ));
        }
        let item = From {
            layer,
            entry: entry.clone(),
        };
        match merged
            .iter_mut()
            .find(|m| m.layer < layer && name(&m.entry).get_ref() == n.get_ref())
        {
            Some(slot) => *slot = item,
            None => merged.push(item),
        }
    }
    Ok(())
}
