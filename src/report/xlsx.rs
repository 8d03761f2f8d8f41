//! `-o FILE.xlsx`: a workbook for planners who live in Excel. Every table is a sheet of
//! real numbers (points with two decimals, dollars with thousands separators, chances as
//! percentages) so that they can be summed and charted without parsing text; the header
//! row is bold and stays in view. `run`'s workbook adds a native Excel line chart, which
//! a planner can restyle like any chart of their own.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Chart, ChartLine, ChartLineDashType, ChartType, Format as Style, Workbook, Worksheet, XlsxError,
};

use super::sheet::{Cell, Sheet, month, rounded};
use crate::rules::PathId;
use crate::simulate::{DesignationStep, Drop, Projection};

/// A workbook of `sheets`, in order.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    for sheet in sheets {
        add(&mut book, sheet)?;
    }
    book.save_to_buffer()
}

/// `pcsim run`'s workbook: "Months" (with the qualifying line as a column, so that the
/// chart's line is data a planner can move), the "Chart", a "Summary", and, when there
/// are any, the "Designation" events, the "Drops", and the warnings ahead
/// ("Certifications ending", "Ageing out").
pub fn run(p: &Projection) -> Result<Vec<u8>, XlsxError> {
    let mut months = super::csv::months(p);
    months.header.push("qualifying_total".into());
    for row in &mut months.rows {
        row.push(Cell::Points(p.terms.qualifying_total));
    }
    let mut book = Workbook::new();
    add(&mut book, &months)?;
    let chart = book.add_chartsheet();
    chart.set_name("Chart")?;
    chart.insert_chart(0, 0, &line_chart(p, &months))?;
    add(&mut book, &summary(p))?;
    for sheet in [
        designation(p),
        drops(p),
        certifications_ending(p),
        ageing_out(p),
    ] {
        if !sheet.rows.is_empty() {
            add(&mut book, &sheet)?;
        }
    }
    book.save_to_buffer()
}

/// Both paths' totals by month against the qualifying line, drawn from "Months".
fn line_chart(p: &Projection, months: &Sheet) -> Chart {
    let column = |name: &str| {
        months
            .header
            .iter()
            .position(|h| h == name)
            .expect("the months sheet has every path's total") as u16
    };
    let last = months.rows.len() as u32;
    let mut chart = Chart::new(ChartType::Line);
    chart
        .title()
        .set_name(&format!("{}: {}", p.scenario, p.terms.designation));
    let lines = PathId::ALL
        .iter()
        .map(|path| {
            (
                p.terms.path_names[path.index()].clone(),
                column(&format!("{}_total", path.key())),
            )
        })
        .chain([(
            format!("Qualifying ({})", p.terms.qualifying_total.normalize()),
            column("qualifying_total"),
        )]);
    for (i, (name, col)) in lines.enumerate() {
        let series = chart.add_series();
        series
            .set_name(&name)
            .set_categories(("Months", 1, 0, last, 0))
            .set_values(("Months", 1, col, last, col));
        // The qualifying line is the last series: a dashed red rule, not a third plan.
        if i == PathId::ALL.len() {
            series.set_format(
                ChartLine::new()
                    .set_color("#C00000")
                    .set_dash_type(ChartLineDashType::Dash),
            );
        }
    }
    chart.x_axis().set_name("Month");
    // From zero, so that the gap to the line reads true; the top follows the ruleset.
    chart.y_axis().set_name("Points").set_min(0);
    chart
}

/// The projection's headline facts, one per row.
fn summary(p: &Projection) -> Sheet {
    let s = &p.summary;
    let mut sheet = Sheet::new("Summary", &["item", "value"]);
    let never = |m: Option<crate::month::Month>| match month(m) {
        Cell::Blank => Cell::Text("never".into()),
        m => m,
    };
    let mut item = |name: &str, value: Cell| sheet.rows.push(vec![name.into(), value]);
    item("scenario", p.scenario.as_str().into());
    item("designation", p.terms.designation.as_str().into());
    item("ruleset", p.ruleset.as_str().into());
    item("start", Cell::Text(p.start.to_string()));
    item("end", month(p.months.last().map(|m| m.month)));
    item("qualifying_total", Cell::Points(p.terms.qualifying_total));
    for path in PathId::ALL {
        item(
            &format!("first_qualified_{}", path.key()),
            never(s.first_qualified[path.index()]),
        );
    }
    item("first_qualified_any", never(s.first_qualified_any));
    item("months_qualified", Cell::count(s.months_qualified));
    item("enrolled", never(s.enrolled));
    for (from, to) in &s.enrolment_windows {
        item("enrolment_window", Cell::Text(format!("{from} to {to}")));
    }
    item("assumed_events", Cell::count(p.assumed_events));
    sheet
}

/// Enrolments, renewals and lapses, with how each renewal window went.
fn designation(p: &Projection) -> Sheet {
    let mut sheet = Sheet::new(
        "Designation",
        &[
            "month",
            "step",
            "fee_usd",
            "window_from",
            "window_to",
            "qualified_months",
            "margin_months",
            "best_headline",
        ],
    );
    for e in &p.summary.designation {
        let step = match e.step {
            DesignationStep::Enrol => "enrol",
            DesignationStep::Renew => "renew",
            DesignationStep::Lapse => "lapse",
        };
        let mut row = vec![
            Cell::Text(e.month.to_string()),
            step.into(),
            Cell::Usd(e.fee_usd),
        ];
        if let Some(a) = &e.anniversary {
            row.extend([
                Cell::Text(a.window_from.to_string()),
                Cell::Text(a.window_to.to_string()),
                Cell::count(a.qualified_months),
                a.margin_months.map_or(Cell::Blank, Cell::count),
                Cell::Points(a.best_headline),
            ]);
        }
        sheet.rows.push(row);
    }
    sheet
}

