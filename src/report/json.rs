//! `--format json`: the document of SCENARIO.md, then a `summary` object.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Map, Number, Value, json};

use super::Report;
use crate::month::Month;
use crate::rules::PathId;
use crate::score::{Metric, PathScore};
use crate::simulate::{DesignationEvent, Drop, Projection, Summary, Warnings};

pub struct Json;

/// Points as a JSON number with at most two decimals, written exactly ("13.33", "20").
pub fn number(d: Decimal) -> Value {
    Value::Number(Number::from_str(&d.normalize().to_string()).expect("a decimal is a JSON number"))
}

/// A month, or `null` for never.
pub fn month(m: Option<Month>) -> Value {
    m.map_or(Value::Null, |m| Value::String(m.to_string()))
}

fn path_score(s: &PathScore) -> Value {
    let mut o = Map::new();
    for metric in Metric::ALL {
        o.insert(metric.key().into(), number(s.points(metric)));
    }
    o.insert("total".into(), number(s.total));
    o.insert("qualified".into(), Value::Bool(s.qualified));
    Value::Object(o)
}

/// A designation event; a renewal or a lapse also says how the renewal window went.
fn designation_event(e: &DesignationEvent) -> Value {
    let mut o = json!({"month": e.month.to_string(), "step": e.step, "fee_usd": number(e.fee_usd)});
    if let (Some(a), Value::Object(o)) = (&e.anniversary, &mut o) {
        o.insert("window_from".into(), a.window_from.to_string().into());
        o.insert("window_to".into(), a.window_to.to_string().into());
        o.insert("qualified_months".into(), a.qualified_months.into());
        o.insert(
            "margin_months".into(),
            a.margin_months.map_or(Value::Null, Value::from),
        );
        o.insert("best_headline".into(), number(a.best_headline));
    }
    o
}

/// A drop or a setback: the metrics that lost points, and who took them.
fn fall(d: &Drop) -> Value {
    json!({
        "month": d.month.to_string(),
        "path": d.path.key(),
        "total_before": number(d.total_before),
        "total_after": number(d.total_after),
        "causes": d.causes.iter().map(|c| json!({
            "metric": c.metric.key(),
            "points_before": number(c.points_before),
            "points_after": number(c.points_after),
            "reason": c.reason,
            "who": c.who.iter().map(|n| json!({"name": n.name, "reason": n.reason})).collect::<Vec<_>>(),
            "who_total": c.who_total,
        })).collect::<Vec<_>>(),
    })
}

fn warnings(w: &Warnings) -> Value {
    json!({
        "certifications": w.certifications.iter().map(|g| json!({
            "month": g.month.to_string(),
            "points_lost": {
                "enterprise": number(g.points_lost[PathId::Enterprise.index()]),
                "smb": number(g.points_lost[PathId::Smb.index()]),
            },
            "ending": g.ending.iter().map(|c| json!({
                "person": c.person,
                "certification": c.certification,
                "step": c.step,
                "last_day": c.last_day.to_string(),
                "why": c.why,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "ageing_out": w.ageing_out.iter().map(|a| json!({
            "month": a.month.to_string(),
            "path": a.path.key(),
            "metric": a.metric.key(),
            "count": a.count,
            "units": a.units,
            "tenants": a.tenants.iter().map(|(name, since)| json!({"name": name, "counted_since": since.to_string()})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn summary(s: &Summary) -> Value {
    json!({
        "months_qualified": s.months_qualified,
        "enrolment_windows": s.enrolment_windows.iter().map(|(a, b)| json!({"from": a.to_string(), "to": b.to_string()})).collect::<Vec<_>>(),
        "enrolled": month(s.enrolled),
        "designation": s.designation.iter().map(designation_event).collect::<Vec<_>>(),
        "drops": s.drops.iter().map(fall).collect::<Vec<_>>(),
        "setbacks": s.setbacks.iter().map(fall).collect::<Vec<_>>(),
        "warnings": warnings(&s.warnings),
    })
}

impl Report for Json {
    fn render(&self, p: &Projection) -> String {
        let months: Vec<Value> = p
            .months
            .iter()
            .map(|m| {
                json!({
                    "month": m.month.to_string(),
                    "enterprise": path_score(m.path(PathId::Enterprise)),
                    "smb": path_score(m.path(PathId::Smb)),
                    "qualified": m.qualified,
                    "headline": number(m.headline()),
                })
            })
            .collect();
        let s = &p.summary;
        let doc = json!({
            "scenario": p.scenario,
            "start": p.start.to_string(),
            "months": months,
            "first_qualified": {
                "enterprise": month(s.first_qualified[PathId::Enterprise.index()]),
                "smb": month(s.first_qualified[PathId::Smb.index()]),
                "any": month(s.first_qualified_any),
            },
            "ruleset": p.ruleset,
            "summary": summary(s),
            "assumed_events": p.assumed_events,
        });
        let mut text = serde_json::to_string_pretty(&doc).expect("a JSON value always serializes");
        text.push('\n');
        text
    }
}
