//! Who makes each number: the tenants and people behind every metric of a month, and the
//! ones behind a change from one month to the next.
//!
//! Each tenant is judged with the tally's own test ([`TenantBands::membership`]), the
//! judgements are added up with [`Tally::add`] and scored with [`score_path`], so an
//! explanation cannot disagree with the score it explains. Only the months asked for are
//! read; nothing is stored per tenant and month. Pure: no I/O.

use std::collections::HashMap;

use chrono::NaiveDate;
use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::facts::{Facts, Standing, Standings, TenantFacts};
use crate::money::usd_cents;
use crate::month::Month;
use crate::rules::{PathId, Ruleset};
use crate::scenario::{HeldCert, Scenario, last_counting_month};
use crate::score::{Metric, PathScore, certification_points, score_path};
use crate::skilling::{StepCounts, on_step};
use crate::tally::{AgeingEvent, BandTests, Membership, Tally, TenantBands};

/// The two sides of a metric (RULES.md §1), in the order `[azure, m365]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Azure,
    M365,
}

impl Side {
    pub const ALL: [Side; 2] = [Side::Azure, Side::M365];

    pub fn label(self) -> &'static str {
        match self {
            Side::Azure => "Azure",
            Side::M365 => "M365",
        }
    }
}

/// One tenant in one month: its scored facts and what it counts for on each path.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub seats: u32,
    pub active: u32,
    pub acr_cents: i64,
    pub ttm_cents: i64,
    /// `[enterprise, smb]`
    pub member: [Membership; 2],
    /// Before "SMB stays SMB": the bands of each path its own facts are in.
    pub own_bands: [Membership; 2],
}

impl Snapshot {
    /// Which sides count for `metric` on `path`, `[azure, m365]`.
    pub fn sides(&self, path: PathId, metric: Metric) -> [bool; 2] {
        self.member[path.index()].sides(metric)
    }

    fn units(&self, path: PathId, metric: Metric) -> i64 {
        let [a, m] = self.sides(path, metric);
        a as i64 + m as i64
    }

    /// Eligible ACR in cents and protected users this tenant adds to usage (RULES.md §7).
    pub fn usage(&self, path: PathId) -> (i64, i64) {
        let (cents, users) = self.member[path.index()].usage(self.ttm_cents, self.active);
        (cents, users as i64)
    }

    fn is_blank(&self) -> bool {
        self.seats == 0
            && self.active == 0
            && self.acr_cents == 0
            && self.ttm_cents == 0
            && self.member.iter().all(|m| m.is_empty())
    }
}

/// One tenant read at the months asked for, in the order asked.
#[derive(Debug, Clone)]
pub struct TenantView {
    pub tenant: usize,
    pub at: Vec<Snapshot>,
}

/// Reads every tenant at `months` and keeps those `keep` accepts, in tenant order.
/// Every month must be at least 23 months after the facts' origin.
pub fn read_tenants(
    facts: &Facts,
    rules: &Ruleset,
    months: &[Month],
    keep: impl Fn(&[Snapshot]) -> bool + Sync,
) -> Vec<TenantView> {
    scan_tenants(
        facts,
        rules,
        months,
        (0..facts.tenants).into_par_iter(),
        |tenant, at| {
            keep(at).then(|| TenantView {
                tenant,
                at: at.to_vec(),
            })
        },
    )
}

/// Where `months` are in the facts; each needs the 23 months before it (TTM a year back).
fn month_indices(facts: &Facts, months: &[Month]) -> Vec<usize> {
    months
        .iter()
        .map(|m| {
            let i = m.since(facts.origin);
            assert!(i >= 23, "{m} needs facts from 23 months before it");
            i as usize
        })
        .collect()
}

/// Reads `tenants` at `months` (in reused buffers) and collects what `look` makes of
/// each, in the order of `tenants`.
pub fn scan_tenants<T: Send>(
    facts: &Facts,
    rules: &Ruleset,
    months: &[Month],
    tenants: impl IndexedParallelIterator<Item = usize>,
    look: impl Fn(usize, &[Snapshot]) -> Option<T> + Sync,
) -> Vec<T> {
    let tests = BandTests::new(rules);
    let index = month_indices(facts, months);
    if index.is_empty() {
        return Vec::new();
    }
    tenants
        .with_min_len(256)
        .map_init(
            || {
                (
                    TenantBands::new(facts.months),
                    facts.buffer(),
                    vec![Snapshot::default(); index.len()],
                )
            },
            |(bands, buf, at), t| {
                snapshots(facts.tenant(t, buf), &tests, bands, &index, at);
                look(t, at)
            },
        )
        .flatten()
        .collect()
}

/// How a tenant's place in a metric changed from the same month last year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Counts now, not a year ago.
    New,
    /// Counted a year ago, not now.
    Lost,
    /// Counts in both months.
    Held,
}

impl Change {
    pub fn key(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Lost => "lost",
            Change::Held => "held",
        }
    }
}

/// One tenant behind one metric of one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub tenant: usize,
    pub name: String,
    /// Sides counted `[azure, m365]` in the month and a year before.
    pub now: [bool; 2],
    pub year_ago: [bool; 2],
    pub change: Change,
    /// Why it is new or lost, in plain words; `None` for held.
    pub why: Option<String>,
    /// Usage growth only: what it adds to the growth, in cents and users.
    pub growth_cents: i64,
    pub growth_users: i64,
}

