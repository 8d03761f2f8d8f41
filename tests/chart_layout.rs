//! Charts fit for a slide, checked from their SVG: every text inside the canvas and no
//! two texts overlapping, with ten plans of 80-character names and plans that cross the
//! line every other month. Text extents come from the embedded font's own metrics.

use ab_glyph::{Font, FontRef, ScaleFont};
use pcsim::odds::{Sampling, odds};
use pcsim::report::chart::{Size, comparison_svg, odds_svg, projection_svg};
use pcsim::scenario::Scenario;
use pcsim::simulate::{Projection, simulate};

use crate::support::certified_team;

const FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

/// A text's box in the SVG: left, top, right, bottom, and the text.
#[derive(Debug, Clone)]
struct TextBox {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    Some(tag[at..].split('"').next()?.to_string())
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Every `<text>` of the SVG with the box its glyphs cover. plotters writes the size as
/// `font-size` = its size / 1.24 and measures a text at its size with the font scaled so
/// that ascent to descent is that size; the box is that width, from the ascent above the
/// baseline to the descent below, placed by `text-anchor` and `dy`, then turned by a
/// `rotate(...)` transform.
fn texts(svg: &str) -> Vec<TextBox> {
    let font = FontRef::try_from_slice(FONT).unwrap();
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        let after = &rest[start..];
        let close = after.find('>').unwrap();
        let tag = &after[..close];
        let end = after.find("</text>").unwrap();
        let text = unescape(after[close + 1..end].trim());
        rest = &after[end..];
        let (x, y) = (
            attr(tag, "x").unwrap().parse::<f64>().unwrap(),
            attr(tag, "y").unwrap().parse::<f64>().unwrap(),
        );
        let em: f64 = attr(tag, "font-size").unwrap().parse().unwrap();
        let size = em * 1.24;
        let scaled = font.as_scaled(size as f32);
        let mut width = 0.0f32;
        let mut prev = None;
        for c in text.chars() {
            let g = scaled.glyph_id(c);
            if let Some(p) = prev {
                width += scaled.kern(p, g);
            }
            width += scaled.h_advance(g);
            prev = Some(g);
        }
        let width = width as f64;
        let upem = font.units_per_em().unwrap() as f64;
        let ascent = font.ascent_unscaled() as f64 / upem * em;
        let descent = -font.descent_unscaled() as f64 / upem * em;
        let baseline = match attr(tag, "dy").as_deref() {
            Some("0.76em") => y + 0.76 * em,
            Some("0.5ex") => y + 0.25 * em,
            Some("-0.5ex") => y - 0.25 * em,
            other => panic!("unexpected dy {other:?}"),
        };
        let x0 = match attr(tag, "text-anchor").as_deref() {
            Some("middle") => x - width / 2.0,
            Some("end") => x - width,
            _ => x,
        };
        let (mut bx0, mut by0, mut bx1, mut by1) =
            (x0, baseline - ascent, x0 + width, baseline + descent);
        if let Some(t) = attr(tag, "transform") {
            let angle: f64 = t
                .trim_start_matches("rotate(")
                .split(',')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            let (sin, cos) = angle.to_radians().sin_cos();
            let turn = |px: f64, py: f64| {
                let (dx, dy) = (px - x, py - y);
                (x + dx * cos - dy * sin, y + dx * sin + dy * cos)
            };
            let corners = [
                turn(bx0, by0),
                turn(bx1, by0),
                turn(bx0, by1),
                turn(bx1, by1),
            ];
            bx0 = corners.iter().map(|c| c.0).fold(f64::MAX, f64::min);
            bx1 = corners.iter().map(|c| c.0).fold(f64::MIN, f64::max);
            by0 = corners.iter().map(|c| c.1).fold(f64::MAX, f64::min);
            by1 = corners.iter().map(|c| c.1).fold(f64::MIN, f64::max);
        }
        out.push(TextBox {
            x0: bx0,
            y0: by0,
            x1: bx1,
            y1: by1,
            text,
        });
    }
    out
}

/// Every text inside the canvas, and no two overlapping (touching is allowed).
fn assert_laid_out(svg: &str, size: Size, what: &str) {
    let boxes = texts(svg);
    assert!(boxes.len() > 10, "{what}: {} texts", boxes.len());
    for b in &boxes {
        assert!(
            b.x0 >= 0.0 && b.y0 >= 0.0 && b.x1 <= size.width as f64 && b.y1 <= size.height as f64,
            "{what}: {b:?} runs off the {}x{} canvas",
            size.width,
            size.height
        );
    }
    // Glyph boxes from ascent to descent; a pixel of slack for rounding.
    let slack = 1.0;
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let overlap = a.x0 + slack < b.x1
                && b.x0 + slack < a.x1
                && a.y0 + slack < b.y1
                && b.y0 + slack < a.y1;
            assert!(!overlap, "{what}: {a:?} overlaps {b:?}");
        }
    }
}

