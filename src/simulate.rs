//! The projection: scenario -> facts -> tallies -> scores for every month on both paths,
//! and what a planner reads off them (first qualifying month, enrolment, drops and why).

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::Result;
use crate::facts::Facts;
use crate::month::Month;
use crate::rules::PathId;
use crate::scenario::Scenario;
use crate::score::{Metric, PathScore, score_path};
use crate::skilling::StepCounts;
use crate::tally::tally;

/// Months of facts needed before the first scored month: TTM (11) at the year-ago month
/// (12), whose "SMB stays SMB" test looks a further year back (12).
pub const FACTS_BEFORE_FIRST_SCORE: i32 = 35;

#[derive(Debug, Clone, Serialize)]
pub struct MonthScore {
    pub month: Month,
    /// `[enterprise, smb]`
    pub paths: [PathScore; 2],
    pub qualified: bool,
}

impl MonthScore {
    pub fn path(&self, p: PathId) -> &PathScore {
        &self.paths[p.index()]
    }

    /// The higher of the two path totals (RULES.md §1).
    pub fn headline(&self) -> Decimal {
        self.paths[0].total.max(self.paths[1].total)
    }
}

#[derive(Debug, Clone)]
pub struct Projection {
    pub scenario: String,
    pub start: Month,
    /// The ruleset's name.
    pub ruleset: String,
    /// What reports need to word the results as the ruleset defines them.
    pub terms: Terms,
    /// The projected months, `start` first.
    pub months: Vec<MonthScore>,
    /// Months just before `start`, scored so that the enrolment window can look back.
    pub lookback: Vec<MonthScore>,
    pub summary: Summary,
}