impl Entry {
    /// What it adds to the metric's net count (sides now minus sides a year ago).
    pub fn net(&self) -> i64 {
        let n = |s: [bool; 2]| s[0] as i64 + s[1] as i64;
        n(self.now) - n(self.year_ago)
    }
}

/// A person counted on a certification step, and what puts them there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnStep {
    pub person: String,
    /// The certifications of that step that count in the month, as catalog labels.
    pub certifications: Vec<String>,
    /// The last day the person still counts on the step; `None`: does not end.
    pub counts_until: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct PathExplanation {
    pub path: PathId,
    pub score: PathScore,
    /// The path's score in the same month last year, when the facts reach two years back.
    pub score_year_ago: Option<PathScore>,
    /// Net customer adds, usage growth and deployments, in [`Metric::ALL`] order; each
    /// entry list sorted by name.
    pub metrics: Vec<(Metric, Vec<Entry>)>,
    /// `(step, people)` in ascending step order.
    pub steps: Vec<(u32, Vec<OnStep>)>,
}

impl PathExplanation {
    pub fn entries(&self, metric: Metric) -> &[Entry] {
        self.metrics
            .iter()
            .find(|(m, _)| *m == metric)
            .map_or(&[], |(_, e)| e.as_slice())
    }
}

/// One tenant's facts in the month and a year before, for a spreadsheet.
#[derive(Debug, Clone)]
pub struct TenantRow {
    pub tenant: usize,
    pub name: String,
    pub now: Snapshot,
    pub year_ago: Snapshot,
}

#[derive(Debug, Clone)]
pub struct Explanation {
    pub scenario: String,
    pub month: Month,
    /// `[enterprise, smb]`
    pub paths: [PathExplanation; 2],
    /// Every tenant with facts or a place in a metric in either month, by name.
    pub tenants: Vec<TenantRow>,
    pub path_names: [String; 2],
}

/// The facts an explanation reads: a projection's ([`crate::simulate::facts_span`]) and a
/// year more, so that it can score the same month last year too.
pub fn facts_span(scenario: &Scenario) -> (Month, Month) {
    let (origin, end) = crate::simulate::facts_span(scenario);
    (origin - 12, end)
}

/// Explains `month` of a scenario whose facts span at least [`crate::simulate::facts_span`]
/// (with [`facts_span`], the scores a year ago too).
pub fn explain(scenario: &Scenario, facts: &Facts, month: Month) -> Explanation {
    let rules = &scenario.rules;
    let year_ago = month - 12;
    // The score a year ago needs the month two years back too, when the facts reach it.
    let two_years = (month - 24).since(facts.origin) >= 23;
    let months: Vec<Month> = if two_years {
        vec![month, year_ago, month - 24]
    } else {
        vec![month, year_ago]
    };
    let views = read_tenants(facts, rules, &months, |at| at.iter().any(|s| !s.is_blank()));
    let mut tallies = [[Tally::default(); 2]; 3];
    for v in &views {
        for (k, s) in v.at.iter().enumerate() {
            for p in PathId::ALL {
                tallies[k][p.index()].add(s.member[p.index()], s.ttm_cents, s.active);
            }
        }
    }
    let mut reasons = Reasons::new(scenario, facts.origin, month);
    reasons.months = vec![month, year_ago];
    let needing: Vec<usize> = views
        .iter()
        .filter(|v| {
            PathId::ALL.into_iter().any(|p| {
                CUSTOMER_METRICS
                    .iter()
                    .any(|&m| v.at[0].sides(p, m) != v.at[1].sides(p, m))
            })
        })
        .map(|v| v.tenant)
        .collect();
    reasons.prepare(&needing);

    let people = StepCounts::in_month(&scenario.people, rules, month);
    let people_then = StepCounts::in_month(&scenario.people, rules, year_ago);
    let paths = PathId::ALL.map(|p| {
        let score_year_ago = two_years.then(|| {
            score_path(
                rules.paths.get(p),
                rules.qualifying_total.0,
                &tallies[1][p.index()],
                &tallies[2][p.index()],
                &people_then,
            )
        });
        let score = score_path(
            rules.paths.get(p),
            rules.qualifying_total.0,
            &tallies[0][p.index()],
            &tallies[1][p.index()],
            &people,
        );
        let metrics = CUSTOMER_METRICS
            .iter()
            .map(|&metric| {
                let mut entries: Vec<Entry> = views
                    .iter()
                    .filter_map(|v| entry(&reasons, v, p, metric, (0, 1)))
                    .collect();
                entries.sort_by(|a, b| a.name.cmp(&b.name).then(a.tenant.cmp(&b.tenant)));
                (metric, entries)
            })
            .collect();
        PathExplanation {
            path: p,
            score,
            score_year_ago,
            metrics,
            steps: steps_in(scenario, month),
        }
    });
    let mut tenants: Vec<TenantRow> = views
        .iter()
        .filter(|v| !(v.at[0].is_blank() && v.at[1].is_blank()))
        .map(|v| TenantRow {
            tenant: v.tenant,
            name: scenario.tenant_name(v.tenant).to_string(),
            now: v.at[0],
            year_ago: v.at[1],
        })
        .collect();
    tenants.sort_by(|a, b| a.name.cmp(&b.name).then(a.tenant.cmp(&b.tenant)));
    Explanation {
        scenario: scenario.name.clone(),
        month,
        paths,
        tenants,
        path_names: PathId::ALL.map(|p| rules.paths.get(p).name.clone()),
    }
}

