//! Scenario -> monthly facts per tenant, in flat contiguous arrays.
//!
//! Each tenant's level (seats, active, ACR) is simulated month by month: a history row
//! sets the level for its month, then that month's changes apply in file order. The facts
//! that are scored are the levels rounded half-up (seats and active to whole numbers, ACR
//! to cents), zero outside the customer months, and zero on a side whose association does
//! not count (RULES.md §3).

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::error::{Error, Result};
use crate::month::Month;
use crate::scenario::History;
use crate::scenario::import::{AssocCell, HistoryRow};
use crate::scenario::model::MAX_LEVEL;
use crate::scenario::{Change, ChangeOp, Scenario, Target, Tenant};

/// Every tenant's monthly facts over `origin ..= origin + months - 1`.
///
/// Imported tenants that no change touches, usually nearly all of a big history, are
/// not stored: their facts are expanded from their history rows each time they are read,
/// into the reader's [`FactsBuf`]. That is cheaper than writing them all to fresh memory
/// once, and it leaves the history as the only large thing in memory. The others
/// (declared tenants, and imported ones with changes) are simulated once and stored.
#[derive(Debug, Clone)]
pub struct Facts {
    pub origin: Month,
    pub months: usize,
    pub tenants: usize,
    history: Option<Arc<History>>,
    window: Window,
    /// Per tenant, its row in the stored arrays, or [`EXPANDED`].
    slot: Vec<u32>,
    stored: Columns,
}

/// Not stored: expanded from the history rows when read.
const EXPANDED: u32 = u32::MAX;

/// `seats[k * months + i]` is stored tenant k's fact in month `origin + i`; likewise the others.
#[derive(Debug, Clone, Default)]
struct Columns {
    seats: Vec<u32>,
    active: Vec<u32>,
    /// Security ACR in whole cents: exact, and integer-fast for the TTM sums.
    acr_cents: Vec<i64>,
    /// Whether the Azure side counts in the month (a customer, with a counting
    /// association). RULES.md §3: when it does not, the tenant is in no Azure band that
    /// month, whatever ACR earlier months left in its TTM.
    azure_counts: Vec<bool>,
}

impl Columns {
    fn zeroed(len: usize) -> Columns {
        Columns {
            seats: vec![0; len],
            active: vec![0; len],
            acr_cents: vec![0; len],
            azure_counts: vec![false; len],
        }
    }

    fn out(&mut self) -> Out<'_> {
        Out {
            seats: &mut self.seats,
            active: &mut self.active,
            acr: &mut self.acr_cents,
            azure_counts: &mut self.azure_counts,
            standing: None,
        }
    }

    fn range(&self, r: std::ops::Range<usize>) -> TenantFacts<'_> {
        TenantFacts {
            seats: &self.seats[r.clone()],
            active: &self.active[r.clone()],
            acr_cents: &self.acr_cents[r.clone()],
            azure_counts: &self.azure_counts[r],
        }
    }
}

/// A reader's buffer for one tenant's facts (see [`Facts::tenant`]).
#[derive(Debug, Clone)]
pub struct FactsBuf(Columns);

/// One tenant's facts, month by month from the facts' origin.
#[derive(Debug, Clone, Copy)]
pub struct TenantFacts<'a> {
    pub seats: &'a [u32],
    pub active: &'a [u32],
    pub acr_cents: &'a [i64],
    pub azure_counts: &'a [bool],
}

/// One tenant's facts, copied out (for tests and small reports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantFactsOwned {
    pub seats: Vec<u32>,
    pub active: Vec<u32>,
    pub acr_cents: Vec<i64>,
    pub azure_counts: Vec<bool>,
}

impl Facts {
    /// A buffer for reading one tenant at a time; each reading thread keeps its own.
    pub fn buffer(&self) -> FactsBuf {
        FactsBuf(Columns::zeroed(self.months))
    }

