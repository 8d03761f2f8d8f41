//! The least we must do (PLANNING.md §4): how many uses of each `[[options]]` entry meet
//! a target at the least total cost.
//!
//! A choice is re-scored from parts tallied once: the scenario without options (the
//! base), each win's own tally (tallies add up tenant by tenant), and, for the tenants
//! that change options touch, their tally for every combination of those options' uses.
//! Certifications only change the people. The search is a depth-first branch and bound
//! over the options in order: a branch stops when its cost already exceeds the best
//! choice found, or when even its best case cannot meet the target. The best case takes,
//! month by month and field by field, the largest counts any completion could have this
//! year and the smallest a year ago, and every remaining certification: the points rise
//! with the first and fall with the second, so no completion scores more.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::facts::Facts;
use crate::month::Month;
use crate::odds::{self, Method, Sampling};
use crate::rules::PathId;
use crate::scenario::options::Action;
use crate::scenario::{Scenario, Target as Aim};
use crate::simulate::{Bases, Frame, MonthScore, facts_span};
use crate::tally::{Span, Tally, tally_tenants};

/// With at most this many choices the search always runs to the end: the answer is
/// proven minimal.
pub const PROVEN_UP_TO: u128 = 1_000_000;
/// Choices scored at most when there are more (the answer is then proven only if the
/// search still ends); `--budget` changes it.
pub const BUDGET: u64 = 2_000_000;
/// The most combinations of uses one tenant's change options may have.
pub const COMBINATIONS_AT_MOST: usize = 4096;

/// What must be met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Goal {
    /// Qualified in at least one projected month up to and including this one.
    By(Month),
    /// Qualified in each of these months.
    In(Vec<Month>),
    /// Renews at this anniversary: qualified in a month of its renewal window, `from`
    /// to the anniversary (RULES.md §9). The window may reach back into the history.
    Renew { anniversary: Month, from: Month },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub goal: Goal,
    /// Only this path counts; `None`: either.
    pub path: Option<PathId>,
    /// The first projected month: `--by` counts from it.
    pub start: Month,
}

impl Goal {
    /// The last month the goal needs met: the latest month named, or for `--by` the
    /// first projected one (meeting it there is enough).
    pub fn last_needed(&self, start: Month) -> Month {
        match self {
            Goal::By(_) => start,
            Goal::In(list) => list.iter().copied().max().unwrap_or(start),
            Goal::Renew { anniversary, .. } => *anniversary,
        }
    }

    /// Renewal at `anniversary`, or with none named, at the next anniversary of the
    /// scenario's `enrolled`. An error when none can be worked out, when the month falls
    /// outside the projection, or when it is not an anniversary of `enrolled`.
    pub fn renewal(scenario: &Scenario, anniversary: Option<Month>) -> Result<Goal> {
        let next = scenario.first_anniversary();
        let anniversary = match (anniversary, next, scenario.enrolled) {
            (Some(m), Some(_), Some(enrolled)) => {
                if m < scenario.start || m.since(enrolled) % 12 != 0 {
                    let within: Vec<String> = (0..)
                        .map(|k| next.expect("enrolled") + 12 * k)
                        .take_while(|a| *a <= scenario.end())
                        .map(|a| a.to_string())
                        .collect();
                    return Err(Error::Input(format!(
                        "--renew {m} is not an anniversary of `enrolled` ({enrolled}) in the projection ({} to {}): {}",
                        scenario.start,
                        scenario.end(),
                        match within.len() {
                            0 => "it has none; add months to the scenario (`months`)".to_string(),
                            1 => format!("its anniversary is {}", within[0]),
                            _ => format!("its anniversaries are {}", within.join(", ")),
                        }
                    )));
                }
                m
            }
            (Some(m), _, _) => m,
            (None, Some(m), _) => m,
            (None, None, _) => {
                let run = crate::simulate::simulate(scenario)?;
                let hint = match run
                    .summary
                    .designation
                    .iter()
                    .find(|e| e.step == crate::simulate::DesignationStep::Enrol)
                {
                    Some(e) => format!(
                        "; this scenario as it stands enrols in {}, so its first anniversary is {}",
                        e.month,
                        e.month + 12
                    ),
                    None => String::new(),
                };
                return Err(Error::Input(format!(
                    "--renew without a month needs `enrolled = \"YYYY-MM\"` in the scenario (the month the partner enrolled or last renewed); or name the anniversary, as in --renew YYYY-MM{hint}"
                )));
            }
        };
        if anniversary < scenario.start || anniversary > scenario.end() {
            return Err(Error::Input(format!(
                "the anniversary {anniversary} is outside the projection ({} to {}): name one within it, or change `start` or `months`",
                scenario.start,
                scenario.end()
            )));
        }
        let window = scenario.rules.windows.renew_months.0 as i32;
        Ok(Goal::Renew {
            anniversary,
            from: anniversary - (window - 1),
        })
    }
}

