//! Azure and Microsoft 365 usage rows -> the monthly facts of each tenant (RULES.md §3 and
//! §11): ACR summed over eligible services, seats the largest eligible workload, active
//! users summed over eligible workloads, each from rows whose attribution counts.
//!
//! Every piece of every file is read on its own core into a [`Part`]; the parts are merged
//! in command-line and file order, so the result does not depend on the thread count.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::columns::{Field, headings, locate};
use super::download::{Download, text};
use super::values;
use crate::error::{Error, Result};
use crate::month::Month;
use crate::rules::{Eligible, Ruleset, Side, Usage, loose_key, loosely_equal};
use crate::scenario::history::ReadProgress;
use crate::scenario::model::MAX_LEVEL;

/// Which download a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Azure,
    M365,
}

impl Kind {
    pub fn side(self) -> Side {
        match self {
            Kind::Azure => Side::Azure,
            Kind::M365 => Side::M365,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Azure => "Azure usage",
            Kind::M365 => "Microsoft 365 usage",
        }
    }

    fn item(self) -> &'static str {
        match self {
            Kind::Azure => "service",
            Kind::M365 => "workload",
        }
    }

    fn eligible(self, usage: &Usage) -> &[Eligible] {
        match self {
            Kind::Azure => &usage.azure_services,
            Kind::M365 => &usage.m365_workloads,
        }
    }
}

const MONTH: &[&str] = &["Month", "MonthStartDate", "UsageMonth"];
const TENANT: &[&str] = &["CustomerTenantId", "CustomerId", "TenantId"];
const NAME: &[&str] = &["CustomerName", "CustomerCompanyName", "CustomerTenantName"];
const ATTRIBUTION: &[&str] = &["PartnerAttributionType", "AttributionType"];

/// The columns of each download, in the order [`Columns`] reads them.
pub fn fields(kind: Kind) -> [Field; 7] {
    match kind {
        Kind::Azure => [
            Field::required(MONTH),
            Field::required(TENANT),
            Field::optional(NAME),
            Field::required(&["ServiceName", "MeterCategory"]),
            Field::required(ATTRIBUTION),
            Field::required(&["MonthlySubscriptionLevelACR", "TotalACR", "ACR"]),
            Field::optional(&["OfferType", "OfferName"]),
        ],
        Kind::M365 => [
            Field::required(MONTH),
            Field::required(TENANT),
            Field::optional(NAME),
            Field::required(&["WorkloadName", "Workload"]),
            Field::required(ATTRIBUTION),
            Field::required(&["PaidAvailableUnits", "PaidUnits", "LicensesQualified"]),
            Field::required(&["MonthlyActiveUsers", "ActiveUsers", "LicensesActive"]),
        ],
    }
}

/// Why a row was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// An Azure service or M365 workload that is not on the ruleset's list.
    NotEligible,
    /// An Azure offer the ruleset excludes (Trial, Support...).
    OfferExcluded,
    /// An attribution type that does not count on this side.
    AttributionDoesNotCount,
}

impl Reason {
    pub fn describe(self, kind: Kind) -> String {
        match self {
            Reason::NotEligible => format!("{} not eligible", kind.item()),
            Reason::OfferExcluded => "offer excluded".into(),
            Reason::AttributionDoesNotCount => "attribution does not count".into(),
        }
    }
}

/// Rows left out for one reason and one name.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub reason: Reason,
    /// The service, workload, offer or attribution type, as first written.
    pub name: String,
    pub rows: u64,
}

/// Rows of one piece left out for one reason and one name, per month (so that the rows
/// after the history's last month are counted only as such).
pub struct SkippedByMonth {
    reason: Reason,
    name: String,
    months: FxHashMap<Month, u64>,
}

/// A text cell's meaning, worked out once per distinct text in a piece.
struct Entry<T> {
    text: String,
    class: T,
    skipped: FxHashMap<Month, u64>,
}

/// Distinct texts of one column and what they mean.
struct Cache<T> {
    index: FxHashMap<Box<[u8]>, u32>,
    entries: Vec<Entry<T>>,
}

