//! The projection: scenario -> facts -> tallies -> scores for every month on both paths,
//! and what a planner reads off them (first qualifying month, enrolment, drops and why).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rust_decimal::Decimal;
use serde::Serialize;

pub use crate::causes::{Cause, Drop};
use crate::causes::{fallen, is_setback, name_causes};
use crate::error::Result;
use crate::explain::{AgeingOut, CertificationsEnding, certification_endings, group_ageing};
use crate::facts::Facts;
use crate::month::Month;
use crate::rules::{PathId, Ruleset};
use crate::scenario::{History, Person, Scenario};
use crate::score::{PathScore, score_path};
use crate::skilling::StepCounts;
use crate::tally::{Counts, Span, Tally, history_counts, tally};

/// Months of facts needed before the first tallied month: its TTM (11) and its "SMB
/// stays SMB" test, which looks a year back (12).
pub const FACTS_BEFORE_FIRST_TALLY: i32 = 23;

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
    /// Planned events with a probability strictly between 0 and 1, which this projection
    /// assumes all happen (`pcsim odds` weighs them).
    pub assumed_events: usize,
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
    /// The month the partner enrolled or last renewed (on or before `start`), when given.
    pub enrolled: Option<Month>,
    /// Inclusive ranges of projected months in which the partner could enrol (RULES.md §9).
    pub enrolment_windows: Vec<(Month, Month)>,
    /// Enrolled at `start` when `enrolled` is given (else enrolling at the first chance),
    /// then renewing at each anniversary when allowed.
    pub designation: Vec<DesignationEvent>,
    /// Months in which a path that qualified the month before no longer does.
    pub drops: Vec<Drop>,
    /// Large falls of a metric that are not drops (see [`crate::causes::is_setback`]).
    pub setbacks: Vec<Drop>,
    #[serde(skip)]
    pub warnings: Warnings,
}

/// What will stop counting within the horizon, for planning ahead.
#[derive(Debug, Clone, Default)]
pub struct Warnings {
    pub certifications: Vec<CertificationsEnding>,
    pub ageing_out: Vec<AgeingOut>,
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
    /// For a renewal or a lapse: the renewal window and how the partner did in it.
    pub anniversary: Option<Anniversary>,
}

/// How the partner did in the renewal window that ends at an anniversary (RULES.md §9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anniversary {
    /// The first month of the window (the anniversary minus `renew_months - 1`).
    pub window_from: Month,
    /// The anniversary month, the last month of the window.
    pub window_to: Month,
    /// How many months of the window the partner qualified in.
    pub qualified_months: u32,
    /// For a renewal: months from the first qualifying month of the window to the
    /// anniversary (0 when only the anniversary month qualifies); `None` for a lapse.
    pub margin_months: Option<u32>,
    /// The highest headline score (the better path's total) in the window.
    pub best_headline: Decimal,
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

/// The first month the tallies cover: a year before the first scored month, and at
/// least 13 months before `start`, since what changes into the first projected month (a
/// drop, a win ageing out) compares the same month last year with the month before it.
fn tallied_from(scenario: &Scenario) -> Month {
    (scenario.start - lookback(scenario) - 12).min(scenario.start - 13)
}

/// The months of facts a projection needs: `(first, last)`.
pub fn facts_span(scenario: &Scenario) -> (Month, Month) {
    (
        tallied_from(scenario) - FACTS_BEFORE_FIRST_TALLY,
        scenario.end(),
    )
}

/// The history's part of the tallies, computed once and shared by every scenario scored
/// through the same `Bases` on the same history, ruleset and months: plans compared side
/// by side, or one plan re-scored with events switched on and off. Each scenario then
/// costs only its declared tenants and the imported tenants it changes.
#[derive(Default)]
pub struct Bases {
    #[allow(clippy::type_complexity)]
    counts: Mutex<HashMap<(usize, String, Span), Arc<OnceLock<(Arc<History>, Counts)>>>>,
}

impl Bases {
    /// The scenario's tallies over `span`, from the shared history counts when that pays.
    pub fn counts(&self, scenario: &Scenario, facts: &Facts, span: Span) -> Counts {
        let rules = &scenario.rules;
        let changed = facts
            .stored()
            .iter()
            .filter(|&&t| t < facts.imported())
            .count();
        // A change to every tenant ("*") leaves nothing to share.
        let Some(history) = facts.history().filter(|_| changed * 2 < facts.imported()) else {
            return tally(facts, rules, span);
        };
        let key = (
            Arc::as_ptr(history) as usize,
            format!("{}\u{0}{}", rules.origin, rules.name),
            span,
        );
        let once = self
            .counts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key)
            .or_default()
            .clone();
        // The history is kept with its counts so that its address names it while cached.
        let (_, base) = once.get_or_init(|| (history.clone(), history_counts(facts, rules, span)));
        base.adjusted(facts, rules, span)
    }
}

