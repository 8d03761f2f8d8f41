//! The scenario file as written: one TOML file, before `extends` and validation against
//! the ruleset. Values that can be checked on their own are checked while they are read,
//! so toml reports them with their line and column.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};
use toml::Spanned;

use crate::month::{DayOrMonth, Month};

pub const MAX_MONTHS: i64 = 120;
pub const MAX_COUNT: i64 = 10_000;
/// The largest seat count, active count or monthly ACR (USD) one tenant may have. Far above
/// any real tenant; it keeps sums over hundreds of thousands of tenants exact in 64 bits.
pub const MAX_LEVEL: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub name: Spanned<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub start: Option<Month>,
    /// The month the partner enrolled or last renewed (PLANNING.md §1).
    #[serde(default)]
    pub enrolled: Option<Spanned<Month>>,
    #[serde(default)]
    pub months: Option<Horizon>,
    #[serde(default)]
    pub extends: Option<Spanned<String>>,
    #[serde(default)]
    pub rules: Option<Spanned<String>>,
    #[serde(default)]
    pub history: Option<Spanned<String>>,
    #[serde(default)]
    pub people_csv: Option<Spanned<String>>,
    #[serde(default)]
    pub people: Vec<PersonEntry>,
    #[serde(default)]
    pub tenants: Vec<TenantEntry>,
    #[serde(default)]
    pub changes: Vec<ChangeEntry>,
    /// Actions the partner could take, for `seek` (PLANNING.md §4).
    #[serde(default)]
    pub options: Vec<OptionEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonEntry {
    pub name: Spanned<String>,
    #[serde(default)]
    pub certs: Vec<CertEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertEntry {
    pub cert: Spanned<String>,
    pub passed: Spanned<DayOrMonth>,
    #[serde(default)]
    pub renew: Option<Spanned<bool>>,
    #[serde(default)]
    pub expires: Option<Spanned<DayOrMonth>>,
    #[serde(default)]
    pub probability: Option<Probability>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantEntry {
    pub name: Spanned<String>,
    #[serde(default)]
    pub since: Option<Month>,
    #[serde(default)]
    pub until: Option<Spanned<Month>>,
    #[serde(default)]
    pub seats: Level,
    #[serde(default)]
    pub active: Level,
    #[serde(default)]
    pub acr: Level,
    #[serde(default)]
    pub m365: Option<Spanned<String>>,
    #[serde(default)]
    pub azure: Option<Spanned<String>>,
    #[serde(default)]
    pub probability: Option<Probability>,
    #[serde(default)]
    pub count: Option<GroupCount>,
    #[serde(default)]
    pub every: Option<Spanned<Every>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeEntry {
    pub tenant: Spanned<String>,
    pub month: Month,
    #[serde(default)]
    pub until: Option<Spanned<Month>>,
    #[serde(default)]
    pub seats: Option<Spanned<ChangeOp>>,
    #[serde(default)]
    pub active: Option<Spanned<ChangeOp>>,
    #[serde(default)]
    pub acr: Option<Spanned<ChangeOp>>,
    #[serde(default)]
    pub m365: Option<Spanned<String>>,
    #[serde(default)]
    pub azure: Option<Spanned<String>>,
    #[serde(default)]
    pub probability: Option<Probability>,
}

/// An action the partner could take, used 0..=max times (PLANNING.md §4).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionEntry {
    pub name: Spanned<String>,
    pub cost: Cost,
    #[serde(default)]
    pub max: Option<Uses>,
    #[serde(default)]
    pub month: Option<Spanned<Month>>,
    #[serde(default)]
    pub every: Option<Every>,
    #[serde(default)]
    pub probability: Option<Probability>,
    #[serde(default)]
    pub tenant: Option<Spanned<OptionTenant>>,
    #[serde(default)]
    pub cert: Option<Spanned<String>>,
    #[serde(default)]
    pub people: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub change: Option<Spanned<OptionChange>>,
}

/// The tenant each use of a tenant option wins: a `[[tenants]]` entry without its name,
/// month, group or probability, which the option gives.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionTenant {
    #[serde(default)]
    pub seats: Level,
    #[serde(default)]
    pub active: Level,
    #[serde(default)]
    pub acr: Level,
    #[serde(default)]
    pub m365: Option<Spanned<String>>,
    #[serde(default)]
    pub azure: Option<Spanned<String>>,
}

/// The change each use of a change option applies: a `[[changes]]` entry without its
/// month or probability, which the option gives.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionChange {
    pub tenant: Spanned<String>,
    #[serde(default)]
    pub seats: Option<Spanned<ChangeOp>>,
    #[serde(default)]
    pub active: Option<Spanned<ChangeOp>>,
    #[serde(default)]
    pub acr: Option<Spanned<ChangeOp>>,
    #[serde(default)]
    pub m365: Option<Spanned<String>>,
    #[serde(default)]
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
