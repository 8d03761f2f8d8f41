//! Rendering a projection for people (table) and for programs (JSON, CSV).
//! Each format implements [`Report`], so adding one touches one file.

pub mod chart;
mod check;
pub mod compare;
mod csv;
pub mod explain;
pub mod json;
mod table;

use rust_decimal::Decimal;

pub use check::check_report;

use crate::simulate::Projection;

/// One output format of `pcsim run`.
pub trait Report {
    fn render(&self, projection: &Projection) -> String;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A readable table (with a summary for `run`)
    Table,
    /// JSON for programs (documented in docs/output.md)
    Json,
    /// CSV for spreadsheets: a row per month (`run`) or per plan (`compare`)
    Csv,
}

impl Format {
    pub fn report(self) -> &'static dyn Report {
        match self {
            Format::Table => &table::Table,
            Format::Json => &json::Json,
            Format::Csv => &csv::Csv,
        }
    }
}

/// Points with exactly two decimals, as people read them: "13.33", "20.00".
pub fn fixed2(points: Decimal) -> String {
    format!("{:.2}", points)
}

/// A count and its noun, singular or plural as the count needs: "1 month", "2 months".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A USD amount with thousands separators: "4,730", "12,000.5".
pub fn usd(amount: Decimal) -> String {
    let text = amount.normalize().to_string();
    let (whole, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let (sign, digits) = whole.strip_prefix('-').map_or(("", whole), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn formats_numbers() {
        assert_eq!(fixed2(dec!(20)), "20.00");
        assert_eq!(fixed2(dec!(13.33)), "13.33");
        assert_eq!(usd(dec!(4730)), "4,730");
        assert_eq!(usd(dec!(1234567.50)), "1,234,567.5");
        assert_eq!(usd(dec!(-999)), "-999");
        assert_eq!(count(1, "month", "months"), "1 month");
        assert_eq!(count(0, "month", "months"), "0 months");
        assert_eq!(count(2, "person", "people"), "2 people");
    }
}
