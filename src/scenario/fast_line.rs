//! The usual history line (`T000123,2026-03,350,120,1250.50,,`), read in one pass over
//! its bytes: no splitting into fields first, no trimming, no closures per field. At
//! 100,000 tenants a file has nearly two million of these lines, and the general reader
//! spent about 600 instructions on each; this one spends a fraction of that.
//!
//! It accepts exactly what the general path reads the same way (the fast paths of
//! `history.rs`: whole numbers of up to 12 digits within the level bound, `YYYY-MM`, cents
//! with at most two decimals, fields without spaces around them) and gives up on anything
//! else, which the general path then reads or words the error for. So the two never
//! disagree, and every error still names its line.

use super::history::{AssocCell, HistoryRow};
use super::import::association;
use crate::month::Month;
use crate::rules::{Ruleset, Side};
use crate::scenario::model::MAX_LEVEL;

/// A line's tenant name and its row, or `None` to leave the line to the general path.
/// `columns` is 5 or 7 (with the association cells).
#[inline]
pub(super) fn read<'a>(
    line: &'a [u8],
    columns: usize,
    cells: &mut Cells<'_, 'a>,
) -> Option<(&'a [u8], HistoryRow)> {
    let mut c = Cursor { rest: line };
    let name = c.field();
    c.comma()?;
    // The general path trims names: one with spaces around it is left to it.
    if name.first()?.is_ascii_whitespace() || name.last()?.is_ascii_whitespace() {
        return None;
    }
    let year = c.exact(4)?;
    c.byte(b'-')?;
    let number = c.exact(2)?;
    let month = Month::new(year as i32, number as u32)?;
    c.comma()?;
    let seats = c.whole()?;
    c.comma()?;
    let active = c.whole()?;
    c.comma()?;
    let acr_cents = c.cents()?;
    let (m365, azure) = match columns {
        5 => (AssocCell::Keep, AssocCell::Keep),
        7 => {
            c.comma()?;
            let m365 = c.field();
            c.comma()?;
            let azure = c.field();
            (
                cells.read(Side::M365, m365)?,
                cells.read(Side::Azure, azure)?,
            )
        }
        _ => return None,
    };
    c.end()?;
    Some((
        name,
        HistoryRow::new(month, seats, active, acr_cents, m365, azure),
    ))
}

/// What is left of the line; each step takes from its front.
struct Cursor<'a> {
    rest: &'a [u8],
}

impl<'a> Cursor<'a> {
    #[inline(always)]
    fn byte(&mut self, b: u8) -> Option<()> {
        match self.rest {
            [first, tail @ ..] if *first == b => {
                self.rest = tail;
                Some(())
            }
            _ => None,
        }
    }

    #[inline(always)]
    fn comma(&mut self) -> Option<()> {
        self.byte(b',')
    }

    #[inline(always)]
    fn end(&self) -> Option<()> {
        self.rest.is_empty().then_some(())
    }

    /// The bytes up to the next comma or the end of the line.
    #[inline(always)]
    fn field(&mut self) -> &'a [u8] {
        let len = self
            .rest
            .iter()
            .position(|&b| b == b',')
            .unwrap_or(self.rest.len());
        let (field, rest) = self.rest.split_at(len);
        self.rest = rest;
        field
    }

    /// Up to 12 decimal digits (at least one) and how many there were.
    #[inline(always)]
    fn digits(&mut self) -> Option<(u64, usize)> {
        let before = self.rest.len();
        let mut value = 0u64;
        while let [d @ b'0'..=b'9', tail @ ..] = self.rest {
            // Wraps only past 12 digits, which are refused below.
            value = value.wrapping_mul(10).wrapping_add((d - b'0') as u64);
            self.rest = tail;
        }
        let n = before - self.rest.len();
        (1..=12).contains(&n).then_some((value, n))
    }

    #[inline(always)]
    fn exact(&mut self, n: usize) -> Option<u64> {
        self.digits().filter(|&(_, got)| got == n).map(|(v, _)| v)
    }

    /// A whole number within the level bound.
    #[inline(always)]
    fn whole(&mut self) -> Option<u32> {
        let (v, _) = self.digits()?;
        (v <= MAX_LEVEL.mantissa() as u64).then_some(v as u32)
    }

    /// "350", "350.", "350.5", "350.25": exact cents within the level bound.
    #[inline(always)]
    fn cents(&mut self) -> Option<i64> {
        let (units, _) = self.digits()?;
        let cents = match self.rest {
            [b'.', b'0'..=b'9', ..] => {
                self.rest = &self.rest[1..];
                match self.digits()? {
                    (d, 1) => d * 10,
                    (d, 2) => d,
                    _ => return None,
                }
            }
            [b'.', ..] => {
                self.rest = &self.rest[1..];
                0
            }
            _ => 0,
        };
        let total = units.checked_mul(100)? + cents;
        (total <= MAX_LEVEL.mantissa() as u64 * 100).then_some(total as i64)
    }
}

