//! Charts for planning meetings, drawn with plotters into memory as PNG or SVG.
//!
//! Text uses an embedded font (DejaVu Sans, licence in assets/fonts/) through plotters'
//! ab_glyph backend, so charts come out the same on any machine. Colours are the
//! Okabe–Ito palette, which stays distinguishable with the common colour-vision deficiencies.

use std::str::FromStr;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::FontStyle;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::month::Month;
use crate::odds::{Method, Odds, Percentiles};
use crate::rules::PathId;
use crate::score::Metric;
use crate::simulate::{DesignationStep, MonthScore, Projection};

const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub const FAMILY: &str = "sans-serif";
/// A little headroom above 100 points so a line at the maximum is not clipped.
const TOP: f64 = 104.0;

pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
pub const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
pub const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
pub const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
pub const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
/// The qualifying line.
pub const LINE: RGBColor = RGBColor(0x33, 0x33, 0x33);
const GRID: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);
/// Bluish green at 15% on white: the months in which the partner could enrol.
const ENROL_SHADE: RGBColor = RGBColor(0xD9, 0xF0, 0xEA);

const PATH_COLOURS: [RGBColor; 2] = [BLUE, ORANGE];
const METRIC_COLOURS: [RGBColor; 4] = [SKY, GREEN, YELLOW, PURPLE];
const PLAN_COLOURS: [RGBColor; 7] = [BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION, BLACK];

/// A chart size in pixels, written `1600x900`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

impl Default for Size {
    fn default() -> Size {
        Size {
            width: 1600,
            height: 900,
        }
    }
}

impl FromStr for Size {
    type Err = String;
    fn from_str(s: &str) -> Result<Size, String> {
        let bad = || format!("`{s}` is not a size: write WIDTHxHEIGHT in pixels, such as 1600x900");
        let (w, h) = s.trim().split_once(['x', 'X']).ok_or_else(bad)?;
        let (width, height): (u32, u32) = (
            w.trim().parse().map_err(|_| bad())?,
            h.trim().parse().map_err(|_| bad())?,
        );
        if !(640..=8000).contains(&width) || !(360..=8000).contains(&height) {
            return Err(format!(
                "{width}x{height} is out of range: width 640..=8000 and height 360..=8000 pixels"
            ));
        }
        Ok(Size { width, height })
    }
}

/// The kinds of image file a chart is written as, by the file name's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Image {
    Png,
    Svg,
}

impl Image {
    /// By extension, `.png` or `.svg` in any case; an error saying which work otherwise.
    pub fn of(path: &std::path::Path) -> Result<Image, String> {
        let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase());
        match ext.as_deref() {
            Some("png") => Ok(Image::Png),
            Some("svg") => Ok(Image::Svg),
            _ => Err(format!(
                "`{}`: a chart is written as PNG or SVG: end the file name in .png or .svg",
                path.display()
            )),
        }
    }
}

/// What to draw.
pub enum Drawing<'a> {
    /// `pcsim chart`.
    Projection(&'a Projection),
    /// `pcsim compare --chart`, with the plans' odds when weighed.
    Comparison(&'a [&'a Projection], Option<&'a [Odds]>),
    /// `pcsim odds --chart`.
    Odds(&'a Odds),
}

/// The file's bytes: `drawing` as a PNG or an SVG image.
pub fn image(drawing: Drawing<'_>, size: Size, kind: Image) -> Result<Vec<u8>, Failure> {
    Ok(match (kind, drawing) {
        (Image::Png, Drawing::Projection(p)) => projection_chart(p, size)?.png,
        (Image::Png, Drawing::Comparison(plans, odds)) => {
            comparison_chart_with_odds(plans, odds, size)?.png
        }
        (Image::Png, Drawing::Odds(o)) => odds_chart(o, size)?.png,
        (Image::Svg, Drawing::Projection(p)) => projection_svg(p, size)?.into_bytes(),
        (Image::Svg, Drawing::Comparison(plans, odds)) => {
            comparison_svg(plans, odds, size)?.into_bytes()
        }
        (Image::Svg, Drawing::Odds(o)) => odds_svg(o, size)?.into_bytes(),
    })
}

/// A rendered chart: the PNG file, its raw pixels, and where the qualifying line was drawn.
pub struct Chart {
    pub png: Vec<u8>,
    pub size: Size,
    /// RGB, row by row.
    pub pixels: Vec<u8>,
    /// The pixel row of the qualifying line in the score panel, and its x extent.
    pub qualifying_line: (i32, i32, i32),
    /// The pixel rows of 0 points and of the top of the score axis.
    pub score_axis: (i32, f64, i32),
}

impl Chart {
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let i = ((y * self.size.width + x) * 3) as usize;
        [self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]]
    }
}

