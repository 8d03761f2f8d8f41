//! THE shared scoring core: one path, one month, from that month's tally, the tally of
//! the same month last year, and the people on each certification step. Pure: no I/O.
//! Every number comes from the ruleset (RULES.md §4–§8).

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::rules::{CertificationMetric, LinearMetric, PathRules, UsageMetric};
use crate::skilling::StepCounts;
use crate::tally::Tally;

/// The four metrics, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    NetCustomerAdds,
    IntermediateCertifications,
    UsageGrowth,
    Deployments,
}

impl Metric {
    pub const ALL: [Metric; 4] = [
        Metric::NetCustomerAdds,
        Metric::IntermediateCertifications,
        Metric::UsageGrowth,
        Metric::Deployments,
    ];

    /// The JSON key.
    pub fn key(self) -> &'static str {
        match self {
            Metric::NetCustomerAdds => "net_customer_adds",
            Metric::IntermediateCertifications => "intermediate_certifications",
            Metric::UsageGrowth => "usage_growth",
            Metric::Deployments => "deployments",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Metric::NetCustomerAdds => "net customer adds",
            Metric::IntermediateCertifications => "intermediate certifications",
            Metric::UsageGrowth => "usage growth",
            Metric::Deployments => "deployments",
        }
    }
}

/// One path's score in one month, with the counts behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathScore {
    /// Points per metric, in [`Metric::ALL`] order, each rounded to two decimals.
    pub points: [Decimal; 4],
    /// The sum of the rounded metric points.
    pub total: Decimal,
    pub qualified: bool,
    pub detail: Detail,
}

impl PathScore {
    pub fn points(&self, metric: Metric) -> Decimal {
        self.points[metric as usize]
    }
}

/// The units behind the points, for explanations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detail {
    pub now: Tally,
    pub year_ago: Tally,
    /// Before clamping at zero.
    pub net_customer_adds: i64,
    pub net_deployments: i64,
    pub azure_growth_cents: i64,
    pub m365_growth_users: i64,
    pub step_people: StepCounts,
}

/// The most points a metric can earn on a path.
pub fn max_points(rules: &PathRules, metric: Metric) -> Decimal {
    match metric {
        Metric::NetCustomerAdds => rules.net_customer_adds.max_points.0,
        Metric::IntermediateCertifications => rules.certifications.max_points.0,
        Metric::UsageGrowth => rules.usage_growth.max_points.0,
        Metric::Deployments => rules.deployments.max_points.0,
    }
}

