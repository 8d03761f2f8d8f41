//! How likely a plan is (PLANNING.md §3): planned wins, certifications and changes happen
//! each with their own probability, independently. With few uncertain events every
//! outcome is scored and weighed exactly; with more, seeded draws estimate the odds.
//!
//! An outcome costs only what its events change. Tallies add up tenant by tenant, so the
//! tenants no uncertain event touches are tallied once (the base), and the tenants that
//! share the same uncertain events (a group) are tallied once for each way those events
//! can turn out. An outcome's tallies are the base plus one variant per group; its months
//! are scored and its designation worked out by the same functions as `run`.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::error::{Error, Result};
use crate::facts::Facts;
use crate::month::Month;
use crate::rules::PathId;
use crate::scenario::{Person, Scenario, Target};
use crate::simulate::{Bases, DesignationStep, Frame, MonthScore, designate, facts_span};
use crate::tally::{Counts, Span, Tally, tally_tenants};

/// At most this many uncertain events are enumerated outcome by outcome.
pub const EXACT_AT_MOST: usize = 16;
/// Draws when there are more uncertain events and `--draws` is not given.
pub const DEFAULT_DRAWS: u32 = 10_000;
/// The most uncertain events that may touch one tenant: each tenant's variants are
/// tallied ahead, two for each event.
pub const EVENTS_PER_TENANT_AT_MOST: usize = 12;

/// How the probabilities were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Every outcome scored and weighed by its probability.
    Exact,
    /// `draws` outcomes drawn at random from `seed`.
    Sampled { draws: u32, seed: u64 },
}

/// What a planned event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A declared tenant (one member of a group) is won, or held, at all.
    Tenant(u32),
    /// A person passes a certification: indices into `people` and their `certs`.
    Certification { person: usize, cert: usize },
    /// A change (index into `changes`) happens.
    Change(usize),
}

/// A planned event with a probability below 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub kind: EventKind,
    pub probability: Decimal,
    /// In plain words, for the output ("win Contoso Health (2027-03)").
    pub label: String,
}

impl Event {
    /// Neither certain nor impossible: the only events outcomes differ in.
    pub fn is_uncertain(&self) -> bool {
        self.probability > Decimal::ZERO && self.probability < Decimal::ONE
    }
}

/// The planned events of `scenario` whose probability is below 1, in the order written:
/// tenants, then certifications, then changes.
pub fn events(scenario: &Scenario) -> Vec<Event> {
    let rules = &scenario.rules;
    let offset = scenario.history_len() as u32;
    let mut events = Vec::new();
    for (i, t) in scenario.tenants.iter().enumerate() {
        if t.probability < Decimal::ONE {
            let when = t.since.map_or(String::new(), |m| format!(" ({m})"));
            events.push(Event {
                kind: EventKind::Tenant(offset + i as u32),
                probability: t.probability,
                label: format!("win {}{when}", t.name),
            });
        }
    }
    for (p, person) in scenario.people.iter().enumerate() {
        for (c, held) in person.certs.iter().enumerate() {
            if held.probability < Decimal::ONE {
                let cert = &rules.certifications[held.cert];
                let code = cert.code.as_ref().unwrap_or(&cert.name).get_ref();
                events.push(Event {
                    kind: EventKind::Certification { person: p, cert: c },
                    probability: held.probability,
                    label: format!("{} passes {code} ({})", person.name, held.passed.month()),
                });
            }
        }
    }
    for (i, change) in scenario.changes.iter().enumerate() {
        if change.probability < Decimal::ONE {
            events.push(Event {
                kind: EventKind::Change(i),
                probability: change.probability,
                label: format!("change to {} from {}", change.written, change.month),
            });
        }
    }
    events
}

/// How many planned events of `scenario` have a probability below 1 (0 included): `run`
/// assumes they all happen, and says so.
pub fn assumed_events(scenario: &Scenario) -> usize {
    events(scenario).len()
}