impl Target {
    /// The score the target looks at in a month: its path's total, or the higher path's.
    pub fn score(&self, m: &MonthScore) -> Decimal {
        match self.path {
            Some(p) => m.paths[p.index()].total,
            None => m.headline(),
        }
    }

    pub fn qualified(&self, m: &MonthScore) -> bool {
        match self.path {
            Some(p) => m.paths[p.index()].qualified,
            None => m.qualified,
        }
    }

    /// Whether the scored months (look-back and projection) meet the target.
    pub fn met(&self, months: &[MonthScore]) -> bool {
        let within = |from: Month, to: Month| {
            months
                .iter()
                .any(|m| m.month >= from && m.month <= to && self.qualified(m))
        };
        match &self.goal {
            Goal::By(by) => within(self.start, *by),
            Goal::Renew { anniversary, from } => within(*from, *anniversary),
            Goal::In(list) => list.iter().all(|want| {
                months
                    .iter()
                    .find(|m| m.month == *want)
                    .is_some_and(|m| self.qualified(m))
            }),
        }
    }

    /// The months the target names, which must be projected.
    pub fn months(&self) -> Vec<Month> {
        match &self.goal {
            Goal::By(m) | Goal::Renew { anniversary: m, .. } => vec![*m],
            Goal::In(list) => list.clone(),
        }
    }
}

/// How seeking went.
#[derive(Debug, Clone)]
pub struct Sought {
    pub target: Target,
    /// Uses per option, in the scenario's order (the best attempt when infeasible).
    pub uses: Vec<u32>,
    pub feasible: bool,
    /// Of the chosen uses; 0 when infeasible.
    pub cost: Decimal,
    /// No choice within the limits is cheaper (or, when infeasible: none meets it).
    pub proven: bool,
    /// All combinations of uses: the product of (max + 1).
    pub choices: u128,
    /// Choices scored.
    pub scored: u64,
    /// With `--confidence`: the chance the uses meet the target, and how it was found.
    pub probability: Option<(f64, Method, u64)>,
    pub confidence: Option<f64>,
    /// The projected months with `uses`.
    pub months: Vec<MonthScore>,
    /// Per option, when feasible and used: the month the target looks at and the points
    /// its uses add there (against the same choice without them).
    pub adds: Vec<Option<(Month, Decimal)>>,
}

/// What a search found, before it is worked out for the output.
struct Found {
    uses: Vec<u32>,
    feasible: bool,
    proven: bool,
    scored: u64,
    probability: Option<(f64, Method, u64)>,
}

/// The projected month whose score the output weighs: the first month meeting the
/// target, or, when none does, the best month within it (`--by`, `--renew`) or the first
/// that fails (`--in`).
pub fn target_month(target: &Target, months: &[MonthScore]) -> Option<usize> {
    let within: Vec<usize> = (0..months.len())
        .filter(|&i| {
            let m = months[i].month;
            match &target.goal {
                Goal::By(by) => m >= target.start && m <= *by,
                Goal::Renew { anniversary, from } => m >= *from && m <= *anniversary,
                Goal::In(list) => list.contains(&m),
            }
        })
        .collect();
    match &target.goal {
        Goal::By(_) | Goal::Renew { .. } => within
            .iter()
            .copied()
            .find(|&i| target.qualified(&months[i]))
            .or_else(|| {
                within
                    .iter()
                    .copied()
                    .max_by_key(|&i| target.score(&months[i]))
            }),
        Goal::In(_) => within
            .iter()
            .copied()
            .find(|&i| !target.qualified(&months[i]))
            .or(within.first().copied()),
    }
}

