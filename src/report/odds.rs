//! Rendering `pcsim odds`: a table for people, JSON (PLANNING.md §3) and CSV.

use std::fmt::Write as _;

use comfy_table::{Table, presets};
use serde_json::{Value, json};

use super::Format;
use super::json::number;
use super::sheet::{Cell, Sheet, rounded};
use crate::odds::{Method, Odds};

pub fn render(o: &Odds, format: Format) -> String {
    match format {
        Format::Table => table(o),
        Format::Json => json_doc(o),
        Format::Csv => csv(o),
    }
}

fn probability(p: f64) -> Value {
    json!(rounded(p))
}

fn percent(p: f64) -> String {
    format!("{:.1}%", rounded(p) * 100.0)
}

/// "exact, 8 outcomes from 3 uncertain events" or the sampled equivalent.
fn method_line(o: &Odds) -> String {
    let uncertain = o.events.iter().filter(|e| e.is_uncertain()).count();
    let events = super::count(uncertain, "uncertain event", "uncertain events");
    match o.method {
        Method::Exact => format!(
            "exact: every one of {} from {events}",
            super::count(o.outcomes as usize, "outcome", "outcomes")
        ),
        Method::Sampled { draws, seed } => {
            // A probability estimated at p is off by more than two standard errors,
            // 2 x sqrt(p(1 - p) / draws), about one time in twenty; the widest is at 50%.
            let widest = 2.0 * (0.25 / draws as f64).sqrt();
            format!(
                "estimated from {draws} random draws (seed {seed}) over {events}; an estimate p is within 2 x sqrt(p(1-p)/{draws}) of the true chance 19 times in 20 (at most ±{:.1} percentage points, at 50%; the JSON gives each standard error)",
                widest * 100.0
            )
        }
    }
}

fn table(o: &Odds) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Odds for \"{}\": {}", o.scenario, method_line(o));
    if o.events.is_empty() {
        let _ = writeln!(
            out,
            "Every planned event is certain (no `probability` below 1), so every month is certain too."
        );
    } else {
        let _ = writeln!(out, "\nPlanned events that may not happen:");
        for e in &o.events {
            let chance = if e.is_uncertain() {
                percent(rust_decimal::prelude::ToPrimitive::to_f64(&e.probability).unwrap_or(0.0))
            } else {
                "never (probability 0)".into()
            };
            let _ = writeln!(out, "  {:<50} {chance}", e.label);
        }
    }
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    t.set_header(vec![
        "Month".to_string(),
        format!("P(qualified) {}", o.path_names[0]),
        o.path_names[1].clone(),
        "either".into(),
        "P(qualified by then)".into(),
        "P(could enrol)".into(),
        "Headline P10".into(),
        "P50".into(),
        "P90".into(),
    ]);
    for m in &o.months {
        t.add_row(vec![
            m.month.to_string(),
            percent(m.p_qualified[0]),
            percent(m.p_qualified[1]),
            percent(m.p_qualified_any),
            percent(m.p_first_qualified_by),
            percent(m.p_could_enrol),
            super::fixed2(m.headline.p10),
            super::fixed2(m.headline.p50),
            super::fixed2(m.headline.p90),
        ]);
    }
    let _ = writeln!(out, "\n{t}");
    if !o.anniversaries.is_empty() {
        let _ = writeln!(out, "\nRenewal at each anniversary of the enrolment:");
        for a in &o.anniversaries {
            let _ = writeln!(
                out,
                "  {}: renews with probability {}",
                a.month,
                percent(a.p_renew)
            );
        }
    }
    let qualifying = super::fixed2(o.qualifying_total);
    let _ = writeln!(
        out,
        "\nP(qualified): a path reaches {qualifying} points with every metric above zero. \
         Headline: the higher path total; P10 is the score that 10% of outcomes stay at or below."
    );
    out
}

