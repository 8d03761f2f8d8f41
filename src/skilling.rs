//! Certifications -> how many people count on each step in a month (RULES.md §5).

use crate::month::Month;
use crate::rules::Ruleset;
use crate::scenario::Person;

/// People counting on each step, as `(step, people)` in ascending step order.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct StepCounts(pub Vec<(u32, u32)>);

impl StepCounts {
    pub fn people(&self, step: u32) -> u32 {
        self.0
            .iter()
            .find(|(s, _)| *s == step)
            .map_or(0, |(_, n)| *n)
    }

    /// A person counts once per step however many of its certifications they hold;
    /// one person may count on several steps.
    pub fn in_month(people: &[Person], rules: &Ruleset, month: Month) -> StepCounts {
        StepCounts(
            rules
                .steps()
                .into_iter()
                .map(|step| {
                    let n = people
                        .iter()
                        .filter(|p| {
                            p.certs.iter().any(|c| {
                                *rules.certifications[c.cert].step.get_ref() == step
                                    && c.counts_in(month)
                            })
                        })
                        .count();
                    (step, n as u32)
                })
                .collect(),
        )
    }
}
