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

use super::layout::{Placer, Rect, around, reaching, wrap};
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
const SUBTITLE: RGBColor = RGBColor(0x44, 0x44, 0x44);
/// Vermillion at 12% on white: the months in which the partner could not enrol.
const NO_ENROL_SHADE: RGBColor = RGBColor(0xFA, 0xEE, 0xE6);

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

/// How a legend entry shows what it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Swatch {
    Line,
    Dashed,
    Box,
    Dot,
    Ring,
    /// Nothing: the label alone.
    None,
}

/// One legend entry: a colour swatch and its label.
struct Key {
    colour: RGBColor,
    label: String,
    swatch: Swatch,
}

impl Key {
    fn new(colour: RGBColor, label: impl Into<String>, swatch: Swatch) -> Key {
        Key {
            colour,
            label: label.into(),
            swatch,
        }
    }
}

/// A text's width in pixels with `font` on `area` (as plotters lays it out).
fn width_of<DB: DrawingBackend>(area: &Root<DB>, text: &str, font: &TextStyle<'_>) -> f64 {
    area.estimate_text_size(text, font)
        .map_or(f64::MAX, |(w, _)| w as f64)
}

/// Draws the legend at the top of `area`, entries left to right, flowing into as many
/// rows as they need; a label longer than half the row wraps onto a second line and is
/// shortened with an ellipsis after it. Returns the height it takes.
fn legend<DB: DrawingBackend>(area: &Root<DB>, keys: &[Key], s: &Scale) -> Result<i32, Failure> {
    let size = 22.0 * s.0;
    let font = s.font(22.0);
    let measure = |t: &str| width_of(area, t, &font);
    let left = s.px(90.0);
    let right = area.dim_in_pixel().0 as i32 - s.px(30.0);
    let swatch = s.px(34.0);
    let after_swatch = s.px(10.0);
    let between = s.px(40.0);
    let line_h = s.px(28.0);
    let most = ((right - left) / 2 - swatch - after_swatch - between) as f64;
    let (mut x, mut y) = (left, s.px(10.0));
    let mut row_h = line_h;
    for k in keys {
        let lines = wrap(&k.label, most, 2, &measure);
        let text_w = lines.iter().map(|l| measure(l)).fold(0.0, f64::max) as i32;
        let w = if k.swatch == Swatch::None {
            text_w
        } else {
            swatch + after_swatch + text_w
        };
        if x > left && x + w > right {
            x = left;
            y += row_h + s.px(6.0);
            row_h = line_h;
        }
        let mid = y + (0.35 * size) as i32;
        let stroke = k.colour.stroke_width(s.px(5.0) as u32);
        match k.swatch {
            Swatch::Line => area
                .draw(&PathElement::new(vec![(x, mid), (x + swatch, mid)], stroke))
                .map_err(fail)?,
            Swatch::Dashed => area
                .draw(&plotters::element::DashedPathElement::new(
                    vec![(x, mid), (x + swatch, mid)],
                    s.px(9.0),
                    s.px(5.0),
                    stroke,
                ))
                .map_err(fail)?,
            Swatch::Box => area
                .draw(&Rectangle::new(
                    [(x, mid - s.px(9.0)), (x + swatch, mid + s.px(9.0))],
                    k.colour.filled(),
                ))
                .map_err(fail)?,
            Swatch::Dot => area
                .draw(&Circle::new(
                    (x + swatch / 2, mid),
                    s.px(9.0),
                    k.colour.filled(),
                ))
                .map_err(fail)?,
            Swatch::Ring => area
                .draw(&Circle::new(
                    (x + swatch / 2, mid),
                    s.px(8.0),
                    k.colour.stroke_width(s.px(3.0) as u32),
                ))
                .map_err(fail)?,
            Swatch::None => {}
        }
        let text_x = if k.swatch == Swatch::None {
            x
        } else {
            x + swatch + after_swatch
        };
        for (i, line) in lines.iter().enumerate() {
            area.draw(&Text::new(
                line.clone(),
                (text_x, y + i as i32 * line_h),
                font.clone(),
            ))
            .map_err(fail)?;
        }
        row_h = row_h.max(lines.len() as i32 * line_h);
        x += w + between;
    }
    Ok(y + row_h + s.px(8.0))
}

