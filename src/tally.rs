//! Facts -> per month and path, the counts the scoring core needs: how many tenants
//! contribute and deploy on each side, eligible ACR and protected users.
//!
//! Each tenant is visited once; its trailing-twelve-month ACR is a running sum and its
//! band membership a bitmask per month, so the cost is linear in tenants x months.

use std::ops::{AddAssign, SubAssign};

use rayon::prelude::*;
use serde::Serialize;

use crate::facts::{Facts, FactsBuf, TenantFacts};
use crate::month::Month;
use crate::rules::{IntBand, PathId, PathRules, Ruleset};
use crate::score::Metric;

/// What one path counts in one month, before comparing with the year before.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Tenants in the Azure net-customer-adds band.
    pub azure_customers: u32,
    /// Tenants in the path's M365 band.
    pub m365_customers: u32,
    pub azure_deployments: u32,
    pub m365_deployments: u32,
    /// Sum of TTM Security ACR, in cents, over tenants in the Azure usage band.
    pub azure_eligible_acr_cents: i64,
    /// Sum of active seats over tenants in the M365 band.
    pub m365_protected_users: u64,
}

impl SubAssign for Tally {
    /// Takes away counts that were added: never below zero.
    fn sub_assign(&mut self, o: Tally) {
        self.azure_customers -= o.azure_customers;
        self.m365_customers -= o.m365_customers;
        self.azure_deployments -= o.azure_deployments;
        self.m365_deployments -= o.m365_deployments;
        self.azure_eligible_acr_cents -= o.azure_eligible_acr_cents;
        self.m365_protected_users -= o.m365_protected_users;
    }
}

impl AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.azure_customers += o.azure_customers;
        self.m365_customers += o.m365_customers;
        self.azure_deployments += o.azure_deployments;
        self.m365_deployments += o.m365_deployments;
        self.azure_eligible_acr_cents += o.azure_eligible_acr_cents;
        self.m365_protected_users += o.m365_protected_users;
    }
}

impl Tally {
    /// Field by field, the larger of the two.
    pub fn most(self, o: Tally) -> Tally {
        Tally {
            azure_customers: self.azure_customers.max(o.azure_customers),
            m365_customers: self.m365_customers.max(o.m365_customers),
            azure_deployments: self.azure_deployments.max(o.azure_deployments),
            m365_deployments: self.m365_deployments.max(o.m365_deployments),
            azure_eligible_acr_cents: self
                .azure_eligible_acr_cents
                .max(o.azure_eligible_acr_cents),
            m365_protected_users: self.m365_protected_users.max(o.m365_protected_users),
        }
    }

    /// Field by field, the smaller of the two.
    pub fn least(self, o: Tally) -> Tally {
        Tally {
            azure_customers: self.azure_customers.min(o.azure_customers),
            m365_customers: self.m365_customers.min(o.m365_customers),
            azure_deployments: self.azure_deployments.min(o.azure_deployments),
            m365_deployments: self.m365_deployments.min(o.m365_deployments),
            azure_eligible_acr_cents: self
                .azure_eligible_acr_cents
                .min(o.azure_eligible_acr_cents),
            m365_protected_users: self.m365_protected_users.min(o.m365_protected_users),
        }
    }
}

const M365: u8 = 1;
const AZURE_NCA: u8 = 2;
const AZURE_DEPLOY: u8 = 4;
const AZURE_USAGE: u8 = 8;
const M365_DEPLOY: u8 = 16;

/// What one tenant counts for on one path in one month (RULES.md §3–§7): the bands it is
/// in, after "SMB stays SMB", and whether its M365 side is an eligible deployment. The
/// tally adds these up; explanations read them tenant by tenant, so both use one test.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Membership(u8);