/// Makes the embedded font available to plotters under [`FAMILY`] (once per process).
pub fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, FONT)
            .unwrap_or_else(|_| panic!("the embedded font is valid"));
    });
}

type Failure = String;

fn fail<E: std::fmt::Debug>(e: E) -> Failure {
    format!("cannot draw the chart: {e:?}")
}

/// Pixel sizes scale with the chart's height so that text stays readable on a slide.
struct Scale(f64);

impl Scale {
    fn px(&self, at_900: f64) -> i32 {
        (at_900 * self.0).round().max(1.0) as i32
    }
    fn font(&self, at_900: f64) -> TextStyle<'static> {
        (FAMILY, at_900 * self.0).into_font().color(&BLACK)
    }
}

fn points(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// One legend entry: a colour swatch (line or box) and its label.
struct Key {
    colour: RGBColor,
    label: String,
    boxed: bool,
}

/// Draws legend entries left to right in their own strip, so they never cover data.
fn legend<DB: DrawingBackend>(area: &Root<DB>, keys: &[Key], s: &Scale) -> Result<(), Failure> {
    let font = s.font(22.0);
    let mut x = s.px(90.0);
    let y = area.dim_in_pixel().1 as i32 / 2;
    for k in keys {
        let swatch = s.px(34.0);
        if k.boxed {
            area.draw(&Rectangle::new(
                [(x, y - s.px(9.0)), (x + swatch, y + s.px(9.0))],
                k.colour.filled(),
            ))
            .map_err(fail)?;
        } else {
            area.draw(&PathElement::new(
                vec![(x, y), (x + swatch, y)],
                k.colour.stroke_width(s.px(5.0) as u32),
            ))
            .map_err(fail)?;
        }
        x += swatch + s.px(10.0);
        area.draw(&Text::new(
            k.label.clone(),
            (x, y - s.px(12.0)),
            font.clone(),
        ))
        .map_err(fail)?;
        let (w, _) = area.estimate_text_size(&k.label, &font).map_err(fail)?;
        x += w as i32 + s.px(40.0);
    }
    Ok(())
}

fn caption<DB: DrawingBackend>(
    area: &Root<DB>,
    title: &str,
    subtitle: &str,
    s: &Scale,
) -> Result<(), Failure> {
    area.draw(&Text::new(
        title.to_string(),
        (s.px(40.0), s.px(14.0)),
        s.font(36.0),
    ))
    .map_err(fail)?;
    area.draw(&Text::new(
        subtitle.to_string(),
        (s.px(40.0), s.px(60.0)),
        s.font(23.0).color(&RGBColor(0x44, 0x44, 0x44)),
    ))
    .map_err(fail)
}

type Axes<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Points (0 to 100) against months, labelled like `2027-03`. `below` is extra room under
/// the month labels (pixels at a height of 900), for the designation events.
fn month_axes<'a, DB: DrawingBackend>(
    area: &'a Root<DB>,
    first: Month,
    months: usize,
    y_labels: usize,
    below: f64,
    y_desc: &str,
    s: &Scale,
) -> Result<Axes<'a, DB>, Failure> {
    let mut chart = ChartBuilder::on(area)
        .margin_left(s.px(20.0))
        .margin_right(s.px(40.0))
        .margin_top(s.px(10.0))
        .margin_bottom(s.px(10.0))
        .x_label_area_size(s.px(50.0 + below))
        .y_label_area_size(s.px(70.0))
        .build_cartesian_2d(-0.5..(months as f64 - 0.5), 0f64..TOP)
        .map_err(fail)?;
    chart
        .configure_mesh()
        .light_line_style(GRID)
        .bold_line_style(GRID)
        .x_labels(months.min(12))
        .x_label_formatter(&|x| month_label(first, *x))
        .y_desc(y_desc)
        .y_labels(y_labels)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .label_style(s.font(20.0))
        .axis_desc_style(s.font(22.0))
        .draw()
        .map_err(fail)?;
    Ok(chart)
}

