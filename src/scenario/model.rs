//! The scenario file as written: one TOML file, before `extends` and validation against
//! the ruleset. Values that can be checked on their own are checked while they are read,
//! so toml reports them with their line and column.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use toml::Spanned;

use crate::month::{DayOrMonth, Month};

pub const MAX_MONTHS: i64 = 120;
pub const MAX_COUNT: i64 = 10_000;
/// The largest seat count, active count or monthly ACR (USD) one tenant may have. Far above
/// any real tenant; it keeps sums over hundreds of thousands of tenants exact in 64 bits.
pub const MAX_LEVEL: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);

/// A pcsim scenario: the partner's people, customers (tenants) and plans, projected
/// month by month (`pcsim docs scenario`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "pcsim scenario")]
pub struct ScenarioFile {
    /// The scenario's name, shown in reports. Required in every file, also one that
    /// `extends` another.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// A line of free text, shown by `pcsim check`.
    #[serde(default)]
    pub description: Option<String>,
    /// The first projected month, "YYYY-MM" (here or in a file this one extends).
    #[serde(default)]
    pub start: Option<Month>,
    /// The month the partner enrolled or last renewed, "YYYY-MM", on or before `start`.
    /// Leave it out if the partner does not hold the designation.
    #[serde(default)]
    #[schemars(with = "Option<Month>")]
    pub enrolled: Option<Spanned<Month>>,
    /// How many months to project, 1 to 120 (default 24).
    #[serde(default)]
    pub months: Option<Horizon>,
    /// A scenario file this one builds on, relative to this file.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub extends: Option<Spanned<String>>,
    /// A ruleset file that replaces the built-in one, relative to this file.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub rules: Option<Spanned<String>>,
    /// A CSV file of monthly tenant facts (tenant,month,seats,active,acr[,m365,azure]),
    /// relative to this file.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub history: Option<Spanned<String>>,
    /// A CSV file of certifications (person,cert,passed[,expires]), relative to this file.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub people_csv: Option<Spanned<String>>,
    /// People and the certifications they hold or will pass.
    #[serde(default)]
    pub people: Vec<PersonEntry>,
    /// Customers, existing and planned.
    #[serde(default)]
    pub tenants: Vec<TenantEntry>,
    /// Growth, shrinkage and association changes of tenants over time.
    #[serde(default)]
    pub changes: Vec<ChangeEntry>,
    /// Actions the partner could take, each with a cost, for `pcsim seek`.
    #[serde(default)]
    pub options: Vec<OptionEntry>,
}

/// A person and their certifications.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonEntry {
    /// The person; unique within one file.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// The certifications this person holds or will pass.
    #[serde(default)]
    pub certs: Vec<CertEntry>,
}

/// One certification a person holds or will pass.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CertEntry {
    /// The exam code ("SC-200") or the certification's name as the ruleset's catalog
    /// spells it; case does not matter.
    #[schemars(with = "String")]
    pub cert: Spanned<String>,
    /// When it was (or will be) passed: a day "YYYY-MM-DD" or a month "YYYY-MM" (its
    /// first day).
    #[schemars(with = "DayOrMonth")]
    pub passed: Spanned<DayOrMonth>,
    /// false: not renewed, so it expires 12 months after it was passed (default true).
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub renew: Option<Spanned<bool>>,
    /// The day it expires (no longer valid from that day); a bare month means it expires
    /// during that month.
    #[serde(default)]
    #[schemars(with = "Option<DayOrMonth>")]
    pub expires: Option<Spanned<DayOrMonth>>,
    /// The chance it is passed, 0 to 1 (default 1), for `pcsim odds`.
    #[serde(default)]
    pub probability: Option<Probability>,
}

