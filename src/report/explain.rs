//! `pcsim explain`: the tenants and people behind every metric of one month, as a
//! readable list, JSON (PLANNING.md §2) or one CSV row per tenant.

use std::fmt::Write;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use super::json::number;
use super::sheet::{Cell, Sheet, month as sheet_month};
use super::{Format, count, fixed2};
use crate::explain::{Change, Entry, Explanation, PathExplanation, Snapshot};
use crate::money::usd_cents;
use crate::rules::PathId;
use crate::scenario::last_counting_month;
use crate::score::Metric;

/// How many tenants of one kind the table lists before "and N more".
const LIST_AT_MOST: usize = 15;

/// Renders an explanation of the paths in `paths`.
pub fn render(e: &Explanation, paths: &[PathId], format: Format) -> String {
    match format {
        Format::Table => table(e, paths),
        Format::Json => json(e, paths),
        Format::Csv => csv(e, paths),
    }
}

fn sides_words(s: [bool; 2]) -> &'static str {
    match s {
        [true, true] => "Azure+M365",
        [true, false] => "Azure",
        [false, true] => "M365",
        [false, false] => "",
    }
}

fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    }
}

fn signed_usd(cents: i64) -> String {
    if cents > 0 {
        format!("+{}", usd_cents(cents))
    } else {
        usd_cents(cents)
    }
}

fn table(e: &Explanation, paths: &[PathId]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — who counts in {} (compared with {})",
        e.scenario,
        e.month,
        e.month - 12
    );
    for &p in paths {
        let x = &e.paths[p.index()];
        let name = &e.path_names[p.index()];
        let then = x.score_year_ago.as_ref().map_or(String::new(), |t| {
            format!(" (a year ago {})", fixed2(t.total))
        });
        let _ = writeln!(
            out,
            "\n{name}: {} points{then}, {}",
            fixed2(x.score.total),
            if x.score.qualified {
                "qualifies"
            } else {
                "does not qualify"
            }
        );
        for metric in Metric::ALL {
            let points = match &x.score_year_ago {
                Some(then) => format!(
                    "{} (a year ago {})",
                    fixed2(x.score.points(metric)),
                    fixed2(then.points(metric))
                ),
                None => fixed2(x.score.points(metric)),
            };
            match metric {
                Metric::IntermediateCertifications => certifications(&mut out, x, &points),
                Metric::UsageGrowth => usage(&mut out, x, &points),
                _ => counted(&mut out, x, metric, &points),
            }
        }
    }
    out
}

fn counted(out: &mut String, x: &PathExplanation, metric: Metric, points: &str) {
    let d = &x.score.detail;
    let (now, then, net) = match metric {
        Metric::NetCustomerAdds => (
            (d.now.azure_customers, d.now.m365_customers),
            (d.year_ago.azure_customers, d.year_ago.m365_customers),
            d.net_customer_adds,
        ),
        _ => (
            (d.now.azure_deployments, d.now.m365_deployments),
            (d.year_ago.azure_deployments, d.year_ago.m365_deployments),
            d.net_deployments,
        ),
    };
    let _ = writeln!(
        out,
        "  {} {points}: {} Azure + {} M365 now, {} Azure + {} M365 a year ago, net {}",
        capitalised(metric.label()),
        now.0,
        now.1,
        then.0,
        then.1,
        signed(net)
    );
    let entries = x.entries(metric);
    for change in [Change::New, Change::Lost] {
        let of: Vec<&Entry> = entries.iter().filter(|e| e.change == change).collect();
        if of.is_empty() {
            continue;
        }
        let _ = writeln!(out, "    {} ({}):", change.key(), of.len());
        for e in of.iter().take(LIST_AT_MOST) {
            let _ = writeln!(
                out,
                "      {} [{}]: {}",
                e.name,
                sides_words(if change == Change::New {
                    e.now
                } else {
                    e.year_ago
                }),
                e.why.as_deref().unwrap_or("")
            );
        }
        more(out, of.len());
    }
    let sided: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.change == Change::Held && e.why.is_some())
        .collect();
    if !sided.is_empty() {
        let _ = writeln!(out, "    held, on another side ({}):", sided.len());
        for e in sided.iter().take(LIST_AT_MOST) {
            let _ = writeln!(
                out,
                "      {} [{} -> {}]: {}",
                e.name,
                sides_words(e.year_ago),
                sides_words(e.now),
                e.why.as_deref().unwrap_or("")
            );
        }
        more(out, sided.len());
    }
    let held: Vec<&str> = entries
        .iter()
        .filter(|e| e.change == Change::Held && e.why.is_none())
        .map(|e| e.name.as_str())
        .collect();
    if !held.is_empty() {
        let shown: Vec<&str> = held.iter().take(LIST_AT_MOST).copied().collect();
        let rest = held.len().saturating_sub(LIST_AT_MOST);
        let _ = writeln!(
            out,
            "    held ({}): {}{}",
            held.len(),
            shown.join(", "),
            if rest > 0 {
                format!(" and {rest} more")
            } else {
                String::new()
            }
        );
    }
}