const CUSTOMER_METRICS: [Metric; 3] = [
    Metric::NetCustomerAdds,
    Metric::UsageGrowth,
    Metric::Deployments,
];

/// The entry of tenant `v` in `metric`, comparing snapshot `now` with `then`.
fn entry(
    reasons: &Reasons<'_>,
    v: &TenantView,
    path: PathId,
    metric: Metric,
    (now, then): (usize, usize),
) -> Option<Entry> {
    let (a, b) = (
        v.at[now].sides(path, metric),
        v.at[then].sides(path, metric),
    );
    let (counts_now, counted) = (a.contains(&true), b.contains(&true));
    let change = match (counts_now, counted) {
        (true, false) => Change::New,
        (false, true) => Change::Lost,
        (true, true) => Change::Held,
        (false, false) => return None,
    };
    let why = match change {
        Change::New => Some(reasons.gained(v, path, metric, then, now)),
        Change::Lost => Some(reasons.lost(v, path, metric, then, now)),
        // Held, but counted on another side: that changes the net count too.
        Change::Held if a != b => {
            let mut parts = Vec::new();
            if !side_changes(b, a).is_empty() {
                parts.push(format!(
                    "counts on one more side: {}",
                    reasons.gained(v, path, metric, then, now)
                ));
            }
            if !side_changes(a, b).is_empty() {
                parts.push(format!(
                    "counts on one side less: {}",
                    reasons.lost(v, path, metric, then, now)
                ));
            }
            Some(parts.join("; "))
        }
        Change::Held => None,
    };
    let (gc_now, gu_now) = v.at[now].usage(path);
    let (gc_then, gu_then) = v.at[then].usage(path);
    let usage = metric == Metric::UsageGrowth;
    Some(Entry {
        tenant: v.tenant,
        name: reasons.scenario.tenant_name(v.tenant).to_string(),
        now: a,
        year_ago: b,
        change,
        why,
        growth_cents: if usage { gc_now - gc_then } else { 0 },
        growth_users: if usage { gu_now - gu_then } else { 0 },
    })
}

/// The people on each step in `month`, each with the certifications that put them there.
pub fn steps_in(scenario: &Scenario, month: Month) -> Vec<(u32, Vec<OnStep>)> {
    let rules = &scenario.rules;
    rules
        .steps()
        .into_iter()
        .map(|step| {
            let mut on: Vec<OnStep> = scenario
                .people
                .iter()
                .filter_map(|p| {
                    let held: Vec<&HeldCert> = on_step(p, rules, step, month).collect();
                    if held.is_empty() {
                        return None;
                    }
                    // The person counts until the last of their certifications on the step ends.
                    let counts_until = if held.iter().any(|c| c.counts_until.is_none()) {
                        None
                    } else {
                        held.iter().filter_map(|c| c.counts_until).max()
                    };
                    Some(OnStep {
                        person: p.name.clone(),
                        certifications: held
                            .iter()
                            .map(|c| rules.certifications[c.cert].short())
                            .collect(),
                        counts_until,
                    })
                })
                .collect();
            on.sort_by(|a, b| a.person.cmp(&b.person));
            (step, on)
        })
        .collect()
}

/// Words for why a tenant gained or lost its place, from where it stood month by month.
struct Reasons<'a> {
    scenario: &'a Scenario,
    tests: BandTests,
    standings: Standings<'a>,
    origin: Month,
    last: Month,
    /// The months of the snapshots being compared, in snapshot order.
    months: Vec<Month>,
    standing: HashMap<usize, Vec<Standing>>,
}