/// The order of preference: less cost, then fewer uses, then uses of earlier options.
fn better(a: &(Decimal, u32, Vec<u32>), b: &(Decimal, u32, Vec<u32>)) -> bool {
    match a.0.cmp(&b.0).then(a.1.cmp(&b.1)) {
        Ordering::Less => true,
        Ordering::Greater => false,
        // More uses of an earlier option first.
        Ordering::Equal => a.2 > b.2,
    }
}

/// A change group: tenants touched by the same change options.
struct ChangeGroup {
    /// Option indices.
    options: Vec<usize>,
    /// By combination of those options' uses (mixed radix, first option fastest).
    variants: Vec<Vec<[Tally; 2]>>,
    /// Field by field over the variants.
    most: Vec<[Tally; 2]>,
    least: Vec<[Tally; 2]>,
}

impl ChangeGroup {
    fn index(&self, scenario: &Scenario, uses: &[u32]) -> usize {
        let mut index = 0;
        let mut radix = 1;
        for &o in &self.options {
            index += uses[o] as usize * radix;
            radix *= scenario.options[o].max as usize + 1;
        }
        index
    }
}

/// The parts a choice is re-scored from.
pub struct Menu<'a> {
    scenario: &'a Scenario,
    frame: Frame,
    base: Vec<[Tally; 2]>,
    /// Per option: for a win option, the tallies of its first k wins (k = 0..=max).
    wins: Vec<Option<Vec<Vec<[Tally; 2]>>>>,
    groups: Vec<ChangeGroup>,
}

fn add(into: &mut [[Tally; 2]], part: &[[Tally; 2]]) {
    for (t, p) in into.iter_mut().zip(part) {
        t[0] += p[0];
        t[1] += p[1];
    }
}

