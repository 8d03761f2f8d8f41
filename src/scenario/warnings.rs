//! Likely slips that are still valid input: pcsim runs, and says what looks wrong.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{ChangeOp, Scenario, Target};
use crate::month::Month;
use crate::rules::{PathId, Ruleset};

/// What looks like a slip in a resolved scenario, one sentence each.
pub fn warnings(s: &Scenario) -> Vec<String> {
    let mut out = tiny_levels(s);
    out.extend(after_the_horizon(s));
    out.extend(unreachable_paths(&s.rules));
    out
}

/// A change that sets a level to a sliver of what the tenant has (probably a percentage
/// written as a fraction: `acr = 0.03` for "+3%").
fn tiny_levels(s: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    let first = s.history_len();
    for c in &s.changes {
        let declared: Vec<usize> = match &c.target {
            Target::All => (0..s.tenants.len()).collect(),
            Target::Tenants(ids) => ids
                .iter()
                .filter_map(|&id| (id as usize).checked_sub(first))
                .collect(),
        };
        for (key, op, unit) in [("seats", c.seats, "seats"), ("acr", c.acr, "USD a month")] {
            let Some(ChangeOp::Set(to)) = op else {
                continue;
            };
            let Some(t) = declared.iter().map(|&k| &s.tenants[k]).find(|t| {
                let level = if key == "seats" { t.seats } else { t.acr };
                to > Decimal::ZERO && to * Decimal::ONE_HUNDRED <= level
            }) else {
                continue;
            };
            let level = if key == "seats" { t.seats } else { t.acr };
            let percent = if to < Decimal::ONE {
                (to * Decimal::ONE_HUNDRED).normalize()
            } else {
                to.normalize()
            };
            out.push(format!(
                "{}: this change sets {}'s {key} to {} from {} {unit}; if you meant a change in percent, write {key} = \"+{percent}%\" (or \"-{percent}%\")",
                c.at,
                t.name,
                to.normalize(),
                level.normalize()
            ));
        }
    }
    out
}

/// Declared wins that fall after the projection's last month: they never count.
fn after_the_horizon(s: &Scenario) -> Vec<String> {
    let end = s.end();
    // By the entry they come from (a group's members share it), in the order written.
    let mut late: BTreeMap<(usize, String), Vec<Month>> = BTreeMap::new();
    for (i, t) in s.tenants.iter().enumerate() {
        if let Some(since) = t.since
            && since > end
        {
            let entry = t.group.clone().unwrap_or_else(|| t.name.clone());
            let first = s
                .tenants
                .iter()
                .position(|o| o.group.as_ref().unwrap_or(&o.name) == &entry)
                .unwrap_or(i);
            late.entry((first, entry)).or_default().push(since);
        }
    }
    late.into_iter()
        .map(|((_, entry), months)| {
            let (a, b) = (months[0], months[months.len() - 1]);
            let when = if a == b {
                format!("in {a}")
            } else {
                format!("from {a} to {b}")
            };
            format!(
                "\"{entry}\": {} won {when}, after the projection ends ({end}), and never {}; lower `count` or `every`, move `since`, or add `months`",
                crate::report::count(months.len(), "tenant is", "tenants are"),
                if months.len() == 1 { "counts" } else { "count" }
            )
        })
        .collect()
}

/// A path whose metrics together cannot reach the qualifying total.
pub fn unreachable_paths(rules: &Ruleset) -> Vec<String> {
    PathId::ALL
        .iter()
        .filter_map(|&p| {
            let most = most_points(rules, p);
            (most < rules.qualifying_total.0).then(|| {
                format!(
                    "{}: the {} path earns at most {} points, below the qualifying total of {}: it can never qualify",
                    rules.origin,
                    rules.paths.get(p).name,
                    most.normalize(),
                    rules.qualifying_total.0.normalize()
                )
            })
        })
        .collect()
}

/// The most a path's four metrics can earn together.
pub fn most_points(rules: &Ruleset, p: PathId) -> Decimal {
    let path = rules.paths.get(p);
    path.net_customer_adds.max_points.0
        + path.certifications.max_points.0
        + path.usage_growth.max_points.0
        + path.deployments.max_points.0
}