impl Membership {
    /// In the Azure net-customer-adds band: contributes on the Azure side (§4).
    pub fn azure_customer(self) -> bool {
        self.0 & AZURE_NCA != 0
    }
    /// In the path's M365 band: contributes on the M365 side (§4) and its active users
    /// are protected users (§7).
    pub fn m365_customer(self) -> bool {
        self.0 & M365 != 0
    }
    pub fn azure_deployment(self) -> bool {
        self.0 & AZURE_DEPLOY != 0
    }
    /// In the M365 band with enough of its seats active (§6).
    pub fn m365_deployment(self) -> bool {
        self.0 & M365_DEPLOY != 0
    }
    /// In the Azure usage band: its TTM ACR is eligible ACR (§7).
    pub fn azure_usage(self) -> bool {
        self.0 & AZURE_USAGE != 0
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The sides `[azure, m365]` on which the tenant counts for a customer metric: it
    /// contributes (RULES.md §4), is an eligible deployment (§6), or is in a usage band
    /// (§7). Certifications have no sides.
    #[inline]
    pub fn sides(self, metric: Metric) -> [bool; 2] {
        match metric {
            Metric::NetCustomerAdds => [self.azure_customer(), self.m365_customer()],
            Metric::Deployments => [self.azure_deployment(), self.m365_deployment()],
            Metric::UsageGrowth => [self.azure_usage(), self.m365_customer()],
            Metric::IntermediateCertifications => [false, false],
        }
    }

    /// What the tenant adds to usage (RULES.md §7): its TTM ACR in cents where it is in
    /// the Azure usage band, and its active users where it is in the M365 band.
    #[inline]
    pub fn usage(self, ttm_cents: i64, active: u32) -> (i64, u64) {
        let [azure, m365] = self.sides(Metric::UsageGrowth);
        (
            if azure { ttm_cents } else { 0 },
            if m365 { active as u64 } else { 0 },
        )
    }
}

/// A path's bands as integer ranges (seats; ACR in cents).
#[derive(Debug, Clone, Copy)]
struct CompiledPath {
    m365_seats: IntBand,
    azure_nca: IntBand,
    azure_deploy: IntBand,
    azure_usage: IntBand,
    /// An M365 deployment needs `active * den >= num * seats`.
    share_num: i128,
    share_den: i128,
    /// RULES.md §3 "SMB stays SMB": the path whose bands a tenant may grow into and still count here.
    keeps_grown_into: Option<usize>,
}

impl CompiledPath {
    fn new(p: &PathRules) -> CompiledPath {
        let share = p.deployments.m365_min_active_share.0;
        CompiledPath {
            m365_seats: p.bands.m365_seats.compile(1),
            azure_nca: p.bands.azure_net_customer_adds.compile(100),
            azure_deploy: p.bands.azure_deployments.compile(100),
            azure_usage: p.bands.azure_usage_growth.compile(100),
            share_num: share.mantissa(),
            share_den: 10i128.pow(share.scale()),
            keeps_grown_into: p.keeps_tenants_grown_into.as_ref().map(|k| {
                match k.get_ref().as_str() {
                    "smb" => PathId::Smb.index(),
                    _ => PathId::Enterprise.index(),
                }
            }),
        }
    }

    #[inline]
    fn bands(&self, seats: u32, ttm: i64, azure_counts: bool) -> u8 {
        let m365 = self.m365_seats.contains(seats as i64) as u8 * M365;
        if !azure_counts {
            return m365;
        }
        m365 | (self.azure_nca.contains(ttm) as u8 * AZURE_NCA)
            | (self.azure_deploy.contains(ttm) as u8 * AZURE_DEPLOY)
            | (self.azure_usage.contains(ttm) as u8 * AZURE_USAGE)
    }
}

/// The ruleset's band tests for both paths, compiled to integers once.
#[derive(Debug, Clone, Copy)]
pub struct BandTests([CompiledPath; 2]);

impl BandTests {
    pub fn new(rules: &Ruleset) -> BandTests {
        BandTests(PathId::ALL.map(|p| CompiledPath::new(rules.paths.get(p))))
    }

