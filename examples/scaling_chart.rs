//! Draws docs/scaling.png from the figures scripts/scaling.sh measured:
//!
//!     cargo run --release --example scaling_chart -- docs/scaling.csv docs/scaling.png
//!
//! The CSV has the columns `tenants,rows,csv_mb,wall_s,cpu_s,peak_mb`.

use plotters::prelude::*;

use pcsim::report::chart::{BLUE, FAMILY, ORANGE, register_font};

struct Point {
    tenants: f64,
    wall: f64,
    cpu: f64,
    peak: f64,
    csv: f64,
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (input, output) = (args.next().expect("a CSV"), args.next().expect("a PNG"));
    let mut points = Vec::new();
    for record in csv::Reader::from_path(&input)?.records() {
        let r = record?;
        let f = |i: usize| -> anyhow::Result<f64> { Ok(r[i].parse()?) };
        points.push(Point {
            tenants: f(0)?,
            csv: f(2)?,
            wall: f(3)?,
            cpu: f(4)?,
            peak: f(5)?,
        });
    }
    register_font();
    let root = BitMapBackend::new(&output, (1600, 700)).into_drawing_area();
    root.fill(&WHITE)?;
    let (left, right) = root.split_horizontally(800);
    let x = (points[0].tenants * 0.7)..(points[points.len() - 1].tenants * 1.4);
    let font = |size: i32| (FAMILY, size).into_font();

    // Both axes logarithmic: cost that grows in proportion to tenants is a straight line.
    let top = points.iter().map(|p| p.wall.max(p.cpu)).fold(0.0, f64::max) * 1.5;
    let bottom = points
        .iter()
        .map(|p| p.wall.min(p.cpu))
        .fold(f64::MAX, f64::min)
        * 0.7;
    let mut time = ChartBuilder::on(&left)
        .caption("Time, end to end (pcsim run … --format json)", font(30))
        .margin(20)
        .x_label_area_size(60)
        .y_label_area_size(80)
        .build_cartesian_2d(x.clone().log_scale(), (bottom..top).log_scale())?;
    time.configure_mesh()
        .x_desc("tenants (36 months of history, 24 projected; log scale)")
        .y_desc("seconds (log scale)")
        .y_label_formatter(&|v| format!("{v}"))
        .label_style(font(20))
        .axis_desc_style(font(22))
        .x_label_formatter(&tenants_label)
        .draw()?;
    for (label, colour, get) in [
        (
            "wall clock, 2 cores",
            BLUE,
            (|p: &Point| p.wall) as fn(&Point) -> f64,
        ),
        ("CPU time", ORANGE, |p: &Point| p.cpu),
    ] {
        time.draw_series(LineSeries::new(
            points.iter().map(|p| (p.tenants, get(p))),
            colour.stroke_width(4),
        ))?
        .label(label)
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 30, y)], colour.stroke_width(4)));
        time.draw_series(
            points
                .iter()
                .map(|p| Circle::new((p.tenants, get(p)), 6, colour.filled())),
        )?;
    }
    time.configure_series_labels()
        .label_font(font(20))
        .background_style(WHITE)
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperLeft)
        .draw()?;

    let top = points.iter().map(|p| p.peak.max(p.csv)).fold(0.0, f64::max) * 1.5;
    let bottom = points
        .iter()
        .map(|p| p.peak.min(p.csv))
        .fold(f64::MAX, f64::min)
        * 0.7;
    let mut memory = ChartBuilder::on(&right)
        .caption("Peak memory, and the CSV's own size", font(30))
        .margin(20)
        .x_label_area_size(60)
        .y_label_area_size(80)
        .build_cartesian_2d(x.log_scale(), (bottom..top).log_scale())?;
    memory
        .configure_mesh()
        .x_desc("tenants (log scale)")
        .y_desc("MB (log scale)")
        .y_label_formatter(&|v| format!("{v:.0}"))
        .label_style(font(20))
        .axis_desc_style(font(22))
        .x_label_formatter(&tenants_label)
        .draw()?;
    for (label, colour, get) in [
        (
            "peak resident memory",
            BLUE,
            (|p: &Point| p.peak) as fn(&Point) -> f64,
        ),
        ("history CSV size", ORANGE, |p: &Point| p.csv),
    ] {
        memory
            .draw_series(LineSeries::new(
                points.iter().map(|p| (p.tenants, get(p))),
                colour.stroke_width(4),
            ))?
            .label(label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 30, y)], colour.stroke_width(4)));
        memory.draw_series(
            points
                .iter()
                .map(|p| Circle::new((p.tenants, get(p)), 6, colour.filled())),
        )?;
    }
    memory
        .configure_series_labels()
        .label_font(font(20))
        .background_style(WHITE)
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperLeft)
        .draw()?;
    root.present()?;
    Ok(())
}

/// "10k", "100k", "1M": how many tenants, as an axis label.
fn tenants_label(v: &f64) -> String {
    if *v >= 1e6 {
        format!("{:.0}M", v / 1e6)
    } else {
        format!("{:.0}k", v / 1e3)
    }
}
