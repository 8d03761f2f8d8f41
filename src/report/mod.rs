//! Rendering a projection for people (table) and for programs (JSON, CSV).
//! Each format implements [`Report`], so adding one touches one file.

pub mod chart;
mod check;
pub mod compare;
mod csv;
pub mod explain;
pub mod import;
pub mod json;
pub mod layout;
pub mod odds;
pub mod seek;
pub mod sheet;
pub mod table;
pub mod xlsx;

use rust_decimal::Decimal;

pub use check::check_report;

use crate::simulate::Projection;

/// One output format of `pcsim run`.
pub trait Report {
    fn render(&self, projection: &Projection) -> String;
}

/// A text format; the command line's `--format` ([`crate::destination::OutputFormat`])
/// adds the Excel workbook, which is not text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
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

pub use crate::money::usd;

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn formats_numbers() {
        assert_eq!(fixed2(dec!(20)), "20.00");
        assert_eq!(fixed2(dec!(13.33)), "13.33");
        assert_eq!(count(1, "month", "months"), "1 month");
        assert_eq!(count(0, "month", "months"), "0 months");
        assert_eq!(count(2, "person", "people"), "2 people");
    }
}