impl<T: Copy> Cache<T> {
    fn new() -> Self {
        Cache {
            index: FxHashMap::default(),
            entries: Vec::new(),
        }
    }

    fn get(
        &mut self,
        raw: &[u8],
        classify: impl FnOnce(&str) -> std::result::Result<T, String>,
    ) -> std::result::Result<(u32, T), String> {
        if let Some(&i) = self.index.get(raw) {
            return Ok((i, self.entries[i as usize].class));
        }
        let t = text(raw)?;
        let class = classify(t)?;
        let i = self.entries.len() as u32;
        self.entries.push(Entry {
            text: t.to_string(),
            class,
            skipped: FxHashMap::default(),
        });
        self.index.insert(raw.into(), i);
        Ok((i, class))
    }

    fn skip(&mut self, i: u32, month: Month) {
        *self.entries[i as usize].skipped.entry(month).or_default() += 1;
    }

    fn skipped(self, reason: Reason) -> impl Iterator<Item = SkippedByMonth> {
        self.entries
            .into_iter()
            .filter(|e| !e.skipped.is_empty())
            .map(move |e| SkippedByMonth {
                reason,
                name: e.text,
                months: e.skipped,
            })
    }
}

/// A tenant id as compared: a GUID as its 128 bits (cheap to hash and compare, at a
/// million rows a file), any other id as its lowercased text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TenantKey {
    Guid(u128),
    Text(Box<[u8]>),
}

/// The 128 bits of a GUID written `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, in either case.
fn guid(id: &[u8]) -> Option<u128> {
    if id.len() != 36 {
        return None;
    }
    let mut bits: u128 = 0;
    for (i, &c) in id.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            if c != b'-' {
                return None;
            }
            continue;
        }
        let digit = (c as char).to_digit(16)?;
        bits = (bits << 4) | u128::from(digit);
    }
    Some(bits)
}

/// A tenant as one piece saw it.
pub struct Tenant {
    /// The id as compared: GUIDs ignoring case.
    pub key: TenantKey,
    /// The id as first written.
    pub id: String,
    /// The name of its latest row that has one: (month, order read, name).
    pub name: Option<(Month, u64, String)>,
}

/// One tenant-month's sums (only what counts) and the associations its rows had.
#[derive(Debug, Default, Clone)]
pub struct Cell {
    pub acr: Decimal,
    pub active: Decimal,
    /// Per side, a bit per association (in [`crate::rules::Associations::names`] order)
    /// that some row of that side had.
    pub seen: [u64; 2],
}

/// What one piece of one file holds.
pub struct Part {
    pub kind: Kind,
    pub file: usize,
    pub tenants: Vec<Tenant>,
    pub cells: FxHashMap<(u32, Month), Cell>,
    /// Paid units per tenant, month and eligible workload.
    pub units: FxHashMap<(u32, Month, u16), Decimal>,
    /// Rows read and rows counted, per month.
    pub months: FxHashMap<Month, (u64, u64)>,
    pub skipped: Vec<SkippedByMonth>,
}

/// An attribution type's meaning on one side: its bit and whether it counts.
#[derive(Clone, Copy)]
struct Attribution {
    bit: u32,
    counts: bool,
}

/// What the import needs from the ruleset, worked out once.
pub struct Lists<'r> {
    rules: &'r Ruleset,
    /// Per side, the bit of the association an unknown attribution type is taken as.
    fallback: [u32; 2],
}