    /// The path a tenant of `path` may grow into and still count on `path` for a year.
    pub fn keeps_grown_into(&self, path: PathId) -> Option<PathId> {
        self.0[path.index()]
            .keeps_grown_into
            .map(|i| PathId::ALL[i])
    }
}

/// One tenant's trailing-twelve-month ACR and raw bands month by month, in buffers that
/// are reused from tenant to tenant (no allocation per tenant).
#[derive(Debug, Clone)]
pub struct TenantBands {
    ttm: Vec<i64>,
    bands: Vec<[u8; 2]>,
}

impl TenantBands {
    /// Buffers for tenants with `months` months of facts.
    pub fn new(months: usize) -> TenantBands {
        TenantBands {
            ttm: vec![0; months],
            bands: vec![[0; 2]; months],
        }
    }

    /// Works out TTM and bands for the months `from..to` of `f`. `from` must be at least
    /// 11 (TTM needs the 11 months before), and [`membership`](Self::membership) of month i
    /// needs `i - 12 >= from` (SMB stays SMB looks a year back).
    #[inline]
    pub fn fill(&mut self, f: TenantFacts<'_>, tests: &BandTests, from: usize, to: usize) {
        let paths = &tests.0;
        // Months from-11 ..= from-1; each step adds month i and drops month i-12.
        let mut ttm: i64 = f.acr_cents[from - 11..from].iter().sum();
        for i in from..to.min(f.acr_cents.len()) {
            ttm += f.acr_cents[i];
            if i > from {
                ttm -= f.acr_cents[i - 12];
            }
            self.ttm[i] = ttm;
            self.bands[i] = [
                paths[0].bands(f.seats[i], ttm, f.azure_counts[i]),
                paths[1].bands(f.seats[i], ttm, f.azure_counts[i]),
            ];
        }
    }

    /// Trailing-twelve-month counted ACR in cents at month index `i` (after [`fill`](Self::fill)).
    pub fn ttm_cents(&self, i: usize) -> i64 {
        self.ttm[i]
    }

    /// Whether month i is in a band of `path` on its own facts, before "SMB stays SMB".
    pub fn in_own_band(&self, path: PathId, i: usize) -> Membership {
        Membership(self.bands[i][path.index()])
    }

    /// What the tenant counts for on `path` in month index `i`.
    #[inline]
    pub fn membership(
        &self,
        f: TenantFacts<'_>,
        tests: &BandTests,
        path: PathId,
        i: usize,
    ) -> Membership {
        let p = path.index();
        let rules = &tests.0[p];
        let mut b = self.bands[i][p];
        if let Some(q) = rules.keeps_grown_into {
            b |= self.bands[i - 12][p] & self.bands[i][q];
        }
        let (seats, active) = (f.seats[i], f.active[i]);
        let deployed =
            b & M365 != 0 && active as i128 * rules.share_den >= rules.share_num * seats as i128;
        Membership(b | (deployed as u8 * M365_DEPLOY))
    }
}

impl Tally {
    /// Adds one tenant's month: `ttm` in cents and `active` users count where it is in band.
    #[inline]
    pub fn add(&mut self, m: Membership, ttm_cents: i64, active: u32) {
        let [azure, m365] = m.sides(Metric::NetCustomerAdds);
        self.azure_customers += azure as u32;
        self.m365_customers += m365 as u32;
        let [azure, m365] = m.sides(Metric::Deployments);
        self.azure_deployments += azure as u32;
        self.m365_deployments += m365 as u32;
        let (cents, users) = m.usage(ttm_cents, active);
        self.azure_eligible_acr_cents += cents;
        self.m365_protected_users += users;
    }
}

/// A tenant whose gain of a year ago stops adding to a metric's net count in a month:
/// it counts then, and it started counting in the same month last year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgeingEvent {
    pub tenant: u32,
    pub month: Month,
    pub path: PathId,
    pub metric: Metric,
    /// How many of the metric's units (sides) age out.
    pub units: u8,
}

/// Which months a tally covers, and from which month it watches for ageing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    pub first: Month,
    pub last: Month,
    /// At least 13 months after `first`.
    pub watch: Option<Month>,
}