/// A partner one win short of 70 (65 points in SMB through 2027): a one-month customer
/// in every other month (from `shift`) lifts it to 73.33 in those months, so it crosses
/// the line every month.
fn flipping(name: &str, shift: u32) -> Projection {
    let mut text = format!(
        "name = \"{name}\"\nstart = \"2027-01\"\nmonths = 12\n\
         [[tenants]]\nname = \"Win\"\ncount = 3\nsince = \"2027-01\"\nseats = 50\nactive = 50\n"
    );
    for k in (shift..12).step_by(2) {
        let m = pcsim::month::Month::new(2027 + (k / 12) as i32, k % 12 + 1).unwrap();
        text.push_str(&format!(
            "[[tenants]]\nname = \"Flip {k}\"\nsince = \"{m}\"\nuntil = \"{m}\"\nseats = 50\nactive = 50\n"
        ));
    }
    text.push_str(&certified_team(""));
    simulate(&Scenario::from_str("flip.toml", &text).unwrap()).unwrap()
}

/// An 80-character plan name.
fn long_name(i: usize) -> String {
    let name = format!(
        "Plan {i}: Blue Harbor goes Enterprise with two more SC-100 architects and partners"
    );
    let mut name: String = name.chars().take(80).collect();
    while name.chars().count() < 80 {
        name.push('x');
    }
    name
}

const SIZES: [Size; 3] = [
    Size {
        width: 1600,
        height: 900,
    },
    Size {
        width: 1280,
        height: 720,
    },
    // The smallest the chart command takes.
    Size {
        width: 640,
        height: 360,
    },
];

#[test]
fn ten_plans_of_long_names_crossing_every_other_month_fit_without_overlaps() {
    let plans: Vec<Projection> = (0..10)
        .map(|i| flipping(&long_name(i), (i % 2) as u32))
        .collect();
    // The flipping plan crosses the line in every month of the projection.
    assert!(plans[0].months.iter().step_by(2).all(|m| m.qualified));
    assert!(
        plans[0]
            .months
            .iter()
            .skip(1)
            .step_by(2)
            .all(|m| !m.qualified)
    );
    let refs: Vec<&Projection> = plans.iter().collect();
    for size in SIZES {
        let svg = comparison_svg(&refs, None, size).unwrap();
        assert_laid_out(&svg, size, &format!("comparison at {size:?}"));
        // Every plan's full name is on the chart (its lines may wrap, not shorten).
        let all = texts(&svg)
            .iter()
            .map(|t| t.text.clone())
            .collect::<Vec<_>>()
            .join(" ");
        for i in 0..10 {
            assert!(all.contains(&format!("Plan {i}: Blue Harbor")), "plan {i}");
        }
    }
}

#[test]
fn a_projection_crossing_every_other_month_fits_without_overlaps() {
    let p = flipping(&long_name(0), 0);
    for size in SIZES {
        let svg = projection_svg(&p, size).unwrap();
        assert_laid_out(&svg, size, &format!("projection at {size:?}"));
    }
}

#[test]
fn bundled_charts_fit_without_overlaps() {
    let load = |name: &str| {
        Scenario::load(
            std::path::Path::new(&format!("scenarios/{name}.toml")),
            None,
        )
        .unwrap()
    };
    let names = ["baseline", "smb-push", "enterprise-push"];
    let plans: Vec<Projection> = names.iter().map(|n| simulate(&load(n)).unwrap()).collect();
    let refs: Vec<&Projection> = plans.iter().collect();
    let smb = load("smb-push");
    let o = odds(&smb, Sampling::default()).unwrap();
    let each: Vec<pcsim::odds::Odds> = names
        .iter()
        .map(|n| odds(&load(n), Sampling::default()).unwrap())
        .collect();
    for size in SIZES {
        for p in &plans {
            assert_laid_out(&projection_svg(p, size).unwrap(), size, &p.scenario);
        }
        assert_laid_out(
            &comparison_svg(&refs, None, size).unwrap(),
            size,
            "the bundled plans",
        );
        assert_laid_out(&odds_svg(&o, size).unwrap(), size, "odds of smb-push");
        assert_laid_out(
            &comparison_svg(&refs, Some(&each), size).unwrap(),
            size,
            "the bundled plans with their odds",
        );
    }
}
