//! Cell values as Partner Center's downloads write them: months that are really the first
//! day of a month, dates in the US or the European order, and numbers.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::month::Month;

/// Which comes first in a slash date such as `03/04/2026`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DateOrder {
    /// Month, day, year: `03/04/2026` is 4 March (the US order).
    Mdy,
    /// Day, month, year: `03/04/2026` is 3 April.
    Dmy,
}

/// The date part of a cell, without a time that follows it: `2026-10-01T00:00:00Z`,
/// `10/1/2026 12:00:00 AM` and `2026-10-01 00:00` give `2026-10-01` and `10/1/2026`.
fn date_part(text: &str) -> &str {
    let t = text.trim();
    let end = t.find([' ', 'T']).unwrap_or(t.len());
    &t[..end]
}

/// The three numbers of a slash date `a/b/yyyy`, if the cell is one.
fn slash_date(text: &str) -> Option<(u32, u32, i32)> {
    let mut parts = date_part(text).split('/');
    let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|c| c.is_ascii_digit());
    if !digits(a) || !digits(b) || !y.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?, y.parse().ok()?))
}

/// A usage row's month. Partner Center writes the first day of the month, so in a slash
/// date the part that is 1 is the day: `10/1/2026` and `1/10/2026` both read as October
/// in a month column. Also `YYYY-MM`, ISO dates and date-times, and the spreadsheet forms
/// of [`crate::month::month_from_spreadsheet`].
pub fn month(text: &str) -> Result<Month, String> {
    month_within(text).and_then(|m| {
        plannable(m.first_day()).map_err(|e| format!("`{}` {e}", text.trim()))?;
        Ok(m)
    })
}

/// A day pcsim can plan with: from 1900 to 9999, as every month it reads.
fn plannable(d: NaiveDate) -> Result<NaiveDate, String> {
    use chrono::Datelike;
    if Month::new(d.year(), d.month()).is_some() {
        Ok(d)
    } else {
        Err("is outside the years pcsim plans for, 1900 to 9999: is the year mistyped?".into())
    }
}

fn month_within(text: &str) -> Result<Month, String> {
    let t = text.trim();
    match t.parse::<Month>() {
        Ok(m) => return Ok(m),
        // Written as YYYY-MM: its own message says what is wrong (a month 13, a year 1899).
        Err(e) if t.len() == 7 && t.as_bytes()[4] == b'-' => return Err(e.to_string()),
        Err(_) => {}
    }
    if let Some(d) = iso_date(t) {
        return Ok(Month::of_date(d));
    }
    if let Some(d) = dotted_date(t) {
        return Ok(Month::of_date(d));
    }
    if let Some((a, b, y)) = slash_date(t) {
        let (month, day) = if a > 12 {
            (b, a)
        } else if b > 12 || b == 1 {
            (a, b)
        } else if a == 1 {
            (b, a)
        } else {
            return Err(format!(
                "`{t}` could be month {a} or month {b} of {y}: Partner Center writes the first day of the month (`{a}/1/{y}` or `1/{a}/{y}`); write the month as YYYY-MM (\"{y}-{a:02}\")"
            ));
        };
        return NaiveDate::from_ymd_opt(y, month, day)
            .map(Month::of_date)
            .ok_or_else(|| {
                let example = Month::new(y, month).map_or("2026-10".into(), |m| m.to_string());
                format!("`{t}` is not a date: write the month as YYYY-MM (\"{example}\")")
            });
    }
    crate::month::month_from_spreadsheet(t).map_err(|_| {
        format!("`{t}` is not a month: write YYYY-MM (\"2026-10\") or the first day of the month (\"2026-10-01\")")
    })
}