    /// Tenant `t`'s facts, read from storage or expanded into `buf`.
    #[inline]
    pub fn tenant<'a>(&'a self, t: usize, buf: &'a mut FactsBuf) -> TenantFacts<'a> {
        match self.slot[t] {
            EXPANDED => self.as_imported(t, buf),
            k => {
                let k = k as usize;
                self.stored.range(k * self.months..(k + 1) * self.months)
            }
        }
    }

    /// Imported tenant `t`'s facts as its history rows alone give them, whether or not
    /// this scenario changes it (what a shared tally of the history counted).
    #[inline]
    pub fn as_imported<'a>(&'a self, t: usize, buf: &'a mut FactsBuf) -> TenantFacts<'a> {
        let rows = self.history.as_ref().expect("imported tenant").rows_of(t);
        let b = &mut buf.0;
        b.seats.fill(0);
        b.active.fill(0);
        b.acr_cents.fill(0);
        b.azure_counts.fill(false);
        history_unchanged(rows, self.window, b.out());
        b.range(0..self.months)
    }

    /// The tenants simulated and stored (declared ones, and imported ones with changes),
    /// ascending.
    pub fn stored(&self) -> Vec<usize> {
        (0..self.tenants)
            .filter(|&t| self.slot[t] != EXPANDED)
            .collect()
    }

    /// How many tenants come from the history.
    pub fn imported(&self) -> usize {
        self.history.as_ref().map_or(0, |h| h.names.len())
    }

    /// The history these facts read, to tell whether two scenarios share one.
    pub fn history(&self) -> Option<&Arc<History>> {
        self.history.as_ref()
    }

    /// Tenant `t`'s facts, copied out.
    pub fn tenant_owned(&self, t: usize) -> TenantFactsOwned {
        let mut buf = self.buffer();
        let f = self.tenant(t, &mut buf);
        TenantFactsOwned {
            seats: f.seats.to_vec(),
            active: f.active.to_vec(),
            acr_cents: f.acr_cents.to_vec(),
            azure_counts: f.azure_counts.to_vec(),
        }
    }

    /// How many tenants are simulated and stored rather than expanded when read.
    pub fn stored_tenants(&self) -> usize {
        self.stored.seats.len() / self.months.max(1)
    }

    /// Prepares `scenario`'s facts for every tenant over `origin ..= last`: simulates and
    /// stores the tenants that need it, checking their changes.
    pub fn build(scenario: &Scenario, origin: Month, last: Month) -> Result<Facts> {
        let months = (last.since(origin) + 1).max(0) as usize;
        let tenants = scenario.tenant_count();
        let plan = ChangePlan::new(scenario);
        let window = Window {
            origin,
            last,
            projection_end: scenario.end(),
        };
        let history_len = scenario.history_len();
        // Imported tenants without changes are expanded when read; the rest are stored.
        let mut slot = vec![EXPANDED; tenants];
        let mut simulated: Vec<usize> = Vec::new();
        for (t, s) in slot.iter_mut().enumerate() {
            if t >= history_len || plan.touches(t as u32) {
                *s = simulated.len() as u32;
                simulated.push(t);
            }
        }
        let mut stored = Columns::zeroed(simulated.len() * months);
        let failure = if months == 0 {
            None
        } else {
            stored
                .seats
                .par_chunks_mut(months)
                .zip(stored.active.par_chunks_mut(months))
                .zip(stored.acr_cents.par_chunks_mut(months))
                .zip(stored.azure_counts.par_chunks_mut(months))
                .zip(simulated.par_iter())
                .filter_map(|((((seats, active), acr), azure_counts), &t)| {
                    let out = Out {
                        seats,
                        active,
                        acr,
                        azure_counts,
                        standing: None,
                    };
                    let changes = plan.for_tenant(t as u32, &scenario.changes);
                    simulate(&source(scenario, t), &changes, window, out)
                        .err()
                        .map(|m| (t, m))
                })
                .min_by_key(|(t, _)| *t)
        };
        match failure {
            None => Ok(Facts {
                origin,
                months,
                tenants,
                history: scenario.history.as_ref().map(|(_, h)| h.clone()),
                window,
                slot,
                stored,
            }),
            Some((t, message)) => Err(Error::Input(
                message.replace("{tenant}", scenario.tenant_name(t)),
            )),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Window {
    origin: Month,
    last: Month,
    projection_end: Month,
}

struct Out<'a> {
    seats: &'a mut [u32],
    active: &'a mut [u32],
    acr: &'a mut [i64],
    azure_counts: &'a mut [bool],
    /// Filled only when an explanation asks why a tenant's facts are what they are.
    standing: Option<&'a mut [Standing]>,
}

/// Where a tenant stands in a month, behind its facts: whether it is a customer and
/// whether each side's association counts (RULES.md §3). Explanations word gains and
/// losses with it ("won", "churned", "association ended").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    pub customer: bool,
    pub m365_counts: bool,
    pub azure_counts: bool,
}

/// Works out tenants' standing month by month, by the same simulation that builds their
/// facts. Built once per scenario, then asked tenant by tenant.
pub struct Standings<'a> {
    scenario: &'a Scenario,
    plan: ChangePlan,
    /// The history's first month: a tenant imported from then on was already a customer.
    history_start: Option<Month>,
}