/// The percentiles of a score that a fan chart draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Percentiles {
    pub p10: Decimal,
    pub p25: Decimal,
    pub p50: Decimal,
    pub p75: Decimal,
    pub p90: Decimal,
}

/// The odds in one projected month.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthOdds {
    pub month: Month,
    /// `[enterprise, smb]`
    pub p_qualified: [f64; 2],
    /// Either path.
    pub p_qualified_any: f64,
    /// Qualified in at least one projected month up to and including this one.
    pub p_first_qualified_by: f64,
    /// Could enrol in this month (RULES.md §9).
    pub p_could_enrol: f64,
    /// The headline score (the higher path total).
    pub headline: Percentiles,
}

/// The odds at an anniversary of the enrolment given with `enrolled`.
#[derive(Debug, Clone, PartialEq)]
pub struct AnniversaryOdds {
    pub month: Month,
    /// Renews at this anniversary.
    pub p_renew: f64,
}

/// How likely a plan is, month by month.
#[derive(Debug, Clone, PartialEq)]
pub struct Odds {
    pub scenario: String,
    pub method: Method,
    /// Outcomes scored: every one (exact) or the draws.
    pub outcomes: u64,
    /// The events with a probability below 1 (certain absences included).
    pub events: Vec<Event>,
    pub qualifying_total: Decimal,
    /// `[enterprise, smb]`
    pub path_names: [String; 2],
    pub months: Vec<MonthOdds>,
    pub anniversaries: Vec<AnniversaryOdds>,
}

impl Odds {
    /// The standard error of an estimated probability `p`; 0 when exact.
    pub fn standard_error(&self, p: f64) -> f64 {
        match self.method {
            Method::Exact => 0.0,
            Method::Sampled { draws, .. } => (p * (1.0 - p) / draws as f64).sqrt(),
        }
    }
}

/// How `odds` samples when it must.
#[derive(Debug, Clone, Copy)]
pub struct Sampling {
    pub draws: u32,
    pub seed: u64,
    /// Sample even when the outcomes could be enumerated (to check the sampler).
    pub always: bool,
}

impl Default for Sampling {
    fn default() -> Sampling {
        Sampling {
            draws: DEFAULT_DRAWS,
            seed: 0,
            always: false,
        }
    }
}

/// Tenants touched by the same uncertain events, and their tallies for every way those
/// events can turn out.
struct Group {
    /// Indices into the events.
    events: Vec<usize>,
    /// By mask over `events` (bit i: `events[i]` happens).
    variants: Vec<Vec<[Tally; 2]>>,
}

/// Everything an outcome needs, worked out once.
struct Prepared<'a> {
    scenario: &'a Scenario,
    frame: Frame,
    events: Vec<Event>,
    /// Indices of the uncertain events, the ones outcomes differ in.
    uncertain: Vec<usize>,
    /// The tenants no event touches.
    base: Vec<[Tally; 2]>,
    groups: Vec<Group>,
    /// Whether any certification is an event (else every outcome has the same people).
    certifications: bool,
}

/// The odds of `scenario`, exact when it has at most [`EXACT_AT_MOST`] uncertain events.
pub fn odds(scenario: &Scenario, sampling: Sampling) -> Result<Odds> {
    odds_sharing(scenario, sampling, &Bases::default())
}

/// [`odds`], sharing the history's tallies through `bases`.
pub fn odds_sharing(scenario: &Scenario, sampling: Sampling, bases: &Bases) -> Result<Odds> {
    let prepared = prepare(scenario, bases)?;
    let months = prepared.frame.end.since(prepared.frame.first) as usize + 1 - prepared.frame.look;
    let (blocks, method, outcomes) = prepared.weigh(
        sampling,
        || Weighed::new(months),
        |sums, scored, weight| sums.add(&prepared.outcome(scored), weight),
    )?;
    let mut total = Weighed::new(months);
    for b in &blocks {
        total.merge(b);
    }
    Ok(prepared.finish(total, method, outcomes))
}

