//! The default output: a month-by-month table and a plain-language summary.

use std::fmt::Write;

use comfy_table::{CellAlignment, Table as Grid, presets};

use super::{Report, fixed2, usd};
use crate::rules::PathId;
use crate::score::Metric;
use crate::simulate::{DesignationStep, Projection};

pub struct Table;

const SHORT: [&str; 4] = ["NCA", "Certs", "Usage", "Deploy"];

impl Report for Table {
    fn render(&self, p: &Projection) -> String {
        let mut grid = Grid::new();
        grid.load_style(presets::UTF8_FULL_CONDENSED);
        let mut header = vec!["Month".to_string()];
        for (path, prefix) in [(PathId::Enterprise, "Ent"), (PathId::Smb, "SMB")] {
            header.extend(SHORT.iter().map(|s| format!("{prefix} {s}")));
            header.push(format!(
                "{} total",
                if path == PathId::Enterprise {
                    "Enterprise"
                } else {
                    "SMB"
                }
            ));
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
            let q = |p: PathId| m.path(p).qualified;
            row.push(
                match (q(PathId::Enterprise), q(PathId::Smb)) {
                    (true, true) => "both",
                    (true, false) => "Enterprise",
                    (false, true) => "SMB",
                    (false, false) => "no",
                }
                .into(),
            );
            grid.add_row(row);
        }
        for c in 1..=10 {
            if let Some(col) = grid.column_mut(c) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }

        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} — from {}, {} months — ruleset: {}",
            p.scenario,
            p.start,
            p.months.len(),
            p.ruleset
        );
        let _ = writeln!(out, "{grid}");
        out.push_str(&summary_text(p));
        out
    }
}

fn summary_text(p: &Projection) -> String {
    let s = &p.summary;
    let mut out = String::new();
    let when = |m: Option<crate::month::Month>| {
        m.map_or("not within the horizon".to_string(), |m| m.to_string())
    };
    let _ = writeln!(out, "\nFirst month at 70+ with every metric above zero:");
    let _ = writeln!(
        out,
        "  Enterprise: {}",
        when(s.first_qualified[PathId::Enterprise.index()])
    );
    let _ = writeln!(
        out,
        "  SMB:        {}",
        when(s.first_qualified[PathId::Smb.index()])
    );
    let _ = writeln!(
        out,
        "  Either:     {}  ({} of {} months qualified)",
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
            "\nCould enrol (qualified in the month or the five before it): {}",
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
                    "lapses: not qualified in the anniversary month or the five before it".into()
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
            let name = if d.path == PathId::Enterprise {
                "Enterprise"
            } else {
                "SMB"
            };
            let _ = writeln!(
                out,
                "  {}  {name} {} -> {}",
                d.month,
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