impl<'r> Lists<'r> {
    pub fn new(rules: &'r Ruleset) -> Result<Lists<'r>> {
        let mut fallback = [0; 2];
        for side in Side::BOTH {
            let a = &rules.associations;
            let names: Vec<&str> = a.names(side).collect();
            if names.len() > 64 {
                return Err(Error::Input(
                    "the ruleset lists more than 64 associations for one side; pcsim import reads at most 64".into(),
                ));
            }
            let others = a.counting(side)..names.len();
            let none = others
                .clone()
                .find(|&i| loosely_equal(names[i], "none"))
                .or(others.clone().last())
                .ok_or_else(|| {
                    Error::Input(format!(
                        "the ruleset lists no {} association that does not count; add \"none\" so that pcsim import can write attribution types that do not count",
                        side.key()
                    ))
                })?;
            fallback[side.index()] = none as u32;
        }
        Ok(Lists { rules, fallback })
    }

    fn attribution(&self, side: Side, text: &str) -> Attribution {
        let a = &self.rules.associations;
        let name = self
            .rules
            .usage
            .attribution_aliases
            .iter()
            .find(|(alias, _)| loosely_equal(alias, text))
            .map_or(text, |(_, to)| to.get_ref().as_str());
        match a.names(side).position(|n| loosely_equal(n, name)) {
            Some(i) => Attribution {
                bit: i as u32,
                counts: i < a.counting(side),
            },
            None => Attribution {
                bit: self.fallback[side.index()],
                counts: false,
            },
        }
    }

    /// The association written for a side whose rows had the associations in `seen`: the
    /// first that counts, else the first other.
    pub fn association(&self, side: Side, seen: u64) -> Option<&'r str> {
        (seen != 0).then(|| {
            self.rules
                .associations
                .names(side)
                .nth(seen.trailing_zeros() as usize)
                .unwrap_or("none")
        })
    }
}

/// Reads one usage download into parts. `file` is its place on the command line.
pub fn read(
    download: &Download,
    kind: Kind,
    file: usize,
    lists: &Lists<'_>,
    progress: &ReadProgress,
) -> Result<Vec<Part>> {
    let fields = fields(kind);
    let at = locate(&download.path, kind.label(), &download.header, &fields)?;
    let heading = headings(&download.header, &fields, &at);
    let col = |i: usize| at[i];
    let decimal_comma = download.delimiter == b';';
    let usage = &lists.rules.usage;
    let side = kind.side();
    let s = side.index();
    download.read_all(progress, |offset, piece| {
        let mut part = Part {
            kind,
            file,
            tenants: Vec::new(),
            cells: FxHashMap::default(),
            units: FxHashMap::default(),
            months: FxHashMap::default(),
            skipped: Vec::new(),
        };
        let mut guids: FxHashMap<u128, u32> = FxHashMap::default();
        let mut texts: FxHashMap<Box<[u8]>, u32> = FxHashMap::default();
        let mut months: Cache<Month> = Cache::new();
        let mut items: Cache<Option<u16>> = Cache::new();
        let mut attributions: Cache<Attribution> = Cache::new();
        let mut offers: Cache<bool> = Cache::new();
        let mut lower = Vec::new();
        download.read_piece(offset, piece, progress, |position, record| {
            let cell = |i: usize| col(i).map_or(&b""[..], |c| record.get(c).unwrap_or_default());
            let (_, month) = months.get(cell(0).trim_ascii(), values::month)?;
            let id = cell(1).trim_ascii();
            if id.is_empty() {
                return Err(format!(
                    "the customer's tenant id ({}) is empty",
                    heading[1]
                ));
            }
            let known = match guid(id) {
                Some(g) => guids.get(&g).copied().ok_or(TenantKey::Guid(g)),
                None => {
                    lower.clear();
                    lower.extend(id.iter().map(u8::to_ascii_lowercase));
                    texts
                        .get(lower.as_slice())
                        .copied()
                        .ok_or_else(|| TenantKey::Text(lower.as_slice().into()))
                }
            };
            let t = match known {
                Ok(t) => t,
                Err(key) => {
                    let t = part.tenants.len() as u32;
                    match &key {
                        TenantKey::Guid(g) => guids.insert(*g, t),
                        TenantKey::Text(k) => texts.insert(k.clone(), t),
                    };
                    part.tenants.push(Tenant {
                        key,
                        id: text(id)?.to_string(),
                        name: None,
                    });
                    t
                }
            };
            if col(2).is_some() {
                let name = text(cell(2))?;
                let tenant = &mut part.tenants[t as usize];
                if !name.is_empty() && tenant.name.as_ref().is_none_or(|(m, _, _)| month > *m) {
                    tenant.name = Some((month, position, name.to_string()));
                }
            }
            let (ai, attribution) =
                attributions.get(cell(4).trim_ascii(), |t| Ok(lists.attribution(side, t)))?;
            let (amount, active) = match kind {
                Kind::Azure => (
                    values::number(text(cell(5))?, &heading[5], true, decimal_comma)?,
                    Decimal::ZERO,
                ),
                Kind::M365 => (
                    values::number(text(cell(5))?, &heading[5], false, decimal_comma)?,
                    values::number(text(cell(6))?, &heading[6], false, decimal_comma)?,
                ),
            };
            let counts = part.months.entry(month).or_default();
            counts.0 += 1;
            let facts = part.cells.entry((t, month)).or_default();
            facts.seen[s] |= 1u64 << attribution.bit;
            let (ii, item) = items.get(cell(3).trim_ascii(), |t| {
                Ok(Usage::find(kind.eligible(usage), t).map(|i| i as u16))
            })?;
            let Some(item) = item else {
                items.skip(ii, month);
                return Ok(());
            };
            if kind == Kind::Azure && col(6).is_some() {
                let (oi, excluded) = offers.get(cell(6).trim_ascii(), |t| {
                    Ok(usage
                        .excluded_azure_offers
                        .iter()
                        .any(|o| loosely_equal(o, t)))
                })?;
                if excluded {
                    offers.skip(oi, month);
                    return Ok(());
                }
            }
            if !attribution.counts {
                attributions.skip(ai, month);
                return Ok(());
            }
            counts.1 += 1;
            match kind {
                Kind::Azure => facts.acr += amount,
                Kind::M365 => {
                    facts.active += active;
                    *part.units.entry((t, month, item)).or_default() += amount;
                }
            }
            Ok(())
        })?;
        part.skipped.extend(items.skipped(Reason::NotEligible));
        part.skipped.extend(offers.skipped(Reason::OfferExcluded));
        part.skipped
            .extend(attributions.skipped(Reason::AttributionDoesNotCount));
        Ok(part)
    })
}

