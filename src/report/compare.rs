//! `pcsim compare`: the comparison as a table, JSON or CSV.

use comfy_table::{Table, presets};
use serde_json::{Value, json};

use super::json::{month as json_month, number};
use super::sheet::{Cell, Sheet, month as month_cell};
use super::{Format, fixed2};
use crate::compare::{Comparison, MonthDelta, PlanFigures};
use crate::month::Month;
use crate::odds::{Method, Odds};
use crate::rules::PathId;

/// Renders a comparison; `path_names` label the paths (from the baseline's ruleset).
/// With `odds` (one per plan, in order), each plan's chance of having qualified by each
/// month is shown too.
pub fn render(
    c: &Comparison,
    format: Format,
    path_names: &[String; 2],
    odds: Option<&[Odds]>,
) -> String {
    match format {
        Format::Table => {
            let mut text = table(c, path_names);
            if let Some(odds) = odds {
                text.push_str(&odds_table(c, odds));
            }
            text
        }
        Format::Json => {
            let mut doc = to_json(c);
            if let (Some(odds), Some(plans)) = (odds, doc["plans"].as_array_mut()) {
                for (plan, o) in plans.iter_mut().zip(odds) {
                    plan["odds"] = odds_json(c, o);
                }
            }
            let mut text =
                serde_json::to_string_pretty(&doc).expect("a JSON value always serializes");
            text.push('\n');
            text
        }
        Format::Csv => csv(c, odds),
    }
}

/// How the odds were found, in a few words.
fn method(o: &Odds) -> String {
    match o.method {
        Method::Exact => format!(
            "exact, {}",
            super::count(o.outcomes as usize, "outcome", "outcomes")
        ),
        Method::Sampled { draws, seed } => format!("{draws} draws, seed {seed}"),
    }
}

fn percent(p: f64) -> String {
    format!("{:.1}%", (p * 1000.0).round() / 10.0)
}

/// The chance of having qualified by the end of the comparison: the last month every plan
/// covers (else the end of the plan's own horizon), as the other figures are taken.
fn by_end(c: &Comparison, o: &Odds) -> f64 {
    let end = c.window.map(|(_, end)| end);
    o.months
        .iter()
        .rev()
        .find(|m| end.is_none_or(|end| m.month <= end))
        .map_or(0.0, |m| m.p_first_qualified_by)
}

/// Months down, plans across: the chance of having qualified at least once by then, and
/// of qualifying in the month.
fn odds_table(c: &Comparison, odds: &[Odds]) -> String {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    let mut header = vec!["Month".to_string()];
    header.extend(c.plans.iter().map(|p| p.name.clone()));
    t.set_header(header);
    for month in odds_months(odds) {
        let mut row = vec![month.to_string()];
        row.extend(odds.iter().map(|o| {
            o.months
                .iter()
                .find(|m| m.month == month)
                .map_or(String::new(), |m| {
                    format!(
                        "{} · {}",
                        percent(m.p_first_qualified_by),
                        percent(m.p_qualified_any)
                    )
                })
        }));
        t.add_row(row);
    }
    let mut last = vec!["Odds found".to_string()];
    last.extend(odds.iter().map(method));
    t.add_row(last);
    format!(
        "\nOdds, with planned events happening with their probabilities. Each cell: the chance of having\nqualified at least once by the month · the chance of qualifying in the month.\n{t}\n"
    )
}

/// Every month any plan's odds cover, in order.
fn odds_months(odds: &[Odds]) -> Vec<Month> {
    let mut months: Vec<Month> = odds
        .iter()
        .flat_map(|o| o.months.iter().map(|m| m.month))
        .collect();
    months.sort_unstable();
    months.dedup();
    months
}

fn odds_json(c: &Comparison, o: &Odds) -> Value {
    let p = |p: f64| (p * 1e6).round() / 1e6;
    let mut doc = json!({
        "method": match o.method { Method::Exact => "exact", Method::Sampled { .. } => "sampled" },
        "outcomes": o.outcomes,
        "p_first_qualified_by": o.months.iter().map(|m| json!({
            "month": m.month.to_string(),
            "p": p(m.p_first_qualified_by),
        })).collect::<Vec<_>>(),
        "p_qualified": o.months.iter().map(|m| json!({
            "month": m.month.to_string(),
            "p": p(m.p_qualified_any),
        })).collect::<Vec<_>>(),
        "p_qualified_by_end": p(by_end(c, o)),
        "p_qualified_by_horizon": p(o.months.last().map_or(0.0, |m| m.p_first_qualified_by)),
    });
    if let Method::Sampled { draws, seed } = o.method {
        doc["draws"] = json!(draws);
        doc["seed"] = json!(seed);
    }
    doc
}