/// The association cells met so far in one piece of the file and how they read: a big
/// file repeats a handful of spellings, so each is looked up in the ruleset (a loose,
/// case-blind comparison with every association) once per piece, not once per row.
pub(super) struct Cells<'r, 'a> {
    rules: &'r Ruleset,
    seen: Vec<(Side, &'a [u8], AssocCell)>,
}

impl<'r, 'a> Cells<'r, 'a> {
    pub(super) fn new(rules: &'r Ruleset) -> Cells<'r, 'a> {
        Cells {
            rules,
            seen: Vec::new(),
        }
    }

    /// A cell as the general path reads it (trimmed; empty keeps the row before's
    /// association); `None` when it is not an association, for the general path to word.
    fn read(&mut self, side: Side, cell: &'a [u8]) -> Option<AssocCell> {
        let cell = cell.trim_ascii();
        if cell.is_empty() {
            return Some(AssocCell::Keep);
        }
        if let Some(&(_, _, read)) = self.seen.iter().find(|s| s.0 == side && s.1 == cell) {
            return Some(read);
        }
        let text = std::str::from_utf8(cell).ok()?;
        let read = association(self.rules, side, text, "").ok()?;
        self.seen.push((side, cell, read));
        Some(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: &str) -> Option<(String, HistoryRow)> {
        let columns = if line.split(',').count() > 5 { 7 } else { 5 };
        row_of(line, columns)
    }

    fn row_of(line: &str, columns: usize) -> Option<(String, HistoryRow)> {
        let rules = Ruleset::built_in();
        let mut cells = Cells::new(&rules);
        read(line.as_bytes(), columns, &mut cells)
            .map(|(n, r)| (String::from_utf8(n.to_vec()).unwrap(), r))
    }

    #[test]
    fn reads_the_usual_line() {
        let (name, r) = row("T000001,2026-03,350,120,1250.5,CSP Tier1,").unwrap();
        assert_eq!(name, "T000001");
        assert_eq!(r.month(), Month::new(2026, 3).unwrap());
        assert_eq!((r.seats, r.active, r.acr_cents()), (350, 120, 125_050));
        assert_eq!(
            (r.m365(), r.azure()),
            (AssocCell::Counts(true), AssocCell::Keep)
        );
        let (_, r) = row("a b,1900-01,0,1000000000,7.").unwrap();
        assert_eq!((r.active, r.acr_cents()), (1_000_000_000, 700));
        assert_eq!(row("x,2026-03,1,2,0.07").unwrap().1.acr_cents(), 7);
    }

    #[test]
    fn leaves_anything_else_to_the_general_path() {
        for line in [
            " T1,2026-03,1,2,3",
            "T1 ,2026-03,1,2,3",
            ",2026-03,1,2,3",
            "T1,2026-3,1,2,3",
            "T1,2026-13,1,2,3",
            "T1,2026-03, 1,2,3",
            "T1,2026-03,1,2,3 ",
            "T1,2026-03,1000000001,2,3",
            "T1,2026-03,1,2,-3",
            "T1,2026-03,1,2,3.005",
            "T1,2026-03,1,2,1e3",
            "T1,2026-03,1,2,.5",
            "T1,2026-03,1,2,3,not an association,",
            "T1,2026-03,1,2,3,,,",
            "T1,2026-03,1,2",
            "T1,2026-03,1,2,3,4",
            "T1,2026-03,1234567890123,2,3",
            "T1,2026-03,99999999999999999999999,2,3",
        ] {
            assert!(row(line).is_none(), "{line}");
        }
        // A field too many or too few for the header.
        assert!(row_of("T1,2026-03,1,2,3,,", 5).is_none());
        assert!(row_of("T1,2026-03,1,2,3", 7).is_none());
        assert!(row_of("T1,2026-03,1,2,3,", 7).is_none());
        assert!(row_of("T1,2026-03,1,2,3,,", 7).is_some());
    }
}