impl<'a> Standings<'a> {
    pub fn new(scenario: &'a Scenario) -> Standings<'a> {
        Standings {
            scenario,
            plan: ChangePlan::new(scenario),
            history_start: scenario.history.as_ref().and_then(|(_, h)| h.first_month()),
        }
    }

    /// Tenant `t`'s standing in every month of `origin ..= last`.
    pub fn of(&self, t: usize, origin: Month, last: Month) -> Vec<Standing> {
        let scenario = self.scenario;
        let months = (last.since(origin) + 1).max(0) as usize;
        let (mut seats, mut active) = (vec![0; months], vec![0; months]);
        let (mut acr, mut azure_counts) = (vec![0; months], vec![false; months]);
        let mut standing = vec![Standing::default(); months];
        let out = Out {
            seats: &mut seats,
            active: &mut active,
            acr: &mut acr,
            azure_counts: &mut azure_counts,
            standing: Some(&mut standing),
        };
        let changes = self.plan.for_tenant(t as u32, &scenario.changes);
        let window = Window {
            origin,
            last,
            projection_end: scenario.end(),
        };
        // The facts were built from the same inputs, so this cannot fail where they did not.
        let _ = simulate(&source(scenario, t), &changes, window, out);
        // An imported tenant is a customer from its first row on, unless its first row
        // is the export's first month: then it was a customer before the export began.
        if let (Source::History(rows), Some(start)) = (source(scenario, t), self.history_start)
            && let Some(first) = rows.first()
        {
            let from = if first.month() <= start {
                origin
            } else {
                first.month()
            };
            for (k, s) in standing.iter_mut().enumerate() {
                s.customer = origin + k as i32 >= from;
            }
        }
        standing
    }
}

fn source(scenario: &Scenario, t: usize) -> Source<'_> {
    match t.checked_sub(scenario.history_len()) {
        None => Source::History(
            scenario
                .history
                .as_ref()
                .expect("history tenant")
                .1
                .rows_of(t),
        ),
        Some(k) => Source::Declared(&scenario.tenants[k]),
    }
}

