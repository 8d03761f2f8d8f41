//! Where text goes on a chart so that it stays inside the canvas, never covers other text
//! and keeps off the data lines: boxes taken so far, lines to keep clear of, and the
//! first free spot among candidates. Pure geometry in pixels; the chart measures text.

/// A box in pixels: top-left corner and size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }

    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }

    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }

    pub fn inside(&self, o: &Rect) -> bool {
        self.x >= o.x && self.y >= o.y && self.right() <= o.right() && self.bottom() <= o.bottom()
    }

    /// This box grown by `d` on every side.
    pub fn grown(&self, d: f64) -> Rect {
        Rect::new(self.x - d, self.y - d, self.w + 2.0 * d, self.h + 2.0 * d)
    }

    pub fn contains(&self, (x, y): (f64, f64)) -> bool {
        x >= self.x && x <= self.right() && y >= self.y && y <= self.bottom()
    }

    /// Whether the segment from `a` to `b` passes through the box (Liang–Barsky).
    pub fn crossed_by(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let mut t0: f64 = 0.0;
        let mut t1: f64 = 1.0;
        for (p, q) in [
            (-dx, a.0 - self.x),
            (dx, self.right() - a.0),
            (-dy, a.1 - self.y),
            (dy, self.bottom() - a.1),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return false;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
                if t0 > t1 {
                    return false;
                }
            }
        }
        true
    }
}

/// Whether the segments `a`–`b` and `c`–`d` cross or touch.
pub fn segments_cross(a: (f64, f64), b: (f64, f64), c: (f64, f64), d: (f64, f64)) -> bool {
    let side = |p: (f64, f64), q: (f64, f64), r: (f64, f64)| {
        (q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0)
    };
    let (d1, d2) = (side(c, d, a), side(c, d, b));
    let (d3, d4) = (side(a, b, c), side(a, b, d));
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
    {
        return true;
    }
    let on = |p: (f64, f64), q: (f64, f64), r: (f64, f64)| {
        r.0 >= p.0.min(q.0) && r.0 <= p.0.max(q.0) && r.1 >= p.1.min(q.1) && r.1 <= p.1.max(q.1)
    };
    (d1 == 0.0 && on(c, d, a))
        || (d2 == 0.0 && on(c, d, b))
        || (d3 == 0.0 && on(a, b, c))
        || (d4 == 0.0 && on(a, b, d))
}

/// What is on the chart already.
#[derive(Debug, Clone)]
pub struct Placer {
    /// Text may go only inside this.
    pub bounds: Rect,
    taken: Vec<Rect>,
    /// Data lines, as polylines.
    lines: Vec<Vec<(f64, f64)>>,
    /// Space kept between a label and anything else.
    pub pad: f64,
}

impl Placer {
    pub fn new(bounds: Rect, pad: f64) -> Placer {
        Placer {
            bounds,
            taken: Vec::new(),
            lines: Vec::new(),
            pad,
        }
    }

    pub fn take(&mut self, r: Rect) {
        self.taken.push(r);
    }

    pub fn line(&mut self, points: Vec<(f64, f64)>) {
        self.lines.push(points);
    }

    /// Inside the bounds, clear of every box taken and of every line.
    pub fn free(&self, r: &Rect) -> bool {
        let padded = r.grown(self.pad);
        r.inside(&self.bounds)
            && !self.taken.iter().any(|t| t.overlaps(&padded))
            && !self
                .lines
                .iter()
                .any(|l| l.windows(2).any(|s| padded.crossed_by(s[0], s[1])))
    }

    /// Whether a leader line from `a` to `b` keeps off the data lines, except within
    /// `near` pixels of `a` (the marker it starts from sits on a line), and off the boxes
    /// taken other than the one it starts from.
    pub fn clear_path(&self, a: (f64, f64), b: (f64, f64), near: f64) -> bool {
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        if len <= near {
            return true;
        }
        let t = near / len;
        let start = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
        !self
            .lines
            .iter()
            .any(|l| l.windows(2).any(|s| segments_cross(start, b, s[0], s[1])))
            && !self
                .taken
                .iter()
                .filter(|r| !r.contains(a))
                .any(|r| r.crossed_by(start, b))
    }

    /// The first free candidate that also passes `also` (given the placer, its index
    /// and itself), taken; with its index.
    pub fn place(
        &mut self,
        candidates: impl IntoIterator<Item = Rect>,
        also: impl Fn(&Placer, usize, &Rect) -> bool,
    ) -> Option<(usize, Rect)> {
        let found = candidates
            .into_iter()
            .enumerate()
            .find(|(i, r)| self.free(r) && also(self, *i, r))?;
        self.take(found.1);
        Some(found)
    }
}

/// Spots for a `w` × `h` label near the point `(x, y)`, nearest first, eight a ring:
/// beside it to the right and left, centred over and under it, then level with it; above
/// before below when `above`. The rings grow by `step`.
pub fn around(
    (x, y): (f64, f64),
    w: f64,
    h: f64,
    step: f64,
    rings: usize,
    above: bool,
) -> Vec<Rect> {
    let mut out = Vec::new();
    for ring in 1..=rings {
        let d = step * ring as f64;
        let (first, second) = if above {
            (y - d - h, y + d)
        } else {
            (y + d, y - d - h)
        };
        out.extend([
            Rect::new(x + d, first, w, h),
            Rect::new(x - d - w, first, w, h),
            Rect::new(x - w / 2.0, first, w, h),
            Rect::new(x + d, second, w, h),
            Rect::new(x - d - w, second, w, h),
            Rect::new(x - w / 2.0, second, w, h),
            Rect::new(x + d, y - h / 2.0, w, h),
            Rect::new(x - d - w, y - h / 2.0, w, h),
        ]);
    }
    out
}