/// The tallies and ageing events of a set of tenants over a [`Span`]. Counts are integers,
/// so tenants can be added and taken away exactly, in any order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    pub tallies: Vec<[Tally; 2]>,
    pub events: Vec<AgeingEvent>,
    /// The tenants (ascending) that count for some metric on some path in some tallied
    /// month. Only these can move a score, so only these need naming as causes.
    pub counted: Vec<u32>,
}

/// How a tenant is read for a tally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    /// As the scenario has it.
    Scenario,
    /// As its history rows alone give it (what every plan on the history shares).
    Imported,
}

impl Read {
    /// Tenant `t`'s facts, read this way.
    #[inline]
    fn facts<'a>(self, facts: &'a Facts, t: usize, buf: &'a mut FactsBuf) -> TenantFacts<'a> {
        match self {
            Read::Scenario => facts.tenant(t, buf),
            Read::Imported => facts.as_imported(t, buf),
        }
    }
}

/// Every tenant's counts over `span`: the tallies for every month of `first ..= last`,
/// `[enterprise, smb]` each, and from `watch` on the net customer adds and deployments
/// that age out, found in the same pass. `facts` must start at least 23 months before
/// `first` (TTM at `first - 12`).
pub fn tally(facts: &Facts, rules: &Ruleset, span: Span) -> Counts {
    let all: Vec<usize> = (0..facts.tenants).collect();
    count_tenants(facts, rules, span, &all, Read::Scenario)
}

/// The counts of `tenants` alone, as the scenario has them: a part of a tally that can be
/// added to or taken from others (odds add the tenants an outcome keeps).
pub fn tally_tenants(facts: &Facts, rules: &Ruleset, span: Span, tenants: &[usize]) -> Counts {
    count_tenants(facts, rules, span, tenants, Read::Scenario)
}

/// The counts of every imported tenant as its rows stand: the part of a tally that plans
/// sharing one history share. [`Counts::adjusted`] turns it into one plan's tally.
pub fn history_counts(facts: &Facts, rules: &Ruleset, span: Span) -> Counts {
    let imported: Vec<usize> = (0..facts.imported()).collect();
    count_tenants(facts, rules, span, &imported, Read::Imported)
}

impl Counts {
    /// These history counts made into the scenario's own: the imported tenants it changes
    /// are taken away as imported and added as changed, its declared tenants added. The
    /// cost is that of the changed and declared tenants only.
    pub fn adjusted(&self, facts: &Facts, rules: &Ruleset, span: Span) -> Counts {
        let stored = facts.stored();
        let changed: Vec<usize> = stored
            .iter()
            .copied()
            .filter(|&t| t < facts.imported())
            .collect();
        let out = count_tenants(facts, rules, span, &changed, Read::Imported);
        let add = count_tenants(facts, rules, span, &stored, Read::Scenario);
        let mut tallies = self.tallies.clone();
        for ((t, o), a) in tallies.iter_mut().zip(&out.tallies).zip(&add.tallies) {
            for p in 0..2 {
                t[p] -= o[p];
                t[p] += a[p];
            }
        }
        let mut events: Vec<AgeingEvent> = self
            .events
            .iter()
            .filter(|e| changed.binary_search(&(e.tenant as usize)).is_err())
            .copied()
            .collect();
        events.extend(add.events);
        let mut counted: Vec<u32> = self
            .counted
            .iter()
            .filter(|&&t| changed.binary_search(&(t as usize)).is_err())
            .copied()
            .chain(add.counted)
            .collect();
        counted.sort_unstable();
        Counts {
            tallies,
            events,
            counted,
        }
    }
}