/// A customer, existing or planned; with `count`, a group of identical planned wins.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TenantEntry {
    /// The tenant; unique among tenants, group members and the history's tenants.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// The first month as a customer, "YYYY-MM"; without it, a customer from before any
    /// history (not a recent win).
    #[serde(default)]
    pub since: Option<Month>,
    /// The last month as a customer, "YYYY-MM" (it churns after it).
    #[serde(default)]
    #[schemars(with = "Option<Month>")]
    pub until: Option<Spanned<Month>>,
    /// Paid seats of its largest eligible M365 security workload (default 0).
    #[serde(default)]
    pub seats: Level,
    /// Active paid seats, the protected users (default 0).
    #[serde(default)]
    pub active: Level,
    /// Security Azure consumed revenue per month, USD (default 0).
    #[serde(default)]
    pub acr: Level,
    /// The M365 association, such as "CPOR", "CSP Tier1", "DPOR" or "none" (the
    /// ruleset's lists); without it, the side counts.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub m365: Option<Spanned<String>>,
    /// The Azure association, such as "PAL", "CSP Tier1" or "none" (the ruleset's lists);
    /// without it, the side counts.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub azure: Option<Spanned<String>>,
    /// The chance this planned win happens, 0 to 1 (default 1), for `pcsim odds`.
    #[serde(default)]
    pub probability: Option<Probability>,
    /// Makes this entry a group of identical tenants, "<name> 1" to "<name> N", 1 to
    /// 10,000.
    #[serde(default)]
    pub count: Option<GroupCount>,
    /// Months between the wins of a group, 0 to 120 (default 0: all at `since`); needs
    /// `count`.
    #[serde(default)]
    #[schemars(with = "Option<Every>")]
    pub every: Option<Spanned<Every>>,
}

/// A change to a tenant's levels or association from a month on.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeEntry {
    /// A tenant's name, a group's name (each member), or "*" (every tenant).
    #[schemars(with = "String")]
    pub tenant: Spanned<String>,
    /// The month the change takes effect, "YYYY-MM".
    pub month: Month,
    /// The last month of a recurring ("/month") change, "YYYY-MM" (default: the last
    /// projected month).
    #[serde(default)]
    #[schemars(with = "Option<Month>")]
    pub until: Option<Spanned<Month>>,
    /// Seats: a number sets the level; "+10" or "-10" adds once; "+5%" changes once;
    /// "+10/month" or "+3%/month" every month through `until`.
    #[serde(default)]
    #[schemars(with = "Option<ChangeOp>")]
    pub seats: Option<Spanned<ChangeOp>>,
    /// Active seats: a number sets the level; "+10" or "-10" adds once; "+5%" changes
    /// once; "+10/month" or "+3%/month" every month through `until`.
    #[serde(default)]
    #[schemars(with = "Option<ChangeOp>")]
    pub active: Option<Spanned<ChangeOp>>,
    /// Azure consumed revenue per month, USD: a number sets the level; "+10" or "-10"
    /// adds once; "+5%" changes once; "+10/month" or "+3%/month" every month through
    /// `until`.
    #[serde(default)]
    #[schemars(with = "Option<ChangeOp>")]
    pub acr: Option<Spanned<ChangeOp>>,
    /// The M365 association from `month` on.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub m365: Option<Spanned<String>>,
    /// The Azure association from `month` on.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub azure: Option<Spanned<String>>,
    /// The chance the change happens, 0 to 1 (default 1), for `pcsim odds`.
    #[serde(default)]
    pub probability: Option<Probability>,
}

/// An action the partner could take, used 0 to `max` times, for `pcsim seek`
/// (`pcsim docs seek`). Give exactly one of `tenant`, `cert` or `change`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionEntry {
    /// The option; unique.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// The cost of one use, 0 or more, in USD or any unit.
    pub cost: Cost,
    /// The most uses, 1 to 50 (default 1).
    #[serde(default)]
    pub max: Option<Uses>,
    /// The month of the first use, "YYYY-MM" (default `start`).
    #[serde(default)]
    #[schemars(with = "Option<Month>")]
    pub month: Option<Spanned<Month>>,
    /// Months between uses, 0 to 120 (default 0: all uses in `month`).
    #[serde(default)]
    pub every: Option<Every>,
    /// The chance each use comes off, 0 to 1 (default 1).
    #[serde(default)]
    pub probability: Option<Probability>,
    /// Each use wins a tenant "<name> k" with these levels and associations.
    #[serde(default)]
    #[schemars(with = "Option<OptionTenant>")]
    pub tenant: Option<Spanned<OptionTenant>>,
    /// Each use is the next person passing this certification (code or name).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub cert: Option<Spanned<String>>,
    /// With `cert`: who passes it, in order (a new name is a new person); without it,
    /// new people "<name> 1", "<name> 2", ...
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub people: Option<Spanned<Vec<String>>>,
    /// Each use applies this change once more, in that month.
    #[serde(default)]
    #[schemars(with = "Option<OptionChange>")]
    pub change: Option<Spanned<OptionChange>>,
}

