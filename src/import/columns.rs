//! Finding the columns a download has by their names, in any order: Partner Center's
//! datasets add and reorder columns between versions, so position means nothing.

use std::path::Path;

use crate::error::{Result, csv_error};
use crate::rules::loose_key;

/// A value the import needs, and the column names that hold it (the first present wins).
pub struct Field {
    pub names: &'static [&'static str],
    pub required: bool,
}

impl Field {
    pub const fn required(names: &'static [&'static str]) -> Field {
        Field {
            names,
            required: true,
        }
    }

    pub const fn optional(names: &'static [&'static str]) -> Field {
        Field {
            names,
            required: false,
        }
    }

    /// "`Month` (or `MonthStartDate`, `UsageMonth`)".
    pub fn describe(&self) -> String {
        let mut text = format!("`{}`", self.names[0]);
        if self.names.len() > 1 {
            let others: Vec<String> = self.names[1..].iter().map(|n| format!("`{n}`")).collect();
            text.push_str(&format!(" (or {})", others.join(", ")));
        }
        text
    }
}

/// For each field, the index of its column in `header`, or `None` for an optional field
/// the file lacks. Names match ignoring case, spaces, hyphens and underscores. A missing
/// required field is an error naming what was expected and what was found.
pub fn locate(
    path: &Path,
    kind: &str,
    header: &[String],
    fields: &[Field],
) -> Result<Vec<Option<usize>>> {
    let keys: Vec<String> = header.iter().map(|h| loose_key(h.trim())).collect();
    let found: Vec<Option<usize>> = fields
        .iter()
        .map(|field| {
            field
                .names
                .iter()
                .find_map(|n| keys.iter().position(|k| *k == loose_key(n)))
        })
        .collect();
    let lacking: Vec<&Field> = fields
        .iter()
        .zip(&found)
        .filter(|(f, at)| f.required && at.is_none())
        .map(|(f, _)| f)
        .collect();
    if !lacking.is_empty() {
        return Err(missing(path, kind, header, &lacking));
    }
    Ok(found)
}

/// What the file calls each field ([`locate`]'s `at`): its own heading where it has the
/// column, else the field's first name, so that an error about a cell names the column
/// the user sees.
pub fn headings(header: &[String], fields: &[Field], at: &[Option<usize>]) -> Vec<String> {
    fields
        .iter()
        .zip(at)
        .map(|(f, at)| at.map_or(f.names[0], |c| header[c].trim()).to_string())
        .collect()
}

/// The error for columns a download lacks.
pub fn missing(
    path: &Path,
    kind: &str,
    header: &[String],
    fields: &[&Field],
) -> crate::error::Error {
    let wanted: Vec<String> = fields.iter().map(|f| f.describe()).collect();
    let found: Vec<String> = header
        .iter()
        .filter(|h| !h.trim().is_empty())
        .map(|h| format!("`{}`", h.trim()))
        .collect();
    csv_error(
        path,
        1,
        format!(
            "this {kind} file has no {} column; its columns are {}. Is it the right download (or the right flag)?",
            wanted.join(" and no "),
            if found.is_empty() {
                "none".to_string()
            } else {
                found.join(", ")
            }
        ),
    )
}