impl<'a> Reasons<'a> {
    fn new(scenario: &'a Scenario, origin: Month, last: Month) -> Reasons<'a> {
        Reasons {
            scenario,
            tests: BandTests::new(&scenario.rules),
            standings: Standings::new(scenario),
            origin,
            last,
            months: Vec::new(),
            standing: HashMap::new(),
        }
    }

    /// Works out where each of `tenants` stood, month by month (in parallel: there can be
    /// many in a big history).
    fn prepare(&mut self, tenants: &[usize]) {
        let (standings, origin, last) = (&self.standings, self.origin, self.last);
        let found: Vec<(usize, Vec<Standing>)> = tenants
            .par_iter()
            .map(|&t| (t, standings.of(t, origin, last)))
            .collect();
        self.standing.extend(found);
    }

    fn standing_of(&self, t: usize) -> &[Standing] {
        self.standing.get(&t).map_or(&[], |s| s.as_slice())
    }

    fn at(&self, months: &[Standing], month: Month) -> Standing {
        usize::try_from(month.since(self.origin))
            .ok()
            .and_then(|i| months.get(i))
            .copied()
            .unwrap_or_default()
    }

    /// The first month in `(from, to]` in which `test` holds.
    fn first(
        &self,
        months: &[Standing],
        from: Month,
        to: Month,
        test: impl Fn(Standing) -> bool,
    ) -> Option<Month> {
        (1..=to.since(from))
            .map(|k| from + k)
            .find(|&m| test(self.at(months, m)))
    }

    /// Why a tenant counts on `metric` in snapshot `now` on sides it did not in `then`.
    fn gained(
        &self,
        v: &TenantView,
        path: PathId,
        metric: Metric,
        then: usize,
        now: usize,
    ) -> String {
        let Around {
            m_then,
            m_now,
            months,
            was,
            is,
        } = self.around(v, then, now);
        if !was.customer && is.customer {
            let won = self
                .first(months, m_then, m_now, |s| s.customer)
                .unwrap_or(m_now);
            return format!("won {won}");
        }
        let (s_then, s_now) = (&v.at[then], &v.at[now]);
        let gained = side_changes(s_then.sides(path, metric), s_now.sides(path, metric));
        let parts: Vec<String> = gained
            .into_iter()
            .map(|side| {
                if !assoc(was, side) && assoc(is, side) {
                    let from = self
                        .first(months, m_then, m_now, |s| assoc(s, side))
                        .unwrap_or(m_now);
                    return format!("{} association counts from {from}", side.label());
                }
                if metric == Metric::Deployments
                    && side == Side::M365
                    && s_then.member[path.index()].m365_customer()
                {
                    return format!(
                        "enough active users: {} of {} seats",
                        s_now.active, s_now.seats
                    );
                }
                moved_into_band(side, metric, s_then, s_now)
            })
            .collect();
        parts.join("; ")
    }

    /// Why a tenant no longer counts on `metric` in snapshot `now` on sides it did in `then`.
    fn lost(
        &self,
        v: &TenantView,
        path: PathId,
        metric: Metric,
        then: usize,
        now: usize,
    ) -> String {
        let Around {
            m_then,
            m_now,
            months,
            was,
            is,
        } = self.around(v, then, now);
        if was.customer && !is.customer {
            let gone = self
                .first(months, m_then, m_now, |s| !s.customer)
                .unwrap_or(m_now);
            return format!("churned (no longer a customer from {gone})");
        }
        let (s_then, s_now) = (&v.at[then], &v.at[now]);
        let lost = side_changes(s_now.sides(path, metric), s_then.sides(path, metric));
        let rules = &self.scenario.rules;
        let parts: Vec<String> = lost
            .into_iter()
            .map(|side| {
                if assoc(was, side) && !assoc(is, side) {
                    let from = self
                        .first(months, m_then, m_now, |s| !assoc(s, side))
                        .unwrap_or(m_now);
                    return format!("{} association stopped counting in {from}", side.label());
                }
                if metric == Metric::Deployments
                    && side == Side::M365
                    && s_now.member[path.index()].m365_customer()
                {
                    return format!(
                        "too few active users: {} of {} seats",
                        s_now.active, s_now.seats
                    );
                }
                if let Some(q) = self.tests.keeps_grown_into(path)
                    && own_band(s_now.own_bands[q.index()], metric, side)
                {
                    let (p_name, q_name) = (&rules.paths.get(path).name, &rules.paths.get(q).name);
                    // RULES.md §3: it would still count here had it been in this path's
                    // band in the same month last year.
                    return if own_band(s_then.own_bands[path.index()], metric, side) {
                        format!(
                            "grew into the {q_name} band ({}) and was not {p_name} in {}, so it does not stay {p_name}",
                            facts_moved(side, metric, s_then, s_now),
                            m_now - 12
                        )
                    } else {
                        format!(
                            "its year of counting as {p_name} after growing into the {q_name} band is over"
                        )
                    };
                }
                moved_out_of_band(side, metric, s_then, s_now)
            })
            .collect();
        parts.join("; ")
    }

    fn months_at(&self, k: usize) -> Month {
        self.months[k]
    }

    /// The months of snapshots `then` and `now`, and where the tenant stood in each.
    fn around(&self, v: &TenantView, then: usize, now: usize) -> Around<'_> {
        let (m_then, m_now) = (self.months_at(then), self.months_at(now));
        let months = self.standing_of(v.tenant);
        Around {
            m_then,
            m_now,
            months,
            was: self.at(months, m_then),
            is: self.at(months, m_now),
        }
    }
}

/// Two compared months of one tenant, and where it stood in each.
struct Around<'s> {
    m_then: Month,
    m_now: Month,
    /// Its standing in every month, for finding when something changed.
    months: &'s [Standing],
    was: Standing,
    is: Standing,
}

/// "grew into the band: seats 4 -> 10", or "shrank into the band" when it came down into it.
fn moved_into_band(side: Side, metric: Metric, from: &Snapshot, to: &Snapshot) -> String {
    let verb = if level(side, to) >= level(side, from) {
        "grew"
    } else {
        "shrank"
    };
    format!(
        "{verb} into the band: {}",
        facts_moved(side, metric, from, to)
    )
}

/// "left the band: seats 50 -> 3".
fn moved_out_of_band(side: Side, metric: Metric, from: &Snapshot, to: &Snapshot) -> String {
    format!("left the band: {}", facts_moved(side, metric, from, to))
}

/// The fact a side's bands test: seats for M365, TTM ACR for Azure.
fn level(side: Side, s: &Snapshot) -> i64 {
    match side {
        Side::M365 => s.seats as i64,
        Side::Azure => s.ttm_cents,
    }
}

/// Whether a side's association counts.
fn assoc(s: Standing, side: Side) -> bool {
    match side {
        Side::Azure => s.azure_counts,
        Side::M365 => s.m365_counts,
    }
}

