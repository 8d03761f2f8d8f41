//! The default output: a month-by-month table and a plain-language summary.

use std::fmt::Write;

use comfy_table::{CellAlignment, Table as Grid, presets};

use super::{Report, count, fixed2, usd};
use crate::explain::AgeingOut;
use crate::month::Month;
use crate::rules::PathId;
use crate::scenario::{first_anniversary, last_counting_month};
use crate::score::Metric;
use crate::simulate::{Anniversary, DesignationEvent, DesignationStep, Drop, Projection, Terms};

pub struct Table;

const SHORT: [&str; 4] = ["NCA", "Certs", "Usage", "Deploy"];

/// "Ent" for "Enterprise", "SMB" for "SMB": column headers stay narrow.
fn prefix(name: &str) -> String {
    name.chars().take(3).collect()
}

impl Report for Table {
    fn render(&self, p: &Projection) -> String {
        render_within(p, None)
    }
}

/// The month-by-month table of `paths`, side by side.
fn months_grid(p: &Projection, paths: &[PathId]) -> Grid {
    let names = &p.terms.path_names;
    let mut grid = Grid::new();
    grid.load_style(presets::UTF8_FULL_CONDENSED);
    let mut header = vec!["Month".to_string()];
    for &path in paths {
        let name = &names[path.index()];
        header.extend(SHORT.iter().map(|s| format!("{} {s}", prefix(name))));
        header.push(format!("{name} total"));
    }
    header.push("Qualified".into());
    grid.set_header(header);
    for m in &p.months {
        let mut row = vec![m.month.to_string()];
        for &path in paths {
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
    for c in 1..=5 * paths.len() {
        if let Some(col) = grid.column_mut(c) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    grid
}

/// The run table and summary for a terminal `width` characters wide (`None`: any): both
/// paths side by side when they fit, else a table per path, so that no line wraps.
pub fn render_within(p: &Projection, width: Option<usize>) -> String {
    let both = months_grid(p, &PathId::ALL).to_string();
    let widest = |text: &str| text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let grids = match width {
        Some(w) if widest(&both) > w => PathId::ALL
            .iter()
            .map(|&path| months_grid(p, &[path]).to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => both,
    };
    {
        let mut out = String::new();
        let last = p.months.last().map_or(p.start, |m| m.month);
        let _ = writeln!(
            out,
            "{} — {}, {} to {} ({}) — ruleset: {}",
            p.scenario,
            p.terms.designation,
            p.start,
            last,
            count(p.months.len(), "month", "months"),
            p.ruleset
        );
        let _ = writeln!(out, "{grids}");
        if let Some(note) = assumption(p.assumed_events) {
            let _ = writeln!(out, "{note}");
        }
        out.push_str(&summary_text(p));
        match width {
            Some(w) => fit(&out, w),
            None => out,
        }
    }
}

/// `text` with every line longer than `width` characters broken at spaces; the rest of a
/// broken line lines up under its text (after a leading month, as in "  2027-03  SMB …").
fn fit(text: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.chars().count() <= width {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        let rest = &line[lead..];
        let hang = match rest.get(..7).map(|m| m.parse::<Month>()) {
            Some(Ok(_)) => lead + 7 + (rest[7..].len() - rest[7..].trim_start().len()),
            _ => lead + 2,
        };
        let room = width.max(hang + 20);
        let mut current = line[..lead].to_string();
        let mut fresh = true;
        for word in rest.split(' ') {
            if !fresh && current.chars().count() + 1 + word.chars().count() > room {
                out.push_str(current.trim_end());
                out.push('\n');
                current = " ".repeat(hang);
            } else if !fresh {
                current.push(' ');
            }
            current.push_str(word);
            fresh = false;
        }
        out.push_str(current.trim_end());
        out.push('\n');
    }
    out
}

/// What a deterministic projection assumes when some planned events may not happen.
pub fn assumption(uncertain: usize) -> Option<String> {
    (uncertain > 0).then(|| {
        format!(
            "This projection assumes every planned event happens, though {} a probability below 1: `pcsim odds` gives the odds.",
            if uncertain == 1 {
                "1 has".to_string()
            } else {
                format!("{uncertain} have")
            }
        )
    })
}

/// "the month or the 5 before it"
fn window(months: u32) -> String {
    match months {
        0 | 1 => "the month itself".to_string(),
        2 => "the month or the one before it".to_string(),
        n => format!("the month or the {} before it", n - 1),
    }
}

/// "2026-05 to 2026-10", or one month.
fn span(from: Month, to: Month) -> String {
    if from == to {
        from.to_string()
    } else {
        format!("{from} to {to}")
    }
}

/// What happened at an anniversary, and by how much.
fn anniversary_text(e: &DesignationEvent, a: &Anniversary, t: &Terms) -> String {
    let window = span(a.window_from, a.window_to);
    let months = a.window_to.since(a.window_from) as usize + 1;
    match e.step {
        DesignationStep::Renew => {
            let qualified = match (a.qualified_months as usize, months) {
                (_, 1) => format!("qualified in {window}"),
                (q, n) if q == n => format!("qualified in all {n} months {window}"),
                (q, n) => format!("qualified in {q} of the {n} months {window}"),
            };
            let secured = match a.margin_months {
                Some(0) | None => "secured only in the anniversary month".to_string(),
                Some(m) => format!("secured {} ahead", count(m as usize, "month", "months")),
            };
            format!(
                "renews at the anniversary (fee {} USD): {qualified}, {secured}",
                usd(e.fee_usd)
            )
        }
        _ => {
            let best = if a.best_headline >= t.qualifying_total {
                format!(
                    "best score {}, but with a metric at zero",
                    fixed2(a.best_headline)
                )
            } else {
                format!(
                    "best score {} of {}",
                    fixed2(a.best_headline),
                    t.qualifying_total.normalize()
                )
            };
            format!("lapses: not qualified in {window} ({best})")
        }
    }
}

/// The designation timeline: enrolments, renewals and lapses.
fn designation_text(p: &Projection, out: &mut String) {
    let s = &p.summary;
    match s.enrolled {
        Some(e) => {
            let _ = writeln!(
                out,
                "Designation (enrolled {e}; anniversaries every 12 months):"
            );
            if s.designation.is_empty() {
                let _ = writeln!(
                    out,
                    "  no anniversary within the horizon (the next is {})",
                    first_anniversary(e, p.start)
                );
            }
        }
        None if s.designation.is_empty() => return,
        None => {
            let _ = writeln!(out, "Designation, enrolling at the first chance:");
        }
    }
    for e in &s.designation {
        let what = match (&e.step, &e.anniversary) {
            (DesignationStep::Enrol, _) => format!("enrols (fee {} USD)", usd(e.fee_usd)),
            (_, Some(a)) => anniversary_text(e, a, &p.terms),
            (DesignationStep::Renew, None) => {
                format!("renews at the anniversary (fee {} USD)", usd(e.fee_usd))
            }
            (DesignationStep::Lapse, None) => "lapses".to_string(),
        };
        let _ = writeln!(out, "  {}  {what}", e.month);
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
        "  {:<width$} {}  ({} of {} qualified)",
        "Either:",
        when(s.first_qualified_any),
        s.months_qualified,
        count(p.months.len(), "month", "months")
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
    designation_text(p, &mut out);

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
        falls_text(&s.drops, names, &mut out);
    }
    if !s.setbacks.is_empty() {
        let _ = writeln!(
            out,
            "\nSetbacks (a metric losing a quarter of its points or more, or all of them):"
        );
        falls_text(&s.setbacks, names, &mut out);
    }
    warnings_text(p, &mut out);
    out
}

fn falls_text(falls: &[Drop], names: &[String; 2], out: &mut String) {
    for d in falls {
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

/// Certifications that stop counting and wins that age out, month by month.
fn warnings_text(p: &Projection, out: &mut String) {
    let w = &p.summary.warnings;
    let names = &p.terms.path_names;
    if w.certifications.is_empty() && w.ageing_out.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nAhead (what stops counting within the horizon):");
    // (month, line), listed in month order.
    let mut lines: Vec<(Month, String)> = Vec::new();
    for g in &w.certifications {
        let cost: Vec<String> = PathId::ALL
            .iter()
            .filter(|p| !g.points_lost[p.index()].is_zero())
            .map(|p| format!("{} -{}", names[p.index()], fixed2(g.points_lost[p.index()])))
            .collect();
        let which: Vec<String> = g
            .ending
            .iter()
            .map(|c| {
                format!(
                    "{}'s {} ({}; it last counts in {})",
                    c.person,
                    c.short,
                    c.why,
                    last_counting_month(c.last_day),
                )
            })
            .collect();
        lines.push((
            g.month,
            format!(
                "{} stop{} counting: {}",
                which.join(", "),
                if which.len() == 1 { "s" } else { "" },
                if cost.is_empty() {
                    "no points lost".to_string()
                } else {
                    format!("{} points", cost.join(", "))
                }
            ),
        ));
    }
    let mut k = 0;
    while k < w.ageing_out.len() {
        let (month, path) = (w.ageing_out[k].month, w.ageing_out[k].path);
        let group: Vec<&AgeingOut> = w.ageing_out[k..]
            .iter()
            .take_while(|a| a.month == month && a.path == path)
            .collect();
        k += group.len();
        let counts: Vec<String> = group
            .iter()
            .map(|a| match a.metric {
                Metric::NetCustomerAdds => count(a.units as usize, "net add", "net adds"),
                _ => count(a.units as usize, "deployment", "deployments"),
            })
            .collect();
        let mut tenants: Vec<&str> = group
            .iter()
            .flat_map(|a| a.tenants.iter().map(|(name, _)| name.as_str()))
            .collect();
        tenants.sort_unstable();
        tenants.dedup();
        let most = group.iter().map(|a| a.count).max().unwrap_or(0);
        let mut shown: Vec<String> = tenants.iter().take(3).map(|n| n.to_string()).collect();
        if most > shown.len() {
            shown.push("…".to_string());
        }
        let one = group.len() == 1 && group[0].units == 1;
        lines.push((
            month,
            format!(
                "{} {} of {} {} out of the twelve-month window ({})",
                names[path.index()],
                counts.join(" and "),
                month - 12,
                if one { "ages" } else { "age" },
                shown.join(", ")
            ),
        ));
    }
    lines.sort_by_key(|(m, _)| *m);
    for (month, line) in lines {
        let _ = writeln!(out, "  {month}  {line}");
    }
}
