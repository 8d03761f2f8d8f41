//! `--format csv`: one flat row per projected month, for spreadsheets.

use super::Report;
use super::sheet::{Cell, Sheet};
use crate::rules::PathId;
use crate::score::Metric;
use crate::simulate::Projection;

pub struct Csv;

impl Report for Csv {
    fn render(&self, p: &Projection) -> String {
        months(p).csv()
    }
}

/// Each projected month's points on both paths: the CSV, and the workbook's "Months".
pub fn months(p: &Projection) -> Sheet {
    let mut header = vec!["month".to_string()];
    for path in PathId::ALL {
        header.extend(
            Metric::ALL
                .iter()
                .map(|m| format!("{}_{}", path.key(), m.key())),
        );
        header.push(format!("{}_total", path.key()));
        header.push(format!("{}_qualified", path.key()));
    }
    header.push("qualified".into());
    let rows = p
        .months
        .iter()
        .map(|m| {
            let mut row = vec![Cell::Text(m.month.to_string())];
            for path in PathId::ALL {
                let s = m.path(path);
                row.extend(
                    Metric::ALL
                        .iter()
                        .map(|&metric| Cell::Points(s.points(metric))),
                );
                row.push(Cell::Points(s.total));
                row.push(Cell::Flag(s.qualified));
            }
            row.push(Cell::Flag(m.qualified));
            row
        })
        .collect();
    Sheet {
        name: "Months",
        header,
        rows,
    }
}