/// The chance that an outcome's scored months (look-back first) meet `met`, and how it
/// was found.
pub fn chance(
    scenario: &Scenario,
    sampling: Sampling,
    bases: &Bases,
    met: impl Fn(&[MonthScore]) -> bool + Sync,
) -> Result<(f64, Method, u64)> {
    let prepared = prepare(scenario, bases)?;
    let (blocks, method, outcomes) = prepared.weigh(
        sampling,
        || (0.0, 0.0),
        |(yes, all): &mut (f64, f64), scored, weight| {
            *all += weight;
            if met(scored) {
                *yes += weight;
            }
        },
    )?;
    let (mut yes, mut all) = (0.0, 0.0);
    for (y, a) in blocks {
        yes += y;
        all += a;
    }
    Ok((
        if all > 0.0 {
            (yes / all).clamp(0.0, 1.0)
        } else {
            0.0
        },
        method,
        outcomes,
    ))
}

impl Prepared<'_> {
    /// Scores every outcome (or the draws), handing each one's scored months (look-back
    /// included) and weight to `visit`, in fixed blocks of outcomes whose sums are merged
    /// in order, so that the result does not depend on how many threads did the work.
    fn weigh<W: Send>(
        &self,
        sampling: Sampling,
        new: impl Fn() -> W + Sync,
        visit: impl Fn(&mut W, &[MonthScore], f64) + Sync,
    ) -> Result<(Vec<W>, Method, u64)> {
        let n = self.uncertain.len();
        let method = if n <= EXACT_AT_MOST && !sampling.always {
            Method::Exact
        } else {
            if sampling.draws == 0 {
                return Err(Error::Input("--draws must be at least 1".into()));
            }
            Method::Sampled {
                draws: sampling.draws,
                seed: sampling.seed,
            }
        };
        let outcomes: u64 = match method {
            Method::Exact => 1 << n,
            Method::Sampled { draws, .. } => draws as u64,
        };
        let probabilities: Vec<f64> = self
            .uncertain
            .iter()
            .map(|&e| self.events[e].probability.to_f64().unwrap_or(0.0))
            .collect();
        const BLOCK: u64 = 512;
        let blocks = (0..outcomes.div_ceil(BLOCK))
            .into_par_iter()
            .map(|b| {
                let mut sums = new();
                let mut happens = vec![false; self.events.len()];
                for i in b * BLOCK..((b + 1) * BLOCK).min(outcomes) {
                    let weight = match method {
                        Method::Exact => {
                            let mut w = 1.0;
                            for (k, &e) in self.uncertain.iter().enumerate() {
                                let on = i >> k & 1 == 1;
                                happens[e] = on;
                                w *= if on {
                                    probabilities[k]
                                } else {
                                    1.0 - probabilities[k]
                                };
                            }
                            w
                        }
                        Method::Sampled { seed, .. } => {
                            // One stream per draw: draw i is the same whichever thread
                            // takes it.
                            let mut rng = ChaCha8Rng::seed_from_u64(seed);
                            rng.set_stream(i);
                            for (k, &e) in self.uncertain.iter().enumerate() {
                                happens[e] = rng.random::<f64>() < probabilities[k];
                            }
                            1.0
                        }
                    };
                    visit(&mut sums, &self.scored(&happens), weight);
                }
                sums
            })
            .collect();
        Ok((blocks, method, outcomes))
    }
}