/// What the usage files gave, per kind.
#[derive(Debug, Clone, Serialize)]
pub struct KindSummary {
    pub kind: Kind,
    pub files: usize,
    pub rows: u64,
    pub counted: u64,
    /// The first and last month of its rows.
    pub first_month: Option<Month>,
    pub last_month: Option<Month>,
    /// Rows left out, by reason, most first.
    pub skipped: Vec<Skipped>,
    /// Rows after the history's last month (when the other kind ends sooner), left out.
    pub after_end: u64,
}

/// The history the usage files make, and what it holds.
#[derive(Debug, Clone, Serialize)]
pub struct HistorySummary {
    pub tenants: usize,
    pub rows: usize,
    pub first_month: Month,
    pub last_month: Month,
    /// Tenants whose rows had nothing that counts in any month.
    pub without_eligible_usage: usize,
    /// Tenant-months whose counted ACR summed below zero (credits), written as 0.
    pub negative_acr_months: usize,
    /// How far below zero those months were, together, USD: what the history overstates
    /// the trailing twelve months' ACR by, as it cannot hold a negative month.
    pub negative_acr_usd: Decimal,
}

/// Everything the usage files give.
pub struct UsageImport {
    pub csv: String,
    pub kinds: Vec<KindSummary>,
    pub history: Option<HistorySummary>,
    pub warnings: Vec<String>,
}

/// A tenant-month's cell, the tenant numbered.
type CellOf = ((u32, Month), Cell);
/// A tenant-month's paid units of one workload, the tenant numbered.
type UnitsOf = ((u32, Month, u16), Decimal);

/// The merged parts of every file, in command-line order.
struct Merged {
    keys: FxHashMap<TenantKey, u32>,
    tenants: Vec<Tenant>,
    /// Each part's cells and units, its tenants numbered as in `tenants`; the same tenant
    /// and month may be in several parts.
    cells: Vec<Vec<CellOf>>,
    units: Vec<Vec<UnitsOf>>,
}