/// RULES.md §8: half-up to two decimals.
pub fn round_points(points: Decimal) -> Decimal {
    points.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// `max_points * units / units_for_max`, multiplying before dividing, units capped.
fn linear(max_points: Decimal, units: i64, units_for_max: u32) -> Decimal {
    let units = units.clamp(0, units_for_max as i64);
    max_points * Decimal::from(units) / Decimal::from(units_for_max)
}

fn linear_metric(m: &LinearMetric, units: i64) -> Decimal {
    round_points(linear(m.max_points.0, units, m.units_for_max.0))
}

/// RULES.md §5: required steps each earn their points once met; the scoring step earns
/// only when every required step is met.
pub fn certification_points(m: &CertificationMetric, people: &StepCounts) -> Decimal {
    let mut points = Decimal::ZERO;
    let mut all_met = true;
    for step in &m.required {
        if people.people(*step.step.get_ref()) >= step.min_people.0 {
            points += step.points.0;
        } else {
            all_met = false;
        }
    }
    if all_met {
        let s = &m.scoring;
        points += linear(
            s.max_points.0,
            people.people(*s.step.get_ref()) as i64,
            s.units_for_max.0,
        );
    }
    round_points(points.min(m.max_points.0))
}

/// RULES.md §7: one point per full step of growth on each side, `(azure, m365)`, before
/// they are summed and capped.
pub fn usage_side_points(
    m: &UsageMetric,
    azure_growth_cents: i64,
    m365_growth_users: i64,
) -> (Decimal, Decimal) {
    let azure = (Decimal::new(azure_growth_cents.max(0), 2) / m.azure_usd_per_point.0).floor();
    let m365 = Decimal::from(m365_growth_users.max(0) / m.m365_users_per_point.0 as i64);
    (azure, m365)
}

/// RULES.md §7: the two sides' points summed, capped.
fn usage_points(m: &UsageMetric, azure_growth_cents: i64, m365_growth_users: i64) -> Decimal {
    let (azure, m365) = usage_side_points(m, azure_growth_cents, m365_growth_users);
    round_points((azure + m365).min(m.max_points.0))
}

/// Scores one path for one month.
pub fn score_path(
    rules: &PathRules,
    qualifying_total: Decimal,
    now: &Tally,
    year_ago: &Tally,
    people: &StepCounts,
) -> PathScore {
    let diff = |a: u32, b: u32| a as i64 - b as i64;
    // RULES.md §4 and §6: the Azure and M365 sides are netted together, then clamped at zero.
    let net_customer_adds = diff(now.azure_customers, year_ago.azure_customers)
        + diff(now.m365_customers, year_ago.m365_customers);
    let net_deployments = diff(now.azure_deployments, year_ago.azure_deployments)
        + diff(now.m365_deployments, year_ago.m365_deployments);
    let azure_growth_cents = now.azure_eligible_acr_cents - year_ago.azure_eligible_acr_cents;
    let m365_growth_users = now.m365_protected_users as i64 - year_ago.m365_protected_users as i64;

    let points = [
        linear_metric(&rules.net_customer_adds, net_customer_adds),
        certification_points(&rules.certifications, people),
        usage_points(&rules.usage_growth, azure_growth_cents, m365_growth_users),
        round_points(linear(
            rules.deployments.max_points.0,
            net_deployments,
            rules.deployments.units_for_max.0,
        )),
    ];
    let total: Decimal = points.iter().sum();
    let qualified = qualifies(total, &points, qualifying_total);
    PathScore {
        points,
        total,
        qualified,
        detail: Detail {
            now: *now,
            year_ago: *year_ago,
            net_customer_adds,
            net_deployments,
            azure_growth_cents,
            m365_growth_users,
            step_people: people.clone(),
        },
    }
}

/// RULES.md §1: at least the qualifying total, and every metric above zero.
pub fn qualifies(total: Decimal, points: &[Decimal; 4], qualifying_total: Decimal) -> bool {
    total >= qualifying_total && points.iter().all(|p| *p > Decimal::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Ruleset;
    use rust_decimal_macros::dec;

    fn steps(s1: u32, s2: u32, s3: u32) -> StepCounts {
        StepCounts(vec![(1, s1), (2, s2), (3, s3)])
    }

    /// RULES.md §5 worked examples, exactly.
    #[test]
    fn certification_worked_examples() {
        let r = Ruleset::built_in();
        let ent = &r.paths.enterprise.certifications;
        let smb = &r.paths.smb.certifications;
        assert_eq!(certification_points(ent, &steps(2, 2, 3)), dec!(20.00));
        assert_eq!(certification_points(ent, &steps(2, 2, 2)), dec!(13.33));
        assert_eq!(certification_points(ent, &steps(2, 0, 2)), dec!(0));
        assert_eq!(certification_points(ent, &steps(1, 2, 2)), dec!(0));
        assert_eq!(certification_points(smb, &steps(2, 2, 3)), dec!(32));
        assert_eq!(certification_points(smb, &steps(2, 2, 2)), dec!(24));
        assert_eq!(certification_points(smb, &steps(2, 0, 2)), dec!(4));
        assert_eq!(certification_points(smb, &steps(0, 0, 2)), dec!(0));
    }

    #[test]
    fn certification_caps() {
        let r = Ruleset::built_in();
        assert_eq!(
            certification_points(&r.paths.enterprise.certifications, &steps(2, 2, 9)),
            dec!(40)
        );
        assert_eq!(
            certification_points(&r.paths.smb.certifications, &steps(1, 1, 9)),
            dec!(40)
        );
        assert_eq!(
            certification_points(&r.paths.enterprise.certifications, &steps(2, 2, 1)),
            dec!(6.67)
        );
    }

    #[test]
    fn deployments_round_half_up_and_six_make_exactly_twenty() {
        let r = Ruleset::built_in();
        let d = &r.paths.enterprise.deployments;
        let pts = |n| round_points(linear(d.max_points.0, n, d.units_for_max.0));
        assert_eq!(pts(1), dec!(3.33));
        assert_eq!(pts(2), dec!(6.67));
        assert_eq!(pts(5), dec!(16.67));
        assert_eq!(pts(6), dec!(20.00));
        assert_eq!(pts(9), dec!(20));
        assert_eq!(pts(-3), dec!(0));
    }

    #[test]
    fn usage_counts_full_steps_only() {
        let r = Ruleset::built_in();
        let e = &r.paths.enterprise.usage_growth;
        assert_eq!(usage_points(e, 124_999, 0), dec!(0));
        assert_eq!(usage_points(e, 125_000, 0), dec!(1));
        assert_eq!(usage_points(e, 125_000, 249), dec!(2));
        assert_eq!(usage_points(e, -500_000, 250), dec!(2));
        assert_eq!(usage_points(e, 1_000_000_000, 0), dec!(20));
        let s = &r.paths.smb.usage_growth;
        assert_eq!(usage_points(s, 74_999, 49), dec!(0));
        assert_eq!(usage_points(s, 75_000, 50), dec!(2));
    }

    #[test]
    fn netting_happens_before_clamping() {
        let r = Ruleset::built_in();
        let now = Tally {
            azure_customers: 1,
            m365_customers: 5,
            ..Tally::default()
        };
        let year_ago = Tally {
            azure_customers: 4,
            m365_customers: 3,
            ..Tally::default()
        };
        // Azure -3, M365 +2: net -1, so zero points, not 2 x 2.
        let s = score_path(
            &r.paths.enterprise,
            dec!(70),
            &now,
            &year_ago,
            &steps(0, 0, 0),
        );
        assert_eq!(s.detail.net_customer_adds, -1);
        assert_eq!(s.points(Metric::NetCustomerAdds), dec!(0));
    }

    #[test]
    fn qualification_needs_seventy_and_every_metric() {
        let seventy = [dec!(10), dec!(40), dec!(10), dec!(10)];
        assert!(qualifies(dec!(70.00), &seventy, dec!(70)));
        assert!(!qualifies(
            dec!(69.99),
            &[dec!(10), dec!(39.99), dec!(10), dec!(10)],
            dec!(70)
        ));
        assert!(!qualifies(
            dec!(80),
            &[dec!(20), dec!(40), dec!(20), dec!(0)],
            dec!(70)
        ));
    }
}
