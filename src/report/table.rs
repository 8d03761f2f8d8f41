//! The default output: a month-by-month table and a plain-language summary.

use std::fmt::Write;

use comfy_table::{CellAlignment, Table as Grid, presets};

use super::{Report, fixed2, usd};
use crate::month::Month;
use crate::rules::PathId;
use crate::score::Metric;
use crate::simulate::{DesignationStep, Projection};

pub struct Table;

const SHORT: [&str; 4] = ["NCA", "Certs", "Usage", "Deploy"];

/// "Ent" for "Enterprise", "SMB" for "SMB": column headers stay narrow.
fn prefix(name: &str) -> String {
    name.chars().take(3).collect()
}

impl Report for Table {
    fn render(&self, p: &Projection) -> String {
        let names = &p.terms.path_names;
        let mut grid = Grid::new();
        grid.load_style(presets::UTF8_FULL_CONDENSED);
        let mut header = vec!["Month".to_string()];
        for path in PathId::ALL {
            let name = &names[path.index()];
            header.extend(SHORT.iter().map(|s| format!("{} {s}", prefix(name))));
            header.push(format!("{name} total"));
        }
        header.push("Qualified".into());
        grid.set_header(header);
        for m in &p.months {
            let mut row = vec![m.month.to_string()];
            for path in PathId::ALL {
                let s = m.path(path);
                row.extend(Metric::ALL.iter().map(|&metric| fixed2(s.points(metric))));
                row.push(format!(
                    "{}{}",
                    fixed2(s.total),
                    if s.qualified { " ✓" } else { "  " }
                ));
            }
            let qualified: Vec<&str> = PathId::ALL
                .iter()
                .filter(|&&path| m.path(path).qualified)
                .map(|path| names[path.index()].as_str())
                .collect();
            row.push(match qualified.len() {
                0 => "no".to_string(),
                1 => qualified[0].to_string(),
                _ => "both".to_string(),
            });
            grid.add_row(row);
        }
        for c in 1..=10 {
            if let Some(col) = grid.column_mut(c) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }

        let mut out = String::new();
        let last = p.months.last().map_or(p.start, |m| m.month);
        let _ = writeln!(
            out,
            "{} — {}, {} to {} ({} months) — ruleset: {}",
            p.scenario,
            p.terms.designation,
            p.start,
            last,
            p.months.len(),
            p.ruleset
        );
        let _ = writeln!(out, "{grid}");
        out.push_str(&summary_text(p));
        out
    }
}

/// "the month or the 5 before it"
fn window(months: u32) -> String {
    match months {
        0 | 1 => "the month itself".to_string(),
        2 => "the month or the one before it".to_string(),
        n => format!("the month or the {} before it", n - 1),
    }
}

fn summary_text(p: &Projection) -> String {
    let s = &p.summary;
    let t = &p.terms;
    let names = &t.path_names;
    let width = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .max("Either".len())
        + 1;
    let mut out = String::new();
    let when = |m: Option<Month>| m.map_or("not within the horizon".to_string(), |m| m.to_string());
    let _ = writeln!(
        out,
        "\nFirst month at {}+ with every metric above zero:",
        t.qualifying_total.normalize()
    );
    for path in PathId::ALL {
        let label = format!("{}:", names[path.index()]);
        let _ = writeln!(
            out,
            "  {label:<width$} {}",
            when(s.first_qualified[path.index()])
        );
    }
    let _ = writeln!(
        out,
        "  {:<width$} {}  ({} of {} months qualified)",
        "Either:",
        when(s.first_qualified_any),
        s.months_qualified,
        p.months.len()
    );

    if s.enrolment_windows.is_empty() {
        let _ = writeln!(out, "\nCould enrol: in no projected month.");
    } else {
        let windows: Vec<String> = s
            .enrolment_windows
            .iter()
            .map(|(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a} to {b}")
                }
            })
            .collect();
        let _ = writeln!(
            out,
            "\nCould enrol (qualified in {}): {}",
            window(t.enrol_months),
            windows.join(", ")
        );
    }
    if !s.designation.is_empty() {
        let _ = writeln!(out, "Designation, enrolling at the first chance:");
        for e in &s.designation {
            let what = match e.step {
                DesignationStep::Enrol => format!("enrol (fee {} USD)", usd(e.fee_usd)),
                DesignationStep::Renew => {
                    format!("renew at the anniversary (fee {} USD)", usd(e.fee_usd))
                }
                DesignationStep::Lapse => {
                    format!(
                        "lapses: not qualified in the anniversary month or {}",
                        window(t.renew_months).replace("the month or ", "")
                    )
                }
            };
            let _ = writeln!(out, "  {}  {what}", e.month);
        }
    }

    if s.drops.is_empty() {
        let _ = writeln!(
            out,
            "\nNo path drops back below the line within the horizon."
        );
    } else {
        let _ = writeln!(
            out,
            "\nDrops (a path that qualified the month before no longer does):"
        );
        for d in &s.drops {
            let _ = writeln!(
                out,
                "  {}  {} {} -> {}",
                d.month,
                names[d.path.index()],
                fixed2(d.total_before),
                fixed2(d.total_after)
            );
            for c in &d.causes {
                let _ = writeln!(
                    out,
                    "           {} {} -> {}: {}",
                    c.metric.label(),
                    fixed2(c.points_before),
                    fixed2(c.points_after),
                    c.reason
                );
            }
        }
    }
    out
}
