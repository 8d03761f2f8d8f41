//! The ruleset: every threshold, band, point value, cap, association list and the
//! certification catalog. The scoring core reads numbers only from here.
//!
//! Values are validated while they are deserialized, so that toml reports a bad value
//! with its line and column; checks across fields follow in [`Ruleset::parse`].

use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{Result, Source};
use crate::month::DayOrMonth;

/// The built-in ruleset, embedded at build time.
pub const BUILT_IN: &str = include_str!("../rules/security.toml");
pub const BUILT_IN_LABEL: &str = "built-in";

/// A pcsim ruleset: every threshold, band, point value, cap, association list and the
/// certification catalog (`pcsim docs rules`). Every key is required unless marked
/// optional.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "pcsim ruleset")]
pub struct Ruleset {
    /// The ruleset's name, shown by `pcsim check` and `pcsim run`.
    pub name: String,
    /// The designation's name, shown in the title of the `run` table and in charts.
    pub designation: String,
    /// A path qualifies in a month when its total is at least this and each of its four
    /// metrics is above zero.
    pub qualifying_total: NonNegative,
    /// The fee shown for each enrolment and renewal, USD.
    pub annual_fee_usd: NonNegative,
    /// The enrolment and renewal windows, in months.
    pub windows: Windows,
    /// Which association types a customer may have, and which of them count.
    pub associations: Associations,
    /// The certification catalog: one entry per certification.
    pub certifications: Vec<Certification>,
    /// The Enterprise and the SMB path, each scored with its own numbers.
    pub paths: Paths,
    /// What counts as Security usage when `pcsim import` reads Partner Center's downloads
    /// (optional: the built-in lists when left out).
    #[serde(default, rename = "usage")]
    #[schemars(rename = "usage")]
    usage_given: Option<Usage>,
    /// `[usage]` as given, or the built-in lists (their attribution aliases kept only where
    /// they name this ruleset's associations). Not part of the file.
    #[serde(skip)]
    #[schemars(skip)]
    pub usage: Usage,
    /// Where the ruleset came from: "built-in" or a file path. Not part of the file.
    #[serde(skip)]
    pub origin: String,
}

/// The enrolment and renewal windows, in months.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Windows {
    /// The partner may enrol in month m when it qualified in any of the `enrol_months`
    /// months ending with m (6: m and the five before it); 1 to 12.
    pub enrol_months: WindowMonths,
    /// At each anniversary the designation renews when the partner qualified in any of
    /// the `renew_months` months ending with the anniversary month; 1 to 12.
    pub renew_months: WindowMonths,
}

/// The length of an enrolment or renewal window: 1 to 12 months (the designation renews
/// yearly). The simulator scores that many months before `start`, so a huge window was
/// a huge allocation, not an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "i64")]
pub struct WindowMonths(pub u32);

impl TryFrom<i64> for WindowMonths {
    type Error = String;
    fn try_from(v: i64) -> Result<WindowMonths, String> {
        whole_in(v, 1..=12, "of months from 1 to 12").map(WindowMonths)
    }
}

/// Association types a customer may have with the partner, per side. A scenario's value
/// is looked up ignoring case, spaces, hyphens and underscores.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Associations {
    /// M365 associations that count.
    pub m365_counting: Vec<String>,
    /// M365 associations that are accepted but do not count.
    pub m365_other: Vec<String>,
    /// Azure associations that count.
    pub azure_counting: Vec<String>,
    /// Azure associations that are accepted but do not count.
    pub azure_other: Vec<String>,
}

/// Which side of a tenant an association belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    M365,
    Azure,
}

impl Side {
    pub const BOTH: [Side; 2] = [Side::M365, Side::Azure];

    pub fn index(self) -> usize {
        match self {
            Side::M365 => 0,
            Side::Azure => 1,
        }
    }

    /// The side as scenario files and the history CSV name it: `m365`, `azure`.
    pub fn key(self) -> &'static str {
        match self {
            Side::M365 => "m365",
            Side::Azure => "azure",
        }
    }
}