/// The tenant each use of a tenant option wins: a `[[tenants]]` entry without its name,
/// month, group or probability, which the option gives.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionTenant {
    /// Paid seats of its largest eligible M365 security workload (default 0).
    #[serde(default)]
    pub seats: Level,
    /// Active paid seats, the protected users (default 0).
    #[serde(default)]
    pub active: Level,
    /// Security Azure consumed revenue per month, USD (default 0).
    #[serde(default)]
    pub acr: Level,
    /// The M365 association; without it, the side counts.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub m365: Option<Spanned<String>>,
    /// The Azure association; without it, the side counts.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub azure: Option<Spanned<String>>,
}

/// The change each use of a change option applies: a `[[changes]]` entry without its
/// month or probability, which the option gives.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionChange {
    /// A tenant's or a group's name (not "*").
    #[schemars(with = "String")]
    pub tenant: Spanned<String>,
    /// Seats: a number sets the level; "+10" or "-10" adds; "+5%" changes by a share.
    #[serde(default)]
    #[schemars(with = "Option<ChangeOp>")]
    pub seats: Option<Spanned<ChangeOp>>,
    /// Active seats: a number sets the level; "+10" or "-10" adds; "+5%" changes by a
    /// share.
    #[serde(default)]
    #[schemars(with = "Option<ChangeOp>")]
    pub active: Option<Spanned<ChangeOp>>,
    /// Azure consumed revenue per month, USD: a number sets the level; "+10" or "-10"
    /// adds; "+5%" changes by a share.
    #[serde(default)]
    #[schemars(with = "Option<ChangeOp>")]
    pub acr: Option<Spanned<ChangeOp>>,
    /// The M365 association from that use on.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub m365: Option<Spanned<String>>,
    /// The Azure association from that use on.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub azure: Option<Spanned<String>>,
}

/// The cost of one use of an option: zero or more, in any unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Decimal")]
pub struct Cost(pub Decimal);

impl TryFrom<Decimal> for Cost {
    type Error = String;
    fn try_from(v: Decimal) -> Result<Self, String> {
        if v < Decimal::ZERO {
            Err(format!("cost must not be negative, not {v}"))
        } else if v > MAX_LEVEL {
            Err(format!("cost {v} is too large: at most 1,000,000,000"))
        } else {
            Ok(Cost(v))
        }
    }
}

/// The most uses of an option, 1..=50.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "i64")]
pub struct Uses(pub u32);

pub const MAX_USES: i64 = 50;

impl TryFrom<i64> for Uses {
    type Error = String;
    fn try_from(v: i64) -> Result<Self, String> {
        if (1..=MAX_USES).contains(&v) {
            Ok(Uses(v as u32))
        } else {
            Err(format!(
                "max must be between 1 and {MAX_USES} uses, not {v}"
            ))
        }
    }
}

/// A number of projected months, 1..=120.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "i64")]
pub struct Horizon(pub u32);

impl TryFrom<i64> for Horizon {
    type Error = String;
    fn try_from(v: i64) -> Result<Self, String> {
        if (1..=MAX_MONTHS).contains(&v) {
            Ok(Horizon(v as u32))
        } else {
            Err(format!(
                "months must be between 1 and {MAX_MONTHS}, not {v}"
            ))
        }
    }
}