/// Merges the parts (in file order) and writes the history CSV.
pub fn history(
    parts: Vec<Part>,
    files: &[(Kind, String)],
    lists: &Lists<'_>,
) -> Result<UsageImport> {
    let mut warnings = Vec::new();
    let mut merged = Merged {
        keys: FxHashMap::default(),
        tenants: Vec::new(),
        cells: Vec::new(),
        units: Vec::new(),
    };
    let mut kinds: Vec<KindSummary> = Vec::new();
    for kind in [Kind::Azure, Kind::M365] {
        let n = files.iter().filter(|(k, _)| *k == kind).count();
        if n > 0 {
            kinds.push(KindSummary {
                kind,
                files: n,
                rows: 0,
                counted: 0,
                first_month: None,
                last_month: None,
                skipped: Vec::new(),
                after_end: 0,
            });
        }
    }
    // Per kind and month: the files that have rows for it, and rows read and counted.
    let mut by_month: BTreeMap<(usize, Month), (Vec<usize>, u64, u64)> = BTreeMap::new();
    let mut skipped: Vec<(usize, SkippedByMonth)> = Vec::new();
    // The tenants are numbered in file order (their names depend on it); the cells are
    // then renumbered on every core.
    let mut renumber = Vec::with_capacity(parts.len());
    for mut part in parts {
        let k = kinds
            .iter()
            .position(|s| s.kind == part.kind)
            .expect("a part's kind has a summary");
        let remap: Vec<u32> = std::mem::take(&mut part.tenants)
            .into_iter()
            .map(|t| {
                let order =
                    |(m, p, n): (Month, u64, String)| (m, ((part.file as u64) << 48) | p, n);
                match merged.keys.get(&t.key) {
                    Some(&g) => {
                        let held = &mut merged.tenants[g as usize];
                        if let Some((m, o, n)) = t.name.map(order)
                            && held.name.as_ref().is_none_or(|(hm, ho, _)| {
                                (m, std::cmp::Reverse(o)) > (*hm, std::cmp::Reverse(*ho))
                            })
                        {
                            held.name = Some((m, o, n));
                        }
                        g
                    }
                    None => {
                        let g = merged.tenants.len() as u32;
                        merged.keys.insert(t.key.clone(), g);
                        merged.tenants.push(Tenant {
                            name: t.name.map(order),
                            ..t
                        });
                        g
                    }
                }
            })
            .collect();
        for (&m, &(rows, counted)) in &part.months {
            let e = by_month.entry((k, m)).or_default();
            if !e.0.contains(&part.file) {
                e.0.push(part.file);
            }
            e.1 += rows;
            e.2 += counted;
        }
        skipped.extend(
            std::mem::take(&mut part.skipped)
                .into_iter()
                .map(|s| (k, s)),
        );
        renumber.push((remap, part));
    }
    {
        use rayon::prelude::*;
        (merged.cells, merged.units) = renumber
            .into_par_iter()
            .map(|(remap, part)| {
                let cells: Vec<_> = part
                    .cells
                    .into_iter()
                    .map(|((t, m), cell)| ((remap[t as usize], m), cell))
                    .collect();
                let units: Vec<_> = part
                    .units
                    .into_iter()
                    .map(|((t, m, w), u)| ((remap[t as usize], m, w), u))
                    .collect();
                (cells, units)
            })
            .unzip();
    }
    for ((k, m), (in_files, rows, _)) in &by_month {
        let s = &mut kinds[*k];
        s.rows += rows;
        s.first_month = s.first_month.min(Some(*m)).or(Some(*m));
        s.last_month = s.last_month.max(Some(*m));
        if in_files.len() > 1 {
            let names: Vec<&str> = in_files.iter().map(|&f| files[f].1.as_str()).collect();
            warnings.push(format!(
                "{m} has {} rows in {}: they were added together; if these files overlap, import only one of them",
                s.kind.label(),
                names.join(" and ")
            ));
        }
    }
    // With both kinds, a month after the earlier kind's last is missing half its facts.
    let lasts: Vec<Month> = kinds.iter().filter_map(|s| s.last_month).collect();
    let first = kinds.iter().filter_map(|s| s.first_month).min();
    let (Some(first), Some(&end)) = (first, lasts.iter().min()) else {
        for s in &kinds {
            warnings.push(format!("the {} files have no rows", s.kind.label()));
        }
        return Ok(UsageImport {
            csv: String::new(),
            kinds,
            history: None,
            warnings,
        });
    };
    // A mistyped year (2206 for 2026) would stretch every tenant's history over centuries.
    if end.since(first) >= MAX_MONTHS {
        let outliers: Vec<String> = by_month
            .iter()
            .filter(|((_, m), _)| *m == first || *m == end)
            .map(|((k, m), (in_files, _, _))| {
                let names: Vec<&str> = in_files.iter().map(|&f| files[f].1.as_str()).collect();
                format!("{m} ({} in {})", kinds[*k].kind.label(), names.join(", "))
            })
            .collect();
        return Err(Error::Input(format!(
            "the downloads run from {first} to {end}, over {} years: is a month mistyped? The months at the ends: {}",
            MAX_MONTHS / 12,
            outliers.join("; ")
        )));
    }
    for s in &kinds {
        if let Some(start) = s.first_month
            && start > first
        {
            warnings.push(format!(
                "the {} files start at {start}, the others at {first}: its facts before {start} are written as 0; was a monthly file left out?",
                s.kind.label()
            ));
        }
        if s.rows == 0 {
            warnings.push(format!("the {} files have no rows", s.kind.label()));
        }
        let (Some(a), Some(b)) = (s.first_month, s.last_month) else {
            continue;
        };
        let k = kinds.iter().position(|x| x.kind == s.kind).unwrap_or(0);
        let missing: Vec<String> = months(a, b.min(end))
            .filter(|m| !by_month.contains_key(&(k, *m)))
            .map(|m| m.to_string())
            .collect();
        if !missing.is_empty() {
            warnings.push(format!(
                "the {} files have no rows for {}: every tenant's facts are 0 there; was a monthly file left out?",
                s.kind.label(),
                missing.join(", ")
            ));
        }
        if b > end {
            let dropped: u64 = by_month
                .range((k, end + 1)..=(k, b))
                .map(|(_, (_, rows, _))| rows)
                .sum();
            let other = kinds
                .iter()
                .find(|x| x.kind != s.kind)
                .map_or("", |x| x.kind.label());
            warnings.push(format!(
                "the {} files go on to {b}, but the {other} files end at {end}: the history ends at {end}, and {dropped} {} rows after it were left out",
                s.kind.label(),
                s.kind.label()
            ));
        }
    }
    for ((k, m), (_, rows, counted)) in &by_month {
        if *m <= end {
            kinds[*k].counted += counted;
        } else {
            kinds[*k].after_end += rows;
        }
    }
    // Each row is counted, left out for one reason, or after the end: never two of these.
    // A name spelled two ways is shown as first written in the files, whichever months
    // its rows are in (so that it does not depend on where the pieces were cut).
    let mut totals: BTreeMap<(usize, Reason, String), Skipped> = BTreeMap::new();
    for (k, s) in skipped {
        let rows: u64 = s
            .months
            .iter()
            .filter(|(m, _)| **m <= end)
            .map(|(_, r)| r)
            .sum();
        totals
            .entry((k, s.reason, loose_key(&s.name)))
            .or_insert(Skipped {
                reason: s.reason,
                name: s.name,
                rows: 0,
            })
            .rows += rows;
    }
    for ((k, _, _), s) in totals {
        if s.rows > 0 {
            kinds[k].skipped.push(s);
        }
    }
    for s in &mut kinds {
        s.skipped.sort_by(|a, b| {
            (a.reason, std::cmp::Reverse(a.rows), &a.name).cmp(&(
                b.reason,
                std::cmp::Reverse(b.rows),
                &b.name,
            ))
        });
    }
    write(merged, lists, first, end, kinds, warnings)
}