/// Draws the qualifying line across the plot; returns where it went (row, x from, x to)
/// and the rows of 0 and of the top of the axis, for tests that check the pixels.
fn qualifying_line<DB: DrawingBackend>(
    chart: &mut Axes<'_, DB>,
    threshold: f64,
    s: &Scale,
) -> Result<Placement, Failure> {
    let (from, to) = (chart.x_range().start, chart.x_range().end);
    chart
        .draw_series(LineSeries::new(
            [(from, threshold), (to, threshold)],
            LINE.stroke_width(s.px(3.0) as u32),
        ))
        .map_err(fail)?;
    let (x0, y) = chart.backend_coord(&(from, threshold));
    let (x1, _) = chart.backend_coord(&(to, threshold));
    let axis = (
        chart.backend_coord(&(0.0, 0.0)).1,
        TOP,
        chart.backend_coord(&(0.0, TOP)).1,
    );
    Ok(((y, x0, x1), axis))
}

fn month_label(first: Month, x: f64) -> String {
    let k = x.round();
    if (x - k).abs() > 0.01 || k < 0.0 {
        String::new()
    } else {
        (first + k as i32).to_string()
    }
}

/// Months where a path starts or stops qualifying: `(index, up)`.
fn crossings(
    months: &[MonthScore],
    before: Option<&MonthScore>,
    path: PathId,
) -> Vec<(usize, bool)> {
    let mut prev = before.map(|m| m.path(path).qualified);
    let mut out = Vec::new();
    for (k, m) in months.iter().enumerate() {
        let q = m.path(path).qualified;
        if let Some(p) = prev
            && p != q
        {
            out.push((k, q));
        }
        if prev.is_none() && q {
            out.push((k, true));
        }
        prev = Some(q);
    }
    out
}

/// Where a label beside a marker goes: to its right, or to its left where it would run off
/// the chart. Returns its top-left corner and its size.
fn label_spot<DB: DrawingBackend>(
    root: &Root<DB>,
    text: &str,
    (x, y): (i32, i32),
    dy: i32,
    style: &TextStyle<'_>,
    s: &Scale,
) -> Result<(i32, i32, i32, i32), Failure> {
    let (w, h) = root.estimate_text_size(text, style).map_err(fail)?;
    let right_edge = root.dim_in_pixel().0 as i32 - s.px(10.0);
    let x = if x + s.px(8.0) + w as i32 > right_edge {
        x - s.px(8.0) - w as i32
    } else {
        x + s.px(8.0)
    };
    Ok((x, y + dy, w as i32, h as i32))
}

/// Writes a label beside a marker (see [`label_spot`]).
fn annotate<DB: DrawingBackend>(
    root: &Root<DB>,
    text: String,
    at: (i32, i32),
    dy: i32,
    style: TextStyle<'_>,
    s: &Scale,
) -> Result<(), Failure> {
    let (x, y, _, _) = label_spot(root, &text, at, dy, &style, s)?;
    root.draw(&Text::new(text, (x, y), style)).map_err(fail)
}

type Root<DB> = DrawingArea<DB, Shift>;

/// Where the qualifying line went (row, x from, x to) and the score axis (row of 0, top
/// value, row of the top), for tests that check pixels.
type Placement = ((i32, i32, i32), (i32, f64, i32));