impl<'a> Menu<'a> {
    pub fn new(scenario: &'a Scenario, bases: &Bases) -> Result<Menu<'a>> {
        let rules = &scenario.rules;
        let frame = Frame::of(scenario);
        let span = Span {
            watch: None,
            ..frame.span
        };
        let (origin, last) = facts_span(scenario);
        let months = (span.last.since(span.first) + 1) as usize;
        let zero = vec![[Tally::default(); 2]; months];
        let options = &scenario.options;

        // Every win of every option, tallied one by one from a scenario with all uses.
        let all: Vec<u32> = options.iter().map(|o| o.max).collect();
        let full = scenario.with_uses(&all);
        let wins_at = scenario.tenant_count();
        let full_facts = Facts::build(&full, origin, last)?;
        let mut next = wins_at;
        let mut wins = Vec::new();
        for o in options {
            if let Action::Tenant(_) = o.action {
                let ids: Vec<usize> = (next..next + o.max as usize).collect();
                next += o.max as usize;
                let each: Vec<Vec<[Tally; 2]>> = ids
                    .par_iter()
                    .map(|&t| tally_tenants(&full_facts, rules, span, &[t]).tallies)
                    .collect();
                let mut prefix = vec![zero.clone()];
                for t in each {
                    let mut sum = prefix.last().expect("starts with none").clone();
                    add(&mut sum, &t);
                    prefix.push(sum);
                }
                wins.push(Some(prefix));
            } else {
                wins.push(None);
            }
        }
        drop(full_facts);

        // Tenants grouped by the change options that touch them.
        let mut touching: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (i, o) in options.iter().enumerate() {
            if let Action::Change(c) = &o.action {
                let Aim::Tenants(ids) = &c.target else {
                    unreachable!("change options name tenants")
                };
                for &t in ids {
                    let v = touching.entry(t).or_default();
                    if !v.contains(&i) {
                        v.push(i);
                    }
                }
            }
        }
        let mut grouped: BTreeMap<Vec<usize>, Vec<usize>> = BTreeMap::new();
        for (t, key) in touching {
            grouped.entry(key).or_default().push(t as usize);
        }
        let facts = Facts::build(scenario, origin, last)?;
        let mut base = bases.counts(scenario, &facts, span).tallies;
        let mut groups = Vec::new();
        for (key, members) in grouped {
            let combinations: usize = key.iter().map(|&o| options[o].max as usize + 1).product();
            if combinations > COMBINATIONS_AT_MOST {
                let names: Vec<&str> = key.iter().map(|&o| options[o].name.as_str()).collect();
                return Err(Error::Input(format!(
                    "the change options {} touch one tenant with {combinations} combinations of uses; seek handles at most {COMBINATIONS_AT_MOST}: lower their `max`",
                    names.join(", ")
                )));
            }
            let written = tally_tenants(&facts, rules, span, &members).tallies;
            for (b, w) in base.iter_mut().zip(&written) {
                b[0] -= w[0];
                b[1] -= w[1];
            }
            let variants: Vec<Vec<[Tally; 2]>> = (0..combinations)
                .into_par_iter()
                .map(|index| {
                    let mut uses = vec![0; options.len()];
                    let mut rest = index;
                    for &o in &key {
                        let radix = options[o].max as usize + 1;
                        uses[o] = (rest % radix) as u32;
                        rest /= radix;
                    }
                    let variant = scenario.with_uses(&uses);
                    let facts = Facts::build(&variant, origin, last)?;
                    Ok(tally_tenants(&facts, rules, span, &members).tallies)
                })
                .collect::<Result<_>>()?;
            let mut most = variants[0].clone();
            let mut least = variants[0].clone();
            for v in &variants[1..] {
                for ((m, l), t) in most.iter_mut().zip(least.iter_mut()).zip(v) {
                    for p in 0..2 {
                        m[p] = m[p].most(t[p]);
                        l[p] = l[p].least(t[p]);
                    }
                }
            }
            groups.push(ChangeGroup {
                options: key,
                variants,
                most,
                least,
            });
        }
        Ok(Menu {
            scenario,
            frame,
            base,
            wins,
            groups,
        })
    }

    /// The projected months (from `start`) with `uses`.
    pub fn score(&self, uses: &[u32]) -> Vec<MonthScore> {
        let mut scored = self.score_all(uses);
        scored.drain(..self.frame.look);
        scored
    }

    /// The look-back months and the projected ones with `uses`.
    fn score_all(&self, uses: &[u32]) -> Vec<MonthScore> {
        let mut tallies = self.base.clone();
        for (w, &u) in self.wins.iter().zip(uses) {
            if let Some(prefix) = w {
                add(&mut tallies, &prefix[u as usize]);
            }
        }
        for g in &self.groups {
            add(&mut tallies, &g.variants[g.index(self.scenario, uses)]);
        }
        let people = self.scenario.people_with_uses(uses);
        self.frame.score(&self.scenario.rules, &people, &tallies)
    }

    /// A score month by month (look-back included) that no choice agreeing with `uses` on
    /// the first `decided` options can beat.
    fn best_case(&self, uses: &[u32], decided: usize) -> Vec<MonthScore> {
        let options = &self.scenario.options;
        let mut now = self.base.clone();
        let mut year_ago = self.base.clone();
        for (i, w) in self.wins.iter().enumerate() {
            if let Some(prefix) = w {
                if i < decided {
                    add(&mut now, &prefix[uses[i] as usize]);
                    add(&mut year_ago, &prefix[uses[i] as usize]);
                } else {
                    // Wins only add: most with every use, least with none.
                    add(&mut now, &prefix[options[i].max as usize]);
                }
            }
        }
        for g in &self.groups {
            if g.options.iter().all(|&o| o < decided) {
                let v = &g.variants[g.index(self.scenario, uses)];
                add(&mut now, v);
                add(&mut year_ago, v);
            } else {
                add(&mut now, &g.most);
                add(&mut year_ago, &g.least);
            }
        }
        let most: Vec<u32> = (0..options.len())
            .map(|i| if i < decided { uses[i] } else { options[i].max })
            .collect();
        let people = self.scenario.people_with_uses(&most);
        self.frame
            .score_between(&self.scenario.rules, &people, &now, &year_ago)
    }
}

/// The cost and number of uses of a choice.
fn cost_of(scenario: &Scenario, uses: &[u32]) -> (Decimal, u32) {
    scenario
        .options
        .iter()
        .zip(uses)
        .fold((Decimal::ZERO, 0), |(c, n), (o, &u)| {
            (c + o.cost * Decimal::from(u), n + u)
        })
}

/// Checks that the target's months are projected months.
fn check_target(scenario: &Scenario, target: &Target) -> Result<()> {
    for m in target.months() {
        if m < scenario.start || m > scenario.end() {
            return Err(Error::Input(format!(
                "the target month {m} is outside the projection ({} to {}): name a month within it, or change `start` or `months`",
                scenario.start,
                scenario.end()
            )));
        }
    }
    // A plan written by `--write` extends its scenario, options included: seeking again
    // from it would win tenants it already has.
    for o in &scenario.options {
        if let Action::Tenant(_) = o.action {
            for k in 1..=o.max {
                let name = o.tenant_name(k);
                if (0..scenario.tenant_count()).any(|t| scenario.tenant_name(t) == name) {
                    return Err(Error::Input(format!(
                        "use {k} of option \"{}\" would win a tenant named \"{name}\", but the scenario already has one: rename the option (or seek from the scenario this one extends)",
                        o.name
                    )));
                }
            }
        }
    }
    if scenario.options.is_empty() {
        return Err(Error::Input(format!(
            "{}: no [[options]] to choose from: add some (see docs/seek.md)",
            scenario
                .files
                .last()
                .map_or("the scenario".into(), |f| f.display().to_string())
        )));
    }
    Ok(())
}

/// The cheapest uses of the scenario's options that meet `target` (with `confidence`:
/// meet it with at least that probability).
///
/// With more than [`PROVEN_UP_TO`] choices the search scores at most `budget` of them,
/// and starts from a greedy choice (every option at its most, then one use at a time
/// taken away, the dearest that keeps the target met first), so that it has an answer
/// however early it stops.
pub fn seek(
    scenario: &Scenario,
    target: &Target,
    confidence: Option<f64>,
    sampling: Sampling,
    bases: &Bases,
    budget: u64,
) -> Result<Sought> {
    check_target(scenario, target)?;
    let options = &scenario.options;
    let choices = crate::scenario::options::choices(options);
    let menu = Menu::new(scenario, bases)?;
    let found = match confidence {
        None => {
            // A proven search needs no start; one that may stop early does.
            let (best, scored) = if choices <= PROVEN_UP_TO {
                (None, 0)
            } else {
                greedy(&menu, target)
            };
            let mut search = Search {
                menu: &menu,
                target,
                best,
                scored,
                budget: if choices <= PROVEN_UP_TO {
                    u64::MAX
                } else {
                    budget
                },
                stopped: false,
            };
            let mut uses = vec![0; options.len()];
            search.branch(&mut uses, 0, false);
            Found {
                feasible: search.best.is_some(),
                uses: match search.best {
                    Some((_, _, uses)) => uses,
                    None => options.iter().map(|o| o.max).collect(),
                },
                proven: !search.stopped,
                scored: search.scored,
                probability: None,
            }
        }
        Some(p) => by_confidence(scenario, target, p, sampling, bases, choices)?,
    };
    let months = menu.score(&found.uses);
    let at = target_month(target, &months);
    // An option's uses are weighed in the month they are needed for: the first target
    // month the choice misses without them (with several --in months, not every one
    // needs every option), else the month the target is met.
    let adds = (0..options.len())
        .map(|i| {
            let at = at.filter(|_| found.feasible && found.uses[i] > 0)?;
            let mut without = found.uses.clone();
            without[i] = 0;
            let less = menu.score(&without);
            let k = match &target.goal {
                Goal::In(list) => list
                    .iter()
                    .filter_map(|want| months.iter().position(|m| m.month == *want))
                    .find(|&k| !target.qualified(&less[k]))
                    .unwrap_or(at),
                _ => at,
            };
            Some((
                months[k].month,
                target.score(&months[k]) - target.score(&less[k]),
            ))
        })
        .collect();
    Ok(Sought {
        target: target.clone(),
        cost: if found.feasible {
            cost_of(scenario, &found.uses).0
        } else {
            Decimal::ZERO
        },
        uses: found.uses,
        feasible: found.feasible,
        proven: found.proven,
        choices,
        scored: found.scored,
        probability: found.probability,
        confidence,
        months,
        adds,
    })
}

/// A good choice found quickly: every option at its most, then, while some use can be
/// taken away with the target still met, the dearest such use (of the latest option on a
/// tie) taken away. `None` when even every option at its most misses the target. Also
/// gives the choices it scored.
fn greedy(menu: &Menu, target: &Target) -> (Option<(Decimal, u32, Vec<u32>)>, u64) {
    let options = &menu.scenario.options;
    let mut uses: Vec<u32> = options.iter().map(|o| o.max).collect();
    let mut scored = 1;
    if !target.met(&menu.score_all(&uses)) {
        return (None, scored);
    }
    loop {
        let mut dearest: Option<usize> = None;
        for i in 0..uses.len() {
            if uses[i] == 0 || dearest.is_some_and(|d| options[d].cost > options[i].cost) {
                continue;
            }
            uses[i] -= 1;
            scored += 1;
            if target.met(&menu.score_all(&uses)) {
                dearest = Some(i);
            }
            uses[i] += 1;
        }
        match dearest {
            Some(i) => uses[i] -= 1,
            None => {
                let (cost, count) = cost_of(menu.scenario, &uses);
                return (Some((cost, count, uses)), scored);
            }
        }
    }
}

struct Search<'m, 'a> {
    menu: &'m Menu<'a>,
    target: &'m Target,
    best: Option<(Decimal, u32, Vec<u32>)>,
    scored: u64,
    budget: u64,
    stopped: bool,
}

impl Search<'_, '_> {
    /// Explores the choices that agree with `uses` on the first `decided` options (the
    /// others at 0 on entry). `unmet`: `uses` as it stands is known not to meet the target.
    fn branch(&mut self, uses: &mut Vec<u32>, decided: usize, unmet: bool) {
        let scenario = self.menu.scenario;
        if self.scored >= self.budget {
            self.stopped = true;
            return;
        }
        let (cost, count) = cost_of(scenario, uses);
        if let Some(best) = &self.best
            && (cost > best.0 || (cost == best.0 && count > best.1))
        {
            return;
        }
        // With nothing more used: every completion costs at least as much and uses more.
        if !unmet && {
            self.scored += 1;
            self.target.met(&self.menu.score_all(uses))
        } {
            let candidate = (cost, count, uses.clone());
            if self.best.as_ref().is_none_or(|b| better(&candidate, b)) {
                self.best = Some(candidate);
            }
            return;
        }
        if decided == uses.len() {
            return;
        }
        self.scored += 1;
        if !self.target.met(&self.menu.best_case(uses, decided)) {
            return;
        }
        // The option itself unused first, then more and more uses.
        for u in 0..=scenario.options[decided].max {
            uses[decided] = u;
            self.branch(uses, decided + 1, u == 0);
            if self.stopped {
                break;
            }
        }
        uses[decided] = 0;
    }
}

/// With `--confidence`: choices in order of preference, the chance of each worked out
/// by `odds` on the scenario with those uses, until one is likely enough. The first that
/// is, is the cheapest.
fn by_confidence(
    scenario: &Scenario,
    target: &Target,
    confidence: f64,
    sampling: Sampling,
    bases: &Bases,
    choices: u128,
) -> Result<Found> {
    let options = &scenario.options;
    if choices > PROVEN_UP_TO {
        return Err(Error::Input(format!(
            "with --confidence, seek weighs every choice in order of cost and handles at most {PROVEN_UP_TO} choices; these options allow {choices}: lower some `max`"
        )));
    }
    // Every choice, in order of preference.
    let mut order: Vec<(Decimal, u32, Vec<u32>)> = Vec::with_capacity(choices as usize);
    let mut uses = vec![0u32; options.len()];
    loop {
        let (c, n) = cost_of(scenario, &uses);
        order.push((c, n, uses.clone()));
        let mut i = 0;
        while i < uses.len() && uses[i] == options[i].max {
            uses[i] = 0;
            i += 1;
        }
        if i == uses.len() {
            break;
        }
        uses[i] += 1;
    }
    order.sort_by(|a, b| {
        if better(a, b) {
            Ordering::Less
        } else if better(b, a) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    });
    let mut scored = 0;
    let mut best_attempt: Option<((f64, Method, u64), Vec<u32>)> = None;
    // Proven only when every choice weighed, not only the answer, was weighed exactly:
    // a cheaper one rejected on an estimate might have been likely enough.
    let mut exact = true;
    for (_, _, uses) in order {
        scored += 1;
        let chance = odds::chance(&scenario.with_uses(&uses), sampling, bases, |months| {
            target.met(months)
        })?;
        exact &= chance.1 == Method::Exact;
        if chance.0 >= confidence {
            return Ok(Found {
                uses,
                feasible: true,
                proven: exact,
                scored,
                probability: Some(chance),
            });
        }
        if best_attempt.as_ref().is_none_or(|b| chance.0 > b.0.0) {
            best_attempt = Some((chance, uses));
        }
    }
    let (chance, uses) = best_attempt.expect("at least one choice");
    Ok(Found {
        uses,
        feasible: false,
        proven: exact,
        scored,
        probability: Some(chance),
    })
}