/// `DD.MM.YYYY` (optionally with a time): the dates Excel writes where the decimal mark is
/// a comma, always day first.
fn dotted_date(text: &str) -> Option<NaiveDate> {
    let mut parts = date_part(text).split('.');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str, most: usize| {
        !s.is_empty() && s.len() <= most && s.bytes().all(|c| c.is_ascii_digit())
    };
    if parts.next().is_some() || !digits(d, 2) || !digits(m, 2) || y.len() != 4 || !digits(y, 4) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// `YYYY-MM-DD`, optionally followed by a time.
fn iso_date(text: &str) -> Option<NaiveDate> {
    let d = date_part(text);
    (d.len() == 10)
        .then(|| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .flatten()
}

/// What a file's slash dates say about their order: a first part over 12 can only be a
/// day, and so can a second part over 12.
#[derive(Debug, Default, Clone)]
pub struct DateEvidence {
    /// The line of a date whose first part is over 12 (day first), if any.
    pub day_first: Option<(u64, String)>,
    /// The line of a date whose second part is over 12 (month first), if any.
    pub month_first: Option<(u64, String)>,
    /// The line of a date that reads two ways (`03/04/2026`), if any.
    pub either: Option<(u64, String)>,
}

impl DateEvidence {
    /// Notes a date cell; `line` gives its line, asked only for the first of each kind.
    pub fn see(&mut self, line: impl FnOnce() -> u64, text: &str) {
        let Some((a, b, _)) = slash_date(text) else {
            return;
        };
        let slot = if a > 12 {
            &mut self.day_first
        } else if b > 12 {
            &mut self.month_first
        } else if a != b {
            &mut self.either
        } else {
            return;
        };
        if slot.is_none() {
            *slot = Some((line(), text.trim().to_string()));
        }
    }

    /// The order the file's slash dates are in: what they settle, else `given` (the
    /// user's --dates); `Err` with the line and the message when the dates disagree with
    /// each other or with `given`, or nothing tells.
    pub fn order(&self, given: Option<DateOrder>) -> Result<Option<DateOrder>, (u64, String)> {
        let against = |(line, date): &(u64, String), order: &str| {
            let flag = match given {
                Some(DateOrder::Mdy) => "mdy",
                _ => "dmy",
            };
            Err((
                *line,
                format!(
                    "`{date}` can only be {order}, but --dates {flag} says otherwise: leave --dates out (the file's dates settle the order) or correct the date"
                ),
            ))
        };
        match (&self.day_first, &self.month_first, &self.either) {
            (Some((l1, d1)), Some((l2, d2)), _) => Err((
                *l2,
                format!(
                    "dates are written in both orders: `{d1}` on line {l1} is day first, `{d2}` here is month first; write every date the same way, best as YYYY-MM-DD"
                ),
            )),
            (Some(seen), None, _) if given == Some(DateOrder::Mdy) => against(seen, "day first"),
            (None, Some(seen), _) if given == Some(DateOrder::Dmy) => against(seen, "month first"),
            _ if given.is_some() => Ok(given),
            (Some(_), None, _) => Ok(Some(DateOrder::Dmy)),
            (None, Some(_), _) => Ok(Some(DateOrder::Mdy)),
            (None, None, Some((line, d))) => Err((
                *line,
                format!(
                    "`{d}` could be day-month or month-day, and no date in the file settles it: say which with --dates mdy (month first, as Partner Center writes in the US) or --dates dmy"
                ),
            )),
            (None, None, None) => Ok(None),
        }
    }
}

/// A training date: `YYYY-MM-DD` (with or without a time) or a slash date in `order`.
pub fn date(text: &str, order: Option<DateOrder>) -> Result<NaiveDate, String> {
    date_within(text, order)
        .and_then(|d| plannable(d).map_err(|e| format!("`{}` {e}", text.trim())))
}

fn date_within(text: &str, order: Option<DateOrder>) -> Result<NaiveDate, String> {
    let t = text.trim();
    if let Some(d) = iso_date(t).or_else(|| dotted_date(t)) {
        return Ok(d);
    }
    let bad = || format!("`{t}` is not a date: write YYYY-MM-DD (\"2026-03-14\")");
    let (a, b, y) = slash_date(t).ok_or_else(bad)?;
    let (month, day) = match order {
        Some(DateOrder::Dmy) => (b, a),
        Some(DateOrder::Mdy) => (a, b),
        // Only dates that read one way reach here without an order (see DateEvidence).
        None if a == b => (a, b),
        None => return Err(bad()),
    };
    NaiveDate::from_ymd_opt(y, month, day).ok_or_else(bad)
}

/// A number cell: plain digits with an optional decimal point and, where `negative`, an
/// optional minus (Azure credits). `decimal_comma` reads `12,50` where the separator is
/// `;` (Excel in much of Europe).
pub fn number(
    text: &str,
    column: &str,
    negative: bool,
    decimal_comma: bool,
) -> Result<Decimal, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(format!(
            "{column} is empty: write 0 if there was none (Partner Center writes 0)"
        ));
    }
    let example = if decimal_comma { "1250,50" } else { "1250.50" };
    // Where the decimal mark is a comma, a point is a thousands separator ("1.234,50"):
    // read as a decimal point it would be a thousand times too small.
    if decimal_comma && t.contains('.') && (t.contains(',') || thousands(t)) {
        return Err(format!(
            "{column} `{t}` has a thousands separator: write the number without it, as in {example}"
        ));
    }
    let written: std::borrow::Cow<'_, str> = if decimal_comma {
        t.replace(',', ".").into()
    } else {
        t.into()
    };
    let plain = written
        .strip_prefix('-')
        .unwrap_or(&written)
        .bytes()
        .all(|c| c.is_ascii_digit() || c == b'.');
    let d: Decimal = written.parse().ok().filter(|_| plain).ok_or_else(|| {
        format!("{column} `{t}` is not a number: write plain digits, as in {example}")
    })?;
    if d.is_sign_negative() && !d.is_zero() && !negative {
        return Err(format!("{column} must not be negative, not {t}"));
    }
    // Far above any real month's figure, and small enough that no sum overflows.
    if d.abs() > crate::scenario::model::MAX_LEVEL {
        return Err(format!(
            "{column} `{t}` is too large: at most 1,000,000,000; is it the right column?"
        ));
    }
    Ok(d)
}