fn more(out: &mut String, n: usize) {
    if n > LIST_AT_MOST {
        let _ = writeln!(
            out,
            "      … and {} more (--format csv lists every tenant)",
            n - LIST_AT_MOST
        );
    }
}

fn usage(out: &mut String, x: &PathExplanation, points: &str) {
    let d = &x.score.detail;
    let _ = writeln!(
        out,
        "  Usage growth {points}: eligible Azure ACR {} USD now, {} USD a year ago ({} USD); protected users {} now, {} a year ago ({})",
        usd_cents(d.now.azure_eligible_acr_cents),
        usd_cents(d.year_ago.azure_eligible_acr_cents),
        signed_usd(d.azure_growth_cents),
        d.now.m365_protected_users,
        d.year_ago.m365_protected_users,
        signed(d.m365_growth_users)
    );
    let mut entries: Vec<&Entry> = x.entries(Metric::UsageGrowth).iter().collect();
    entries.sort_by(|a, b| {
        (b.growth_cents.abs(), b.growth_users.abs())
            .cmp(&(a.growth_cents.abs(), a.growth_users.abs()))
            .then(a.name.cmp(&b.name))
    });
    for e in entries.iter().take(LIST_AT_MOST) {
        let why = e.why.as_deref().map_or(String::new(), |w| format!(": {w}"));
        let _ = writeln!(
            out,
            "      {} {} USD, {} users ({}{why})",
            e.name,
            signed_usd(e.growth_cents),
            signed(e.growth_users),
            e.change.key()
        );
    }
    more(out, entries.len());
}

fn certifications(out: &mut String, x: &PathExplanation, points: &str) {
    let _ = writeln!(out, "  Intermediate certifications {points}:");
    for (step, people) in &x.steps {
        let names: Vec<String> = people
            .iter()
            .map(|p| {
                let until = p.counts_until.map_or(String::new(), |d| {
                    format!(", counts through {}", last_counting_month(d))
                });
                format!("{} ({}{until})", p.person, p.certifications.join(", "))
            })
            .collect();
        let _ = writeln!(
            out,
            "    step {step}: {}{}",
            count(people.len(), "person", "people"),
            if names.is_empty() {
                String::new()
            } else {
                format!(": {}", names.join("; "))
            }
        );
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}

/// Sides as JSON: `{"azure": true, "m365": false}`.
#[derive(Serialize)]
struct SidesDoc {
    azure: bool,
    m365: bool,
}

impl From<[bool; 2]> for SidesDoc {
    fn from(s: [bool; 2]) -> SidesDoc {
        SidesDoc {
            azure: s[0],
            m365: s[1],
        }
    }
}

/// A tenant that is new or lost, and why.
#[derive(Serialize)]
struct ChangeDoc<'a> {
    name: &'a str,
    change: &'static str,
    why: Option<&'a str>,
    now: SidesDoc,
    year_ago: SidesDoc,
    /// What it adds to the metric's net count.
    #[serde(skip_serializing_if = "Option::is_none")]
    adds: Option<i64>,
}

#[derive(Serialize)]
struct GrowthDoc<'a> {
    name: &'a str,
    change: &'static str,
    growth_usd: Value,
    growth_users: i64,
}

#[derive(Serialize)]
struct CountMetricDoc<'a> {
    points: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    points_year_ago: Option<Value>,
    now: Vec<&'a str>,
    year_ago: Vec<&'a str>,
    units: Value,
    /// New and lost tenants, and held ones that count on another side, with the reason.
    changes: Vec<ChangeDoc<'a>>,
    /// Usage growth only: every tenant's contribution to the growth.
    #[serde(skip_serializing_if = "Option::is_none")]
    contributions: Option<Vec<GrowthDoc<'a>>>,
}

#[derive(Serialize)]
struct PersonDoc<'a> {
    name: &'a str,
    step: u32,
    certifications: &'a [String],
    counts_until: Option<String>,
    /// The last month the person counts on the step.
    counts_through: Option<String>,
}

#[derive(Serialize)]
struct CertMetricDoc<'a> {
    points: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    points_year_ago: Option<Value>,
    steps: BTreeMap<String, Vec<&'a str>>,
    people: Vec<PersonDoc<'a>>,
}