/// Drops and setbacks, a row per metric that lost points.
fn drops(p: &Projection) -> Sheet {
    let mut sheet = Sheet::new(
        "Drops",
        &[
            "month",
            "kind",
            "path",
            "total_before",
            "total_after",
            "metric",
            "points_before",
            "points_after",
            "reason",
        ],
    );
    let s = &p.summary;
    let mut all: Vec<(&str, &Drop)> = s.drops.iter().map(|d| ("drop", d)).collect();
    all.extend(s.setbacks.iter().map(|d| ("setback", d)));
    all.sort_by_key(|(_, d)| d.month);
    for (kind, d) in all {
        for c in &d.causes {
            sheet.rows.push(vec![
                Cell::Text(d.month.to_string()),
                kind.into(),
                d.path.key().into(),
                Cell::Points(d.total_before),
                Cell::Points(d.total_after),
                c.metric.key().into(),
                Cell::Points(c.points_before),
                Cell::Points(c.points_after),
                c.reason.as_str().into(),
            ]);
        }
    }
    sheet
}

/// Certifications that stop counting, a row per person's certification, with what the
/// month's endings cost each path together.
fn certifications_ending(p: &Projection) -> Sheet {
    let mut sheet = Sheet::new(
        "Certifications ending",
        &[
            "month",
            "person",
            "certification",
            "step",
            "last_day",
            "why",
            "enterprise_points_lost",
            "smb_points_lost",
        ],
    );
    for group in &p.summary.warnings.certifications {
        for c in &group.ending {
            sheet.rows.push(vec![
                Cell::Text(group.month.to_string()),
                c.person.as_str().into(),
                c.certification.as_str().into(),
                Cell::count(c.step),
                Cell::Text(c.last_day.to_string()),
                c.why.as_str().into(),
                Cell::Points(group.points_lost[PathId::Enterprise.index()]),
                Cell::Points(group.points_lost[PathId::Smb.index()]),
            ]);
        }
    }
    sheet
}

/// Wins that stop adding to a net count a year on.
fn ageing_out(p: &Projection) -> Sheet {
    let mut sheet = Sheet::new(
        "Ageing out",
        &["month", "path", "metric", "count", "units", "tenants"],
    );
    for a in &p.summary.warnings.ageing_out {
        let names: Vec<&str> = a.tenants.iter().map(|(name, _)| name.as_str()).collect();
        sheet.rows.push(vec![
            Cell::Text(a.month.to_string()),
            a.path.key().into(),
            a.metric.key().into(),
            Cell::count(a.count),
            Cell::Count(a.units),
            names.join(", ").into(),
        ]);
    }
    sheet
}

/// Writes `sheet` as a new worksheet: bold frozen header, typed cells, widths to fit.
fn add(book: &mut Workbook, sheet: &Sheet) -> Result<(), XlsxError> {
    let ws = book.add_worksheet();
    ws.set_name(sheet.name)?;
    let bold = Style::new().set_bold();
    for (c, h) in sheet.header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)?;
    }
    let styles = Styles::new();
    for (r, row) in sheet.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            write(ws, r as u32 + 1, c as u16, cell, &styles)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    for (c, h) in sheet.header.iter().enumerate() {
        let widest = sheet
            .rows
            .iter()
            .filter_map(|row| row.get(c))
            .map(shown_width)
            .chain([h.chars().count()])
            .max()
            .unwrap_or(0);
        // Room for Excel's filter arrow, but no column so wide that a long reason
        // pushes the rest off the screen (the text is still all in the cell).
        ws.set_column_width(c as u16, (widest + 2).clamp(8, 60) as f64)?;
    }
    Ok(())
}

/// The number formats, made once per sheet.
struct Styles {
    points: Style,
    usd: Style,
    chance: Style,
    count: Style,
}

impl Styles {
    fn new() -> Styles {
        Styles {
            points: Style::new().set_num_format("0.00"),
            usd: Style::new().set_num_format("#,##0.00"),
            chance: Style::new().set_num_format("0.0%"),
            count: Style::new().set_num_format("#,##0"),
        }
    }
}

fn write(ws: &mut Worksheet, r: u32, c: u16, cell: &Cell, s: &Styles) -> Result<(), XlsxError> {
    // Decimals become floats only here, at the cell: Excel holds nothing else.
    let float = |d: &Decimal| d.to_f64().unwrap_or(0.0);
    match cell {
        Cell::Text(t) => ws.write_string(r, c, t)?,
        Cell::Points(d) => ws.write_number_with_format(r, c, float(d), &s.points)?,
        Cell::Usd(d) => ws.write_number_with_format(r, c, float(d), &s.usd)?,
        Cell::Count(n) => ws.write_number_with_format(r, c, *n as f64, &s.count)?,
        // Rounded as the CSV and the JSON give it.
        Cell::Chance(p) => ws.write_number_with_format(r, c, rounded(*p), &s.chance)?,
        Cell::Flag(b) => ws.write_boolean(r, c, *b)?,
        Cell::Blank => ws,
    };
    Ok(())
}

/// About how many characters the cell shows once formatted.
fn shown_width(cell: &Cell) -> usize {
    let text = cell.text().chars().count();
    match cell {
        // Thousands separators.
        Cell::Usd(_) | Cell::Count(_) => text + text / 3,
        Cell::Chance(_) => 6,
        Cell::Flag(_) => 5,
        _ => text,
    }
}
