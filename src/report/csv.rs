//! `--format csv`: one flat row per projected month, for spreadsheets.

use super::{Report, fixed2};
use crate::rules::PathId;
use crate::score::Metric;
use crate::simulate::Projection;

pub struct Csv;

impl Report for Csv {
    fn render(&self, p: &Projection) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
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
        w.write_record(&header).expect("writing to memory");
        for m in &p.months {
            let mut row = vec![m.month.to_string()];
            for path in PathId::ALL {
                let s = m.path(path);
                row.extend(Metric::ALL.iter().map(|&metric| fixed2(s.points(metric))));
                row.push(fixed2(s.total));
                row.push(s.qualified.to_string());
            }
            row.push(m.qualified.to_string());
            w.write_record(&row).expect("writing to memory");
        }
        String::from_utf8(w.into_inner().expect("writing to memory"))
            .expect("CSV of UTF-8 fields is UTF-8")
    }
}