impl Associations {
    fn lists(&self, side: Side) -> (&[String], &[String]) {
        match side {
            Side::M365 => (&self.m365_counting, &self.m365_other),
            Side::Azure => (&self.azure_counting, &self.azure_other),
        }
    }

    /// The catalog spelling of an association and whether it counts; matching ignores case
    /// and spaces ("csp tier1", "CSP Tier 1").
    pub fn lookup(&self, side: Side, text: &str) -> Option<(String, bool)> {
        let (counting, other) = self.lists(side);
        counting
            .iter()
            .map(|a| (a, true))
            .chain(other.iter().map(|a| (a, false)))
            .find(|(a, _)| loosely_equal(a, text))
            .map(|(a, counts)| (a.clone(), counts))
    }

    /// The side's associations in order: the counting ones, then the others.
    pub fn names(&self, side: Side) -> impl Iterator<Item = &str> {
        let (counting, other) = self.lists(side);
        counting.iter().chain(other).map(String::as_str)
    }

    /// How many of the side's associations count (they come first in [`Self::names`]).
    pub fn counting(&self, side: Side) -> usize {
        self.lists(side).0.len()
    }

    /// Every association name of both sides, each once.
    pub fn all_names(&self) -> Vec<&str> {
        let mut all: Vec<&str> = Vec::new();
        for name in self.names(Side::M365).chain(self.names(Side::Azure)) {
            if !all.contains(&name) {
                all.push(name);
            }
        }
        all
    }

    pub fn known(&self, side: Side) -> String {
        let (counting, other) = self.lists(side);
        counting
            .iter()
            .chain(other)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Whether two names are the same ignoring case, spaces, hyphens and underscores
/// ("CSP Tier 1" and "csp-tier1"). Compared without allocating: a big history looks up an
/// association per tenant.
pub fn loosely_equal(a: &str, b: &str) -> bool {
    loose(a).eq(loose(b))
}

/// A name as [`loosely_equal`] compares it, for use as a key.
pub fn loose_key(s: &str) -> String {
    loose(s).collect()
}

fn loose(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
}

/// What counts as Security usage in Partner Center's downloads (`pcsim import`). Names
/// match ignoring case, spaces, hyphens and underscores.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Usage {
    /// Azure offers whose consumption never counts (read when a download has an offer
    /// column).
    pub excluded_azure_offers: Vec<String>,
    /// Attribution types as downloads write them, each with the association it is (a name
    /// from `[associations]`). A type that is neither here nor there does not count.
    #[schemars(with = "std::collections::BTreeMap<String, String>")]
    pub attribution_aliases: std::collections::BTreeMap<String, Spanned<String>>,
    /// Azure services whose consumed revenue counts.
    pub azure_services: Vec<Eligible>,
    /// Microsoft 365 workloads whose paid units and active users count.
    pub m365_workloads: Vec<Eligible>,
}

/// An eligible Azure service or Microsoft 365 workload.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Eligible {
    /// Its current name.
    pub name: String,
    /// Older names that downloads still carry (optional).
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl Eligible {
    /// The name and its aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

impl Usage {
    /// The built-in lists for a ruleset that leaves `[usage]` out: an attribution alias
    /// for an association the ruleset does not have is dropped, not an error in a file
    /// that never wrote it.
    fn built_in_for(associations: &Associations) -> Usage {
        let mut usage = Ruleset::built_in().usage;
        usage.attribution_aliases.retain(|_, to| {
            associations
                .all_names()
                .iter()
                .any(|a| loosely_equal(a, to.get_ref()))
        });
        usage
    }

    /// The index in `list` of the entry that `text` names, if any.
    pub fn find(list: &[Eligible], text: &str) -> Option<usize> {
        list.iter()
            .position(|e| e.names().any(|n| loosely_equal(n, text)))
    }
}

/// One certification of the catalog. Codes and names are unique, ignoring case.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Certification {
    /// The exam code, such as "SC-200" (optional: not every certification has one).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub code: Option<Spanned<String>>,
    /// The certification's name.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Other titles it goes by, such as its exam's title (optional); `pcsim import`
    /// matches training titles against them, and scenarios may name it by them.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub aliases: Vec<Spanned<String>>,
    /// Its step, a whole number from 1; each path says which steps are required and
    /// which earns points.
    #[schemars(with = "u32", range(min = 1))]
    pub step: Spanned<u32>,
    /// Its retirement date, "YYYY-MM-DD" or "YYYY-MM" (the month's last day), optional.
    /// Passed by then, it counts 12 months longer.
    #[serde(default)]
    pub retired: Option<DayOrMonth>,
    /// The certification that takes its place, by code or name (optional); named in the
    /// error for passing it after its retirement.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub replaced_by: Option<Spanned<String>>,
}

impl Certification {
    /// "SC-401 (Information Security Administrator Associate)" or just the name.
    pub fn label(&self) -> String {
        match self.code() {
            Some(code) => format!("{code} ({})", self.name()),
            None => self.name().to_string(),
        }
    }