fn prepare<'a>(scenario: &'a Scenario, bases: &Bases) -> Result<Prepared<'a>> {
    let rules = &scenario.rules;
    let frame = Frame::of(scenario);
    // Ageing is not needed here.
    let span = Span {
        watch: None,
        ..frame.span
    };
    let events = events(scenario);
    let uncertain: Vec<usize> = (0..events.len())
        .filter(|&e| events[e].is_uncertain())
        .collect();

    // Which events may not happen on each tenant: its own existence, and the changes
    // aimed at it. Certain absences (probability 0) count too: the tenants they touch are
    // tallied without them, while the base below is the scenario as written.
    let mut touching: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    let mut everyone: Vec<usize> = Vec::new();
    for (e, event) in events.iter().enumerate() {
        match event.kind {
            EventKind::Tenant(t) => touching.entry(t).or_default().push(e),
            EventKind::Change(c) => match &scenario.changes[c].target {
                Target::All => everyone.push(e),
                Target::Tenants(ids) => {
                    for &t in ids {
                        touching.entry(t).or_default().push(e);
                    }
                }
            },
            EventKind::Certification { .. } => {}
        }
    }
    // Tenants grouped by the uncertain events that touch them (possibly none, when only
    // certain absences do).
    let is_uncertain = |e: &usize| events[*e].is_uncertain();
    let key_of = |touched: &mut dyn Iterator<Item = &usize>| -> Vec<usize> {
        let mut key: Vec<usize> = touched.filter(|e| is_uncertain(e)).copied().collect();
        key.sort_unstable();
        key.dedup();
        key
    };
    let mut groups: BTreeMap<Vec<usize>, Vec<usize>> = BTreeMap::new();
    if everyone.is_empty() {
        for (&t, touched) in &touching {
            groups
                .entry(key_of(&mut touched.iter()))
                .or_default()
                .push(t as usize);
        }
    } else {
        for t in 0..scenario.tenant_count() as u32 {
            let key = key_of(
                &mut everyone
                    .iter()
                    .chain(touching.get(&t).into_iter().flatten()),
            );
            groups.entry(key).or_default().push(t as usize);
        }
    }
    if let Some((key, members)) = groups
        .iter()
        .find(|(key, _)| key.len() > EVENTS_PER_TENANT_AT_MOST)
    {
        let name = scenario.tenant_name(members[0]);
        let file = scenario
            .files
            .last()
            .map_or(String::new(), |f| format!("{}: ", f.display()));
        return Err(Error::Input(format!(
            "{file}{} planned events with a probability between 0 and 1 touch tenant \"{name}\"; odds handle at most {EVENTS_PER_TENANT_AT_MOST} per tenant: give some of them probability 1 or merge them into one change",
            key.len()
        )));
    }

    // For every group and every way its events turn out: the changes left out (certain
    // absences always) and the tenants kept.
    let never: Vec<usize> = events
        .iter()
        .filter(|e| e.probability <= Decimal::ZERO)
        .filter_map(|e| match e.kind {
            EventKind::Change(c) => Some(c),
            _ => None,
        })
        .collect();
    let absent = |t: usize| {
        events
            .iter()
            .any(|e| e.probability <= Decimal::ZERO && e.kind == EventKind::Tenant(t as u32))
    };
    type Variant = (Vec<usize>, Vec<usize>);
    let planned: Vec<(Vec<usize>, Vec<usize>, Vec<Variant>)> = groups
        .into_iter()
        .map(|(key, members)| {
            let variants = (0..1usize << key.len())
                .map(|mask| {
                    let on = |i: usize| mask >> i & 1 == 1;
                    let mut left_out: Vec<usize> = key
                        .iter()
                        .enumerate()
                        .filter_map(|(i, &e)| match events[e].kind {
                            EventKind::Change(c) if !on(i) => Some(c),
                            _ => None,
                        })
                        .chain(never.iter().copied())
                        .collect();
                    left_out.sort_unstable();
                    let kept: Vec<usize> = members
                        .iter()
                        .copied()
                        .filter(|&t| {
                            !absent(t)
                                && key.iter().enumerate().all(|(i, &e)| {
                                    on(i) || events[e].kind != EventKind::Tenant(t as u32)
                                })
                        })
                        .collect();
                    (left_out, kept)
                })
                .collect();
            (key, members, variants)
        })
        .collect();

    // The base: every tenant as written, less the group members.
    let (origin, last) = facts_span(scenario);
    let as_written = Facts::build(scenario, origin, last)?;
    let mut members: Vec<usize> = planned.iter().flat_map(|(_, m, _)| m.clone()).collect();
    members.sort_unstable();
    let base = if members.len() == scenario.tenant_count() {
        empty(span).tallies
    } else {
        let mut base = bases.counts(scenario, &as_written, span).tallies;
        let written = tally_tenants(&as_written, rules, span, &members).tallies;
        for (b, w) in base.iter_mut().zip(&written) {
            b[0] -= w[0];
            b[1] -= w[1];
        }
        base
    };
    drop(members);

    // Each group's variants, tallied set of changes left out by set: the facts of one set
    // are built, used by every variant that leaves out that set, and dropped, so memory
    // holds one set's facts however many sets there are.
    let mut by_left_out: BTreeMap<&Vec<usize>, Vec<(usize, usize)>> = BTreeMap::new();
    for (g, (_, _, variants)) in planned.iter().enumerate() {
        for (v, (left_out, kept)) in variants.iter().enumerate() {
            if !kept.is_empty() {
                by_left_out.entry(left_out).or_default().push((g, v));
            }
        }
    }
    let mut tallied: Vec<Vec<Vec<[Tally; 2]>>> = planned
        .iter()
        .map(|(_, _, variants)| vec![Vec::new(); variants.len()])
        .collect();
    for (left_out, uses) in by_left_out {
        let built;
        let facts = if left_out.is_empty() {
            &as_written
        } else {
            let mut variant = scenario.clone();
            variant.changes = scenario
                .changes
                .iter()
                .enumerate()
                .filter(|(i, _)| left_out.binary_search(i).is_err())
                .map(|(_, c)| c.clone())
                .collect();
            built = Facts::build(&variant, origin, last).map_err(|e| {
                let without: Vec<&str> = left_out
                    .iter()
                    .filter_map(|&c| {
                        events
                            .iter()
                            .find(|e| e.kind == EventKind::Change(c))
                            .map(|e| e.label.as_str())
                    })
                    .collect();
                Error::Input(format!(
                    "in the outcomes without {}: {e}",
                    without.join(", ")
                ))
            })?;
            &built
        };
        let results: Vec<Vec<[Tally; 2]>> = uses
            .par_iter()
            .map(|&(g, v)| tally_tenants(facts, rules, span, &planned[g].2[v].1).tallies)
            .collect();
        for (&(g, v), t) in uses.iter().zip(results) {
            tallied[g][v] = t;
        }
    }
    let groups: Vec<Group> = planned
        .into_iter()
        .zip(tallied)
        .map(|((key, _, _), variants)| Group {
            events: key,
            variants: variants
                .into_iter()
                .map(|v| if v.is_empty() { empty(span).tallies } else { v })
                .collect(),
        })
        .collect();
    let certifications = events
        .iter()
        .any(|e| matches!(e.kind, EventKind::Certification { .. }));
    Ok(Prepared {
        scenario,
        frame,
        events,
        uncertain,
        base,
        groups,
        certifications,
    })
}