#[derive(Serialize)]
struct PathDoc<'a> {
    total: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    total_year_ago: Option<Value>,
    qualified: bool,
    net_customer_adds: CountMetricDoc<'a>,
    intermediate_certifications: CertMetricDoc<'a>,
    usage_growth: CountMetricDoc<'a>,
    deployments: CountMetricDoc<'a>,
}

#[derive(Serialize)]
struct Doc<'a> {
    scenario: &'a str,
    month: String,
    year_ago: String,
    paths: BTreeMap<&'static str, PathDoc<'a>>,
}

fn usd_json(cents: i64) -> Value {
    number(rust_decimal::Decimal::new(cents, 2))
}

fn count_metric<'a>(x: &'a PathExplanation, metric: Metric) -> CountMetricDoc<'a> {
    let d = &x.score.detail;
    let entries = x.entries(metric);
    let names = |keep: fn(&Entry) -> bool| -> Vec<&'a str> {
        entries
            .iter()
            .filter(|e| keep(e))
            .map(|e| e.name.as_str())
            .collect()
    };
    let units = match metric {
        Metric::NetCustomerAdds => json!({
            "now": {"azure": d.now.azure_customers, "m365": d.now.m365_customers},
            "year_ago": {"azure": d.year_ago.azure_customers, "m365": d.year_ago.m365_customers},
            "net": d.net_customer_adds,
        }),
        Metric::Deployments => json!({
            "now": {"azure": d.now.azure_deployments, "m365": d.now.m365_deployments},
            "year_ago": {"azure": d.year_ago.azure_deployments, "m365": d.year_ago.m365_deployments},
            "net": d.net_deployments,
        }),
        _ => json!({
            "now": {"azure_eligible_acr_usd": usd_json(d.now.azure_eligible_acr_cents), "m365_protected_users": d.now.m365_protected_users},
            "year_ago": {"azure_eligible_acr_usd": usd_json(d.year_ago.azure_eligible_acr_cents), "m365_protected_users": d.year_ago.m365_protected_users},
            "growth": {"azure_usd": usd_json(d.azure_growth_cents), "m365_users": d.m365_growth_users},
        }),
    };
    let usage = metric == Metric::UsageGrowth;
    CountMetricDoc {
        points: number(x.score.points(metric)),
        points_year_ago: x.score_year_ago.as_ref().map(|t| number(t.points(metric))),
        now: names(|e| e.change != Change::Lost),
        year_ago: names(|e| e.change != Change::New),
        units,
        changes: entries
            .iter()
            .filter(|e| e.why.is_some())
            .map(|e| ChangeDoc {
                name: &e.name,
                change: e.change.key(),
                why: e.why.as_deref(),
                now: e.now.into(),
                year_ago: e.year_ago.into(),
                adds: (!usage).then(|| e.net()),
            })
            .collect(),
        contributions: usage.then(|| {
            entries
                .iter()
                .map(|e| GrowthDoc {
                    name: &e.name,
                    change: e.change.key(),
                    growth_usd: usd_json(e.growth_cents),
                    growth_users: e.growth_users,
                })
                .collect()
        }),
    }
}

fn cert_metric(x: &PathExplanation) -> CertMetricDoc<'_> {
    CertMetricDoc {
        points: number(x.score.points(Metric::IntermediateCertifications)),
        points_year_ago: x
            .score_year_ago
            .as_ref()
            .map(|t| number(t.points(Metric::IntermediateCertifications))),
        steps: x
            .steps
            .iter()
            .map(|(step, on)| {
                (
                    step.to_string(),
                    on.iter().map(|p| p.person.as_str()).collect(),
                )
            })
            .collect(),
        people: x
            .steps
            .iter()
            .flat_map(|(step, on)| {
                on.iter().map(|p| PersonDoc {
                    name: &p.person,
                    step: *step,
                    certifications: &p.certifications,
                    counts_until: p.counts_until.map(|d| d.to_string()),
                    counts_through: p.counts_until.map(|d| last_counting_month(d).to_string()),
                })
            })
            .collect(),
    }
}

