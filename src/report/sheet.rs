//! A table of typed cells, the one shape behind a CSV file and a workbook's sheet: the
//! CSV writes each cell as text, the workbook keeps it a number, so that the two never
//! disagree on a column or a value.

use rust_decimal::Decimal;

use super::fixed2;

/// One value, with what it measures: the workbook formats each kind its own way.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// Score points, shown with two decimals.
    Points(Decimal),
    /// US dollars, shown with thousands separators.
    Usd(Decimal),
    Count(i64),
    /// A probability from 0 to 1, shown as a percentage.
    Chance(f64),
    Flag(bool),
    Blank,
}

impl Cell {
    /// The CSV text of the cell, as the CSV outputs have always written it.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Points(p) => fixed2(*p),
            Cell::Usd(d) => d.to_string(),
            Cell::Count(n) => n.to_string(),
            Cell::Chance(p) => rounded(*p).to_string(),
            Cell::Flag(b) => b.to_string(),
            Cell::Blank => String::new(),
        }
    }
}

impl Cell {
    /// A count of anything countable; counts here are far below `i64::MAX`.
    pub fn count(n: impl TryInto<i64>) -> Cell {
        Cell::Count(n.try_into().unwrap_or(i64::MAX))
    }
}

impl From<&str> for Cell {
    fn from(t: &str) -> Cell {
        Cell::Text(t.to_string())
    }
}

impl From<String> for Cell {
    fn from(t: String) -> Cell {
        Cell::Text(t)
    }
}

/// A month, or a blank for never.
pub fn month(m: Option<crate::month::Month>) -> Cell {
    m.map_or(Cell::Blank, |m| Cell::Text(m.to_string()))
}

/// A probability rounded to six places, which is far finer than any estimate here and
/// keeps the sums of exact weights (0.41999999999999993) readable.
pub fn rounded(p: f64) -> f64 {
    (p * 1e6).round() / 1e6
}

/// A named table: a header row, then rows of cells.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: &'static str,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    pub fn new(name: &'static str, header: &[&str]) -> Sheet {
        Sheet {
            name,
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// The sheet as CSV: the header, then a line per row.
    pub fn csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&self.header).expect("writing to memory");
        for row in &self.rows {
            w.write_record(row.iter().map(Cell::text))
                .expect("writing to memory");
        }
        String::from_utf8(w.into_inner().expect("writing to memory"))
            .expect("CSV of UTF-8 fields is UTF-8")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn cells_read_as_the_csv_always_wrote_them() {
        assert_eq!(Cell::Points(dec!(20)).text(), "20.00");
        assert_eq!(Cell::Usd(Decimal::new(123450, 2)).text(), "1234.50");
        assert_eq!(Cell::Chance(0.41999999999999993).text(), "0.42");
        assert_eq!(Cell::Flag(true).text(), "true");
        assert_eq!(month(None).text(), "");
        let mut s = Sheet::new("T", &["a", "b"]);
        s.rows.push(vec!["x, y".into(), Cell::count(3u32)]);
        assert_eq!(s.csv(), "a,b\n\"x, y\",3\n");
    }
}