fn empty(span: Span) -> Counts {
    Counts {
        tallies: vec![[Tally::default(); 2]; (span.last.since(span.first) + 1) as usize],
        events: Vec::new(),
        counted: Vec::new(),
    }
}

/// What one outcome comes to, for weighing.
struct Outcome {
    /// Per projected month: qualified on each path and on either.
    qualified: Vec<[bool; 3]>,
    headline: Vec<Decimal>,
    can_enrol: Vec<bool>,
    /// Renewals and lapses: (month, renewed).
    anniversaries: Vec<(Month, bool)>,
}

impl Prepared<'_> {
    /// Scores the outcome in which exactly the events with `happens[e]` happen (events
    /// that are not uncertain are read from their probability: 1 happens, 0 does not):
    /// the frame's months, look-back first.
    fn scored(&self, happens: &[bool]) -> Vec<MonthScore> {
        let scenario = self.scenario;
        let on = |e: usize| {
            let p = self.events[e].probability;
            if p >= Decimal::ONE {
                true
            } else if p <= Decimal::ZERO {
                false
            } else {
                happens[e]
            }
        };
        let mut tallies = self.base.clone();
        for g in &self.groups {
            let mask = g
                .events
                .iter()
                .enumerate()
                .fold(0, |m, (i, &e)| m | (on(e) as usize) << i);
            for (t, v) in tallies.iter_mut().zip(&g.variants[mask]) {
                t[0] += v[0];
                t[1] += v[1];
            }
        }
        let people: Vec<Person>;
        let people: &[Person] = if self.certifications {
            people = self.people_with(&on);
            &people
        } else {
            &scenario.people
        };
        self.frame.score(&scenario.rules, people, &tallies)
    }

    /// What an outcome's scored months come to, for weighing.
    fn outcome(&self, scored: &[MonthScore]) -> Outcome {
        let (lookback, months) = scored.split_at(self.frame.look);
        let designation = designate(
            &self.scenario.rules,
            self.scenario.first_anniversary(),
            lookback,
            months,
        );
        Outcome {
            qualified: months
                .iter()
                .map(|m| [m.paths[0].qualified, m.paths[1].qualified, m.qualified])
                .collect(),
            headline: months.iter().map(MonthScore::headline).collect(),
            can_enrol: designation.can_enrol,
            anniversaries: designation
                .events
                .iter()
                .filter(|e| e.step != DesignationStep::Enrol)
                .map(|e| (e.month, e.step == DesignationStep::Renew))
                .collect(),
        }
    }

    /// The people with only the certifications that happen.
    fn people_with(&self, on: &impl Fn(usize) -> bool) -> Vec<Person> {
        let mut people = self.scenario.people.clone();
        let mut dropped: Vec<(usize, usize)> = self
            .events
            .iter()
            .enumerate()
            .filter_map(|(e, ev)| match ev.kind {
                EventKind::Certification { person, cert } if !on(e) => Some((person, cert)),
                _ => None,
            })
            .collect();
        // From the back, so that earlier indices stay put.
        dropped.sort_unstable_by(|a, b| b.cmp(a));
        for (person, cert) in dropped {
            people[person].certs.remove(cert);
        }
        people
    }

    fn finish(&self, total: Weighed, method: Method, outcomes: u64) -> Odds {
        let scenario = self.scenario;
        let rules = &scenario.rules;
        let weight = total.weight;
        let p = |x: f64| {
            if weight > 0.0 {
                (x / weight).clamp(0.0, 1.0)
            } else {
                0.0
            }
        };
        let first_month = scenario.start;
        let months = (0..total.qualified.len())
            .map(|k| {
                let spread = &total.headline[k];
                let at = |q: f64| percentile(spread, weight, q);
                MonthOdds {
                    month: first_month + k as i32,
                    p_qualified: [p(total.qualified[k][0]), p(total.qualified[k][1])],
                    p_qualified_any: p(total.qualified[k][2]),
                    p_first_qualified_by: p(total.first_by[k]),
                    p_could_enrol: p(total.can_enrol[k]),
                    headline: Percentiles {
                        p10: at(0.10),
                        p25: at(0.25),
                        p50: at(0.50),
                        p75: at(0.75),
                        p90: at(0.90),
                    },
                }
            })
            .collect();
        // The anniversaries of the enrolment the scenario gives, renewal after renewal.
        let mut anniversaries = Vec::new();
        if let Some(first) = scenario.first_anniversary() {
            let mut month = first;
            while month <= scenario.end() {
                anniversaries.push(AnniversaryOdds {
                    month,
                    p_renew: p(total.renewed.get(&month).copied().unwrap_or(0.0)),
                });
                month = month + 12;
            }
        }
        Odds {
            scenario: scenario.name.clone(),
            method,
            outcomes,
            events: self.events.clone(),
            qualifying_total: rules.qualifying_total.0,
            path_names: PathId::ALL.map(|p| rules.paths.get(p).name.clone()),
            months,
            anniversaries,
        }
    }
}