enum Source<'a> {
    History(&'a [HistoryRow]),
    Declared(&'a Tenant),
}

/// Which changes apply to which tenant, without a list per tenant when most share them.
struct ChangePlan {
    all: Vec<u32>,
    specific: HashMap<u32, Vec<u32>>,
}

impl ChangePlan {
    fn new(scenario: &Scenario) -> ChangePlan {
        let mut plan = ChangePlan {
            all: Vec::new(),
            specific: HashMap::new(),
        };
        for (i, c) in scenario.changes.iter().enumerate() {
            match &c.target {
                Target::All => plan.all.push(i as u32),
                Target::Tenants(ids) => {
                    for id in ids {
                        plan.specific.entry(*id).or_default().push(i as u32);
                    }
                }
            }
        }
        plan
    }

    /// Whether any change applies to the tenant.
    fn touches(&self, tenant: u32) -> bool {
        !self.all.is_empty() || self.specific.contains_key(&tenant)
    }

    /// The tenant's changes in file order.
    fn for_tenant<'a>(&self, tenant: u32, changes: &'a [Change]) -> Vec<&'a Change> {
        let mut ids: Vec<u32> = self.all.clone();
        if let Some(s) = self.specific.get(&tenant) {
            ids.extend(s);
            ids.sort_unstable();
        }
        ids.into_iter().map(|i| &changes[i as usize]).collect()
    }
}

/// The common case of a big import: rows only, no changes. Integers all the way.
fn history_unchanged(rows: &[HistoryRow], w: Window, out: Out<'_>) {
    let (mut m365, mut azure) = (true, true);
    let mut next = 0;
    let mut carried = (0, 0, 0);
    let first = rows.first().map_or(w.origin, |r| r.month()).min(w.origin);
    let mut month = first;
    while month <= w.last {
        if next < rows.len() && rows[next].month() == month {
            let r = rows[next];
            apply_cell(&mut m365, r.m365());
            apply_cell(&mut azure, r.azure());
            carried = (r.seats, r.active, r.acr_cents());
            next += 1;
        } else if next < rows.len() {
            carried = (0, 0, 0);
        }
        if month >= w.origin {
            let i = month.since(w.origin) as usize;
            if m365 {
                out.seats[i] = carried.0;
                out.active[i] = carried.1;
            }
            if azure {
                out.acr[i] = carried.2;
                out.azure_counts[i] = true;
            }
        }
        month = month + 1;
    }
}

fn apply_cell(counts: &mut bool, cell: AssocCell) {
    if let AssocCell::Counts(c) = cell {
        *counts = c;
    }
}

#[derive(Clone, Copy)]
struct Levels {
    seats: Decimal,
    active: Decimal,
    acr: Decimal,
    m365: bool,
    azure: bool,
}