fn month(m: Option<Month>) -> String {
    m.map_or("never".into(), |m| m.to_string())
}

fn with_delta(value: String, delta: Option<MonthDelta>) -> String {
    match delta.map(MonthDelta::describe) {
        Some(d) if !d.is_empty() => format!("{value} ({d})"),
        _ => value,
    }
}

fn signed(n: impl std::fmt::Display + PartialOrd + Default) -> String {
    if n > Default::default() {
        format!("+{n}")
    } else {
        n.to_string()
    }
}

fn table(c: &Comparison, names: &[String; 2]) -> String {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    let mut header = vec![String::new()];
    header.extend(c.plans.iter().enumerate().map(|(i, p)| {
        if i == 0 && !p.name.to_lowercase().contains("baseline") {
            format!("{} (baseline)", p.name)
        } else {
            p.name.clone()
        }
    }));
    t.set_header(header);
    let row = |label: String, cell: &dyn Fn(&PlanFigures) -> String| {
        let mut r = vec![label];
        r.extend(c.plans.iter().map(cell));
        r
    };
    let d = |p: &PlanFigures| p.vs_baseline.clone();
    t.add_row(row("Scenario file".into(), &|p| p.file.clone()));
    t.add_row(row("Projected months".into(), &|p| {
        format!("{} to {}", p.start, p.end)
    }));
    for path in PathId::ALL {
        let i = path.index();
        t.add_row(row(format!("First qualified: {}", names[i]), &|p| {
            with_delta(
                month(p.first_qualified[i]),
                d(p).map(|d| d.first_qualified[i]),
            )
        }));
    }
    t.add_row(row("First qualified: either path".into(), &|p| {
        with_delta(
            month(p.first_qualified_any),
            d(p).map(|d| d.first_qualified_any),
        )
    }));
    t.add_row(row("First month to enrol".into(), &|p| {
        with_delta(month(p.first_enrolment), d(p).map(|d| d.first_enrolment))
    }));
    t.add_row(row("Months qualified".into(), &|p| {
        let base = format!("{} of {}", p.months_qualified, p.months_counted);
        match d(p) {
            Some(d) => format!("{base} ({})", signed(d.months_qualified)),
            None => base,
        }
    }));
    t.add_row(row("Score at the end".into(), &|p| {
        let base = format!("{} in {}", fixed2(p.score_at_end), p.end_month);
        match d(p) {
            Some(d) => {
                let n = d.score_points.normalize();
                let noun = if n.abs() == rust_decimal::Decimal::ONE {
                    "point"
                } else {
                    "points"
                };
                format!("{base} ({} {noun})", signed(n))
            }
            None => base,
        }
    }));
    t.add_row(row("Weakest metric at the end".into(), &|p| {
        let w = &p.weakest;
        format!(
            "{} ({} {} of {})",
            w.metric.label(),
            names[w.path.index()],
            fixed2(w.points),
            w.max_points.normalize()
        )
    }));
    if c.plans.iter().any(|p| p.assumed_events > 0) {
        t.add_row(row(
            "Events with probability < 1, assumed to happen".into(),
            &|p| match p.assumed_events {
                0 => "none".to_string(),
                n => format!("{n} (see pcsim odds)"),
            },
        ));
    }
    let note = match c.window {
        Some((a, b)) => format!(
            "Months qualified and the score at the end are taken over {a} to {b}, the months every plan covers;\n\
             first months are compared as calendar months. Differences are against the baseline (the first file)."
        ),
        None => "The plans share no month: each plan's figures are over its own horizon.\n\
                 Differences are against the baseline (the first file)."
            .to_string(),
    };
    format!("{t}\n{note}\n")
}

fn delta_json(d: MonthDelta) -> Value {
    match d {
        MonthDelta::Sooner(n) => json!(n),
        MonthDelta::OnlyThis => json!("baseline never"),
        MonthDelta::OnlyBaseline => json!("never"),
        MonthDelta::Neither => Value::Null,
    }
}

