//! The calendar month, the simulator's unit of time (`2027-03`).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar month, stored as months since year 0 so that `m - 12` is plain arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(i32);

impl Month {
    /// Returns `None` for a month number outside 1..=12 or a year outside 1900..=9999.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        if !(1..=12).contains(&month) || !(1900..=9999).contains(&year) {
            return None;
        }
        Some(Month(year * 12 + month as i32 - 1))
    }

    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// 1..=12
    pub fn number(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }

    pub fn of_date(date: NaiveDate) -> Month {
        Month(date.year() * 12 + date.month0() as i32)
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year(), self.number(), 1)
            .expect("a Month is always a valid date")
    }

    pub fn last_day(self) -> NaiveDate {
        (self + 1)
            .first_day()
            .pred_opt()
            .expect("a Month is always after 0001-01")
    }

    /// `self - other` in months.
    pub fn since(self, other: Month) -> i32 {
        self.0 - other.0
    }
}

impl std::ops::Add<i32> for Month {
    type Output = Month;
    fn add(self, months: i32) -> Month {
        Month(self.0 + months)
    }
}

impl std::ops::Sub<i32> for Month {
    type Output = Month;
    fn sub(self, months: i32) -> Month {
        Month(self.0 - months)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.number())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadMonth(pub String);

impl std::error::Error for BadMonth {}

impl fmt::Display for BadMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.trim();
        // Written right but out of range: say which part, not "write it as YYYY-MM".
        if let Some((y, m)) = text.split_once('-')
            && y.len() == 4
            && m.len() == 2
            && let (Ok(y), Ok(m)) = (y.parse::<i32>(), m.parse::<u32>())
        {
            if !(1..=12).contains(&m) {
                return write!(
                    f,
                    "`{text}` is not a month: the month number runs from 01 to 12"
                );
            }
            if !(1900..=9999).contains(&y) {
                return write!(
                    f,
                    "`{text}` is outside the years pcsim plans for, 1900 to 9999"
                );
            }
        }
        write!(
            f,
            "`{text}` is not a month: write it as YYYY-MM, for example \"2027-03\""
        )
    }
}

impl FromStr for Month {
    type Err = BadMonth;
    fn from_str(s: &str) -> Result<Month, BadMonth> {
        let bad = || BadMonth(s.to_string());
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        Month::new(y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?).ok_or_else(bad)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Toml(toml::value::Datetime),
        }
        match Raw::deserialize(d)
            .map_err(|e| keep_missing(e, "expected a month in quotes, such as \"2027-03\""))?
        {
            Raw::Text(s) => s.parse().map_err(serde::de::Error::custom),
            Raw::Toml(dt) => Err(serde::de::Error::custom(match dt.date {
                Some(date) => format!(
                    "write a month in quotes without a day, as \"{:04}-{:02}\"",
                    date.year, date.month
                ),
                None => "expected a month in quotes, such as \"2027-03\"".to_string(),
            })),
        }
    }
}

/// A month as a spreadsheet may have re-saved it: `2026-10`, `2026-10-01`, `Oct-26`,
/// `Oct 2026`, `October 2026`, `10/2026`, `2026/10`, or a day-month-year date whose day
/// is over 12 (so that it can only be read one way). A date such as `01/10/2026` could
/// be either month and is refused, saying how to write it.
pub fn month_from_spreadsheet(text: &str) -> Result<Month, String> {
    let t = text.trim();
    if let Ok(m) = t.parse::<Month>() {
        return Ok(m);
    }
    let bad = || BadMonth(t.to_string()).to_string();
    // 2026-10-01: an ISO date; its month.
    if t.len() == 10
        && let Ok(d) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
    {
        return Ok(Month::of_date(d));
    }
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let year_of = |y: &str| -> Option<i32> {
        let n: i32 = y.parse().ok()?;
        match y.len() {
            2 => Some(2000 + n),
            4 => Some(n),
            _ => None,
        }
    };
    // Oct-26, Oct 2026, October 2026, oct/26
    if let Some((name, year)) = t.split_once(['-', ' ', '/'])
        && name.len() >= 3
        && name.chars().all(|c| c.is_ascii_alphabetic())
    {
        let lower = name.to_ascii_lowercase();
        if let Some(k) = NAMES.iter().position(|n| lower.starts_with(n))
            && let Some(y) = year_of(year.trim())
        {
            return Month::new(y, k as u32 + 1).ok_or_else(bad);
        }
        return Err(bad());
    }
    let parts: Vec<&str> = t.split('/').collect();
    let number = |s: &str| {
        s.parse::<u32>()
            .ok()
            .filter(|_| s.chars().all(|c| c.is_ascii_digit()))
    };
    match parts.as_slice() {
        // 10/2026 and 2026/10
        [a, b] if b.len() == 4 => {
            Month::new(year_of(b).ok_or_else(bad)?, number(a).ok_or_else(bad)?).ok_or_else(bad)
        }
        [a, b] if a.len() == 4 => {
            Month::new(year_of(a).ok_or_else(bad)?, number(b).ok_or_else(bad)?).ok_or_else(bad)
        }
        // 31/10/2026 or 10/31/2026: a day and a month; only one reading may be possible.
        [a, b, y] if y.len() == 4 => {
            let (a, b, y) = (
                number(a).ok_or_else(bad)?,
                number(b).ok_or_else(bad)?,
                year_of(y).ok_or_else(bad)?,
            );
            let month = match (a > 12, b > 12) {
                (true, false) => b,
                (false, true) => a,
                (false, false) if a == b => a,
                (false, false) => {
                    return Err(format!(
                        "`{t}` could be day {a} of month {b} or day {b} of month {a}: write the month as YYYY-MM (\"{y}-{b:02}\" or \"{y}-{a:02}\"); in Excel, format the column as Custom, yyyy-mm, before saving"
                    ));
                }
                (true, true) => return Err(bad()),
            };
            Month::new(y, month).ok_or_else(bad)
        }
        _ => Err(bad()),
    }
}