/// Whether `t` reads as groups of three digits after points: `1.234`, `12.345.678`.
fn thousands(t: &str) -> bool {
    let t = t.strip_prefix('-').unwrap_or(t);
    let mut groups = t.split('.');
    let head = groups.next().unwrap_or_default();
    // A first group of thousands never starts with 0: `0.004` is a decimal point.
    !head.is_empty()
        && head.len() <= 3
        && !head.starts_with('0')
        && head.bytes().all(|c| c.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(t: &str) -> String {
        month(t).map(|m| m.to_string()).unwrap_or_else(|e| e)
    }

    #[test]
    fn a_month_start_reads_one_way() {
        assert_eq!(m("2026-10"), "2026-10");
        assert_eq!(m("2026-10-01"), "2026-10");
        assert_eq!(m("2026-10-01T00:00:00Z"), "2026-10");
        assert_eq!(m("10/1/2026 12:00:00 AM"), "2026-10");
        assert_eq!(m("1/10/2026"), "2026-10");
        assert_eq!(m("1/1/2026"), "2026-01");
        assert_eq!(m("31/10/2026"), "2026-10");
        assert_eq!(m("10/31/2026 0:00"), "2026-10");
        assert_eq!(m("Oct-26"), "2026-10");
        assert!(m("3/4/2026").contains("could be month 3 or month 4"));
        assert!(m("13/13/2026").contains("not a date"));
        assert!(m("soon").contains("not a month"));
        assert!(m("2/30/2026").contains("not a date"));
        assert_eq!(m("01.10.2026"), "2026-10");
        assert!(m("1026-01-01").contains("outside the years"));
        assert!(
            date("0025-01-01", None)
                .unwrap_err()
                .contains("outside the years")
        );
    }

    #[test]
    fn a_month_written_as_yyyy_mm_says_which_part_is_wrong() {
        assert!(month("2026-13").unwrap_err().contains("runs from 01 to 12"));
        assert!(month("1899-10").unwrap_err().contains("outside the years"));
        assert_eq!(month("2026-10").unwrap().to_string(), "2026-10");
    }

    #[test]
    fn a_files_dates_settle_their_order() {
        let mut e = DateEvidence::default();
        e.see(|| 2, "3/4/2026");
        assert!(e.order(None).is_err());
        assert_eq!(e.order(Some(DateOrder::Dmy)), Ok(Some(DateOrder::Dmy)));
        e.see(|| 3, "3/14/2026 0:00");
        assert_eq!(e.order(None), Ok(Some(DateOrder::Mdy)));
        assert_eq!(e.order(Some(DateOrder::Mdy)), Ok(Some(DateOrder::Mdy)));
        // The file settles month first: --dates dmy is refused at the date that shows it.
        let (line, message) = e.order(Some(DateOrder::Dmy)).unwrap_err();
        assert_eq!(line, 3);
        assert!(
            message.contains("`3/14/2026 0:00` can only be month first"),
            "{message}"
        );
        let d = date("3/4/2026", Some(DateOrder::Mdy)).unwrap();
        assert_eq!(d, NaiveDate::from_ymd_opt(2026, 3, 4).unwrap());
        e.see(|| 4, "14/3/2026");
        assert_eq!(e.order(None).unwrap_err().0, 3);
        assert_eq!(
            date("2026-03-14T10:00:00", None).unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 14).unwrap()
        );
        assert!(date("2/30/2026", Some(DateOrder::Mdy)).is_err());
        assert_eq!(
            date("03.04.2026", None).unwrap(),
            NaiveDate::from_ymd_opt(2026, 4, 3).unwrap()
        );
    }

    #[test]
    fn numbers_are_plain() {
        assert_eq!(
            number("-12.5", "acr", true, false).unwrap().to_string(),
            "-12.5"
        );
        assert!(number("-12.5", "units", false, false).is_err());
        assert_eq!(
            number("12,5", "acr", true, true).unwrap().to_string(),
            "12.5"
        );
        assert!(number("12,5x", "acr", true, false).is_err());
        assert!(
            number("12,5x", "acr", true, true)
                .unwrap_err()
                .contains("as in 1250,50")
        );
        assert!(
            number("12x", "acr", true, false)
                .unwrap_err()
                .contains("as in 1250.50")
        );
        assert!(
            number("1.234", "acr", true, true)
                .unwrap_err()
                .contains("thousands")
        );
        assert!(
            number("1.234,5", "acr", true, true)
                .unwrap_err()
                .contains("1250,50")
        );
        assert_eq!(
            number("12.5", "acr", true, true).unwrap().to_string(),
            "12.5"
        );
        assert!(number("1e3", "acr", true, false).is_err());
        assert!(
            number("", "acr", true, false)
                .unwrap_err()
                .contains("empty")
        );
    }
}