/// Draws the title and the subtitle at the top of `area`, each in up to two lines (then
/// shortened with an ellipsis). Returns the height they take.
fn caption<DB: DrawingBackend>(
    area: &Root<DB>,
    title: &str,
    subtitle: &str,
    s: &Scale,
) -> Result<i32, Failure> {
    let width = (area.dim_in_pixel().0 as i32 - 2 * s.px(40.0)) as f64;
    let mut y = s.px(14.0);
    for (text, at_900, line_h) in [(title, 36.0, 44.0), (subtitle, 23.0, 29.0)] {
        let font = s
            .font(at_900)
            .color(if at_900 > 30.0 { &BLACK } else { &SUBTITLE });
        for line in wrap(text, width, 2, &|t| width_of(area, t, &font)) {
            area.draw(&Text::new(line, (s.px(40.0), y), font.clone()))
                .map_err(fail)?;
            y += s.px(line_h);
        }
        y += s.px(2.0);
    }
    Ok(y + s.px(6.0))
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

/// Months where `qualified` starts or stops holding: `(index, up)`. `before`: the month
/// before the first, when known.
fn crossings(
    months: &[MonthScore],
    before: Option<&MonthScore>,
    qualified: impl Fn(&MonthScore) -> bool,
) -> Vec<(usize, bool)> {
    let mut prev = before.map(&qualified);
    let mut out = Vec::new();
    for (k, m) in months.iter().enumerate() {
        let q = qualified(m);
        if prev.unwrap_or(false) != q {
            out.push((k, q));
        }
        prev = Some(q);
    }
    out
}

/// A label to put by a marker.
struct Label {
    /// The marker, in pixels.
    at: (f64, f64),
    text: String,
    colour: RGBColor,
    /// Above the marker rather than below, where both are free.
    above: bool,
}

/// A label where it goes.
struct Placed {
    label: Label,
    rect: Rect,
    /// Far from its marker: a thin line ties them.
    leader: bool,
}

/// The size of label text, at a height of 900.
const LABEL_TEXT: f64 = 20.0;

/// Puts each label at the first free spot around its marker (see [`around`]), farther out
/// with a leader line when none near is free, and leaves it out when none is.
fn place_labels<DB: DrawingBackend>(
    root: &Root<DB>,
    placer: &mut Placer,
    labels: Vec<Label>,
    s: &Scale,
) -> Vec<Placed> {
    let size = LABEL_TEXT * s.0;
    let font = s.font(LABEL_TEXT);
    let mut placed = Vec::new();
    for label in labels {
        let w = width_of(root, &label.text, &font);
        let step = 10.0 * s.0;
        let near = around(label.at, w, size, step, 4, label.above);
        let far = reaching(label.at, w, size, step, 420.0 * s.0);
        let near_count = near.len();
        // A far label's leader line must keep off the lines too.
        let marker = 12.0 * s.0;
        let Some((i, rect)) = placer.place(near.into_iter().chain(far), |placer, i, r| {
            i < near_count || placer.clear_path(label.at, leader_end(label.at, r), marker)
        }) else {
            continue;
        };
        placed.push(Placed {
            label,
            rect,
            leader: i >= near_count,
        });
    }
    placed
}

/// Where a leader line from `at` meets the label's box: its nearest point.
fn leader_end((x, y): (f64, f64), r: &Rect) -> (f64, f64) {
    (x.clamp(r.x, r.right()), y.clamp(r.y, r.bottom()))
}

/// Draws placed labels (and their leader lines).
fn draw_labels<DB: DrawingBackend>(
    root: &Root<DB>,
    placed: &[Placed],
    s: &Scale,
) -> Result<(), Failure> {
    let size = LABEL_TEXT * s.0;
    for p in placed {
        if p.leader {
            let (x, y) = p.label.at;
            let to = leader_end(p.label.at, &p.rect);
            root.draw(&PathElement::new(
                vec![(x as i32, y as i32), (to.0 as i32, to.1 as i32)],
                p.label.colour.stroke_width(s.px(1.5) as u32),
            ))
            .map_err(fail)?;
        }
        root.draw(&Text::new(
            p.label.text.clone(),
            (p.rect.x as i32, (p.rect.y + 0.15 * size) as i32),
            s.font(LABEL_TEXT).color(&p.label.colour),
        ))
        .map_err(fail)?;
    }
    Ok(())
}

/// The plot's area in pixels, and a placer for labels inside it that keeps off `lines`
/// (in data coordinates) and the boxes `taken`.
fn plot_placer<DB: DrawingBackend>(
    chart: &Axes<'_, DB>,
    lines: &[Vec<(f64, f64)>],
    taken: &[Rect],
    s: &Scale,
) -> Placer {
    let (x0, y0) = chart.backend_coord(&(chart.x_range().start, TOP));
    let (x1, y1) = chart.backend_coord(&(chart.x_range().end, 0.0));
    let mut placer = Placer::new(
        Rect::new(x0 as f64, y0 as f64, (x1 - x0) as f64, (y1 - y0) as f64),
        5.0 * s.0,
    );
    for l in lines {
        placer.line(
            l.iter()
                .map(|p| {
                    let (x, y) = chart.backend_coord(p);
                    (x as f64, y as f64)
                })
                .collect(),
        );
    }
    for t in taken {
        placer.take(*t);
    }
    placer
}

/// A round marker's box.
fn dot_box((x, y): (f64, f64), r: f64) -> Rect {
    Rect::new(x - r, y - r, 2.0 * r, 2.0 * r)
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
    let end = p.months.last().map_or(first, |m| m.month);
    let head = caption(
        root,
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
    let (_, rest) = root.split_vertically(head);

    // Shading tells something only where the partner could enrol in some months and not
    // in others: the months it could not are shaded.
    let can_enrol: Vec<bool> = p
        .months
        .iter()
        .map(|m| {
            p.summary
                .enrolment_windows
                .iter()
                .any(|(a, b)| *a <= m.month && m.month <= *b)
        })
        .collect();
    let shade = can_enrol.iter().any(|&c| c) && !can_enrol.iter().all(|&c| c);
    let mut keys = vec![
        Key::new(PATH_COLOURS[0], format!("{} total", names[0]), Swatch::Line),
        Key::new(PATH_COLOURS[1], format!("{} total", names[1]), Swatch::Line),
        Key::new(
            LINE,
            format!("{} points: qualifies", p.terms.qualifying_total.normalize()),
            Swatch::Line,
        ),
    ];
    if shade {
        keys.push(Key::new(NO_ENROL_SHADE, "could not enrol", Swatch::Box));
    }
    if p.months.iter().all(|m| !m.qualified) {
        keys.push(Key::new(
            LINE,
            format!(
                "reaches {} on neither path by {end}",
                p.terms.qualifying_total.normalize()
            ),
            Swatch::None,
        ));
    }
    let used = legend(&rest, &keys, s)?;
    let (_, rest) = rest.split_vertically(used);
    let (top, bottom) = rest.split_vertically((rest.dim_in_pixel().1 as f64 * 0.58) as i32);

    let events = designation_marks(p);
    let below = if events.is_empty() { 0.0 } else { EVENT_ROW };
    let mut chart = month_axes(&top, first, n, 6, below, "points", s)?;
    if shade {
        for (k, _) in can_enrol.iter().enumerate().filter(|(_, c)| !**c) {
            let x = k as f64;
            chart
                .draw_series([Rectangle::new(
                    [(x - 0.5, 0.0), (x + 0.5, 100.0)],
                    NO_ENROL_SHADE.filled(),
                )])
                .map_err(fail)?;
        }
    }
    // The labels are placed before anything is drawn, so that the designation lines
    // can pass around them.
    let series: Vec<Vec<(f64, f64)>> = PathId::ALL
        .iter()
        .map(|&path| {
            p.months
                .iter()
                .enumerate()
                .map(|(k, m)| (k as f64, points(m.path(path).total)))
                .collect()
        })
        .collect();
    let level = vec![
        (chart.x_range().start, threshold),
        (chart.x_range().end, threshold),
    ];
    let mut marks: Vec<(PathId, (f64, f64))> = Vec::new();
    let mut labels: Vec<Label> = Vec::new();
    let all: Vec<(PathId, usize, bool)> = PathId::ALL
        .iter()
        .flat_map(|&path| {
            crossings(&p.months, p.lookback.last(), move |m| {
                m.path(path).qualified
            })
            .into_iter()
            .map(move |(k, up)| (path, k, up))
        })
        .collect();
    // Many crossings: the colour names the path, and the label only the month. Both
    // paths crossing in one month: one label, by the higher marker.
    let compact = all.len() > 6;
    let radius = 9.0 * s.0;
    let mut dots: Vec<Rect> = Vec::new();
    for &(path, k, up) in &all {
        let xy = (k as f64, points(p.months[k].path(path).total));
        marks.push((path, xy));
        let (x, y) = chart.backend_coord(&xy);
        let at = (x as f64, y as f64);
        dots.push(dot_box(at, radius));
        let arrow = if up { "↑" } else { "↓" };
        let text = if compact {
            arrow.to_string()
        } else {
            format!("{} {arrow}", names[path.index()])
        };
        match labels
            .iter_mut()
            .find(|l| l.text.ends_with(&p.months[k].month.to_string()))
        {
            Some(l) => {
                let month = p.months[k].month.to_string();
                let before = l.text.trim_end_matches(&month).trim_end().to_string();
                l.text = format!("{before} · {text} {month}");
                l.colour = LINE;
                if at.1 < l.at.1 {
                    l.at = at;
                }
            }
            None => labels.push(Label {
                at,
                text: format!("{text} {}", p.months[k].month),
                colour: PATH_COLOURS[path.index()],
                above: up,
            }),
        }
    }
    let mut placer = plot_placer(&chart, &[&series[..], &[level]].concat(), &dots, s);
    let placed = place_labels(root, &mut placer, labels, s);
    let boxes: Vec<(i32, i32, i32, i32)> = placed
        .iter()
        .map(|p| {
            (
                p.rect.x as i32,
                p.rect.y as i32,
                p.rect.w as i32,
                p.rect.h as i32,
            )
        })
        .collect();
    draw_designation(root, &chart, &events, &boxes, s)?;
    let placement = qualifying_line(&mut chart, threshold, s)?;
    for path in PathId::ALL {
        chart
            .draw_series(LineSeries::new(
                series[path.index()].iter().copied(),
                PATH_COLOURS[path.index()].stroke_width(s.px(5.0) as u32),
            ))
            .map_err(fail)?;
    }
    for (path, xy) in &marks {
        chart
            .draw_series([Circle::new(
                *xy,
                s.px(9.0),
                PATH_COLOURS[path.index()].filled(),
            )])
            .map_err(fail)?;
    }
    draw_labels(root, &placed, s)?;

    let better = better_path(p);
    let mut keys = vec![Key::new(
        BLACK,
        format!("{} metrics:", names[better.index()]),
        Swatch::None,
    )];
    keys.extend(Metric::ALL.iter().map(|m| {
        Key::new(
            METRIC_COLOURS[*m as usize],
            m.label().to_string(),
            Swatch::Box,
        )
    }));
    let used = legend(&bottom, &keys, s)?;
    let (_, bars) = bottom.split_vertically(used);
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
    let total = plans[0].terms.qualifying_total.normalize();
    // The plans by name when they fit on one line; the legend names them anyway.
    let names: Vec<&str> = plans.iter().map(|p| p.scenario.as_str()).collect();
    let listed = format!("Plans compared: {}", names.join(" · "));
    let room = (root.dim_in_pixel().0 as i32 - 2 * s.px(40.0)) as f64;
    let title = if width_of(root, &listed, &s.font(36.0)) <= room {
        listed
    } else {
        format!("{} plans compared", plans.len())
    };
    let head = caption(
        root,
        &title,
        &format!(
            "headline score (the better path each month), {first} to {last}, ruleset: {}",
            plans[0].ruleset
        ),
        s,
    )?;
    let (_, rest) = root.split_vertically(head);

    let at = |m: &MonthScore| m.month.since(first) as f64;
    let drops: Vec<Vec<usize>> = plans
        .iter()
        .map(|p| {
            crossings(&p.months, p.lookback.last(), |m| m.qualified)
                .into_iter()
                .filter(|(_, up)| !up)
                .map(|(k, _)| k)
                .collect()
        })
        .collect();
    let mut keys: Vec<Key> = plans
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let end = p.months.last().map_or(first, |m| m.month);
            let label = if p.months.iter().any(|m| m.qualified) {
                p.scenario.clone()
            } else {
                format!("{} (does not reach {total} by {end})", p.scenario)
            };
            Key::new(plan_colour(i), label, plan_swatch(i))
        })
        .collect();
    keys.push(Key::new(LINE, format!("{total} points"), Swatch::Line));
    keys.push(Key::new(LINE, "first qualifies", Swatch::Dot));
    if drops.iter().any(|d| !d.is_empty()) {
        keys.push(Key::new(LINE, format!("drops below {total}"), Swatch::Ring));
    }
    let used = legend(&rest, &keys, s)?;
    let (_, body) = rest.split_vertically(used);
    let (body, below) = match odds {
        Some(_) => {
            let (a, b) = body.split_vertically((body.dim_in_pixel().1 as f64 * 0.6) as i32);
            (a, Some(b))
        }
        None => (body, None),
    };

    let mut chart = month_axes(&body, first, n, 6, 0.0, "points", s)?;
    let series: Vec<Vec<(f64, f64)>> = plans
        .iter()
        .map(|p| {
            p.months
                .iter()
                .map(|m| (at(m), points(m.headline())))
                .collect()
        })
        .collect();
    let level = vec![
        (chart.x_range().start, threshold),
        (chart.x_range().end, threshold),
    ];
    // Plans that first qualify at the same point share one dot; in the same month, one
    // label, by the highest dot.
    let mut firsts: Vec<((f64, f64), Vec<usize>)> = Vec::new();
    for (i, p) in plans.iter().enumerate() {
        if let Some(m) = p.months.iter().find(|m| m.qualified) {
            let xy = (at(m), points(m.headline()));
            match firsts.iter_mut().find(|(f, _)| *f == xy) {
                Some((_, who)) => who.push(i),
                None => firsts.push((xy, vec![i])),
            }
        }
    }
    let radius = 10.0 * s.0;
    let mut taken: Vec<Rect> = Vec::new();
    let mut months: Vec<(f64, (f64, f64), Vec<usize>)> = Vec::new();
    for (xy, who) in &firsts {
        let (x, y) = chart.backend_coord(xy);
        let at = (x as f64, y as f64);
        taken.push(dot_box(at, radius));
        match months.iter_mut().find(|(k, _, _)| *k == xy.0) {
            Some((_, top, all)) => {
                if at.1 < top.1 {
                    *top = at;
                }
                all.extend(who);
                all.sort_unstable();
            }
            None => months.push((xy.0, at, who.clone())),
        }
    }
    // With many plans the label gives only the month; the colour says whose it is.
    let compact = plans.len() > 4;
    let mut labels = Vec::new();
    for (k, at, who) in months {
        let month = first + k as i32;
        let whose: Vec<String> = who
            .iter()
            .map(|&i| {
                super::layout::shorten(&plans[i].scenario, 260.0 * s.0, &|t| {
                    width_of(root, t, &s.font(LABEL_TEXT))
                })
            })
            .collect();
        labels.push(Label {
            at,
            text: if compact || who.len() > 3 {
                month.to_string()
            } else {
                format!("{}: {month}", whose.join(", "))
            },
            colour: if who.len() == 1 {
                plan_colour(who[0])
            } else {
                LINE
            },
            above: true,
        });
    }
    for (i, d) in drops.iter().enumerate() {
        for &k in d {
            let (x, y) = chart.backend_coord(&series[i][k]);
            taken.push(dot_box((x as f64, y as f64), radius));
        }
    }
    let mut placer = plot_placer(&chart, &[&series[..], &[level]].concat(), &taken, s);
    let placed = place_labels(root, &mut placer, labels, s);

    let placement = qualifying_line(&mut chart, threshold, s)?;
    for (i, line) in series.iter().enumerate() {
        let style = plan_colour(i).stroke_width(s.px(5.0) as u32);
        if plan_swatch(i) == Swatch::Dashed {
            chart
                .draw_series(DashedLineSeries::new(
                    line.iter().copied(),
                    s.px(14.0),
                    s.px(8.0),
                    style,
                ))
                .map_err(fail)?;
        } else {
            chart
                .draw_series(LineSeries::new(line.iter().copied(), style))
                .map_err(fail)?;
        }
    }
    for (xy, who) in &firsts {
        let colour = if who.len() == 1 {
            plan_colour(who[0])
        } else {
            LINE
        };
        chart
            .draw_series([Circle::new(*xy, s.px(10.0), colour.filled())])
            .map_err(fail)?;
    }
    for (i, d) in drops.iter().enumerate() {
        for &k in d {
            chart
                .draw_series([Circle::new(
                    series[i][k],
                    s.px(8.0),
                    plan_colour(i).stroke_width(s.px(3.0) as u32),
                )])
                .map_err(fail)?;
        }
    }
    draw_labels(root, &placed, s)?;

    if let (Some(odds), Some(below)) = (odds, below) {
        let (title, panel) = below.split_vertically(s.px(40.0));
        let room = (title.dim_in_pixel().0 as i32 - s.px(120.0)) as f64;
        let text = super::layout::shorten(
            "Chance of qualifying in each month (planned events with their probabilities)",
            room,
            &|t| width_of(&title, t, &s.font(22.0)),
        );
        title
            .draw(&Text::new(text, (s.px(90.0), s.px(8.0)), s.font(22.0)))
            .map_err(fail)?;
        let mut chart = month_axes(&panel, first, n, 5, 0.0, "percent", s)?;
        for (i, o) in odds.iter().enumerate() {
            chart
                .draw_series(LineSeries::new(
                    o.months.iter().flat_map(|m| {
                        let (k, p) = (m.month.since(first) as f64, m.p_qualified_any * 100.0);
                        [(k - 0.5, p), (k + 0.5, p)]
                    }),
                    plan_colour(i).stroke_width(s.px(4.0) as u32),
                ))
                .map_err(fail)?;
        }
    }
    Ok(placement)
}