/// Whether a path's own bands (before "SMB stays SMB") hold the side of a metric. The
/// raw bands carry no activity test, so an M365 deployment asks for the M365 band.
fn own_band(bands: Membership, metric: Metric, side: Side) -> bool {
    let metric = match (metric, side) {
        (Metric::Deployments, Side::M365) => Metric::NetCustomerAdds,
        _ => metric,
    };
    bands.sides(metric)[side as usize]
}

/// The sides counted in `to` but not in `from`.
fn side_changes(from: [bool; 2], to: [bool; 2]) -> Vec<Side> {
    Side::ALL
        .into_iter()
        .enumerate()
        .filter(|(k, _)| to[*k] && !from[*k])
        .map(|(_, s)| s)
        .collect()
}

/// "seats 4 -> 12" or "TTM ACR 550.00 -> 640.00 USD".
fn facts_moved(side: Side, metric: Metric, from: &Snapshot, to: &Snapshot) -> String {
    match side {
        Side::M365 if metric == Metric::Deployments => format!(
            "seats {} -> {}, active {} -> {}",
            from.seats, to.seats, from.active, to.active
        ),
        Side::M365 => format!("seats {} -> {}", from.seats, to.seats),
        Side::Azure => format!(
            "TTM ACR {} -> {} USD",
            usd_cents(from.ttm_cents),
            usd_cents(to.ttm_cents)
        ),
    }
}

/// A tenant or person behind a fall in points, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub reason: String,
    /// The two as one sentence: "Northwind (won 2026-10) ages out of the twelve-month window".
    pub text: String,
}

/// Who took points from one metric of one path between a month and the month before.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lowered {
    /// The most harmful first, at most the number asked for.
    pub named: Vec<Named>,
    /// How many tenants or people took points in all.
    pub total: usize,
    /// Tenants whose change went the other way, softening the fall.
    pub offset_by: usize,
}

/// One question for [`name_movers`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Question {
    pub month: Month,
    pub path: PathId,
    pub metric: Metric,
    /// Usage growth only: what a lost cent and a lost user weigh, so that a tenant's
    /// harm is `cents * weights[0] + users * weights[1]` (see `causes::usage_weights`).
    pub weights: [i64; 2],
}

/// The tenants whose effect on a question is not zero, with that effect: the change in
/// cents and users (usage growth) or units (a count, as cents) that a tenant brought to
/// the metric's net from the month before to the month asked.
pub type Movers = Vec<(usize, (i64, i64))>;

/// The months a question reads, in snapshot order: the month, the month before, and the
/// same two a year earlier.
fn question_months(q: &Question) -> [Month; 4] {
    [q.month, q.month - 1, q.month - 12, q.month - 13]
}

/// A tenant's effect on question `q`, from its snapshots at [`question_months`].
fn effect(q: &Question, at: &[Snapshot]) -> (i64, i64) {
    let Question { path, metric, .. } = *q;
    match metric {
        Metric::IntermediateCertifications => (0, 0),
        Metric::UsageGrowth => {
            let u: [(i64, i64); 4] = std::array::from_fn(|j| at[j].usage(path));
            (
                (u[0].0 - u[2].0) - (u[1].0 - u[3].0),
                (u[0].1 - u[2].1) - (u[1].1 - u[3].1),
            )
        }
        _ => {
            let u: [i64; 4] = std::array::from_fn(|j| at[j].units(path, metric));
            ((u[0] - u[2]) - (u[1] - u[3]), 0)
        }
    }
}

/// Each question's [`Movers`] among `tenants` (ascending), as the scenario has them, each
/// tenant read once for all the questions. Certifications have no tenants: questions
/// about them are not read for.
pub fn movers(facts: &Facts, rules: &Ruleset, asked: &[Question], tenants: &[u32]) -> Vec<Movers> {
    let mut out = vec![Movers::new(); asked.len()];
    let read_for: Vec<usize> = (0..asked.len())
        .filter(|&k| asked[k].metric != Metric::IntermediateCertifications)
        .collect();
    if read_for.is_empty() || tenants.is_empty() {
        return out;
    }
    let months: Vec<Month> = read_for
        .iter()
        .flat_map(|&k| question_months(&asked[k]))
        .collect();
    let tests = BandTests::new(rules);
    let index = month_indices(facts, &months);
    // Per tenant that moved any question: its effect on each, `read_for.len()` to a
    // tenant in one flat list per worker (no allocation per tenant).
    let stride = read_for.len();
    let pieces: Vec<Vec<(usize, (i64, i64))>> = tenants
        .par_iter()
        .with_min_len(256)
        .fold(
            || {
                let at = vec![Snapshot::default(); index.len()];
                (
                    TenantBands::new(facts.months),
                    facts.buffer(),
                    at,
                    Vec::new(),
                )
            },
            |(mut bands, mut buf, mut at, mut moved), &t| {
                let t = t as usize;
                let f = facts.tenant(t, &mut buf);
                snapshots(f, &tests, &mut bands, &index, &mut at);
                let before = moved.len();
                moved.extend(
                    read_for
                        .iter()
                        .zip(at.chunks(4))
                        .map(|(&k, at)| (t, effect(&asked[k], at))),
                );
                if moved[before..].iter().all(|&(_, e)| e == (0, 0)) {
                    moved.truncate(before);
                }
                (bands, buf, at, moved)
            },
        )
        .map(|(_, _, _, moved)| moved)
        .collect();
    for piece in pieces {
        for tenant in piece.chunks(stride) {
            for (&k, &(t, e)) in read_for.iter().zip(tenant) {
                if e != (0, 0) {
                    out[k].push((t, e));
                }
            }
        }
    }
    out
}