fn simulate(
    source: &Source<'_>,
    changes: &[&Change],
    w: Window,
    mut out: Out<'_>,
) -> Result<(), String> {
    let mut levels = match source {
        Source::History(_) => Levels {
            seats: Decimal::ZERO,
            active: Decimal::ZERO,
            acr: Decimal::ZERO,
            m365: true,
            azure: true,
        },
        Source::Declared(t) => Levels {
            seats: t.seats,
            active: t.active,
            acr: t.acr,
            m365: t.m365.as_ref().is_none_or(|a| a.counts),
            azure: t.azure.as_ref().is_none_or(|a| a.counts),
        },
    };
    let rows: &[HistoryRow] = match source {
        Source::History(rows) => rows,
        Source::Declared(_) => &[],
    };
    // A planned win starts at its declared level in its `since` month: changes before it
    // do not apply to it, so the members of a group are identical wins.
    let first = match source {
        Source::Declared(Tenant {
            since: Some(since), ..
        }) => *since,
        _ => {
            let earliest_change = changes.iter().map(|c| c.month).min().unwrap_or(w.origin);
            rows.first()
                .map_or(earliest_change, |r| r.month().min(earliest_change))
                .min(w.origin)
        }
    };
    let mut next = 0;
    let mut month = first;
    while month <= w.last {
        // History facts are zero before the first row and in months without a row.
        let row_missing = next < rows.len() && rows[next].month() != month;
        if next < rows.len() && rows[next].month() == month {
            let r = rows[next];
            levels.seats = r.seats.into();
            levels.active = r.active.into();
            levels.acr = Decimal::new(r.acr_cents(), 2);
            apply_cell(&mut levels.m365, r.m365());
            apply_cell(&mut levels.azure, r.azure());
            next += 1;
        } else if next < rows.len() {
            levels.seats = Decimal::ZERO;
            levels.active = Decimal::ZERO;
            levels.acr = Decimal::ZERO;
        }
        let before = levels;
        for c in changes {
            apply_change(&mut levels, &before, c, month, w.projection_end).map_err(|fact| {
                format!(
                    "{}: this change takes the {fact} of \"{{tenant}}\" above 1,000,000,000 in {month}",
                    c.at
                )
            })?;
        }
        if month >= w.origin {
            let i = month.since(w.origin) as usize;
            // A history month without a row has zero facts, but the tenant is still a
            // customer: ACR from its earlier months still counts in its TTM.
            let (customer, has_facts) = match source {
                Source::Declared(t) => (t.is_customer(month), true),
                Source::History(_) => (true, !row_missing),
            };
            if let Some(s) = out.standing.as_deref_mut() {
                s[i] = Standing {
                    customer,
                    m365_counts: levels.m365,
                    azure_counts: levels.azure,
                };
            }
            // Levels are bounded by MAX_LEVEL, so these conversions cannot fail.
            if customer && has_facts && levels.m365 {
                out.seats[i] = whole(levels.seats);
                out.active[i] = whole(levels.active);
            }
            if customer && levels.azure {
                out.azure_counts[i] = true;
                if has_facts {
                    out.acr[i] = crate::scenario::import::cents(levels.acr).unwrap_or(i64::MAX);
                }
            }
        }
        month = month + 1;
    }
    Ok(())
}

fn whole(level: Decimal) -> u32 {
    level
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .to_u32()
        .unwrap_or(u32::MAX)
}

/// Applies what `change` does in `month`. Fails with the name of a fact it would take
/// above [`MAX_LEVEL`], which also keeps the decimal arithmetic from overflowing.
fn apply_change(
    levels: &mut Levels,
    before: &Levels,
    change: &Change,
    month: Month,
    projection_end: Month,
) -> Result<(), &'static str> {
    if month < change.month {
        return Ok(());
    }
    let once = month == change.month;
    let recurring = month <= change.until.unwrap_or(projection_end);
    let hundred = Decimal::ONE_HUNDRED;
    let facts = [
        ("seats", &mut levels.seats, before.seats, change.seats),
        (
            "active seats",
            &mut levels.active,
            before.active,
            change.active,
        ),
        ("ACR", &mut levels.acr, before.acr, change.acr),
    ];
    for (fact, level, start, op) in facts {
        let factor = |p: Decimal| Decimal::ONE + p / hundred;
        let new = match op {
            Some(ChangeOp::Set(v)) if once => Some(v),
            Some(ChangeOp::Add(v)) if once => level.checked_add(v),
            // SCENARIO.md: "relative to the level before this month", so other changes
            // in the same month do not compound with it.
            Some(ChangeOp::Percent(p)) if once => start
                .checked_mul(p / hundred)
                .and_then(|d| level.checked_add(d)),
            Some(ChangeOp::AddPerMonth(v)) if recurring => level.checked_add(v),
            Some(ChangeOp::PercentPerMonth(p)) if recurring => level.checked_mul(factor(p)),
            _ => continue,
        };
        match new {
            // SCENARIO.md: a level never goes below zero.
            Some(v) if v <= MAX_LEVEL => *level = v.max(Decimal::ZERO),
            _ => return Err(fact),
        }
    }
    if once {
        if let Some(a) = &change.m365 {
            levels.m365 = a.counts;
        }
        if let Some(a) = &change.azure {
            levels.azure = a.counts;
        }
    }
    Ok(())
}