/// What every chart shares: the embedded font, a white canvas in memory, and the PNG
/// made from it once `draw` has drawn.
fn render(
    size: Size,
    draw: impl FnOnce(&Root<BitMapBackend<'_>>, &Scale) -> Result<Placement, Failure>,
) -> Result<Chart, Failure> {
    register_font();
    let s = Scale(size.height as f64 / 900.0);
    let mut pixels = vec![255u8; (size.width * size.height * 3) as usize];
    let (qualifying_line, score_axis) = {
        let root =
            BitMapBackend::with_buffer(&mut pixels, (size.width, size.height)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        let placement = draw(&root, &s)?;
        root.present().map_err(fail)?;
        placement
    };
    encode(pixels, size, qualifying_line, score_axis)
}

/// [`render`] as SVG, text as text.
fn render_svg(
    size: Size,
    draw: impl FnOnce(&Root<SVGBackend<'_>>, &Scale) -> Result<Placement, Failure>,
) -> Result<String, Failure> {
    register_font();
    let s = Scale(size.height as f64 / 900.0);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (size.width, size.height)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        draw(&root, &s)?;
        root.present().map_err(fail)?;
    }
    Ok(svg)
}

fn encode(
    pixels: Vec<u8>,
    size: Size,
    qualifying_line: (i32, i32, i32),
    score_axis: (i32, f64, i32),
) -> Result<Chart, Failure> {
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, size.width, size.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(fail)?;
        writer.write_image_data(&pixels).map_err(fail)?;
    }
    Ok(Chart {
        png,
        size,
        pixels,
        qualifying_line,
        score_axis,
    })
}

/// The path with more qualified months (then the higher average): the one whose metrics
/// the lower panel shows.
pub fn better_path(p: &Projection) -> PathId {
    let key = |path: PathId| {
        let q = p.months.iter().filter(|m| m.path(path).qualified).count();
        let sum: Decimal = p.months.iter().map(|m| m.path(path).total).sum();
        (q, sum)
    };
    if key(PathId::Smb) > key(PathId::Enterprise) {
        PathId::Smb
    } else {
        PathId::Enterprise
    }
}

/// A label at a month where a path starts or stops qualifying.
struct CrossingLabel {
    path: PathId,
    /// The marker: month index and points.
    xy: (f64, f64),
    text: String,
    /// Top-left corner and size in pixels.
    spot: (i32, i32, i32, i32),
}

/// Room under the month labels for the designation events' labels (pixels at 900).
const EVENT_ROW: f64 = 30.0;

/// A designation event on the chart: its month's index and what happened then.
struct Mark {
    k: usize,
    label: String,
    colour: RGBColor,
}

/// The designation events, one mark per month ("lapse, enrol" when both fall in one).
fn designation_marks(p: &Projection) -> Vec<Mark> {
    let mut marks: Vec<Mark> = Vec::new();
    for e in &p.summary.designation {
        let Ok(k) = usize::try_from(e.month.since(p.start)) else {
            continue;
        };
        let (word, colour) = match e.step {
            DesignationStep::Enrol => ("enrol", GREEN),
            DesignationStep::Renew => ("renew", GREEN),
            DesignationStep::Lapse => ("lapse", VERMILLION),
        };
        match marks.last_mut() {
            Some(m) if m.k == k => m.label = format!("{}, {word}", m.label),
            _ => marks.push(Mark {
                k,
                label: word.to_string(),
                colour,
            }),
        }
    }
    marks
}

/// Each designation event as a thin dashed line up the score panel (under the data, with a
/// gap at every label in `avoid`: x, y, width, height) and a small label in its own row
/// under the month labels; labels that would touch stack downwards, one row each.
fn draw_designation<DB: DrawingBackend>(
    root: &Root<DB>,
    chart: &Axes<'_, DB>,
    marks: &[Mark],
    avoid: &[(i32, i32, i32, i32)],
    s: &Scale,
) -> Result<(), Failure> {
    let font = s.font(17.0);
    let (_, bottom) = chart.backend_coord(&(0.0, 0.0));
    let (_, top) = chart.backend_coord(&(0.0, 100.0));
    let (left, _) = chart.backend_coord(&(chart.x_range().start, 0.0));
    let (right, _) = chart.backend_coord(&(chart.x_range().end, 0.0));
    // Under the month labels, which take about the first 45 pixels of the label area.
    let row_y = bottom + s.px(46.0);
    let row_h = s.px(19.0);
    let gap = s.px(6.0);
    // Right ends of the labels placed so far in each row.
    let mut rows: Vec<i32> = Vec::new();
    for m in marks {
        let (x, _) = chart.backend_coord(&(m.k as f64, 0.0));
        // The rows the line must skip, top to bottom, and the stretches between them.
        let pad = s.px(4.0);
        let mut skips: Vec<(i32, i32)> = avoid
            .iter()
            .filter(|(bx, _, bw, _)| (bx - pad..=bx + bw + pad).contains(&x))
            .map(|&(_, by, _, bh)| (by - pad, by + bh + pad))
            .collect();
        skips.sort_unstable();
        let mut from = top;
        let mut stretches = Vec::new();
        for (a, b) in skips {
            if a > from {
                stretches.push((from, a.min(bottom)));
            }
            from = from.max(b);
        }
        if from < bottom {
            stretches.push((from, bottom));
        }
        for (a, b) in stretches {
            root.draw(&plotters::element::DashedPathElement::new(
                vec![(x, a), (x, b)],
                s.px(8.0),
                s.px(6.0),
                m.colour.stroke_width(s.px(2.0) as u32),
            ))
            .map_err(fail)?;
        }
        let (w, _) = root.estimate_text_size(&m.label, &font).map_err(fail)?;
        let x0 = (x - w as i32 / 2).clamp(left, (right - w as i32).max(left));
        let row = match rows.iter().position(|&end| end + gap <= x0) {
            Some(r) => r,
            None => {
                rows.push(i32::MIN);
                rows.len() - 1
            }
        };
        rows[row] = x0 + w as i32;
        // A short tick on the axis ties the label to its month.
        root.draw(&PathElement::new(
            vec![(x, bottom), (x, bottom + s.px(8.0))],
            m.colour.stroke_width(s.px(2.0) as u32),
        ))
        .map_err(fail)?;
        root.draw(&Text::new(
            m.label.clone(),
            (x0, row_y + row as i32 * row_h),
            font.clone().color(&m.colour),
        ))
        .map_err(fail)?;
    }
    Ok(())
}

/// `pcsim chart`: both paths' totals with the qualifying line, crossings labelled and the
/// enrolment months shaded; below, the four metrics of the better path, stacked.
pub fn projection_chart(p: &Projection, size: Size) -> Result<Chart, Failure> {
    render(size, |root, s| draw_projection(root, s, p))
}

/// [`projection_chart`] as SVG.
pub fn projection_svg(p: &Projection, size: Size) -> Result<String, Failure> {
    render_svg(size, |root, s| draw_projection(root, s, p))
}

fn draw_projection<DB: DrawingBackend>(
    root: &Root<DB>,
    s: &Scale,
    p: &Projection,
) -> Result<Placement, Failure> {
    let first = p.start;
    let n = p.months.len();
    let threshold = points(p.terms.qualifying_total);
    let names = &p.terms.path_names;
    {
        let (head, rest) = root.split_vertically(s.px(100.0));
        let (keys, rest) = rest.split_vertically(s.px(44.0));
        let (top, bottom) = rest.split_vertically((rest.dim_in_pixel().1 as f64 * 0.58) as i32);
        let end = p.months.last().map_or(first, |m| m.month);
        caption(
            &head,
            &format!("{}: partner capability score", p.scenario),
            &format!(
                "{}, {first} to {end}, ruleset: {}{}",
                p.terms.designation,
                p.ruleset,
                match p.assumed_events {
                    0 => String::new(),
                    n => format!(" · assumes all {n} events with probability < 1 happen"),
                }
            ),
            s,
        )?;
        legend(
            &keys,
            &[
                Key {
                    colour: PATH_COLOURS[0],
                    label: format!("{} total", names[0]),
                    boxed: false,
                },
                Key {
                    colour: PATH_COLOURS[1],
                    label: format!("{} total", names[1]),
                    boxed: false,
                },
                Key {
                    colour: LINE,
                    label: format!("{} points: qualifies", p.terms.qualifying_total.normalize()),
                    boxed: false,
                },
                Key {
                    colour: ENROL_SHADE,
                    label: "could enrol".into(),
                    boxed: true,
                },
            ],
            s,
        )?;

        let events = designation_marks(p);
        let below = if events.is_empty() { 0.0 } else { EVENT_ROW };
        let mut chart = month_axes(&top, first, n, 6, below, "points", s)?;
        for (a, b) in &p.summary.enrolment_windows {
            let (x0, x1) = (a.since(first) as f64 - 0.5, b.since(first) as f64 + 0.5);
            chart
                .draw_series([Rectangle::new(
                    [(x0, 0.0), (x1, 100.0)],
                    ENROL_SHADE.filled(),
                )])
                .map_err(fail)?;
        }
        // The crossing labels are placed first, so that the designation lines can pass
        // around them.
        let mut labels: Vec<CrossingLabel> = Vec::new();
        for path in PathId::ALL {
            for (k, up) in crossings(&p.months, p.lookback.last(), path) {
                let xy = (k as f64, points(p.months[k].path(path).total));
                let text = format!(
                    "{} {} {}",
                    names[path.index()],
                    if up { "↑" } else { "↓" },
                    p.months[k].month
                );
                let dy = if up { -s.px(42.0) } else { s.px(14.0) };
                let at = chart.backend_coord(&xy);
                let spot = label_spot(root, &text, at, dy, &s.font(20.0), s)?;
                labels.push(CrossingLabel {
                    path,
                    xy,
                    text,
                    spot,
                });
            }
        }
        let boxes: Vec<(i32, i32, i32, i32)> = labels.iter().map(|l| l.spot).collect();
        draw_designation(root, &chart, &events, &boxes, s)?;
        let placement = qualifying_line(&mut chart, threshold, s)?;
        for path in PathId::ALL {
            let colour = PATH_COLOURS[path.index()];
            let series = p
                .months
                .iter()
                .enumerate()
                .map(|(k, m)| (k as f64, points(m.path(path).total)));
            chart
                .draw_series(LineSeries::new(
                    series,
                    colour.stroke_width(s.px(5.0) as u32),
                ))
                .map_err(fail)?;
            for l in labels.iter().filter(|l| l.path == path) {
                chart
                    .draw_series([Circle::new(l.xy, s.px(9.0), colour.filled())])
                    .map_err(fail)?;
                root.draw(&Text::new(
                    l.text.clone(),
                    (l.spot.0, l.spot.1),
                    s.font(20.0).color(&colour),
                ))
                .map_err(fail)?;
            }
        }

        let better = better_path(p);
        let (legend_row, bars) = bottom.split_vertically(s.px(44.0));
        let mut keys = vec![Key {
            colour: WHITE,
            label: format!("{} metrics:", names[better.index()]),
            boxed: true,
        }];
        keys.extend(Metric::ALL.iter().map(|m| Key {
            colour: METRIC_COLOURS[*m as usize],
            label: m.label().to_string(),
            boxed: true,
        }));
        legend(&legend_row, &keys, s)?;
        let mut chart = month_axes(&bars, first, n, 5, 0.0, "points", s)?;
        for (k, m) in p.months.iter().enumerate() {
            let mut base = 0.0;
            for metric in Metric::ALL {
                let h = points(m.path(better).points(metric));
                if h > 0.0 {
                    let x = k as f64;
                    chart
                        .draw_series([Rectangle::new(
                            [(x - 0.38, base), (x + 0.38, base + h)],
                            METRIC_COLOURS[metric as usize].filled(),
                        )])
                        .map_err(fail)?;
                }
                base += h;
            }
        }
        Ok(placement)
    }
}

/// `pcsim compare --chart`: every plan's headline score (the better path each month) on
/// calendar months, the qualifying line, and each plan's first crossing labelled.
pub fn comparison_chart(plans: &[&Projection], size: Size) -> Result<Chart, Failure> {
    comparison_chart_with_odds(plans, None, size)
}

/// [`comparison_chart`], with each plan's chance of qualifying in each month in a panel
/// below when `odds` (one per plan, in order) are given.
pub fn comparison_chart_with_odds(
    plans: &[&Projection],
    odds: Option<&[Odds]>,
    size: Size,
) -> Result<Chart, Failure> {
    render(size, |root, s| draw_comparison(root, s, plans, odds))
}

/// [`comparison_chart_with_odds`] as SVG.
pub fn comparison_svg(
    plans: &[&Projection],
    odds: Option<&[Odds]>,
    size: Size,
) -> Result<String, Failure> {
    render_svg(size, |root, s| draw_comparison(root, s, plans, odds))
}

fn draw_comparison<DB: DrawingBackend>(
    root: &Root<DB>,
    s: &Scale,
    plans: &[&Projection],
    odds: Option<&[Odds]>,
) -> Result<Placement, Failure> {
    let first = plans
        .iter()
        .map(|p| p.start)
        .min()
        .ok_or("no plans to draw")?;
    let last = plans
        .iter()
        .filter_map(|p| p.months.last().map(|m| m.month))
        .max()
        .unwrap_or(first);
    let n = last.since(first) as usize + 1;
    let threshold = points(plans[0].terms.qualifying_total);
    {
        let (head, rest) = root.split_vertically(s.px(100.0));
        let (keys, body) = rest.split_vertically(s.px(44.0));
        let (body, below) = match odds {
            Some(_) => {
                let (a, b) = body.split_vertically((body.dim_in_pixel().1 as f64 * 0.6) as i32);
                (a, Some(b))
            }
            None => (body, None),
        };
        let names: Vec<&str> = plans.iter().map(|p| p.scenario.as_str()).collect();
        caption(
            &head,
            &format!("Plans compared: {}", names.join(" · ")),
            &format!(
                "headline score (the better path each month), {first} to {last}, ruleset: {}",
                plans[0].ruleset
            ),
            s,
        )?;
        let mut entries: Vec<Key> = plans
            .iter()
            .enumerate()
            .map(|(i, p)| Key {
                colour: PLAN_COLOURS[i % PLAN_COLOURS.len()],
                label: p.scenario.clone(),
                boxed: false,
            })
            .collect();
        entries.push(Key {
            colour: LINE,
            label: format!("{} points", plans[0].terms.qualifying_total.normalize()),
            boxed: false,
        });
        legend(&keys, &entries, s)?;

        let mut chart = month_axes(&body, first, n, 6, 0.0, "points", s)?;
        let placement = qualifying_line(&mut chart, threshold, s)?;
        for (i, p) in plans.iter().enumerate() {
            let colour = PLAN_COLOURS[i % PLAN_COLOURS.len()];
            let at = |m: &MonthScore| m.month.since(first) as f64;
            chart
                .draw_series(LineSeries::new(
                    p.months.iter().map(|m| (at(m), points(m.headline()))),
                    colour.stroke_width(s.px(5.0) as u32),
                ))
                .map_err(fail)?;
            if let Some(m) = p.months.iter().find(|m| m.qualified) {
                let xy = (at(m), points(m.headline()));
                chart
                    .draw_series([Circle::new(xy, s.px(10.0), colour.filled())])
                    .map_err(fail)?;
                // Stagger the labels of plans that cross in the same month.
                let dy = -(s.px(56.0) + s.px(30.0) * i as i32);
                let text = format!("{}: {}", p.scenario, m.month);
                annotate(
                    root,
                    text,
                    chart.backend_coord(&xy),
                    dy,
                    s.font(21.0).color(&colour),
                    s,
                )?;
            }
        }
        if let (Some(odds), Some(below)) = (odds, below) {
            let (title, panel) = below.split_vertically(s.px(40.0));
            title
                .draw(&Text::new(
                    "Chance of qualifying in each month (planned events with their probabilities)",
                    (s.px(90.0), s.px(8.0)),
                    s.font(22.0),
                ))
                .map_err(fail)?;
            let mut chart = month_axes(&panel, first, n, 5, 0.0, "percent", s)?;
            for (i, o) in odds.iter().enumerate() {
                let colour = PLAN_COLOURS[i % PLAN_COLOURS.len()];
                chart
                    .draw_series(LineSeries::new(
                        o.months.iter().flat_map(|m| {
                            let (k, p) = (m.month.since(first) as f64, m.p_qualified_any * 100.0);
                            [(k - 0.5, p), (k + 0.5, p)]
                        }),
                        colour.stroke_width(s.px(4.0) as u32),
                    ))
                    .map_err(fail)?;
            }
        }
        Ok(placement)
    }
}

/// `[0, 1]` of `colour` laid over white, for shading under lines.
fn tint(colour: RGBColor, alpha: f64) -> RGBColor {
    let mix = |c: u8| (255.0 - (255.0 - c as f64) * alpha).round() as u8;
    RGBColor(mix(colour.0), mix(colour.1), mix(colour.2))
}

/// `pcsim odds --chart`: a fan of the headline score (P10 to P90 and P25 to P75 shaded,
/// the median as a line) with the qualifying line; below, the probability of qualifying
/// in each month (bars) and of having qualified by then (a line).
pub fn odds_chart(o: &Odds, size: Size) -> Result<Chart, Failure> {
    render(size, |root, s| draw_odds(root, s, o))
}

/// [`odds_chart`] as SVG.
pub fn odds_svg(o: &Odds, size: Size) -> Result<String, Failure> {
    render_svg(size, |root, s| draw_odds(root, s, o))
}

fn draw_odds<DB: DrawingBackend>(
    root: &Root<DB>,
    s: &Scale,
    o: &Odds,
) -> Result<Placement, Failure> {
    let Some(first) = o.months.first().map(|m| m.month) else {
        return Err("no months to draw".into());
    };
    let n = o.months.len();
    let last = o.months[n - 1].month;
    let threshold = points(o.qualifying_total);
    let (outer, inner) = (tint(ORANGE, 0.22), tint(ORANGE, 0.5));
    let how = match o.method {
        Method::Exact => format!("exact over all {} outcomes", o.outcomes),
        Method::Sampled { draws, seed } => format!("estimated from {draws} draws (seed {seed})"),
    };
    {
        let (head, rest) = root.split_vertically(s.px(100.0));
        let (keys, rest) = rest.split_vertically(s.px(44.0));
        let (top, bottom) = rest.split_vertically((rest.dim_in_pixel().1 as f64 * 0.58) as i32);
        caption(
            &head,
            &format!("{}: how likely", o.scenario),
            &format!("headline score (the better path), {first} to {last}, {how}"),
            s,
        )?;
        legend(
            &keys,
            &[
                Key {
                    colour: outer,
                    label: "P10 to P90".into(),
                    boxed: true,
                },
                Key {
                    colour: inner,
                    label: "P25 to P75".into(),
                    boxed: true,
                },
                Key {
                    colour: ORANGE,
                    label: "median".into(),
                    boxed: false,
                },
                Key {
                    colour: LINE,
                    label: format!("{} points: qualifies", o.qualifying_total.normalize()),
                    boxed: false,
                },
            ],
            s,
        )?;
        let mut chart = month_axes(&top, first, n, 6, 0.0, "points", s)?;
        let band = |lo: fn(&Percentiles) -> Decimal, hi: fn(&Percentiles) -> Decimal| {
            let upper = o
                .months
                .iter()
                .enumerate()
                .map(|(k, m)| (k as f64, points(hi(&m.headline))));
            let lower = o
                .months
                .iter()
                .enumerate()
                .rev()
                .map(|(k, m)| (k as f64, points(lo(&m.headline))));
            upper.chain(lower).collect::<Vec<(f64, f64)>>()
        };
        chart
            .draw_series([Polygon::new(band(|p| p.p10, |p| p.p90), outer.filled())])
            .map_err(fail)?;
        chart
            .draw_series([Polygon::new(band(|p| p.p25, |p| p.p75), inner.filled())])
            .map_err(fail)?;
        let placement = qualifying_line(&mut chart, threshold, s)?;
        chart
            .draw_series(LineSeries::new(
                o.months
                    .iter()
                    .enumerate()
                    .map(|(k, m)| (k as f64, points(m.headline.p50))),
                ORANGE.stroke_width(s.px(5.0) as u32),
            ))
            .map_err(fail)?;

        let (legend_row, bars) = bottom.split_vertically(s.px(44.0));
        legend(
            &legend_row,
            &[
                Key {
                    colour: GREEN,
                    label: "P(qualified) in the month".into(),
                    boxed: true,
                },
                Key {
                    colour: BLUE,
                    label: "P(qualified at least once by then)".into(),
                    boxed: false,
                },
            ],
            s,
        )?;
        let mut chart = month_axes(&bars, first, n, 5, 0.0, "percent", s)?;
        for (k, m) in o.months.iter().enumerate() {
            let h = m.p_qualified_any * 100.0;
            if h > 0.0 {
                let x = k as f64;
                chart
                    .draw_series([Rectangle::new(
                        [(x - 0.38, 0.0), (x + 0.38, h)],
                        GREEN.filled(),
                    )])
                    .map_err(fail)?;
            }
        }
        // A step per month: the chance holds for the whole month.
        chart
            .draw_series(LineSeries::new(
                o.months.iter().enumerate().flat_map(|(k, m)| {
                    let p = m.p_first_qualified_by * 100.0;
                    [(k as f64 - 0.5, p), (k as f64 + 0.5, p)]
                }),
                BLUE.stroke_width(s.px(4.0) as u32),
            ))
            .map_err(fail)?;
        Ok(placement)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(
            "1600x900".parse(),
            Ok(Size {
                width: 1600,
                height: 900
            })
        );
        assert_eq!(
            " 1920X1080 ".parse(),
            Ok(Size {
                width: 1920,
                height: 1080
            })
        );
        assert!("1600".parse::<Size>().unwrap_err().contains("WIDTHxHEIGHT"));
        assert!(
            "100x100"
                .parse::<Size>()
                .unwrap_err()
                .contains("out of range")
        );
    }
}
