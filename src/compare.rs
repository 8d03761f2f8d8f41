//! Plans side by side: the figures a planning meeting compares, each against the first
//! plan (the baseline). Pure: projections in, figures out.
//!
//! Plans may start at different months and run for different horizons. They are aligned
//! by calendar month: first-qualifying and enrolment months are compared as calendar
//! months, while "months qualified" and "score at the end" are taken over the window
//! every plan covers (the latest start to the earliest end), so that the counts compare
//! like with like. When the plans share no month, each plan's own horizon is used.

use rust_decimal::Decimal;

use crate::month::Month;
use crate::rules::PathId;
use crate::scenario::Scenario;
use crate::score::{Metric, max_points};
use crate::simulate::{MonthScore, Projection};

#[derive(Debug, Clone)]
pub struct Comparison {
    /// The months every plan covers; `None` when they share none.
    pub window: Option<(Month, Month)>,
    /// In the order given; the first is the baseline.
    pub plans: Vec<PlanFigures>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFigures {
    pub name: String,
    pub file: String,
    pub start: Month,
    pub end: Month,
    /// `[enterprise, smb]`
    pub first_qualified: [Option<Month>; 2],
    pub first_qualified_any: Option<Month>,
    pub first_enrolment: Option<Month>,
    /// Qualified months within the window (or the plan's own horizon).
    pub months_qualified: usize,
    pub months_counted: usize,
    /// The month the end figures are taken at.
    pub end_month: Month,
    /// The higher path total at `end_month`.
    pub score_at_end: Decimal,
    /// The metric holding the better path's total down at `end_month`.
    pub weakest: Weakest,
    /// Planned events that may not happen, assumed to happen here.
    pub assumed_events: usize,
    /// Differences against the baseline; `None` for the baseline itself.
    pub vs_baseline: Option<Deltas>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weakest {
    pub path: PathId,
    pub metric: Metric,
    pub points: Decimal,
    pub max_points: Decimal,
}

/// How a plan's month compares with the baseline's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthDelta {
    /// Months sooner than the baseline (negative: later).
    Sooner(i32),
    /// This plan gets there and the baseline does not.
    OnlyThis,
    /// The baseline gets there and this plan does not.
    OnlyBaseline,
    Neither,
}

impl MonthDelta {
    fn of(plan: Option<Month>, baseline: Option<Month>) -> MonthDelta {
        match (plan, baseline) {
            (Some(p), Some(b)) => MonthDelta::Sooner(b.since(p)),
            (Some(_), None) => MonthDelta::OnlyThis,
            (None, Some(_)) => MonthDelta::OnlyBaseline,
            (None, None) => MonthDelta::Neither,
        }
    }

    /// "+3 months sooner", "1 month later", "same month", "baseline never".
    pub fn describe(self) -> String {
        let months = |n: i32| {
            if n.abs() == 1 {
                "month".to_string()
            } else {
                "months".to_string()
            }
        };
        match self {
            MonthDelta::Sooner(0) => "same month".into(),
            MonthDelta::Sooner(n) if n > 0 => format!("+{n} {} sooner", months(n)),
            MonthDelta::Sooner(n) => format!("{} {} later", -n, months(n)),
            MonthDelta::OnlyThis => "baseline never".into(),
            MonthDelta::OnlyBaseline => "baseline does, this never".into(),
            MonthDelta::Neither => String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deltas {
    /// `[enterprise, smb]`
    pub first_qualified: [MonthDelta; 2],
    pub first_qualified_any: MonthDelta,
    pub first_enrolment: MonthDelta,
    pub months_qualified: i64,
    pub score_points: Decimal,
}

/// Compares plans; the first is the baseline.
pub fn compare(plans: &[(&Scenario, &Projection)]) -> Comparison {
    let window = common_window(plans.iter().map(|(_, p)| *p));
    let mut figures: Vec<PlanFigures> = plans.iter().map(|(s, p)| figures(s, p, window)).collect();
    if let Some(base) = figures.first().cloned() {
        for f in figures.iter_mut().skip(1) {
            f.vs_baseline = Some(Deltas {
                first_qualified: PathId::ALL.map(|p| {
                    MonthDelta::of(
                        f.first_qualified[p.index()],
                        base.first_qualified[p.index()],
                    )
                }),
                first_qualified_any: MonthDelta::of(
                    f.first_qualified_any,
                    base.first_qualified_any,
                ),
                first_enrolment: MonthDelta::of(f.first_enrolment, base.first_enrolment),
                months_qualified: f.months_qualified as i64 - base.months_qualified as i64,
                score_points: f.score_at_end - base.score_at_end,
            });
        }
    }
    Comparison {
        window,
        plans: figures,
    }
}

fn common_window<'a>(projections: impl Iterator<Item = &'a Projection>) -> Option<(Month, Month)> {
    let spans: Vec<(Month, Month)> = projections
        .filter_map(|p| Some((p.months.first()?.month, p.months.last()?.month)))
        .collect();
    let from = spans.iter().map(|s| s.0).max()?;
    let to = spans.iter().map(|s| s.1).min()?;
    (from <= to).then_some((from, to))
}

fn figures(scenario: &Scenario, p: &Projection, window: Option<(Month, Month)>) -> PlanFigures {
    let counted: Vec<&MonthScore> = p
        .months
        .iter()
        .filter(|m| window.is_none_or(|(a, b)| (a..=b).contains(&m.month)))
        .collect();
    let end = *counted.last().expect("a projection has at least one month");
    let s = &p.summary;
    PlanFigures {
        name: p.scenario.clone(),
        file: scenario
            .files
            .last()
            .map(|f| f.display().to_string())
            .unwrap_or_default(),
        start: p.start,
        end: p.months.last().map_or(p.start, |m| m.month),
        first_qualified: s.first_qualified,
        first_qualified_any: s.first_qualified_any,
        first_enrolment: s.enrolment_windows.first().map(|w| w.0),
        months_qualified: counted.iter().filter(|m| m.qualified).count(),
        months_counted: counted.len(),
        end_month: end.month,
        score_at_end: end.headline(),
        weakest: weakest(scenario, end),
        assumed_events: p.assumed_events,
        vs_baseline: None,
    }
}

/// On the better path, a metric at zero blocks qualification outright, so it comes first;
/// otherwise the metric furthest from its maximum.
pub fn weakest(scenario: &Scenario, m: &MonthScore) -> Weakest {
    let path = if m.path(PathId::Smb).total > m.path(PathId::Enterprise).total {
        PathId::Smb
    } else {
        PathId::Enterprise
    };
    let rules = scenario.rules.paths.get(path);
    let score = m.path(path);
    let gap = |metric: Metric| max_points(rules, metric) - score.points(metric);
    let metric = Metric::ALL
        .into_iter()
        .find(|&metric| score.points(metric).is_zero())
        .unwrap_or_else(|| {
            Metric::ALL
                .into_iter()
                .max_by(|&a, &b| gap(a).cmp(&gap(b)).then(b.cmp(&a)))
                .expect("four metrics")
        });
    Weakest {
        path,
        metric,
        points: score.points(metric),
        max_points: max_points(rules, metric),
    }
}