/// The longest history an import makes, in months.
const MAX_MONTHS: i32 = 240;

/// Every month from `a` to `b`.
fn months(a: Month, b: Month) -> impl Iterator<Item = Month> {
    (0..=b.since(a)).map(move |k| a + k)
}

/// One written row's facts.
struct Facts {
    seats: Decimal,
    active: Decimal,
    acr: Decimal,
    seen: [u64; 2],
}

fn write(
    merged: Merged,
    lists: &Lists<'_>,
    first: Month,
    end: Month,
    kinds: Vec<KindSummary>,
    warnings: Vec<String>,
) -> Result<UsageImport> {
    let Merged {
        tenants,
        cells,
        units,
        ..
    } = merged;
    // Sorted by tenant then month, the facts of each tenant come in one run, and the
    // parts' pieces of one tenant-month come together to be added up.
    let (cells, units) = {
        use rayon::prelude::*;
        let mut cells: Vec<CellOf> = cells
            .into_par_iter()
            .flatten()
            .filter(|((_, m), _)| *m <= end)
            .collect();
        let mut units: Vec<UnitsOf> = units
            .into_par_iter()
            .flatten()
            .filter(|((_, m, _), _)| *m <= end)
            .collect();
        cells.par_sort_unstable_by_key(|(k, _)| *k);
        units.par_sort_unstable_by_key(|(k, _)| *k);
        (
            coalesce(cells, |held, c| {
                held.acr += c.acr;
                held.active += c.active;
                held.seen[0] |= c.seen[0];
                held.seen[1] |= c.seen[1];
            }),
            coalesce(units, |held, u| *held += u),
        )
    };
    let mut facts: Vec<Vec<(Month, Facts)>> = (0..tenants.len()).map(|_| Vec::new()).collect();
    let mut u = 0;
    let mut negative = 0;
    let mut credits = Decimal::ZERO;
    for ((t, m), cell) in cells {
        // Seats: the largest eligible workload, its rows summed.
        let mut seats = Decimal::ZERO;
        while u < units.len() && (units[u].0.0, units[u].0.1) < (t, m) {
            u += 1;
        }
        while u < units.len() && (units[u].0.0, units[u].0.1) == (t, m) {
            seats = seats.max(units[u].1);
            u += 1;
        }
        if cell.acr < Decimal::ZERO {
            negative += 1;
            credits -= cell.acr;
        }
        facts[t as usize].push((
            m,
            Facts {
                seats: whole(seats),
                active: whole(cell.active),
                acr: cell.acr.max(Decimal::ZERO).round_dp_with_strategy(
                    2,
                    rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                ),
                seen: cell.seen,
            },
        ));
    }
    // The written tenants and their names; a name two of them share gets the ids' start.
    let written: Vec<(usize, usize)> = facts
        .iter()
        .enumerate()
        .filter_map(|(t, f)| {
            f.iter()
                .position(|(_, x)| {
                    x.seats > Decimal::ZERO || x.active > Decimal::ZERO || x.acr > Decimal::ZERO
                })
                .map(|start| (t, start))
        })
        .collect();
    let base = |t: usize| -> String {
        let tenant = &tenants[t];
        tenant
            .name
            .as_ref()
            .map_or_else(|| tenant.id.clone(), |(_, _, n)| n.clone())
    };
    let names = unique_names(
        written
            .iter()
            .map(|&(t, _)| (base(t), tenants[t].id.as_str()))
            .collect(),
    );
    let mut rows: Vec<(String, usize, usize)> = names
        .into_iter()
        .zip(&written)
        .map(|(name, &(t, start))| (name, t, start))
        .collect();
    rows.sort();
    // Written a slice of tenants per core, the slices joined in order.
    let pieces: Vec<Result<(Vec<u8>, usize)>> = {
        use rayon::prelude::*;
        let slice = rows.len().div_ceil(rayon::current_num_threads() * 4).max(1);
        rows.par_chunks(slice)
            .map(|rows| write_rows(rows, &facts, lists, end))
            .collect()
    };
    let mut csv = String::from("tenant,month,seats,active,acr,m365,azure\n");
    let mut count = 0;
    for piece in pieces {
        let (bytes, n) = piece?;
        csv.push_str(std::str::from_utf8(&bytes).expect("written from text"));
        count += n;
    }
    Ok(UsageImport {
        csv,
        history: Some(HistorySummary {
            tenants: rows.len(),
            rows: count,
            first_month: first,
            last_month: end,
            without_eligible_usage: tenants.len() - rows.len(),
            negative_acr_months: negative,
            negative_acr_usd: credits.round_dp(2).normalize(),
        }),
        kinds,
        warnings,
    })
}