fn json(e: &Explanation, paths: &[PathId]) -> String {
    let doc = Doc {
        scenario: &e.scenario,
        month: e.month.to_string(),
        year_ago: (e.month - 12).to_string(),
        paths: paths
            .iter()
            .map(|&p| {
                let x = &e.paths[p.index()];
                (
                    p.key(),
                    PathDoc {
                        total: number(x.score.total),
                        total_year_ago: x.score_year_ago.as_ref().map(|t| number(t.total)),
                        qualified: x.score.qualified,
                        net_customer_adds: count_metric(x, Metric::NetCustomerAdds),
                        intermediate_certifications: cert_metric(x),
                        usage_growth: count_metric(x, Metric::UsageGrowth),
                        deployments: count_metric(x, Metric::Deployments),
                    },
                )
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("JSON always serializes");
    text.push('\n');
    text
}

fn csv(e: &Explanation, paths: &[PathId]) -> String {
    tenants(e, paths).csv()
}

/// A row per tenant: the CSV, and the workbook's "Tenants".
fn tenants(e: &Explanation, paths: &[PathId]) -> Sheet {
    let mut sheet = Sheet::new(
        "Tenants",
        &[
            "tenant",
            "seats",
            "active",
            "acr_usd",
            "ttm_acr_usd",
            "seats_year_ago",
            "active_year_ago",
            "acr_usd_year_ago",
            "ttm_acr_usd_year_ago",
        ],
    );
    for &p in paths {
        let k = p.key();
        for col in [
            "m365_band",
            "azure_bands",
            "m365_band_year_ago",
            "azure_bands_year_ago",
            "net_customer_adds_now",
            "net_customer_adds_year_ago",
            "net_customer_adds_adds",
            "deployments_now",
            "deployments_year_ago",
            "deployments_adds",
            "usage_growth_usd",
            "usage_growth_users",
        ] {
            sheet.header.push(format!("{k}_{col}"));
        }
    }
    for t in &e.tenants {
        let usd = |c: i64| Cell::Usd(rust_decimal::Decimal::new(c, 2));
        let mut row = vec![
            t.name.as_str().into(),
            Cell::count(t.now.seats),
            Cell::count(t.now.active),
            usd(t.now.acr_cents),
            usd(t.now.ttm_cents),
            Cell::count(t.year_ago.seats),
            Cell::count(t.year_ago.active),
            usd(t.year_ago.acr_cents),
            usd(t.year_ago.ttm_cents),
        ];
        for &p in paths {
            for snapshot in [&t.now, &t.year_ago] {
                let m = snapshot.member[p.index()];
                row.push(if m.m365_customer() { "yes" } else { "no" }.into());
                row.push(azure_bands(snapshot, p).into());
            }
            for metric in [Metric::NetCustomerAdds, Metric::Deployments] {
                let (a, b) = (t.now.sides(p, metric), t.year_ago.sides(p, metric));
                row.push(sides_words(a).into());
                row.push(sides_words(b).into());
                let n = |s: [bool; 2]| s[0] as i64 + s[1] as i64;
                row.push(Cell::Count(n(a) - n(b)));
            }
            let (c_now, u_now) = t.now.usage(p);
            let (c_then, u_then) = t.year_ago.usage(p);
            row.push(usd(c_now - c_then));
            row.push(Cell::count(u_now - u_then));
        }
        sheet.rows.push(row);
    }
    sheet
}

/// The workbook of `pcsim explain`: each path's points now and a year ago ("Paths"),
/// the people on each certification step ("People"), and every tenant ("Tenants").
pub fn sheets(e: &Explanation, paths: &[PathId]) -> Vec<Sheet> {
    let mut scores = Sheet::new("Paths", &["path", "metric", "points", "points_year_ago"]);
    for &p in paths {
        let x = &e.paths[p.index()];
        let then = |t: Option<rust_decimal::Decimal>| t.map_or(Cell::Blank, Cell::Points);
        let name = || Cell::Text(e.path_names[p.index()].clone());
        for metric in Metric::ALL {
            scores.rows.push(vec![
                name(),
                metric.key().into(),
                Cell::Points(x.score.points(metric)),
                then(x.score_year_ago.as_ref().map(|t| t.points(metric))),
            ]);
        }
        scores.rows.push(vec![
            name(),
            "total".into(),
            Cell::Points(x.score.total),
            then(x.score_year_ago.as_ref().map(|t| t.total)),
        ]);
    }
    let mut people = Sheet::new(
        "People",
        &["path", "step", "person", "certifications", "counts_through"],
    );
    for &p in paths {
        for (step, on) in &e.paths[p.index()].steps {
            for person in on {
                people.rows.push(vec![
                    Cell::Text(e.path_names[p.index()].clone()),
                    Cell::count(*step),
                    person.person.as_str().into(),
                    person.certifications.join(", ").into(),
                    sheet_month(person.counts_until.map(last_counting_month)),
                ]);
            }
        }
    }
    vec![scores, people, tenants(e, paths)]
}

/// "net adds+deployments+usage": the Azure bands of a path a tenant counts in.
fn azure_bands(s: &Snapshot, p: PathId) -> String {
    let m = s.member[p.index()];
    let mut b = Vec::new();
    if m.azure_customer() {
        b.push("net adds");
    }
    if m.azure_deployment() {
        b.push("deployments");
    }
    if m.azure_usage() {
        b.push("usage");
    }
    b.join("+")
}
