//! Certifications -> how many people count on each step in a month (RULES.md §5).

use crate::month::Month;
use crate::rules::Ruleset;
use crate::scenario::{HeldCert, Person};

/// The certifications that put `person` on `step` in `month`: those of the step that
/// count that month (RULES.md §5).
pub fn on_step<'a>(
    person: &'a Person,
    rules: &'a Ruleset,
    step: u32,
    month: Month,
) -> impl Iterator<Item = &'a HeldCert> + 'a {
    person
        .certs
        .iter()
        .filter(move |c| *rules.certifications[c.cert].step.get_ref() == step && c.counts_in(month))
}

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
                        .filter(|p| on_step(p, rules, step, month).next().is_some())
                        .count();
                    (step, n as u32)
                })
                .collect(),
        )
    }
}