/// The ruleset's words and numbers that a report repeats.
#[derive(Debug, Clone)]
pub struct Terms {
    pub designation: String,
    pub qualifying_total: Decimal,
    pub enrol_months: u32,
    pub renew_months: u32,
    /// `[enterprise, smb]`
    pub path_names: [String; 2],
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// `[enterprise, smb]`
    pub first_qualified: [Option<Month>; 2],
    pub first_qualified_any: Option<Month>,
    pub months_qualified: usize,
    /// Inclusive ranges of projected months in which the partner could enrol (RULES.md §9).
    pub enrolment_windows: Vec<(Month, Month)>,
    /// Enrolling at the first chance, then renewing at each anniversary when allowed.
    pub designation: Vec<DesignationEvent>,
    pub drops: Vec<Drop>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DesignationStep {
    Enrol,
    Renew,
    Lapse,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DesignationEvent {
    pub month: Month,
    pub step: DesignationStep,
    pub fee_usd: Decimal,
}

/// A month in which a path that qualified the month before no longer does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Drop {
    pub month: Month,
    pub path: PathId,
    pub total_before: Decimal,
    pub total_after: Decimal,
    pub causes: Vec<Cause>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cause {
    pub metric: Metric,
    pub points_before: Decimal,
    pub points_after: Decimal,
    pub reason: String,
}

/// Projects `scenario` month by month on both paths.
pub fn simulate(scenario: &Scenario) -> Result<Projection> {
    let (origin, end) = facts_span(scenario);
    Ok(project(scenario, &Facts::build(scenario, origin, end)?))
}

/// Months scored before `start` so that the enrolment and renewal windows can look back.
fn lookback(scenario: &Scenario) -> i32 {
    let w = &scenario.rules.windows;
    w.enrol_months.0.max(w.renew_months.0) as i32 - 1
}

/// The months of facts a projection needs: `(first, last)`.
pub fn facts_span(scenario: &Scenario) -> (Month, Month) {
    (
        scenario.start - lookback(scenario) - FACTS_BEFORE_FIRST_SCORE,
        scenario.end(),
    )
}

/// Scores every month on both paths from facts built over [`facts_span`].
pub fn project(scenario: &Scenario, facts: &Facts) -> Projection {
    let rules = &scenario.rules;
    let look = lookback(scenario);
    let first = scenario.start - look;
    let end = scenario.end();
    let tallies = tally(facts, rules, first - 12, end);

    let scored: Vec<MonthScore> = (0..=end.since(first))
        .map(|k| {
            let month = first + k;
            let (now, year_ago) = (&tallies[k as usize + 12], &tallies[k as usize]);
            let people = StepCounts::in_month(&scenario.people, rules, month);
            let paths = PathId::ALL.map(|p| {
                score_path(
                    rules.paths.get(p),
                    rules.qualifying_total.0,
                    &now[p.index()],
                    &year_ago[p.index()],
                    &people,
                )
            });
            let qualified = paths.iter().any(|s| s.qualified);
            MonthScore {
                month,
                paths,
                qualified,
            }
        })
        .collect();
    let (lookback, months) = scored.split_at(look as usize);
    let summary = summarize(scenario, lookback, months);
    Projection {
        scenario: scenario.name.clone(),
        start: scenario.start,
        ruleset: rules.name.clone(),
        terms: Terms {
            designation: rules.designation.clone(),
            qualifying_total: rules.qualifying_total.0,
            enrol_months: rules.windows.enrol_months.0,
            renew_months: rules.windows.renew_months.0,
            path_names: PathId::ALL.map(|p| rules.paths.get(p).name.clone()),
        },
        months: months.to_vec(),
        lookback: lookback.to_vec(),
        summary,
    }
}

fn summarize(scenario: &Scenario, lookback: &[MonthScore], months: &[MonthScore]) -> Summary {
    let rules = &scenario.rules;
    let all: Vec<&MonthScore> = lookback.iter().chain(months).collect();
    let look = lookback.len();
    // Was the partner qualified in any of the `window` months ending at projected month k?
    let qualified_within = |k: usize, window: u32| {
        let to = look + k;
        let from = (to + 1).saturating_sub(window as usize);
        all[from..=to].iter().any(|m| m.qualified)
    };
    let can_enrol: Vec<bool> = (0..months.len())
        .map(|k| qualified_within(k, rules.windows.enrol_months.0))
        .collect();

    let mut windows: Vec<(Month, Month)> = Vec::new();
    for (k, m) in months.iter().enumerate() {
        if can_enrol[k] {
            match windows.last_mut() {
                Some((_, to)) if *to + 1 == m.month => *to = m.month,
                _ => windows.push((m.month, m.month)),
            }
        }
    }

    let fee = rules.annual_fee_usd.0;
    let mut designation = Vec::new();
    let mut anniversary: Option<Month> = None;
    for (k, m) in months.iter().enumerate() {
        if anniversary == Some(m.month) {
            if qualified_within(k, rules.windows.renew_months.0) {
                designation.push(DesignationEvent {
                    month: m.month,
                    step: DesignationStep::Renew,
                    fee_usd: fee,
                });
                anniversary = Some(m.month + 12);
            } else {
                designation.push(DesignationEvent {
                    month: m.month,
                    step: DesignationStep::Lapse,
                    fee_usd: Decimal::ZERO,
                });
                anniversary = None;
            }
        }
        if anniversary.is_none() && can_enrol[k] {
            designation.push(DesignationEvent {
                month: m.month,
                step: DesignationStep::Enrol,
                fee_usd: fee,
            });
            anniversary = Some(m.month + 12);
        }
    }

    let first_qualified =
        PathId::ALL.map(|p| months.iter().find(|m| m.path(p).qualified).map(|m| m.month));
    let mut drops = Vec::new();
    for (k, m) in months.iter().enumerate() {
        let Some(prev) = all[..look + k].last() else {
            continue;
        };
        for p in PathId::ALL {
            let (before, after) = (prev.path(p), m.path(p));
            if before.qualified && !after.qualified {
                drops.push(Drop {
                    month: m.month,
                    path: p,
                    total_before: before.total,
                    total_after: after.total,
                    causes: causes(before, after),
                });
            }
        }
    }
    Summary {
        first_qualified,
        first_qualified_any: months.iter().find(|m| m.qualified).map(|m| m.month),
        months_qualified: months.iter().filter(|m| m.qualified).count(),
        enrolment_windows: windows,
        designation,
        drops,
    }
}

/// The metrics that lost points from one month to the next, and why.
fn causes(before: &PathScore, after: &PathScore) -> Vec<Cause> {
    Metric::ALL
        .into_iter()
        .filter(|&m| after.points(m) < before.points(m))
        .map(|metric| {
            let (b, a) = (&before.detail, &after.detail);
            let reason = match metric {
                Metric::NetCustomerAdds => customer_reason(
                    ("customer", "customers"),
                    (b.now.azure_customers + b.now.m365_customers, a.now.azure_customers + a.now.m365_customers),
                    (b.year_ago.azure_customers + b.year_ago.m365_customers, a.year_ago.azure_customers + a.year_ago.m365_customers),
                ),
                Metric::Deployments => customer_reason(
                    ("deployment", "deployments"),
                    (b.now.azure_deployments + b.now.m365_deployments, a.now.azure_deployments + a.now.m365_deployments),
                    (b.year_ago.azure_deployments + b.year_ago.m365_deployments, a.year_ago.azure_deployments + a.year_ago.m365_deployments),
                ),
                Metric::UsageGrowth => format!(
                    "growth over the same month last year fell from {} USD and {} users to {} USD and {} users",
                    Decimal::new(b.azure_growth_cents, 2).normalize(),
                    b.m365_growth_users,
                    Decimal::new(a.azure_growth_cents, 2).normalize(),
                    a.m365_growth_users
                ),
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
                    format!("certifications expired or retired ({})", fell.join(", "))
                }
            };
            Cause { metric, points_before: before.points(metric), points_after: after.points(metric), reason }
        })
        .collect()
}

fn customer_reason(what: (&str, &str), now: (u32, u32), year_ago: (u32, u32)) -> String {
    let noun = |n: u32| if n == 1 { what.0 } else { what.1 };
    let mut parts = Vec::new();
    if year_ago.1 > year_ago.0 {
        let n = year_ago.1 - year_ago.0;
        parts.push(format!(
            "{n} more {} counted a year earlier (wins ageing out of the twelve-month window)",
            noun(n)
        ));
    }
    if now.1 < now.0 {
        let n = now.0 - now.1;
        let verb = if n == 1 { "counts" } else { "count" };
        parts.push(format!(
            "{n} fewer {} {verb} this month (churn, shrinkage or association)",
            noun(n)
        ));
    }
    if parts.is_empty() {
        parts.push(format!("net {} fell", what.1));
    }
    parts.join("; ")
}