/// For each question: the tenants or people that took points from the metric between
/// `month - 1` and `month`, naming at most `names` of them, most harmful first, from each
/// question's [`Movers`] in any order. Reasons are worked out for the named only.
pub fn name_movers(
    scenario: &Scenario,
    facts: &Facts,
    asked: &[Question],
    movers: &[Movers],
    names: usize,
) -> Vec<Lowered> {
    let rules = &scenario.rules;
    let months: Vec<Month> = asked.iter().flat_map(question_months).collect();
    let name = |t: usize| scenario.tenant_name(t);
    // Per question: the most harmful (tenant, effect), how many harmed, how many offset.
    type Chosen = (Vec<(usize, (i64, i64))>, usize, usize);
    let chosen: Vec<Chosen> = (0..asked.len())
        .into_par_iter()
        .map(|k| {
            // One scale for both sides of usage; a count is its own scale.
            let harm = |(cents, users): (i64, i64)| -> i128 {
                match asked[k].metric {
                    Metric::UsageGrowth => {
                        let [wc, wu] = asked[k].weights;
                        cents as i128 * wc as i128 + users as i128 * wu as i128
                    }
                    _ => cents as i128,
                }
            };
            let mut harmful: Vec<(i128, usize, (i64, i64))> = Vec::new();
            let mut offset_by = 0;
            for &(t, e) in &movers[k] {
                match harm(e) {
                    h if h < 0 => harmful.push((h, t, e)),
                    h if h > 0 => offset_by += 1,
                    _ => {}
                }
            }
            // Most harmful first, then by name, then by tenant id: the same whatever order
            // the movers come in. Only the named are sorted: tens of thousands can share a
            // fall.
            let order = |x: &(i128, usize, (i64, i64)), y: &(i128, usize, (i64, i64))| {
                x.0.cmp(&y.0)
                    .then_with(|| name(x.1).cmp(name(y.1)))
                    .then(x.1.cmp(&y.1))
            };
            let total = harmful.len();
            if total > names && names > 0 {
                harmful.select_nth_unstable_by(names - 1, order);
            }
            harmful.truncate(names);
            harmful.sort_unstable_by(order);
            let harmful = harmful.into_iter().map(|(_, t, e)| (t, e)).collect();
            (harmful, total, offset_by)
        })
        .collect();
    let mut ids: Vec<usize> = chosen
        .iter()
        .flat_map(|(h, _, _)| h.iter().map(|(t, _)| *t))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let views: HashMap<usize, TenantView> = read_tenants_of(facts, rules, &months, &ids)
        .into_iter()
        .map(|v| (v.tenant, v))
        .collect();
    let mut reasons = Reasons::new(
        scenario,
        facts.origin,
        facts.origin + (facts.months as i32 - 1),
    );
    reasons.prepare(&ids);
    asked
        .iter()
        .zip(chosen)
        .enumerate()
        .map(|(k, (q, (harmful, total, offset_by)))| {
            let Question {
                month,
                path,
                metric,
                ..
            } = *q;
            if metric == Metric::IntermediateCertifications {
                let mut named = people_lost(scenario, month);
                let total = named.len();
                named.truncate(names);
                return Lowered {
                    named,
                    total,
                    offset_by: 0,
                };
            }
            reasons.months = months[k * 4..k * 4 + 4].to_vec();
            let named = harmful
                .iter()
                .map(|(t, change)| {
                    let v = &views[t];
                    let at = TenantView {
                        tenant: *t,
                        at: v.at[k * 4..k * 4 + 4].to_vec(),
                    };
                    if metric == Metric::UsageGrowth {
                        usage_reason(&reasons, &at, path, metric, *change)
                    } else {
                        count_reason(&reasons, &at, path, metric)
                    }
                })
                .collect();
            Lowered {
                named,
                total,
                offset_by,
            }
        })
        .collect()
}

/// Reads only `tenants` (ascending ids) at `months`.
fn read_tenants_of(
    facts: &Facts,
    rules: &Ruleset,
    months: &[Month],
    tenants: &[usize],
) -> Vec<TenantView> {
    let tests = BandTests::new(rules);
    let index: Vec<usize> = months
        .iter()
        .map(|m| m.since(facts.origin) as usize)
        .collect();
    let (mut bands, mut buf) = (TenantBands::new(facts.months), facts.buffer());
    tenants
        .iter()
        .map(|&t| {
            let mut at = vec![Snapshot::default(); index.len()];
            snapshots(
                facts.tenant(t, &mut buf),
                &tests,
                &mut bands,
                &index,
                &mut at,
            );
            TenantView { tenant: t, at }
        })
        .collect()
}

/// A tenant's facts `f` at the months of `index` (indices into them), into `at`.
fn snapshots(
    f: TenantFacts<'_>,
    tests: &BandTests,
    bands: &mut TenantBands,
    index: &[usize],
    at: &mut [Snapshot],
) {
    let from = index.iter().copied().min().unwrap_or(23);
    let to = index.iter().copied().max().unwrap_or(from) + 1;
    bands.fill(f, tests, from - 12, to);
    for (s, &i) in at.iter_mut().zip(index) {
        *s = Snapshot {
            seats: f.seats[i],
            active: f.active[i],
            acr_cents: f.acr_cents[i],
            ttm_cents: bands.ttm_cents(i),
            member: PathId::ALL.map(|p| bands.membership(f, tests, p, i)),
            own_bands: PathId::ALL.map(|p| bands.in_own_band(p, i)),
        };
    }
}