/// Counts `tenants`, read as `read` says.
fn count_tenants(
    facts: &Facts,
    rules: &Ruleset,
    span: Span,
    tenants: &[usize],
    read: Read,
) -> Counts {
    let Span { first, last, watch } = span;
    let tests = BandTests::new(rules);
    let offset = first.since(facts.origin);
    assert!(
        offset >= 23,
        "facts start {} months before the first tallied month; 23 are needed",
        offset
    );
    let count = (last.since(first) + 1).max(0) as usize;
    let offset = offset as usize;
    let watch = watch.map(|m| {
        let k = m.since(first);
        assert!(
            k >= 13,
            "ageing is watched from 13 months after the first tallied month"
        );
        k as usize
    });

    let fold = |mut acc: Scratch, t: &usize| {
        let t = *t;
        let Scratch {
            tallies,
            bands,
            buf,
            members,
            events,
            counted,
        } = &mut acc;
        let f = read.facts(facts, t, buf);
        add_tenant(tallies, bands, members, f, &tests, offset);
        if members.iter().flatten().any(|m| !m.is_empty()) {
            counted.push(t as u32);
        }
        if let Some(from) = watch {
            ageing(members, t as u32, first, from, events);
        }
        acc
    };
    let scratch = || Scratch {
        tallies: vec![[Tally::default(); 2]; count],
        bands: TenantBands::new(facts.months),
        buf: facts.buffer(),
        members: vec![[Membership::default(); 2]; count],
        events: Vec::new(),
        counted: Vec::new(),
    };
    let mut counts = tenants
        .par_iter()
        .with_min_len(256)
        .fold(scratch, fold)
        .map(|s| Counts {
            tallies: s.tallies,
            events: s.events,
            counted: s.counted,
        })
        .reduce(
            || Counts {
                tallies: vec![[Tally::default(); 2]; count],
                events: Vec::new(),
                counted: Vec::new(),
            },
            |mut a, b| {
                for (x, y) in a.tallies.iter_mut().zip(b.tallies) {
                    x[0] += y[0];
                    x[1] += y[1];
                }
                a.events.extend(b.events);
                a.counted.extend(b.counted);
                a
            },
        );
    // Workers' pieces arrive in order for a sorted list, but `tenants` need not be one.
    counts.counted.sort_unstable();
    counts
}

/// One worker's running tallies and reusable buffers.
struct Scratch {
    tallies: Vec<[Tally; 2]>,
    bands: TenantBands,
    buf: FactsBuf,
    /// The tenant being added: its membership in each tallied month.
    members: Vec<[Membership; 2]>,
    events: Vec<AgeingEvent>,
    counted: Vec<u32>,
}

/// Adds one tenant's months to a worker's running tallies, keeping its memberships.
fn add_tenant(
    tallies: &mut [[Tally; 2]],
    bands: &mut TenantBands,
    members: &mut [[Membership; 2]],
    f: TenantFacts<'_>,
    tests: &BandTests,
    offset: usize,
) {
    // Bands are needed from a year before the first tallied month (stays-SMB looks a
    // year back).
    bands.fill(f, tests, offset - 12, offset + tallies.len());
    for (k, (slot, member)) in tallies.iter_mut().zip(members.iter_mut()).enumerate() {
        let i = offset + k;
        let ttm = bands.ttm_cents(i);
        for path in PathId::ALL {
            let m = bands.membership(f, tests, path, i);
            slot[path.index()].add(m, ttm, f.active[i]);
            member[path.index()] = m;
        }
    }
}

/// The months from `from` (an index into `members`) in which the tenant's gain of a year
/// ago ages out of net customer adds or deployments.
fn ageing(
    members: &[[Membership; 2]],
    tenant: u32,
    first: Month,
    from: usize,
    events: &mut Vec<AgeingEvent>,
) {
    for k in from..members.len() {
        for path in PathId::ALL {
            for metric in [Metric::NetCustomerAdds, Metric::Deployments] {
                let units = |k: usize| {
                    let [a, m] = members[k][path.index()].sides(metric);
                    a as u8 + m as u8
                };
                let (now, year, before) = (units(k), units(k - 12), units(k - 13));
                if now > 0 && year > before {
                    events.push(AgeingEvent {
                        tenant,
                        month: first + k as i32,
                        path,
                        metric,
                        units: year - before,
                    });
                }
            }
        }
    }
}