fn json_doc(o: &Odds) -> String {
    let sampled = matches!(o.method, Method::Sampled { .. });
    let se = |p: f64| probability(o.standard_error(p));
    let mut doc = serde_json::Map::new();
    doc.insert("scenario".into(), json!(o.scenario));
    doc.insert(
        "method".into(),
        json!(match o.method {
            Method::Exact => "exact",
            Method::Sampled { .. } => "sampled",
        }),
    );
    doc.insert("outcomes".into(), json!(o.outcomes));
    if let Method::Sampled { draws, seed } = o.method {
        doc.insert("draws".into(), json!(draws));
        doc.insert("seed".into(), json!(seed));
    }
    doc.insert(
        "events".into(),
        o.events
            .iter()
            .map(|e| json!({"event": e.label, "probability": number(e.probability)}))
            .collect(),
    );
    doc.insert(
        "months".into(),
        o.months
            .iter()
            .map(|m| {
                let mut month = json!({
                    "month": m.month.to_string(),
                    "p_qualified": {
                        "enterprise": probability(m.p_qualified[0]),
                        "smb": probability(m.p_qualified[1]),
                        "any": probability(m.p_qualified_any),
                    },
                    "headline": {
                        "p10": number(m.headline.p10),
                        "p25": number(m.headline.p25),
                        "p50": number(m.headline.p50),
                        "p75": number(m.headline.p75),
                        "p90": number(m.headline.p90),
                    },
                    "p_first_qualified_by": probability(m.p_first_qualified_by),
                    "p_could_enrol": probability(m.p_could_enrol),
                });
                if sampled {
                    month["standard_error"] = json!({
                        "enterprise": se(m.p_qualified[0]),
                        "smb": se(m.p_qualified[1]),
                        "any": se(m.p_qualified_any),
                        "p_first_qualified_by": se(m.p_first_qualified_by),
                        "p_could_enrol": se(m.p_could_enrol),
                    });
                }
                month
            })
            .collect(),
    );
    doc.insert(
        "p_first_qualified_by".into(),
        o.months
            .iter()
            .map(|m| {
                let mut entry =
                    json!({"month": m.month.to_string(), "p": probability(m.p_first_qualified_by)});
                if sampled {
                    entry["standard_error"] = se(m.p_first_qualified_by);
                }
                entry
            })
            .collect(),
    );
    doc.insert(
        "anniversaries".into(),
        o.anniversaries
            .iter()
            .map(|a| {
                let mut entry =
                    json!({"month": a.month.to_string(), "p_renew": probability(a.p_renew)});
                if sampled {
                    entry["standard_error"] = se(a.p_renew);
                }
                entry
            })
            .collect(),
    );
    let mut text =
        serde_json::to_string_pretty(&Value::Object(doc)).expect("JSON always serializes");
    text.push('\n');
    text
}

fn csv(o: &Odds) -> String {
    months(o).csv()
}

/// A row per month: the CSV, and the workbook's "Months".
fn months(o: &Odds) -> Sheet {
    let mut sheet = Sheet::new(
        "Months",
        &[
            "month",
            "p_qualified_enterprise",
            "p_qualified_smb",
            "p_qualified_any",
            "p_first_qualified_by",
            "p_could_enrol",
            "headline_p10",
            "headline_p25",
            "headline_p50",
            "headline_p75",
            "headline_p90",
            "standard_error_any",
        ],
    );
    for m in &o.months {
        sheet.rows.push(vec![
            Cell::Text(m.month.to_string()),
            Cell::Chance(m.p_qualified[0]),
            Cell::Chance(m.p_qualified[1]),
            Cell::Chance(m.p_qualified_any),
            Cell::Chance(m.p_first_qualified_by),
            Cell::Chance(m.p_could_enrol),
            Cell::Points(m.headline.p10),
            Cell::Points(m.headline.p25),
            Cell::Points(m.headline.p50),
            Cell::Points(m.headline.p75),
            Cell::Points(m.headline.p90),
            Cell::Chance(o.standard_error(m.p_qualified_any)),
        ]);
    }
    sheet
}

/// The workbook of `pcsim odds`: "Months", the uncertain "Events", and the
/// "Anniversaries" when the partner has any.
pub fn sheets(o: &Odds) -> Vec<Sheet> {
    let mut events = Sheet::new("Events", &["event", "probability"]);
    for e in &o.events {
        events.rows.push(vec![
            e.label.as_str().into(),
            Cell::Chance(rust_decimal::prelude::ToPrimitive::to_f64(&e.probability).unwrap_or(0.0)),
        ]);
    }
    let mut sheets = vec![months(o), events];
    if !o.anniversaries.is_empty() {
        let mut anniversaries = Sheet::new("Anniversaries", &["month", "p_renew"]);
        for a in &o.anniversaries {
            anniversaries.rows.push(vec![
                Cell::Text(a.month.to_string()),
                Cell::Chance(a.p_renew),
            ]);
        }
        sheets.push(anniversaries);
    }
    sheets
}