/// Serde reports a required key that is absent through the type's own deserializer:
/// keep that message ("missing field `month`") rather than our hint about the format.
fn keep_missing<E: serde::de::Error>(e: E, hint: &str) -> E {
    if e.to_string().starts_with("missing field") {
        e
    } else {
        E::custom(hint)
    }
}

/// A day or a whole month, as a scenario may write `passed = "2025-04-10"` or `"2025-09"`.
/// Also accepts an unquoted TOML date (`passed = 2025-04-10`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayOrMonth {
    Day(NaiveDate),
    Month(Month),
}

impl DayOrMonth {
    pub fn month(self) -> Month {
        match self {
            DayOrMonth::Day(d) => Month::of_date(d),
            DayOrMonth::Month(m) => m,
        }
    }

    /// A bare month stands for its first day: a certification "passed 2027-02" counts from February.
    pub fn first_day(self) -> NaiveDate {
        match self {
            DayOrMonth::Day(d) => d,
            DayOrMonth::Month(m) => m.first_day(),
        }
    }

    /// A bare month stands for its last day: "expires 2028-01" is valid through January.
    pub fn last_day(self) -> NaiveDate {
        match self {
            DayOrMonth::Day(d) => d,
            DayOrMonth::Month(m) => m.last_day(),
        }
    }
}

impl fmt::Display for DayOrMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DayOrMonth::Day(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            DayOrMonth::Month(m) => write!(f, "{m}"),
        }
    }
}

impl FromStr for DayOrMonth {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if let Ok(m) = s.parse::<Month>() {
            return Ok(DayOrMonth::Month(m));
        }
        match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) if s.len() == 10 && (1900..=9999).contains(&d.year()) => Ok(DayOrMonth::Day(d)),
            _ => Err(format!(
                "`{s}` is not a date or a month: write \"2027-03-15\" or \"2027-03\""
            )),
        }
    }
}

impl<'de> Deserialize<'de> for DayOrMonth {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Toml(toml::value::Datetime),
        }
        let text = match Raw::deserialize(d).map_err(|e| {
            keep_missing(
                e,
                "expected a date or a month, such as \"2027-03-15\" or \"2027-03\"",
            )
        })? {
            Raw::Text(s) => s,
            Raw::Toml(dt) if dt.time.is_none() && dt.offset.is_none() => dt.to_string(),
            Raw::Toml(dt) => {
                return Err(serde::de::Error::custom(format!(
                    "`{dt}` has a time of day; give a date such as \"2027-03-15\" or a month such as \"2027-03\""
                )));
            }
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let m: Month = "2027-03".parse().unwrap();
        assert_eq!(m.to_string(), "2027-03");
        assert_eq!((m - 12).to_string(), "2026-03");
        assert_eq!((m - 3).to_string(), "2026-12");
        assert_eq!((m + 10).to_string(), "2028-01");
        assert_eq!(m.since(m - 23), 23);
    }

    #[test]
    fn rejects_impossible_months() {
        for bad in [
            "2027-13",
            "2027-00",
            "2027-3",
            "27-03",
            "2027/03",
            "March",
            "2027-03-01x",
        ] {
            assert!(bad.parse::<Month>().is_err(), "{bad}");
        }
    }

    #[test]
    fn last_day_handles_leap_years() {
        assert_eq!(
            "2028-02".parse::<Month>().unwrap().last_day().to_string(),
            "2028-02-29"
        );
        assert_eq!(
            "2027-12".parse::<Month>().unwrap().last_day().to_string(),
            "2027-12-31"
        );
    }

    #[test]
    fn day_or_month() {
        assert_eq!(
            "2025-04-10"
                .parse::<DayOrMonth>()
                .unwrap()
                .month()
                .to_string(),
            "2025-04"
        );
        assert_eq!(
            "2025-09".parse::<DayOrMonth>().unwrap().month().to_string(),
            "2025-09"
        );
        assert!("2025-02-30".parse::<DayOrMonth>().is_err());
    }
}
