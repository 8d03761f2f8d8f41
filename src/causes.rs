//! Why points fall: for a drop below the line or a large setback, the metrics that lost
//! points, in numbers and then by name (the tenants and people behind them, from
//! [`crate::explain`]). Pure: no I/O.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::explain::{Named, Question, movers, name_movers};
use crate::facts::Facts;
use crate::money::usd_cents;
use crate::month::Month;
use rust_decimal::prelude::ToPrimitive;

use crate::rules::{PathId, PathRules, Ruleset};
use crate::scenario::Scenario;
use crate::score::{Metric, PathScore, max_points, usage_side_points};

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
    /// How [`crate::explain::name_movers`] weighs a tenant's lost growth: a cent and a user, on the sides
    /// whose points fell (see [`usage_weights`]).
    #[serde(skip)]
    pub weights: [i64; 2],
}

/// The metrics that lost points between two months, with the numbers behind the fall;
/// [`name_causes`] adds the names.
pub fn fallen(
    rules: &PathRules,
    before: &PathScore,
    after: &PathScore,
    only: impl Fn(Metric) -> bool,
) -> Vec<Cause> {
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
            weights: usage_weights(rules, before, after),
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

/// Weights that put a tenant's lost growth in points: a cent counts `users_per_point`
/// and a user `cents_per_point`, so both sides compare on one scale; a side whose points
/// did not fall weighs nothing (losing growth there cost no points).
fn usage_weights(rules: &PathRules, before: &PathScore, after: &PathScore) -> [i64; 2] {
    let m = &rules.usage_growth;
    let side = |s: &PathScore| {
        usage_side_points(m, s.detail.azure_growth_cents, s.detail.m365_growth_users)
    };
    let (b, a) = (side(before), side(after));
    let cents_per_point = (m.azure_usd_per_point.0 * Decimal::ONE_HUNDRED)
        .round()
        .to_i64()
        .unwrap_or(i64::MAX)
        .max(1);
    let users_per_point = m.m365_users_per_point.0 as i64;
    let (azure, m365) = (a.0 < b.0, a.1 < b.1);
    match (azure, m365) {
        (false, false) => [users_per_point, cents_per_point],
        _ => [
            if azure { users_per_point } else { 0 },
            if m365 { cents_per_point } else { 0 },
        ],
    }
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
                    usd_cents(b.azure_growth_cents),
                    usd_cents(a.azure_growth_cents)
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

/// Names the tenants and people behind every cause of `falls`, reading the `counted`
/// tenants' facts once.
pub fn name_causes(scenario: &Scenario, facts: &Facts, counted: &[u32], falls: &mut [&mut Drop]) {
    let asked: Vec<Question> = falls
        .iter()
        .flat_map(|d| {
            d.causes.iter().map(|c| Question {
                month: d.month,
                path: d.path,
                metric: c.metric,
                weights: c.weights,
            })
        })
        .collect();
    let movers = movers(facts, &scenario.rules, &asked, counted);
    let mut lowered = name_movers(scenario, facts, &asked, &movers, NAMES_KEPT).into_iter();
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