    /// The exam code, or the name when it has none: "SC-200".
    pub fn short(&self) -> String {
        self.code().unwrap_or(self.name()).to_string()
    }

    /// The exam code, such as "SC-200"; not every certification has one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_ref().map(|c| c.get_ref().as_str())
    }

    /// The name as the catalog spells it.
    pub fn name(&self) -> &str {
        self.name.get_ref()
    }

    /// The last day on which the certification still counts after its retirement.
    pub fn counts_until(&self) -> Option<NaiveDate> {
        self.retired.map(|d| {
            d.last_day()
                .checked_add_months(chrono::Months::new(12))
                .unwrap_or(NaiveDate::MAX)
        })
    }
}

/// The two paths; both are required.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Paths {
    /// The Enterprise path.
    pub enterprise: PathRules,
    /// The SMB path.
    pub smb: PathRules,
}

/// The two paths, in the order they are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PathId {
    Enterprise,
    Smb,
}

impl PathId {
    pub const ALL: [PathId; 2] = [PathId::Enterprise, PathId::Smb];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn key(self) -> &'static str {
        match self {
            PathId::Enterprise => "enterprise",
            PathId::Smb => "smb",
        }
    }

    fn from_key(key: &str) -> Option<PathId> {
        PathId::ALL.into_iter().find(|p| p.key() == key)
    }
}

impl Paths {
    pub fn get(&self, path: PathId) -> &PathRules {
        match path {
            PathId::Enterprise => &self.enterprise,
            PathId::Smb => &self.smb,
        }
    }
}

/// One path's bands and metrics.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PathRules {
    /// The path's label, shown by `pcsim check`.
    pub name: String,
    /// "SMB stays SMB" (scoring rules §3), optional: the other path's key, "enterprise" or
    /// "smb". A tenant in this path's band a year ago that has grown into the named path's
    /// band still counts here.
    #[serde(default)]
    #[schemars(with = "Option<PathKey>")]
    pub keeps_tenants_grown_into: Option<Spanned<String>>,
    /// The ranges of tenant facts that decide which customers count on this path.
    pub bands: Bands,
    /// Net customer adds: tenants in the bands now less a year ago.
    pub net_customer_adds: LinearMetric,
    /// Intermediate certifications: people on each step.
    pub certifications: CertificationMetric,
    /// Usage growth: Azure consumption and M365 active users, now less a year ago.
    pub usage_growth: UsageMetric,
    /// Deployments: tenants deployed now less a year ago.
    pub deployments: DeploymentMetric,
}

/// The other path, by its key.
#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
#[allow(dead_code)] // only its schema is used
enum PathKey {
    Enterprise,
    Smb,
}

/// The four bands of a path, each a range of one tenant fact.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bands {
    /// The M365 band, by the tenant's seats that month.
    pub m365_seats: Band,
    /// The Azure band for net customer adds, by trailing-twelve-month Security ACR, USD.
    pub azure_net_customer_adds: Band,
    /// The Azure band for deployments, by trailing-twelve-month Security ACR, USD.
    pub azure_deployments: Band,
    /// The Azure band for usage growth, by trailing-twelve-month Security ACR, USD.
    pub azure_usage_growth: Band,
}