/// How many identical tenants a group entry stands for, 1..=10,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "i64")]
pub struct GroupCount(pub u32);

impl TryFrom<i64> for GroupCount {
    type Error = String;
    fn try_from(v: i64) -> Result<Self, String> {
        if (1..=MAX_COUNT).contains(&v) {
            Ok(GroupCount(v as u32))
        } else {
            Err(format!("count must be between 1 and {MAX_COUNT}, not {v}"))
        }
    }
}

/// Months between the wins of a group, 0..=120.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "i64")]
pub struct Every(pub u32);

impl TryFrom<i64> for Every {
    type Error = String;
    fn try_from(v: i64) -> Result<Self, String> {
        if (0..=MAX_MONTHS).contains(&v) {
            Ok(Every(v as u32))
        } else {
            Err(format!(
                "every must be between 0 and {MAX_MONTHS} months, not {v}"
            ))
        }
    }
}

/// A chance in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Decimal")]
pub struct Probability(pub Decimal);

impl TryFrom<Decimal> for Probability {
    type Error = String;
    fn try_from(v: Decimal) -> Result<Self, String> {
        if (Decimal::ZERO..=Decimal::ONE).contains(&v) {
            Ok(Probability(v))
        } else {
            Err(format!("probability must be between 0 and 1, not {v}"))
        }
    }
}

/// A starting level of seats, active seats or ACR: zero or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(try_from = "Decimal")]
pub struct Level(pub Decimal);

impl TryFrom<Decimal> for Level {
    type Error = String;
    fn try_from(v: Decimal) -> Result<Self, String> {
        if v < Decimal::ZERO {
            Err(format!("must not be negative, not {v}"))
        } else if v > MAX_LEVEL {
            Err(format!("{v} is too large: at most 1,000,000,000"))
        } else {
            Ok(Level(v))
        }
    }
}

/// What one `[[changes]]` entry does to one fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOp {
    /// `150`: the level from this month on
    Set(Decimal),
    /// `"+10"`, `"-10"`: added once
    Add(Decimal),
    /// `"+5%"`: changed once, relative to the level before this month
    Percent(Decimal),
    /// `"+10/month"`: added every month through `until`
    AddPerMonth(Decimal),
    /// `"+3%/month"`: compounding every month through `until`
    PercentPerMonth(Decimal),
}

impl ChangeOp {
    pub fn is_recurring(self) -> bool {
        matches!(
            self,
            ChangeOp::AddPerMonth(_) | ChangeOp::PercentPerMonth(_)
        )
    }
}

impl fmt::Display for ChangeOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let signed = |v: &Decimal| {
            if v.is_sign_negative() {
                format!("{v}")
            } else {
                format!("+{v}")
            }
        };
        match self {
            ChangeOp::Set(v) => write!(f, "{v}"),
            ChangeOp::Add(v) => write!(f, "{}", signed(v)),
            ChangeOp::Percent(v) => write!(f, "{}%", signed(v)),
            ChangeOp::AddPerMonth(v) => write!(f, "{}/month", signed(v)),
            ChangeOp::PercentPerMonth(v) => write!(f, "{}%/month", signed(v)),
        }
    }
}

const CHANGE_FORMS: &str = "a number (the new level), \"+N\" or \"-N\" (add once), \"+N%\" (change once), \"+N/month\" or \"+N%/month\" (every month)";