/// The scores of every projected month (and the look-back months before `start`), with
/// no summary: what odds and seeking need when they score a scenario again and again.
/// With `bases` shared, a re-score costs the scenario's declared and changed tenants.
pub struct Rescored {
    /// The look-back months, then the projected months.
    pub scored: Vec<MonthScore>,
    pub ageing: Vec<crate::tally::AgeingEvent>,
    /// The tenants that count somewhere in the tallied months ([`Counts::counted`]).
    pub counted: Vec<u32>,
}

/// The months a projection scores and tallies.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// The tallied months, with ageing watched from `start`.
    pub span: Span,
    /// The first scored month: the look-back months before `start`, then the projection.
    pub first: Month,
    pub end: Month,
    /// How many look-back months are scored before `start`.
    pub look: usize,
    /// Tallied months before the year ahead of `first`, skipped when scoring.
    pub extra: usize,
}

impl Frame {
    pub fn of(scenario: &Scenario) -> Frame {
        let look = lookback(scenario);
        let first = scenario.start - look;
        let span = Span {
            first: tallied_from(scenario),
            last: scenario.end(),
            watch: Some(scenario.start),
        };
        Frame {
            span,
            first,
            end: scenario.end(),
            look: look as usize,
            extra: (first - 12).since(span.first) as usize,
        }
    }

    /// Scores the frame's months from tallies over its span.
    pub fn score(
        &self,
        rules: &Ruleset,
        people: &[Person],
        tallies: &[[Tally; 2]],
    ) -> Vec<MonthScore> {
        score_months(rules, people, &tallies[self.extra..], self.first, self.end)
    }

    /// Scores the frame's months taking this year's counts from `now` and last year's
    /// from `year_ago`. Points rise with this year's counts and fall with last year's, so
    /// with counts no choice can exceed in `now` and none can go below in `year_ago`, this
    /// is a score no choice can beat (what `seek` prunes with).
    pub fn score_between(
        &self,
        rules: &Ruleset,
        people: &[Person],
        now: &[[Tally; 2]],
        year_ago: &[[Tally; 2]],
    ) -> Vec<MonthScore> {
        score_months_between(
            rules,
            people,
            &now[self.extra..],
            &year_ago[self.extra..],
            self.first,
            self.end,
        )
    }
}

/// Scores a scenario month by month without summarizing it (see [`Rescored`]).
pub fn rescore(scenario: &Scenario, facts: &Facts, bases: &Bases) -> Rescored {
    let frame = Frame::of(scenario);
    let Counts {
        tallies,
        events,
        counted,
    } = bases.counts(scenario, facts, frame.span);
    let scored = frame.score(&scenario.rules, &scenario.people, &tallies);
    Rescored {
        scored,
        ageing: events,
        counted,
    }
}

/// Scores months `first..=end` on both paths from `tallies`, which start a year before
/// `first` (each month is compared with the same month a year earlier).
pub fn score_months(
    rules: &Ruleset,
    people: &[Person],
    tallies: &[[Tally; 2]],
    first: Month,
    end: Month,
) -> Vec<MonthScore> {
    score_months_between(rules, people, tallies, tallies, first, end)
}