/// `max_points * units / units_for_max`, units capped at `units_for_max`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinearMetric {
    /// The most points.
    pub max_points: NonNegative,
    /// The units (net adds) that earn `max_points`.
    pub units_for_max: Count,
}

/// Intermediate certifications: required steps, then a scoring step; the sum is capped at
/// `max_points`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificationMetric {
    /// Cap on the metric's points.
    pub max_points: NonNegative,
    /// Steps that must each be met; each earns its `points` on its own once met. May be
    /// empty.
    pub required: Vec<RequiredStep>,
    /// Earns only when every required step is met.
    pub scoring: ScoringStep,
}

/// A step that must be met.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequiredStep {
    /// A step used in the catalog.
    #[schemars(with = "u32", range(min = 1))]
    pub step: Spanned<u32>,
    /// People needed on that step.
    pub min_people: Count,
    /// Points the step earns once met, on its own.
    pub points: NonNegative,
}

/// The step that earns points per person: `max_points * people / units_for_max`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoringStep {
    /// A step used in the catalog.
    #[schemars(with = "u32", range(min = 1))]
    pub step: Spanned<u32>,
    /// Points at `units_for_max` people.
    pub max_points: NonNegative,
    /// People for `max_points`.
    pub units_for_max: Count,
}

/// Usage growth: Azure points plus M365 points, capped at `max_points`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageMetric {
    /// Cap on Azure points plus M365 points.
    pub max_points: NonNegative,
    /// One point per full step of this many USD of Azure growth (at least 0.01).
    pub azure_usd_per_point: AtLeastACent,
    /// One point per full step of this many users of M365 growth.
    pub m365_users_per_point: Count,
}

/// Deployments: `max_points * units / units_for_max`, units capped at `units_for_max`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeploymentMetric {
    /// The most points.
    pub max_points: NonNegative,
    /// Net deployments that earn `max_points`.
    pub units_for_max: Count,
    /// An M365 deployment needs active seats of at least this share of seats, 0 to 1.
    pub m365_min_active_share: Share,
}

/// A whole number of at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "i64")]
pub struct Count(pub u32);

impl TryFrom<i64> for Count {
    type Error = String;
    fn try_from(v: i64) -> Result<Count, String> {
        whole_in(v, 1..=u32::MAX, "of at least 1").map(Count)
    }
}

/// `v` when it is a whole number in `range`, else a message ending in `words`.
fn whole_in(v: i64, range: std::ops::RangeInclusive<u32>, words: &str) -> Result<u32, String> {
    u32::try_from(v)
        .ok()
        .filter(|v| range.contains(v))
        .ok_or_else(|| format!("must be a whole number {words}, not {v}"))
}

/// A decimal that is zero or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Decimal")]
pub struct NonNegative(pub Decimal);

impl TryFrom<Decimal> for NonNegative {
    type Error = String;
    fn try_from(v: Decimal) -> Result<NonNegative, String> {
        if v.is_sign_negative() && !v.is_zero() {
            Err(format!("must not be negative, not {v}"))
        } else {
            Ok(NonNegative(v))
        }
    }
}

/// An amount of USD of at least one cent: ACR is counted in cents, and a smaller step
/// would give more points than Decimal can hold (a division that overflowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Decimal")]
pub struct AtLeastACent(pub Decimal);

impl TryFrom<Decimal> for AtLeastACent {
    type Error = String;
    fn try_from(v: Decimal) -> Result<AtLeastACent, String> {
        if v >= Decimal::new(1, 2) {
            Ok(AtLeastACent(v))
        } else {
            Err(format!("must be at least 0.01 (one cent), not {v}"))
        }
    }
}

/// A share in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Decimal")]
pub struct Share(pub Decimal);

impl TryFrom<Decimal> for Share {
    type Error = String;
    fn try_from(v: Decimal) -> Result<Share, String> {
        if (Decimal::ZERO..=Decimal::ONE).contains(&v) {
            Ok(Share(v))
        } else {
            Err(format!("must be between 0 and 1, not {v}"))
        }
    }
}

