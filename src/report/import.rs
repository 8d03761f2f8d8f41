//! The summary `pcsim import` prints: what was written, what was left out and why.

use std::fmt::Write;
use std::path::PathBuf;

use crate::import::training::Unknown;
use crate::import::usage::Skipped;
use crate::import::{KindSummary, Summary};
use crate::money::grouped;

/// "1,204 rows".
fn n(count: impl Into<u64>, one: &str, many: &str) -> String {
    let count = count.into();
    format!(
        "{} {}",
        grouped(&count.to_string()),
        if count == 1 { one } else { many }
    )
}

/// Names and their rows, most rows first as given, the first few of them: "Virtual
/// Machines 200, Storage 80 and 3 more" (JSON lists them all).
fn listed<'a>(items: impl ExactSizeIterator<Item = (&'a str, u64)>) -> String {
    const SHOWN: usize = 6;
    let len = items.len();
    let mut parts: Vec<String> = items
        .take(SHOWN)
        .map(|(name, rows)| format!("{} {}", quoted(name), grouped(&rows.to_string())))
        .collect();
    if len > SHOWN {
        parts.push(format!("and {} more", len - SHOWN));
    }
    parts.join(", ")
}

/// A name as the summary shows it; an empty one says so.
fn quoted(name: &str) -> String {
    if name.is_empty() {
        "(empty)".into()
    } else {
        format!("\"{name}\"")
    }
}

fn kind(out: &mut String, k: &KindSummary) {
    let _ = writeln!(
        out,
        "{} ({}): {} read, {} counted{}",
        k.kind.label(),
        n(k.files as u64, "file", "files"),
        n(k.rows, "row", "rows"),
        grouped(&k.counted.to_string()),
        if k.after_end > 0 {
            format!(
                ", {} after the history's last month left out",
                grouped(&k.after_end.to_string())
            )
        } else {
            String::new()
        }
    );
    let mut reasons: Vec<_> = k.skipped.iter().map(|s| s.reason).collect();
    reasons.dedup();
    for reason in reasons {
        let of: Vec<&Skipped> = k.skipped.iter().filter(|s| s.reason == reason).collect();
        let rows: u64 = of.iter().map(|s| s.rows).sum();
        let _ = writeln!(
            out,
            "  left out, {}: {}: {}",
            reason.describe(k.kind),
            n(rows, "row", "rows"),
            listed(of.iter().map(|s| (s.name.as_str(), s.rows)))
        );
    }
}

/// A line of training rows left out for one reason, by title or type, most first.
fn left_out(out: &mut String, why: &str, list: &[Unknown]) {
    if list.is_empty() {
        return;
    }
    let rows: u64 = list.iter().map(|u| u.rows).sum();
    let _ = writeln!(
        out,
        "  left out, {why}: {}: {}",
        n(rows, "row", "rows"),
        listed(list.iter().map(|u| (u.title.as_str(), u.rows)))
    );
}

pub fn render(summary: &Summary, written: &[PathBuf]) -> String {
    let mut out = String::new();
    let file = |name: &str| {
        written
            .iter()
            .find(|p| p.file_name().is_some_and(|f| f == name))
            .map(|p| p.display().to_string())
    };
    if let (Some(h), Some(path)) = (&summary.history, file("history.csv")) {
        let _ = writeln!(
            out,
            "Wrote {path}: {}, {} to {}, {}.",
            n(h.tenants as u64, "tenant", "tenants"),
            h.first_month,
            h.last_month,
            n(h.rows as u64, "row", "rows")
        );
    }
    if let (Some(t), Some(path)) = (&summary.training, file("people.csv")) {
        let _ = writeln!(
            out,
            "Wrote {path}: {}, {}{}.",
            n(t.people as u64, "person", "people"),
            n(t.certifications as u64, "certification", "certifications"),
            if t.lapsed > 0 {
                format!(
                    " ({} lapsed before {}, written with their expiry)",
                    t.lapsed, summary.as_of
                )
            } else {
                String::new()
            }
        );
    }
    if !summary.usage.is_empty() {
        out.push('\n');
    }
    for k in &summary.usage {
        kind(&mut out, k);
    }
    if let Some(h) = &summary.history {
        if h.without_eligible_usage > 0 {
            let _ = writeln!(
                out,
                "{} had no usage that counts in any month and {} not written.",
                n(h.without_eligible_usage as u64, "tenant", "tenants"),
                if h.without_eligible_usage == 1 {
                    "was"
                } else {
                    "were"
                }
            );
        }
        if h.negative_acr_months > 0 {
            let _ = writeln!(
                out,
                "{} had credits larger than the counted ACR, {} USD below zero in all; written as 0 (a history holds no negative month, so the trailing twelve months' ACR there is that much too high).",
                n(
                    h.negative_acr_months as u64,
                    "tenant-month",
                    "tenant-months"
                ),
                crate::money::usd(h.negative_acr_usd)
            );
        }
    }
    if let Some(t) = &summary.training {
        out.push('\n');
        let _ = writeln!(
            out,
            "Training ({}): {} read; {} counted on certifications of the catalog{}.",
            n(t.files as u64, "file", "files"),
            n(t.rows, "row", "rows"),
            n(t.people as u64, "person", "people"),
            if t.merged > 0 {
                format!(
                    "; {} for a person's certification already read (renewals, repeats) merged",
                    n(t.merged, "row", "rows")
                )
            } else {
                String::new()
            }
        );
        left_out(
            &mut out,
            "not a certification or an exam",
            &t.not_certifications,
        );
        left_out(&mut out, "not in the catalog", &t.not_in_catalog);
        for a in &t.after_retirement {
            let _ = writeln!(
                out,
                "  left out, passed after retirement: {} passed {} on {}, after it retired on {}",
                a.person, a.cert, a.passed, a.retired
            );
        }
        let _ = writeln!(
            out,
            "  Certifications valid on {} are assumed renewed (pass --as-of to judge on another day).",
            summary.as_of
        );
    }
    if !summary.warnings.is_empty() {
        out.push('\n');
        for w in &summary.warnings {
            let _ = writeln!(out, "warning: {w}");
        }
    }
    if !written.is_empty() {
        let flags: Vec<String> = [("history.csv", "--history"), ("people.csv", "--people")]
            .iter()
            .filter_map(|(f, flag)| file(f).map(|p| format!("{flag} {}", shell_word(&p))))
            .collect();
        let keys: Vec<String> = [("history.csv", "history"), ("people.csv", "people_csv")]
            .iter()
            .filter_map(|(f, key)| file(f).map(|p| format!("{key} = \"{}\"", p.replace('\\', "/"))))
            .collect();
        let _ = writeln!(
            out,
            "\nNext: pcsim init plan.toml {}\n  (or name them in a scenario: {}, relative to its folder)",
            flags.join(" "),
            keys.join(", ")
        );
    }
    out
}

/// A path as a shell reads it back: quoted when it holds a space or a shell character.
fn shell_word(path: &str) -> String {
    if path
        .chars()
        .all(|c| c.is_alphanumeric() || "/._-:\\".contains(c))
    {
        path.to_string()
    } else {
        format!("\"{}\"", path.replace('"', "\\\""))
    }
}

pub fn json(summary: &Summary, written: &[PathBuf]) -> String {
    #[derive(serde::Serialize)]
    struct Out<'a> {
        written: Vec<String>,
        #[serde(flatten)]
        summary: &'a Summary,
    }
    let out = Out {
        written: written.iter().map(|p| p.display().to_string()).collect(),
        summary,
    };
    let mut text = serde_json::to_string_pretty(&out).expect("a summary serializes");
    text.push('\n');
    text
}