/// Spots for a `w` × `h` label anywhere within `reach` of the point `(x, y)`, on a grid
/// of `step`, nearest first (by the box's nearest point): where a leader line will tie
/// the label to its point.
pub fn reaching((x, y): (f64, f64), w: f64, h: f64, step: f64, reach: f64) -> Vec<Rect> {
    let steps = |from: f64, to: f64| {
        let n = ((to - from) / step).floor() as i64;
        (0..=n).map(move |i| from + i as f64 * step)
    };
    let mut out: Vec<(f64, Rect)> = Vec::new();
    for top in steps(y - h - reach, y + reach) {
        for left in steps(x - w - reach, x + reach) {
            let r = Rect::new(left, top, w, h);
            let (nx, ny) = (x.clamp(r.x, r.right()), y.clamp(r.y, r.bottom()));
            let d = ((nx - x).powi(2) + (ny - y).powi(2)).sqrt();
            if d <= reach {
                out.push((d, r));
            }
        }
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out.into_iter().map(|(_, r)| r).collect()
}

/// `text` cut to fit `width` with an ellipsis (by whole characters), or as it is when it
/// fits. `measure` gives a text's width.
pub fn shorten(text: &str, width: f64, measure: &dyn Fn(&str) -> f64) -> String {
    if measure(text) <= width {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut n = chars.len();
    while n > 0 {
        let cut: String = chars[..n].iter().collect::<String>().trim_end().to_string() + "…";
        if measure(&cut) <= width {
            return cut;
        }
        n -= 1;
    }
    "…".into()
}

/// `text` in at most `lines` lines that each fit `width`, broken at spaces; the last
/// line shortened with an ellipsis when the text does not fit.
pub fn wrap(text: &str, width: f64, lines: usize, measure: &dyn Fn(&str) -> f64) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut words = text.split(' ');
    while let Some(word) = words.next() {
        let full = out.len() == lines;
        match out.last_mut() {
            Some(line) if measure(&format!("{line} {word}")) <= width => {
                line.push(' ');
                line.push_str(word);
            }
            Some(last) if full => {
                let rest: Vec<&str> = std::iter::once(word).chain(words).collect();
                *last = shorten(&format!("{last} {}", rest.join(" ")), width, measure);
                return out;
            }
            _ => out.push(shorten(word, width, measure)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ten pixels a character.
    fn ten(s: &str) -> f64 {
        10.0 * s.chars().count() as f64
    }

    #[test]
    fn boxes_and_segments() {
        let r = Rect::new(10.0, 10.0, 20.0, 10.0);
        assert!(r.overlaps(&Rect::new(25.0, 15.0, 10.0, 10.0)));
        assert!(
            !r.overlaps(&Rect::new(30.0, 10.0, 10.0, 10.0)),
            "touching is not overlapping"
        );
        assert!(r.crossed_by((0.0, 15.0), (40.0, 15.0)));
        assert!(r.crossed_by((15.0, 0.0), (15.0, 30.0)));
        assert!(!r.crossed_by((0.0, 0.0), (40.0, 5.0)));
        assert!(!r.crossed_by((0.0, 25.0), (5.0, 40.0)));
        // A segment ending inside.
        assert!(r.crossed_by((0.0, 0.0), (15.0, 15.0)));
    }

    #[test]
    fn crossing_segments() {
        assert!(segments_cross(
            (0.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (10.0, 0.0)
        ));
        assert!(!segments_cross(
            (0.0, 0.0),
            (10.0, 0.0),
            (0.0, 1.0),
            (10.0, 1.0)
        ));
        assert!(!segments_cross(
            (0.0, 0.0),
            (4.0, 4.0),
            (10.0, 0.0),
            (6.0, 4.0)
        ));
        // Touching at an end.
        assert!(segments_cross(
            (0.0, 0.0),
            (5.0, 5.0),
            (5.0, 5.0),
            (9.0, 0.0)
        ));
    }

    #[test]
    fn the_first_free_spot_keeps_off_lines_and_boxes() {
        let mut p = Placer::new(Rect::new(0.0, 0.0, 100.0, 100.0), 0.0);
        p.line(vec![(0.0, 50.0), (100.0, 50.0)]);
        p.take(Rect::new(60.0, 20.0, 20.0, 10.0));
        // Across the line, over the box, out of bounds, then free.
        let got = p.place(
            [
                Rect::new(10.0, 45.0, 20.0, 10.0),
                Rect::new(65.0, 15.0, 20.0, 10.0),
                Rect::new(90.0, 10.0, 20.0, 10.0),
                Rect::new(10.0, 60.0, 20.0, 10.0),
            ],
            |_, _, _| true,
        );
        assert_eq!(got, Some((3, Rect::new(10.0, 60.0, 20.0, 10.0))));
        // Now taken.
        assert!(!p.free(&Rect::new(15.0, 65.0, 5.0, 5.0)));
    }

    #[test]
    fn shortening_and_wrapping() {
        assert_eq!(shorten("Blue Harbor", 200.0, &ten), "Blue Harbor");
        assert_eq!(shorten("Blue Harbor", 60.0, &ten), "Blue…");
        assert_eq!(
            wrap("one two three four", 90.0, 2, &ten),
            ["one two", "three fo…"]
        );
        assert_eq!(wrap("one two three", 130.0, 2, &ten), ["one two three"]);
        assert_eq!(wrap("one two three", 80.0, 3, &ten), ["one two", "three"]);
        // A word longer than a line is shortened.
        assert_eq!(wrap("abcdefghijkl", 50.0, 2, &ten), ["abcd…"]);
    }
}