/// The history rows of `rows` (name, tenant, index of its first written month) and how
/// many there are.
fn write_rows(
    rows: &[(String, usize, usize)],
    facts: &[Vec<(Month, Facts)>],
    lists: &Lists<'_>,
    end: Month,
) -> Result<(Vec<u8>, usize)> {
    let mut out = csv::WriterBuilder::new().from_writer(Vec::with_capacity(rows.len() * 40 * 36));
    let fail = |e: csv::Error| Error::Input(format!("cannot write the history: {e}"));
    let mut count = 0;
    let zero = Facts {
        seats: Decimal::ZERO,
        active: Decimal::ZERO,
        acr: Decimal::ZERO,
        seen: [0, 0],
    };
    for (name, t, start) in rows {
        let f = &facts[*t];
        // The association a side had in the latest month it had rows, this one included.
        let mut held: [Option<&str>; 2] = [None, None];
        for (_, x) in &f[..*start] {
            remember(&mut held, x, lists);
        }
        let mut i = *start;
        for m in months(f[*start].0, end) {
            let x = if i < f.len() && f[i].0 == m {
                i += 1;
                &f[i - 1].1
            } else {
                &zero
            };
            remember(&mut held, x, lists);
            for (value, what) in [
                (x.seats, "seats"),
                (x.active, "active users"),
                (x.acr, "ACR"),
            ] {
                if value > MAX_LEVEL {
                    return Err(Error::Input(format!(
                        "tenant \"{name}\" has {value} {what} in {m}, above the 1,000,000,000 that pcsim reads; is the column right?"
                    )));
                }
            }
            out.write_record([
                name.as_str(),
                &m.to_string(),
                &x.seats.to_string(),
                &x.active.to_string(),
                &x.acr.normalize().to_string(),
                held[0].unwrap_or(""),
                held[1].unwrap_or(""),
            ])
            .map_err(fail)?;
            count += 1;
        }
    }
    let bytes = out
        .into_inner()
        .map_err(|e| Error::Input(format!("cannot write the history: {e}")))?;
    Ok((bytes, count))
}