impl FromStr for ChangeOp {
    type Err = String;
    fn from_str(text: &str) -> Result<ChangeOp, String> {
        let bad = || format!("`{text}` is not a change: write {CHANGE_FORMS}");
        let s = text.trim().replace(['_', ' '], "");
        let (body, monthly) = match s.strip_suffix("/month") {
            Some(b) => (b, true),
            None => (s.as_str(), false),
        };
        let (body, percent) = match body.strip_suffix('%') {
            Some(b) => (b, true),
            None => (body, false),
        };
        let relative = body.starts_with(['+', '-']);
        let value = Decimal::from_str(body.trim_start_matches('+')).map_err(|_| bad())?;
        Ok(match (relative, percent, monthly) {
            (false, false, false) if value >= Decimal::ZERO => ChangeOp::Set(value),
            (false, ..) => {
                return Err(format!(
                    "`{text}`: a relative change needs a sign, as in \"+{text}\" or \"-{text}\""
                ));
            }
            (true, false, false) => ChangeOp::Add(value),
            (true, true, false) => ChangeOp::Percent(value),
            (true, false, true) => ChangeOp::AddPerMonth(value),
            (true, true, true) => ChangeOp::PercentPerMonth(value),
        })
        .and_then(|op| match op {
            ChangeOp::Percent(p) | ChangeOp::PercentPerMonth(p) if p <= Decimal::from(-100) => {
                Err(format!("`{text}`: a change cannot take away 100% or more"))
            }
            _ if value.abs() > MAX_LEVEL => {
                Err(format!("`{text}` is too large: at most 1,000,000,000"))
            }
            _ => Ok(op),
        })
    }
}

impl<'de> Deserialize<'de> for ChangeOp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ChangeOp, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Number(Decimal),
        }
        match Raw::deserialize(d)
            .map_err(|_| serde::de::Error::custom(format!("expected {CHANGE_FORMS}")))?
        {
            Raw::Text(t) => t.parse().map_err(serde::de::Error::custom),
            Raw::Number(n) if n < Decimal::ZERO => Err(serde::de::Error::custom(format!(
                "a level must not be negative, not {n} (to take away, write \"{n}\" in quotes)"
            ))),
            Raw::Number(n) if n > MAX_LEVEL => Err(serde::de::Error::custom(format!(
                "{n} is too large: at most 1,000,000,000"
            ))),
            Raw::Number(n) => Ok(ChangeOp::Set(n)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn change_forms() {
        assert_eq!("+10".parse(), Ok(ChangeOp::Add(dec!(10))));
        assert_eq!("-2.5".parse(), Ok(ChangeOp::Add(dec!(-2.5))));
        assert_eq!("+5%".parse(), Ok(ChangeOp::Percent(dec!(5))));
        assert_eq!("+3%/month".parse(), Ok(ChangeOp::PercentPerMonth(dec!(3))));
        assert_eq!("-10/month".parse(), Ok(ChangeOp::AddPerMonth(dec!(-10))));
        assert_eq!("150".parse(), Ok(ChangeOp::Set(dec!(150))));
        assert!(
            "10%"
                .parse::<ChangeOp>()
                .unwrap_err()
                .contains("needs a sign")
        );
        assert!(
            "+ten"
                .parse::<ChangeOp>()
                .unwrap_err()
                .contains("is not a change")
        );
        assert!("-100%".parse::<ChangeOp>().unwrap_err().contains("100%"));
    }

    #[test]
    fn unknown_keys_and_bad_values_point_at_the_spot() {
        let e = toml::from_str::<ScenarioFile>("name = \"x\"\nstrat = \"2027-01\"\n").unwrap_err();
        assert!(
            e.message().contains("unknown field `strat`"),
            "{}",
            e.message()
        );
        assert_eq!(e.span(), Some(11..16));
        let e = toml::from_str::<ScenarioFile>("name = \"x\"\nmonths = 121\n").unwrap_err();
        assert!(e.message().contains("between 1 and 120"), "{}", e.message());
        let e =
            toml::from_str::<ScenarioFile>("name = \"x\"\n[[tenants]]\nname = \"a\"\nseats = -1\n")
                .unwrap_err();
        assert!(
            e.message().contains("must not be negative"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn unquoted_toml_dates_are_accepted_for_certifications() {
        let f: ScenarioFile = toml::from_str(
            "name = \"x\"\n[[people]]\nname = \"Ana\"\ncerts = [{ cert = \"SC-200\", passed = 2025-04-10 }]\n",
        )
        .unwrap();
        assert_eq!(
            f.people[0].certs[0].passed.get_ref().to_string(),
            "2025-04-10"
        );
    }
}