/// A range of a tenant fact, written with any of `above`, `at_least`, `at_most`, `below`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(try_from = "RawBand")]
pub struct Band {
    pub lower: Option<Bound>,
    pub upper: Option<Bound>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bound {
    pub value: Decimal,
    pub inclusive: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    above: Option<Decimal>,
    at_least: Option<Decimal>,
    below: Option<Decimal>,
    at_most: Option<Decimal>,
}

impl TryFrom<RawBand> for Band {
    type Error = String;
    fn try_from(r: RawBand) -> Result<Band, String> {
        let bound =
            |exclusive: Option<Decimal>, inclusive: Option<Decimal>, a: &str, b: &str| match (
                exclusive, inclusive,
            ) {
                (Some(_), Some(_)) => Err(format!("give `{a}` or `{b}`, not both")),
                (Some(v), None) => Ok(Some(Bound {
                    value: v,
                    inclusive: false,
                })),
                (None, Some(v)) => Ok(Some(Bound {
                    value: v,
                    inclusive: true,
                })),
                (None, None) => Ok(None),
            };
        let band = Band {
            lower: bound(r.above, r.at_least, "above", "at_least")?,
            upper: bound(r.below, r.at_most, "below", "at_most")?,
        };
        match (band.lower, band.upper) {
            (None, None) => {
                Err("a band needs at least one of `above`, `at_least`, `below`, `at_most`".into())
            }
            (Some(lo), Some(hi)) if lo.value > hi.value => Err(format!(
                "the band is empty: {lo:?} is above {hi:?}",
                lo = lo.value,
                hi = hi.value
            )),
            _ => Ok(band),
        }
    }
}

impl Band {
    /// The band over whole units of `1/scale` (seats: scale 1; USD in cents: scale 100),
    /// as an inclusive integer range, so that the hot loop compares integers.
    pub fn compile(&self, scale: i64) -> IntBand {
        let scaled = |b: Bound| b.value * Decimal::from(scale);
        let lo = self.lower.map_or(i64::MIN, |b| {
            let v = scaled(b);
            let whole = if b.inclusive {
                v.ceil()
            } else {
                v.floor() + Decimal::ONE
            };
            whole.to_i64().unwrap_or(if whole.is_sign_negative() {
                i64::MIN
            } else {
                i64::MAX
            })
        });
        let hi = self.upper.map_or(i64::MAX, |b| {
            let v = scaled(b);
            let whole = if b.inclusive {
                v.floor()
            } else {
                v.ceil() - Decimal::ONE
            };
            whole.to_i64().unwrap_or(if whole.is_sign_negative() {
                i64::MIN
            } else {
                i64::MAX
            })
        });
        IntBand { lo, hi }
    }

    /// "5 ..= 300", "> 12000", for reports and `pcsim check`.
    pub fn describe(&self) -> String {
        let part = |b: Option<Bound>, strict: &str, loose: &str| {
            b.map(|b| {
                format!(
                    "{} {}",
                    if b.inclusive { loose } else { strict },
                    b.value.normalize()
                )
            })
        };
        [part(self.lower, ">", ">="), part(self.upper, "<", "<=")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" and ")
    }
}

/// An inclusive range of whole units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntBand {
    pub lo: i64,
    pub hi: i64,
}

impl IntBand {
    #[inline]
    pub fn contains(self, x: i64) -> bool {
        self.lo <= x && x <= self.hi
    }
}

impl Ruleset {
    pub fn built_in() -> Ruleset {
        let source = Source {
            path: BUILT_IN_LABEL.into(),
            text: BUILT_IN.to_string(),
        };
        Ruleset::parse(&source).expect("the built-in ruleset is valid (tested)")
    }

    pub fn load(path: &Path) -> Result<Ruleset> {
        Ruleset::parse(&Source::read(path, "ruleset")?)
    }

    pub fn parse(source: &Source) -> Result<Ruleset> {
        let mut rules: Ruleset = source.parse_toml().map_err(|e| {
            crate::error::mistaken_for(
                e,
                source,
                &["[[tenants]]", "[[people]]", "[[changes]]", "start ="],
                "a scenario, not a ruleset: name it as the scenario (pcsim run FILE); --rules takes a ruleset, such as the one `pcsim rules` prints",
            )
        })?;
        rules.origin = source.display_path();
        rules.check(source)?;
        rules.usage = match rules.usage_given.take() {
            Some(given) => given,
            None => Usage::built_in_for(&rules.associations),
        };
        Ok(rules)
    }