fn to_json(c: &Comparison) -> Value {
    let plans: Vec<Value> = c
        .plans
        .iter()
        .map(|p| {
            let vs = p.vs_baseline.as_ref().map_or(Value::Null, |d| {
                json!({
                    "first_qualified_months_sooner": {
                        "enterprise": delta_json(d.first_qualified[0]),
                        "smb": delta_json(d.first_qualified[1]),
                        "any": delta_json(d.first_qualified_any),
                    },
                    "first_enrolment_months_sooner": delta_json(d.first_enrolment),
                    "months_qualified": d.months_qualified,
                    "score_points": number(d.score_points),
                })
            });
            json!({
                "scenario": p.name,
                "file": p.file,
                "start": p.start.to_string(),
                "end": p.end.to_string(),
                "first_qualified": {
                    "enterprise": json_month(p.first_qualified[0]),
                    "smb": json_month(p.first_qualified[1]),
                    "any": json_month(p.first_qualified_any),
                },
                "first_enrolment": json_month(p.first_enrolment),
                "months_qualified": p.months_qualified,
                "months_counted": p.months_counted,
                "score_at_end": {"month": p.end_month.to_string(), "points": number(p.score_at_end)},
                "weakest_metric": {
                    "path": p.weakest.path.key(),
                    "metric": p.weakest.metric.key(),
                    "points": number(p.weakest.points),
                    "max_points": number(p.weakest.max_points),
                },
                "assumed_events": p.assumed_events,
                "vs_baseline": vs,
            })
        })
        .collect();
    json!({
        "window": c.window.map_or(Value::Null, |(a, b)| json!({"from": a.to_string(), "to": b.to_string()})),
        "baseline": c.plans.first().map(|p| p.name.clone()),
        "plans": plans,
    })
}

fn csv(c: &Comparison, odds: Option<&[Odds]>) -> String {
    plans(c, odds).csv()
}

/// A row per plan: the CSV, and the workbook's "Plans".
fn plans(c: &Comparison, odds: Option<&[Odds]>) -> Sheet {
    let mut sheet = Sheet::new(
        "Plans",
        &[
            "scenario",
            "file",
            "start",
            "end",
            "first_qualified_enterprise",
            "first_qualified_smb",
            "first_qualified_any",
            "first_enrolment",
            "months_qualified",
            "months_counted",
            "end_month",
            "score_at_end",
            "weakest_path",
            "weakest_metric",
            "weakest_points",
            "vs_baseline_first_qualified_any_months_sooner",
            "vs_baseline_months_qualified",
            "vs_baseline_score_points",
            "assumed_events",
        ],
    );
    if odds.is_some() {
        sheet.header.push("p_qualified_by_end".into());
    }
    for (i, p) in c.plans.iter().enumerate() {
        let (sooner, months, points) = match &p.vs_baseline {
            Some(d) => (
                // The same values as the JSON.
                match delta_json(d.first_qualified_any) {
                    Value::String(text) => Cell::Text(text),
                    Value::Null => Cell::Blank,
                    number => number.as_i64().map_or(Cell::Blank, Cell::Count),
                },
                Cell::Count(d.months_qualified),
                Cell::Points(d.score_points),
            ),
            None => (Cell::Blank, Cell::Blank, Cell::Blank),
        };
        let mut record = vec![
            p.name.as_str().into(),
            p.file.as_str().into(),
            Cell::Text(p.start.to_string()),
            Cell::Text(p.end.to_string()),
            month_cell(p.first_qualified[0]),
            month_cell(p.first_qualified[1]),
            month_cell(p.first_qualified_any),
            month_cell(p.first_enrolment),
            Cell::count(p.months_qualified),
            Cell::count(p.months_counted),
            Cell::Text(p.end_month.to_string()),
            Cell::Points(p.score_at_end),
            p.weakest.path.key().into(),
            p.weakest.metric.key().into(),
            Cell::Points(p.weakest.points),
            sooner,
            months,
            points,
            Cell::count(p.assumed_events),
        ];
        if let Some(o) = odds.and_then(|o| o.get(i)) {
            record.push(Cell::Chance(by_end(c, o)));
        }
        sheet.rows.push(record);
    }
    sheet
}

/// The workbook of a comparison: "Plans", and with odds each plan's chance of having
/// qualified by each month ("Odds").
pub fn sheets(c: &Comparison, odds: Option<&[Odds]>) -> Vec<Sheet> {
    let mut sheets = vec![plans(c, odds)];
    if let Some(odds) = odds {
        let mut header = vec!["month".to_string()];
        header.extend(c.plans.iter().map(|p| p.name.clone()));
        let mut sheet = Sheet {
            name: "Odds",
            header,
            rows: Vec::new(),
        };
        for month in odds_months(odds) {
            let mut row = vec![Cell::Text(month.to_string())];
            row.extend(odds.iter().map(|o| {
                o.months
                    .iter()
                    .find(|m| m.month == month)
                    .map_or(Cell::Blank, |m| Cell::Chance(m.p_first_qualified_by))
            }));
            sheet.rows.push(row);
        }
        sheets.push(sheet);
    }
    sheets
}