/// Why a tenant's count fell in month (snapshot 0) against the month before (1), with
/// the same months a year earlier (2, 3).
fn count_reason(r: &Reasons<'_>, v: &TenantView, path: PathId, metric: Metric) -> Named {
    let name = r.scenario.tenant_name(v.tenant).to_string();
    let u: Vec<i64> = v.at.iter().map(|s| s.units(path, metric)).collect();
    let mut parts = Vec::new();
    let mut text = Vec::new();
    if u[0] < u[1] {
        let lost = r.lost(v, path, metric, 1, 0);
        text.push(format!("{name}: {lost}"));
        parts.push(lost);
    }
    if u[2] > u[3] {
        let gain = r.gained(v, path, metric, 3, 2);
        if u[0] == 0 && u[1] == 0 {
            // It stopped counting earlier; the same month last year still holds it.
            text.push(format!(
                "{name} ({gain}) counted in {} but no longer counts",
                r.months_at(2)
            ));
            parts.push(format!(
                "{gain}, counted in {} but no longer counts",
                r.months_at(2)
            ));
        } else {
            // Its gain of a year ago is now in both months compared, so it no longer adds.
            text.push(format!(
                "{name} ({gain}) ages out of the twelve-month window"
            ));
            parts.push(format!("{gain}, ages out of the twelve-month window"));
        }
    }
    Named {
        name,
        reason: parts.join("; "),
        text: text.join("; "),
    }
}

fn usage_reason(
    r: &Reasons<'_>,
    v: &TenantView,
    path: PathId,
    metric: Metric,
    (cents, users): (i64, i64),
) -> Named {
    let name = r.scenario.tenant_name(v.tenant).to_string();
    let u: Vec<(i64, i64)> = v.at.iter().map(|s| s.usage(path)).collect();
    let amount = |c: i64, n: i64| match (c != 0, n != 0) {
        (true, true) => format!("{} USD and {} users", usd_cents(c.abs()), n.abs()),
        (true, false) => format!("{} USD", usd_cents(c.abs())),
        _ => format!("{} users", n.abs()),
    };
    let mut parts = Vec::new();
    let (dc, du) = (u[0].0 - u[1].0, u[0].1 - u[1].1);
    if v.at[0].units(path, metric) < v.at[1].units(path, metric) {
        parts.push(r.lost(v, path, metric, 1, 0));
    } else if dc < 0 || du < 0 {
        parts.push(format!(
            "its eligible usage fell by {} this month",
            amount(dc.min(0), du.min(0))
        ));
    }
    let (yc, yu) = (u[2].0 - u[3].0, u[2].1 - u[3].1);
    if yc > 0 || yu > 0 {
        parts.push(format!(
            "in {} its eligible usage rose by {}, and that month is now the comparison",
            r.months_at(2),
            amount(yc.max(0), yu.max(0))
        ));
    }
    let reason = format!(
        "{} less growth ({})",
        amount(cents.min(0), users.min(0)),
        parts.join("; ")
    );
    Named {
        text: format!("{name}: {reason}"),
        name,
        reason,
    }
}

/// People who stopped counting on a step in `month`, with the certification that ended.
pub fn people_lost(scenario: &Scenario, month: Month) -> Vec<Named> {
    let (before, after) = (steps_in(scenario, month - 1), steps_in(scenario, month));
    let mut named = Vec::new();
    for ((step, was), (_, is)) in before.iter().zip(&after) {
        for p in was {
            if is.iter().any(|q| q.person == p.person) {
                continue;
            }
            let ended: Vec<String> = scenario
                .people
                .iter()
                .filter(|q| q.name == p.person)
                .flat_map(|q| &q.certs)
                .filter(|c| {
                    *scenario.rules.certifications[c.cert].step.get_ref() == *step
                        && c.counts_in(month - 1)
                        && !c.counts_in(month)
                })
                .map(|c| ending_words(scenario, c))
                .collect();
            let reason = ended.join("; ");
            named.push(Named {
                text: format!("{}: {reason}", p.person),
                name: p.person.clone(),
                reason,
            });
        }
    }
    named
}

/// "AZ-500 (…) stopped counting after 2027-08-31 (retired 2026-08-31)".
pub fn ending_words(scenario: &Scenario, c: &HeldCert) -> String {
    let entry = &scenario.rules.certifications[c.cert];
    let label = entry
        .code()
        .map_or(entry.name().to_string(), str::to_string);
    let through = c
        .counts_until
        .map_or("-".to_string(), |d| last_counting_month(d).to_string());
    format!(
        "{label} last counts in {through} ({})",
        ending_cause(scenario, c)
    )
}

/// Why a certification stops counting: its catalog retirement or its own expiry.
pub fn ending_cause(scenario: &Scenario, c: &HeldCert) -> String {
    let entry = &scenario.rules.certifications[c.cert];
    match (entry.counts_until(), entry.retired) {
        (Some(end), Some(retired)) if Some(end) == c.counts_until => {
            format!("retired {retired}; it counts a year after retirement")
        }
        _ => "expires, not renewed".to_string(),
    }
}