/// The smallest score s with P(score <= s) >= q. Sums of floating-point weights can fall
/// a hair short of q, hence the tolerance: relative, and far below any probability an
/// outcome written with a few decimals can have, yet above the rounding of summing at
/// most 65,536 weights.
fn percentile(spread: &BTreeMap<Decimal, f64>, weight: f64, q: f64) -> Decimal {
    let mut below = 0.0;
    for (&score, &w) in spread {
        below += w;
        if below >= q * weight * (1.0 - 1e-12) {
            return score;
        }
    }
    spread.keys().next_back().copied().unwrap_or(Decimal::ZERO)
}

/// Weighted sums over outcomes.
struct Weighed {
    weight: f64,
    qualified: Vec<[f64; 3]>,
    first_by: Vec<f64>,
    can_enrol: Vec<f64>,
    headline: Vec<BTreeMap<Decimal, f64>>,
    renewed: BTreeMap<Month, f64>,
}

impl Weighed {
    fn new(months: usize) -> Weighed {
        Weighed {
            weight: 0.0,
            qualified: vec![[0.0; 3]; months],
            first_by: vec![0.0; months],
            can_enrol: vec![0.0; months],
            headline: vec![BTreeMap::new(); months],
            renewed: BTreeMap::new(),
        }
    }