fn remember<'r>(held: &mut [Option<&'r str>; 2], x: &Facts, lists: &Lists<'r>) {
    for side in Side::BOTH {
        let s = side.index();
        if let Some(a) = lists.association(side, x.seen[s]) {
            held[s] = Some(a);
        }
    }
}

/// Names for tenants that share one: each gets the start of its id, `Contoso (3f2504e0)`,
/// longer where eight characters do not tell them apart, and the whole id where nothing
/// shorter does (a name can also equal another's name with its id added). A history
/// names each tenant once, or `pcsim` would read two tenants as one.
fn unique_names(tenants: Vec<(String, &str)>) -> Vec<String> {
    let mut names: Vec<String> = tenants.iter().map(|(n, _)| n.clone()).collect();
    let mut length = 8;
    for round in 0.. {
        let mut uses: FxHashMap<&str, usize> = FxHashMap::default();
        for n in &names {
            *uses.entry(n.as_str()).or_default() += 1;
        }
        let shared: Vec<usize> = (0..names.len())
            .filter(|&i| uses[names[i].as_str()] > 1)
            .collect();
        if shared.is_empty() {
            break;
        }
        for i in shared {
            let (name, id) = &tenants[i];
            names[i] = if round < 4 {
                let id: String = id.chars().take(length).collect();
                format!("{name} ({id})")
            } else {
                // Only names made to collide get here: number them.
                format!("{name} ({id}) #{}", i + 1)
            };
        }
        length *= 2;
    }
    names
}

/// Sorted entries with equal keys merged into one by `add`.
fn coalesce<K: PartialEq, V>(sorted: Vec<(K, V)>, add: impl Fn(&mut V, V)) -> Vec<(K, V)> {
    let mut out: Vec<(K, V)> = Vec::with_capacity(sorted.len());
    for (k, v) in sorted {
        match out.last_mut() {
            Some((held, sum)) if *held == k => add(sum, v),
            _ => out.push((k, v)),
        }
    }
    out
}

/// Units and users are whole: rounded half away from zero once summed.
fn whole(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}