/// A certification that stops counting within the projection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificationEnding {
    pub person: String,
    /// The catalog label, and the exam code (or the name) for short.
    pub certification: String,
    pub short: String,
    pub step: u32,
    pub last_day: NaiveDate,
    /// The first month it no longer counts.
    pub month: Month,
    pub why: String,
}

/// The certifications that stop counting in one projected month, and what they cost
/// together: one may cost nothing alone while two together empty a required step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificationsEnding {
    pub month: Month,
    /// Certification points each path loses that month, `[enterprise, smb]`: the points
    /// with these certifications still counting minus the points without them.
    pub points_lost: [Decimal; 2],
    pub ending: Vec<CertificationEnding>,
}

/// The certifications that stop counting in each projected month, the first included.
pub fn certification_endings(scenario: &Scenario) -> Vec<CertificationsEnding> {
    let rules = &scenario.rules;
    // (month, person index, certificate index)
    let mut ends: Vec<(Month, usize, usize)> = Vec::new();
    for (pi, p) in scenario.people.iter().enumerate() {
        for (ci, c) in p.certs.iter().enumerate() {
            let Some(last_day) = c.counts_until else {
                continue;
            };
            let month = Month::of_date(last_day.succ_opt().unwrap_or(last_day));
            if month >= scenario.start && month <= scenario.end() && c.counts_in(month - 1) {
                ends.push((month, pi, ci));
            }
        }
    }
    ends.sort_by_key(|&(month, pi, ci)| (month, scenario.people[pi].name.clone(), ci));
    let mut out: Vec<CertificationsEnding> = Vec::new();
    for group in ends.chunk_by(|a, b| a.0 == b.0) {
        let month = group[0].0;
        let mut kept = scenario.people.clone();
        for &(_, pi, ci) in group {
            kept[pi].certs[ci].counts_until = None;
        }
        let with = StepCounts::in_month(&kept, rules, month);
        let without = StepCounts::in_month(&scenario.people, rules, month);
        let points_lost = PathId::ALL.map(|path| {
            let m = &rules.paths.get(path).certifications;
            certification_points(m, &with) - certification_points(m, &without)
        });
        let ending = group
            .iter()
            .map(|&(month, pi, ci)| {
                let (p, c) = (&scenario.people[pi], &scenario.people[pi].certs[ci]);
                let entry = &rules.certifications[c.cert];
                CertificationEnding {
                    person: p.name.clone(),
                    certification: entry.label(),
                    short: entry.short(),
                    step: *entry.step.get_ref(),
                    last_day: c.counts_until.expect("an ending certification"),
                    month,
                    why: ending_cause(scenario, c),
                }
            })
            .collect();
        out.push(CertificationsEnding {
            month,
            points_lost,
            ending,
        });
    }
    out
}

/// Tenants whose gain of a year ago stops counting as growth in a projected month: they
/// still count, but so they did in the same month last year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeingOut {
    pub month: Month,
    pub path: PathId,
    pub metric: Metric,
    /// How many tenants age out that month.
    pub count: usize,
    /// How many of the metric's units (a tenant may count on both sides) age out.
    pub units: i64,
    /// The first few by name, each with the month it started counting.
    pub tenants: Vec<(String, Month)>,
}

/// How many names an ageing-out warning carries.
pub const AGEING_NAMES: usize = 10;

/// Groups ageing events by month, path and metric, naming the first few tenants.
pub fn group_ageing(scenario: &Scenario, events: &[AgeingEvent]) -> Vec<AgeingOut> {
    // Sorted by month, path, metric and tenant, packed into one integer (a year of
    // events of a big history is a hundred thousand or more): no two are equal, so an
    // unstable sort is exact.
    let first = events.iter().map(|e| e.month).min();
    let key = |e: &AgeingEvent| {
        let month = e.month.since(first.unwrap_or(e.month)) as u64;
        month << 36 | (e.path as u64) << 34 | (e.metric as u64) << 32 | e.tenant as u64
    };
    let mut sorted: Vec<(u64, &AgeingEvent)> = events.iter().map(|e| (key(e), e)).collect();
    sorted.par_sort_unstable_by_key(|&(k, _)| k);
    let sorted: Vec<&AgeingEvent> = sorted.into_iter().map(|(_, e)| e).collect();
    let groups: Vec<&[&AgeingEvent]> = sorted
        .chunk_by(|a, b| (a.month, a.path, a.metric) == (b.month, b.path, b.metric))
        .collect();
    groups
        .into_par_iter()
        .map(|group| {
            let e = group[0];
            // A month can age out tens of thousands of tenants: the first few names are
            // picked out by reference, and only those are copied.
            let mut names: Vec<&str> = group
                .iter()
                .map(|g| scenario.tenant_name(g.tenant as usize))
                .collect();
            if names.len() > AGEING_NAMES {
                names.select_nth_unstable(AGEING_NAMES);
                names.truncate(AGEING_NAMES);
            }
            names.sort_unstable();
            AgeingOut {
                month: e.month,
                path: e.path,
                metric: e.metric,
                count: group.len(),
                units: group.iter().map(|g| g.units as i64).sum(),
                tenants: names
                    .into_iter()
                    .map(|n| (n.to_string(), e.month - 12))
                    .collect(),
            }
        })
        .collect()
}