    fn add(&mut self, o: &Outcome, w: f64) {
        self.weight += w;
        let mut yet = false;
        for k in 0..o.qualified.len() {
            for (s, q) in self.qualified[k].iter_mut().zip(o.qualified[k]) {
                if q {
                    *s += w;
                }
            }
            yet |= o.qualified[k][2];
            if yet {
                self.first_by[k] += w;
            }
            if o.can_enrol[k] {
                self.can_enrol[k] += w;
            }
            *self.headline[k].entry(o.headline[k]).or_insert(0.0) += w;
        }
        for &(month, renewed) in &o.anniversaries {
            if renewed {
                *self.renewed.entry(month).or_insert(0.0) += w;
            }
        }
    }

    fn merge(&mut self, o: &Weighed) {
        self.weight += o.weight;
        for k in 0..self.qualified.len() {
            for j in 0..3 {
                self.qualified[k][j] += o.qualified[k][j];
            }
            self.first_by[k] += o.first_by[k];
            self.can_enrol[k] += o.can_enrol[k];
            for (&s, &w) in &o.headline[k] {
                *self.headline[k].entry(s).or_insert(0.0) += w;
            }
        }
        for (&m, &w) in &o.renewed {
            *self.renewed.entry(m).or_insert(0.0) += w;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn a_percentile_is_not_reached_a_billionth_early() {
        // P(score <= 1) falls short of 10% by a ten-billionth: P10 is 2.
        let spread = BTreeMap::from([(dec!(1), 0.1 - 1e-10), (dec!(2), 0.9 + 1e-10)]);
        assert_eq!(percentile(&spread, 1.0, 0.10), dec!(2));
        // Exactly 10%, summed in pieces that round: P10 is 1.
        let pieces = (0..10).map(|_| 0.01).sum::<f64>();
        assert_ne!(pieces, 0.1, "the sum rounds");
        let spread = BTreeMap::from([(dec!(1), pieces), (dec!(2), 0.9)]);
        assert_eq!(percentile(&spread, 1.0, 0.10), dec!(1));
    }
}