/// Plan `i`'s colour: the palette, then again with dashed lines.
fn plan_colour(i: usize) -> RGBColor {
    PLAN_COLOURS[i % PLAN_COLOURS.len()]
}

fn plan_swatch(i: usize) -> Swatch {
    if i < PLAN_COLOURS.len() {
        Swatch::Line
    } else {
        Swatch::Dashed
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
        let head = caption(
            root,
            &format!("{}: how likely", o.scenario),
            &format!("headline score (the better path), {first} to {last}, {how}"),
            s,
        )?;
        let (_, rest) = root.split_vertically(head);
        let used = legend(
            &rest,
            &[
                Key::new(outer, "P10 to P90", Swatch::Box),
                Key::new(inner, "P25 to P75", Swatch::Box),
                Key::new(ORANGE, "median", Swatch::Line),
                Key::new(
                    LINE,
                    format!("{} points: qualifies", o.qualifying_total.normalize()),
                    Swatch::Line,
                ),
            ],
            s,
        )?;
        let (_, rest) = rest.split_vertically(used);
        let (top, bottom) = rest.split_vertically((rest.dim_in_pixel().1 as f64 * 0.58) as i32);
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

        let used = legend(
            &bottom,
            &[
                Key::new(GREEN, "P(qualified) in the month", Swatch::Box),
                Key::new(BLUE, "P(qualified at least once by then)", Swatch::Line),
            ],
            s,
        )?;
        let (_, bars) = bottom.split_vertically(used);
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