/// [`score_months`] with this year's counts from `now` and last year's from `year_ago`.
fn score_months_between(
    rules: &Ruleset,
    people: &[Person],
    now: &[[Tally; 2]],
    year_ago: &[[Tally; 2]],
    first: Month,
    end: Month,
) -> Vec<MonthScore> {
    (0..=end.since(first))
        .map(|k| {
            let month = first + k;
            let (now, year_ago) = (&now[k as usize + 12], &year_ago[k as usize]);
            let people = StepCounts::in_month(people, rules, month);
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
        .collect()
}

/// Scores every month on both paths from facts built over [`facts_span`].
pub fn project(scenario: &Scenario, facts: &Facts) -> Projection {
    project_naming(scenario, facts, &Bases::default(), true)
}

/// [`project`], sharing the history's part of the tallies through `bases`, without
/// names: the causes of drops and setbacks are left in numbers, and there are no
/// warnings. `compare` shows neither, and naming reads every counted tenant again: for a
/// plan on a shared history, far more than its own tally.
pub fn project_figures(scenario: &Scenario, facts: &Facts, bases: &Bases) -> Projection {
    project_naming(scenario, facts, bases, false)
}

fn project_naming(scenario: &Scenario, facts: &Facts, bases: &Bases, named: bool) -> Projection {
    let rules = &scenario.rules;
    let look = lookback(scenario) as usize;
    let Rescored {
        scored,
        ageing,
        counted,
    } = rescore(scenario, facts, bases);
    let (lookback, months) = scored.split_at(look);
    let mut summary = summarize(scenario, lookback, months);
    if named {
        let mut falls: Vec<&mut Drop> = summary
            .drops
            .iter_mut()
            .chain(summary.setbacks.iter_mut())
            .collect();
        name_causes(scenario, facts, &counted, &mut falls);
        summary.warnings = Warnings {
            certifications: certification_endings(scenario),
            ageing_out: group_ageing(scenario, &ageing),
        };
    }
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
        assumed_events: crate::odds::assumed_events(scenario),
    }
}

/// What the designation does over the projected months: the months in which the partner
/// could enrol, and the enrolments, renewals and lapses in order (RULES.md §9).
pub struct Designation {
    /// Per projected month.
    pub can_enrol: Vec<bool>,
    pub events: Vec<DesignationEvent>,
}

/// Works out [`Designation`] from the scored months. `first_anniversary`: the first
/// anniversary of an enrolment made before `start`, if any.
pub fn designate(
    rules: &Ruleset,
    first_anniversary: Option<Month>,
    lookback: &[MonthScore],
    months: &[MonthScore],
) -> Designation {
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

    let fee = rules.annual_fee_usd.0;
    let renew_months = rules.windows.renew_months.0;
    // The renewal window ending at projected month k, and how the partner did in it.
    let renewal_window = |k: usize| {
        let to = look + k;
        let from = (to + 1).saturating_sub(renew_months as usize);
        let window = &all[from..=to];
        let anniversary = all[to].month;
        Anniversary {
            window_from: window[0].month,
            window_to: anniversary,
            qualified_months: window.iter().filter(|m| m.qualified).count() as u32,
            margin_months: window
                .iter()
                .find(|m| m.qualified)
                .map(|m| anniversary.since(m.month) as u32),
            best_headline: window
                .iter()
                .map(|m| m.headline())
                .max()
                .unwrap_or(Decimal::ZERO),
        }
    };
    let mut events = Vec::new();
    // The next anniversary while enrolled; `None` while not enrolled.
    let mut anniversary: Option<Month> = first_anniversary;
    for (k, m) in months.iter().enumerate() {
        if anniversary == Some(m.month) {
            let window = renewal_window(k);
            if qualified_within(k, renew_months) {
                events.push(DesignationEvent {
                    month: m.month,
                    step: DesignationStep::Renew,
                    fee_usd: fee,
                    anniversary: Some(window),
                });
                anniversary = Some(m.month + 12);
            } else {
                events.push(DesignationEvent {
                    month: m.month,
                    step: DesignationStep::Lapse,
                    fee_usd: Decimal::ZERO,
                    anniversary: Some(Anniversary {
                        margin_months: None,
                        ..window
                    }),
                });
                anniversary = None;
            }
        }
        if anniversary.is_none() && can_enrol[k] {
            events.push(DesignationEvent {
                month: m.month,
                step: DesignationStep::Enrol,
                fee_usd: fee,
                anniversary: None,
            });
            anniversary = Some(m.month + 12);
        }
    }
    Designation { can_enrol, events }
}

fn summarize(scenario: &Scenario, lookback: &[MonthScore], months: &[MonthScore]) -> Summary {
    let rules = &scenario.rules;
    let all: Vec<&MonthScore> = lookback.iter().chain(months).collect();
    let look = lookback.len();
    let Designation {
        can_enrol,
        events: designation,
    } = designate(rules, scenario.first_anniversary(), lookback, months);
    let mut windows: Vec<(Month, Month)> = Vec::new();
    for (k, m) in months.iter().enumerate() {
        if can_enrol[k] {
            match windows.last_mut() {
                Some((_, to)) if *to + 1 == m.month => *to = m.month,
                _ => windows.push((m.month, m.month)),
            }
        }
    }

    let first_qualified =
        PathId::ALL.map(|p| months.iter().find(|m| m.path(p).qualified).map(|m| m.month));
    let mut drops = Vec::new();
    let mut setbacks = Vec::new();
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
                    causes: fallen(rules.paths.get(p), before, after, |_| true),
                });
            } else {
                let causes = fallen(rules.paths.get(p), before, after, |metric| {
                    is_setback(
                        rules,
                        p,
                        metric,
                        before.points(metric),
                        after.points(metric),
                    )
                });
                if !causes.is_empty() {
                    setbacks.push(Drop {
                        month: m.month,
                        path: p,
                        total_before: before.total,
                        total_after: after.total,
                        causes,
                    });
                }
            }
        }
    }
    Summary {
        first_qualified,
        first_qualified_any: months.iter().find(|m| m.qualified).map(|m| m.month),
        months_qualified: months.iter().filter(|m| m.qualified).count(),
        enrolled: scenario.enrolled,
        enrolment_windows: windows,
        designation,
        drops,
        setbacks,
        warnings: Warnings::default(),
    }
}
