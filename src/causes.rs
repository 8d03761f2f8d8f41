//! Why points fall: for a drop below the line or a large setback, the metrics that lost
//! points, in numbers and then by name (the tenants and people behind them, from
//! [`crate::explain`]). Pure: no I/O.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::explain::{Named, cents_usd, who_lowered};
use crate::facts::Facts;
use crate::month::Month;
use crate::rules::{PathId, Ruleset};
use crate::scenario::Scenario;
use crate::score::{Metric, PathScore, max_points};

/// How many names a cause's sentence carries before "and N more".
pub const NAMES_IN_REASON: usize = 3;
/// How many names a cause keeps for JSON.
pub const NAMES_KEPT: usize = 20;

/// A fall in a path's points from one month to the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Drop {
    pub month: Month,
    pub path: PathId,
    pub total_before: Decimal,
    pub total_after: Decimal,
    pub causes: Vec<Cause>,
}

/// One metric that lost points, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cause {
    pub metric: Metric,
    pub points_before: Decimal,
    pub points_after: Decimal,
    /// In plain words, naming the first few tenants or people.
    pub reason: String,
    /// The tenants or people behind it, most harmful first (at most [`NAMES_KEPT`]).
    #[serde(skip)]
    pub who: Vec<Named>,
    /// How many there are in all.
    pub who_total: usize,
}

/// The metrics that lost points between two months, with the numbers behind the fall;
/// [`name_causes`] adds the names.
pub fn fallen(before: &PathScore, after: &PathScore, only: impl Fn(Metric) -> bool) -> Vec<Cause> {
    Metric::ALL
        .into_iter()
        .filter(|&m| after.points(m) < before.points(m) && only(m))
        .map(|metric| Cause {
            metric,
            points_before: before.points(metric),
            points_after: after.points(metric),
            reason: in_numbers(metric, before, after),
            who: Vec::new(),
            who_total: 0,
        })
        .collect()
}

/// A metric's fall counts as a setback on its own when it loses at least a quarter of its
/// most points, or all of them: big enough to plan around even on a path that does not
/// qualify (a reporting choice, not a scoring rule).
pub fn is_setback(
    rules: &Ruleset,
    path: PathId,
    metric: Metric,
    before: Decimal,
    after: Decimal,
) -> bool {
    let max = max_points(rules.paths.get(path), metric);
    after < before
        && (before - after >= max / Decimal::from(4) || (after.is_zero() && before > Decimal::ZERO))
}

fn in_numbers(metric: Metric, before: &PathScore, after: &PathScore) -> String {
    let (b, a) = (&before.detail, &after.detail);
    match metric {
        Metric::NetCustomerAdds => format!(
            "net adds {} -> {}",
            b.net_customer_adds, a.net_customer_adds
        ),
        Metric::Deployments => format!(
            "net deployments {} -> {}",
            b.net_deployments, a.net_deployments
        ),
        Metric::UsageGrowth => {
            let mut parts = Vec::new();
            if a.azure_growth_cents < b.azure_growth_cents {
                parts.push(format!(
                    "Azure growth over the same month last year {} -> {} USD",
                    cents_usd(b.azure_growth_cents),
                    cents_usd(a.azure_growth_cents)
                ));
            }
            if a.m365_growth_users < b.m365_growth_users {
                parts.push(format!(
                    "M365 growth over the same month last year {} -> {} users",
                    b.m365_growth_users, a.m365_growth_users
                ));
            }
            parts.join(", ")
        }
        Metric::IntermediateCertifications => {
            let fell: Vec<String> = a
                .step_people
                .0
                .iter()
                .filter_map(|&(step, n)| {
                    let was = b.step_people.people(step);
                    (n < was).then(|| format!("step {step}: {was} -> {n} people"))
                })
                .collect();
            fell.join(", ")
        }
    }
}

/// Names the tenants and people behind every cause of `falls`, reading the facts once.
pub fn name_causes(scenario: &Scenario, facts: &Facts, falls: &mut [&mut Drop]) {
    let asked: Vec<(Month, PathId, Metric)> = falls
        .iter()
        .flat_map(|d| d.causes.iter().map(|c| (d.month, d.path, c.metric)))
        .collect();
    let mut lowered = who_lowered(scenario, facts, &asked, NAMES_KEPT).into_iter();
    for d in falls.iter_mut() {
        for c in d.causes.iter_mut() {
            let l = lowered.next().unwrap_or_default();
            let total = l.total;
            let mut sentence: Vec<String> = l
                .named
                .iter()
                .take(NAMES_IN_REASON)
                .map(|n| n.text.clone())
                .collect();
            if total > NAMES_IN_REASON {
                sentence.push(format!("and {} more", total - NAMES_IN_REASON));
            }
            if l.offset_by > 0 {
                let s = if l.offset_by == 1 { "" } else { "s" };
                sentence.push(format!(
                    "partly offset by {} tenant{s} gaining",
                    l.offset_by
                ));
            }
            if !sentence.is_empty() {
                if c.reason.is_empty() {
                    c.reason = sentence.join("; ");
                } else {
                    c.reason = format!("{}: {}", c.reason, sentence.join("; "));
                }
            }
            c.who_total = total;
            c.who = l.named;
        }
    }
}
