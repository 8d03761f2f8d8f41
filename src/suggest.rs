//! `seek --suggest`: a ready-made menu of options worked out from the ruleset and the
//! scenario, for a partner who has not written `[[options]]` yet (docs/seek.md).
//!
//! - One more person on each certification step, as many as the step can still use: up
//!   to the most people any path's rules count on it, less the fewest the scenario's
//!   people put on it in any projected month.
//! - On each path, an M365 win just inside the path's seat band with just enough active
//!   users for a deployment, and an Azure customer whose consumption puts it in the
//!   path's deployment band from its first month; as many as the path's net customer
//!   adds or deployments can use.
//!
//! Every use costs a documented default ([`DEFAULT_COSTS`]); `--cost` changes it.

use rust_decimal::Decimal;

use crate::month::{DayOrMonth, Month};
use crate::rules::PathId;
use crate::scenario::options::{Action, PlanOption};
use crate::scenario::{Ending, Scenario, Tenant, held_cert};
use crate::skilling::StepCounts;

/// What one use of each kind of ready-made option costs by default, in USD: rough
/// figures to start from (an exam with study time; the sales and onboarding effort of a
/// customer of that size).
pub const DEFAULT_COSTS: Costs = Costs {
    person: Decimal::from_parts(1500, 0, 0, false, 0),
    m365_win: [
        Decimal::from_parts(10000, 0, 0, false, 0),
        Decimal::from_parts(2500, 0, 0, false, 0),
    ],
    azure_customer: [
        Decimal::from_parts(20000, 0, 0, false, 0),
        Decimal::from_parts(5000, 0, 0, false, 0),
    ],
};

/// The cost of one use of each kind of ready-made option; the pairs are by path
/// (Enterprise, SMB).
#[derive(Debug, Clone, Copy)]
pub struct Costs {
    pub person: Decimal,
    pub m365_win: [Decimal; 2],
    pub azure_customer: [Decimal; 2],
}

/// A ready-made option and, in a line, what it is.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub option: PlanOption,
    pub why: String,
}

/// The ready-made menu. Wins are placed in `wins_in`, certifications in `start`.
pub fn menu(scenario: &Scenario, wins_in: Month, costs: &Costs) -> Vec<Suggestion> {
    let rules = &scenario.rules;
    let mut options = Vec::new();
    let projected: Vec<Month> = (0..scenario.months)
        .map(|k| scenario.start + k as i32)
        .collect();
    for step in rules.steps() {
        let wanted = PathId::ALL
            .iter()
            .map(|&p| {
                let c = &rules.paths.get(p).certifications;
                let required = c
                    .required
                    .iter()
                    .filter(|r| *r.step.get_ref() == step)
                    .map(|r| r.min_people.0);
                let scoring =
                    (*c.scoring.step.get_ref() == step).then_some(c.scoring.units_for_max.0);
                required.chain(scoring).max().unwrap_or(0)
            })
            .max()
            .unwrap_or(0);
        let fewest = projected
            .iter()
            .map(|&m| StepCounts::in_month(&scenario.people, rules, m).people(step))
            .min()
            .unwrap_or(0);
        let max = wanted
            .saturating_sub(fewest)
            .min(crate::scenario::model::MAX_USES as u32);
        if max == 0 {
            continue;
        }
        // The step's first certification that, passed at the start, counts to the end.
        let passed = DayOrMonth::Month(scenario.start);
        let Some((code, held)) = rules
            .certifications
            .iter()
            .filter(|c| *c.step.get_ref() == step)
            .find_map(|c| {
                let code = c.short();
                let held = held_cert(rules, &code, passed, Ending::Renewed, Decimal::ONE).ok()?;
                held.counts_in(scenario.end()).then_some((code, held))
            })
        else {
            continue;
        };
        let name = format!("{code} holder");
        let entry = &rules.certifications[held.cert];
        let why = format!(
            "One more person on step {step} ({}), up to {max} more: the most any path counts there is {wanted}, and the scenario's people put {fewest} on it in some month.",
            entry.name()
        );
        let option = PlanOption {
            cost: costs.person,
            max,
            month: scenario.start,
            every: 0,
            probability: Decimal::ONE,
            action: Action::Certification {
                code,
                people: (1..=max).map(|k| format!("{name} {k}")).collect(),
                certs: vec![held; max as usize],
            },
            name,
        };
        options.push(Suggestion { option, why });
    }
    for p in PathId::ALL {
        let path = rules.paths.get(p);
        // As many wins as the metrics they feed can count.
        let max = path
            .net_customer_adds
            .units_for_max
            .0
            .max(path.deployments.units_for_max.0)
            .min(crate::scenario::model::MAX_USES as u32);
        let seats = Decimal::from(path.bands.m365_seats.compile(1).lo.max(0));
        let share = path.deployments.m365_min_active_share.0;
        let win = |name: String, seats: Decimal, active: Decimal, acr: Decimal, cost| PlanOption {
            cost,
            max,
            month: wins_in,
            every: 0,
            probability: Decimal::ONE,
            action: Action::Tenant(Tenant {
                name: name.clone(),
                group: None,
                since: Some(wins_in),
                until: None,
                seats,
                active,
                acr,
                m365: None,
                azure: None,
                probability: Decimal::ONE,
            }),
            name,
        };
        let active = (seats * share).ceil();
        options.push(Suggestion {
            option: win(
                format!("{} M365 win", path.name),
                seats,
                active,
                Decimal::ZERO,
                costs.m365_win[p.index()],
            ),
            why: format!(
                "Each use a customer won with {} seats, the least in the {} M365 band ({}), and {} active, the least a deployment needs ({}%).",
                seats,
                path.name,
                path.bands.m365_seats.describe(),
                active,
                (share * Decimal::ONE_HUNDRED).normalize()
            ),
        });
        // The band is over the trailing twelve months' consumption, which in the first
        // month is that month's: consuming the band's least each month puts the customer
        // in it at once.
        let band = &path.bands.azure_deployments;
        let acr = Decimal::new(band.compile(100).lo.max(0), 2).normalize();
        options.push(Suggestion {
            option: win(
                format!("{} Azure customer", path.name),
                Decimal::ZERO,
                Decimal::ZERO,
                acr,
                costs.azure_customer[p.index()],
            ),
            why: format!(
                "Each use a customer won consuming {acr} USD of Azure a month: in the {} deployment band (trailing twelve months {}) from its first month.",
                path.name,
                band.describe()
            ),
        });
    }
    options
}

/// The month the ready-made wins are placed in: the latest from which a win still counts
/// in the last month the target needs (a win adds for twelve months, against the same
/// month last year), and the start at the earliest.
pub fn wins_month(scenario: &Scenario, needed_by: Month) -> Month {
    (needed_by - 11).max(scenario.start)
}