    /// Checks across fields: steps that exist, unique names, replacements that exist, a
    /// qualifying total some path can reach.
    fn check(&self, source: &Source) -> Result<()> {
        let total = self.qualifying_total.0;
        let at = source
            .text
            .find("qualifying_total")
            .map_or(0..0, |i| i..i + "qualifying_total".len());
        if total < Decimal::ONE {
            return Err(source.at(
                at,
                format!(
                    "qualifying_total is {}: it must be at least 1 (the built-in rules use 70)",
                    total.normalize()
                ),
            ));
        }
        let most = PathId::ALL
            .iter()
            .map(|&p| crate::scenario::warnings::most_points(self, p))
            .max()
            .unwrap_or_default();
        if total > most {
            return Err(source.at(
                at,
                format!(
                    "qualifying_total is {}, but no path earns more than {} (the sum of its metrics' max_points): no partner could ever qualify; lower it",
                    total.normalize(),
                    most.normalize()
                ),
            ));
        }
        let steps: Vec<u32> = self.steps();
        for c in &self.certifications {
            if *c.step.get_ref() == 0 {
                return Err(source.at(c.step.span(), "certification steps are numbered from 1"));
            }
        }
        let mut seen: Vec<String> = Vec::new();
        for c in &self.certifications {
            for key in c.code.iter().chain([&c.name]).chain(&c.aliases) {
                // As loosely as training titles are matched: two that match alike would
                // leave the first to win unseen.
                let k = loose_key(key.get_ref());
                if seen.contains(&k) {
                    return Err(source.at(
                        key.span(),
                        format!("certification `{}` is listed twice", key.get_ref()),
                    ));
                }
                seen.push(k);
            }
            if let Some(r) = &c.replaced_by
                && self.certification(r.get_ref()).is_none()
            {
                return Err(source.at(
                    r.span(),
                    format!("`{}` is not in the certification catalog", r.get_ref()),
                ));
            }
        }
        let given = self.usage_given.as_ref();
        for (alias, association) in given.iter().flat_map(|u| &u.attribution_aliases) {
            let known = [Side::M365, Side::Azure].iter().any(|&side| {
                self.associations
                    .lookup(side, association.get_ref())
                    .is_some()
            });
            if !known {
                return Err(source.at(
                    association.span(),
                    format!(
                        "attribution type `{alias}` is given as `{}`, which is not an association; use one of: {}",
                        association.get_ref(),
                        self.associations.all_names().join(", ")
                    ),
                ));
            }
        }
        for path in PathId::ALL {
            let p = self.paths.get(path);
            let c = &p.certifications;
            for step in c.required.iter().map(|r| &r.step).chain([&c.scoring.step]) {
                if !steps.contains(step.get_ref()) {
                    return Err(source.at(
                        step.span(),
                        format!(
                            "no certification in the catalog is on step {}",
                            step.get_ref()
                        ),
                    ));
                }
            }
            if let Some(other) = &p.keeps_tenants_grown_into {
                match PathId::from_key(other.get_ref()) {
                    Some(o) if o != path => {}
                    _ => {
                        return Err(source.at(
                            other.span(),
                            "must name the other path: \"enterprise\" or \"smb\"",
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Every step number the catalog uses, ascending.
    pub fn steps(&self) -> Vec<u32> {
        let mut steps: Vec<u32> = self
            .certifications
            .iter()
            .map(|c| *c.step.get_ref())
            .collect();
        steps.sort_unstable();
        steps.dedup();
        steps
    }

    /// Finds a certification by exam code or name, ignoring case.
    pub fn certification(&self, text: &str) -> Option<&Certification> {
        self.certification_index(text)
            .map(|i| &self.certifications[i])
    }

    /// The certification `text` names: its code, name or an alias, ignoring case, spaces,
    /// hyphens and underscores (as the catalog keeps them apart), so that a scenario and a
    /// training download read `AZ 500` alike.
    pub fn certification_index(&self, text: &str) -> Option<usize> {
        let t = text.trim();
        self.certifications.iter().position(|c| {
            c.code()
                .into_iter()
                .chain([c.name()])
                .chain(c.aliases.iter().map(|a| a.get_ref().as_str()))
                .any(|n| loosely_equal(n, t))
        })
    }

    pub fn known_certifications(&self) -> String {
        self.certifications
            .iter()
            .map(Certification::label)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certification_is_named_as_the_import_matches_it() {
        let r = Ruleset::built_in();
        let az500 = r.certification_index("AZ-500");
        assert!(az500.is_some());
        for written in ["az 500", "az500", " Az_500 "] {
            assert_eq!(r.certification_index(written), az500, "{written}");
        }
        assert_eq!(r.certification_index("AZ-5000"), None);
    }
    use rust_decimal_macros::dec;

    fn band(toml_text: &str) -> Result<Band, toml::de::Error> {
        #[derive(Deserialize)]
        struct W {
            b: Band,
        }
        toml::from_str::<W>(&format!("b = {toml_text}")).map(|w| w.b)
    }

    #[test]
    fn built_in_ruleset_loads() {
        let r = Ruleset::built_in();
        assert_eq!(r.qualifying_total.0, dec!(70));
        assert_eq!(r.steps(), vec![1, 2, 3]);
        assert_eq!(
            r.certification("sc-401").unwrap().name(),
            "Information Security Administrator Associate"
        );
        assert_eq!(
            r.certification("cloud and ai security engineer associate")
                .unwrap()
                .step
                .get_ref(),
            &1
        );
        assert_eq!(
            r.certification("SC-400")
                .unwrap()
                .counts_until()
                .unwrap()
                .to_string(),
            "2026-05-31"
        );
        assert_eq!(
            r.paths
                .smb
                .keeps_tenants_grown_into
                .as_ref()
                .unwrap()
                .get_ref(),
            "enterprise"
        );
    }

    #[test]
    fn bands_compile_to_exact_integer_edges() {
        assert_eq!(
            band("{ above = 300 }").unwrap().compile(1),
            IntBand {
                lo: 301,
                hi: i64::MAX
            }
        );
        assert_eq!(
            band("{ at_least = 5, at_most = 300 }").unwrap().compile(1),
            IntBand { lo: 5, hi: 300 }
        );
        assert_eq!(
            band("{ at_least = 600 }").unwrap().compile(100),
            IntBand {
                lo: 60000,
                hi: i64::MAX
            }
        );
        assert_eq!(
            band("{ above = 12000 }").unwrap().compile(100),
            IntBand {
                lo: 1200001,
                hi: i64::MAX
            }
        );
        assert_eq!(
            band("{ above = 0, at_most = 12000 }").unwrap().compile(100),
            IntBand { lo: 1, hi: 1200000 }
        );
        assert_eq!(
            band("{ below = 10.005 }").unwrap().compile(100),
            IntBand {
                lo: i64::MIN,
                hi: 1000
            }
        );
    }

    #[test]
    fn bad_bands_are_refused() {
        assert!(
            band("{ above = 3, at_least = 4 }")
                .unwrap_err()
                .message()
                .contains("not both")
        );
        assert!(band("{ }").unwrap_err().message().contains("at least one"));
        assert!(
            band("{ at_least = 10, at_most = 5 }")
                .unwrap_err()
                .message()
                .contains("empty")
        );
        assert!(
            band("{ over = 10 }")
                .unwrap_err()
                .message()
                .contains("unknown field")
        );
    }

    #[test]
    fn associations_match_loosely_and_say_if_they_count() {
        let r = Ruleset::built_in();
        assert_eq!(
            r.associations.lookup(Side::M365, "csp tier 1"),
            Some(("CSP Tier1".into(), true))
        );
        assert_eq!(
            r.associations.lookup(Side::M365, "DPOR"),
            Some(("DPOR".into(), false))
        );
        assert_eq!(r.associations.lookup(Side::Azure, "DPOR"), None);
    }
}
