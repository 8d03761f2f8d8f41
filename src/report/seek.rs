//! `pcsim seek` output: the chosen uses, their cost, the months with them, what each
//! option adds; or, when the target is out of reach, what is still missing. Also the
//! scenario `--write` writes.

use std::fmt::Write as _;

use comfy_table::{Table, presets};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::{Format, count, fixed2, usd};
use crate::month::Month;
use crate::odds::Method;
use crate::rules::PathId;
use crate::scenario::Scenario;
use crate::scenario::options::Action;
use crate::score::Metric;
use crate::seek::{Goal, Sought, Target, target_month};
use crate::suggest::Suggestion;

/// What the output shows: the search's answer for this scenario.
pub struct Answer<'a> {
    pub scenario: &'a Scenario,
    pub sought: &'a Sought,
    /// The names of the ready-made options added by `--suggest`.
    pub suggested: &'a [String],
}

/// "qualify by 2027-06 on either path"
pub fn describe(target: &Target, names: &[String; 2]) -> String {
    let path = match target.path {
        Some(p) => format!("on the {} path", names[p.index()]),
        None => "on either path".into(),
    };
    match &target.goal {
        Goal::By(m) => format!("qualify in some month up to {m} {path}"),
        Goal::Renew { anniversary, from } => format!(
            "renew at the anniversary in {anniversary}: qualify in some month from {from} to {anniversary} {path}"
        ),
        Goal::In(list) => {
            let months: Vec<String> = list.iter().map(Month::to_string).collect();
            format!("qualify in {} {path}", months.join(", "))
        }
    }
}

/// What keeps the best attempt from the target, in words.
pub fn missing(answer: &Answer) -> Vec<String> {
    let s = answer.scenario;
    let rules = &s.rules;
    if let (Some((p, _, _)), Some(wanted)) = (answer.sought.probability, answer.sought.confidence) {
        return vec![format!(
            "the likeliest choice meets the target with {:.1}%, short of the {:.1}% wanted",
            p * 100.0,
            wanted * 100.0
        )];
    }
    let Some(k) = target_month(&answer.sought.target, &answer.sought.months) else {
        return Vec::new();
    };
    let m = &answer.sought.months[k];
    let paths: Vec<PathId> = match answer.sought.target.path {
        Some(p) => vec![p],
        None => PathId::ALL.to_vec(),
    };
    let mut out = Vec::new();
    for p in paths {
        let score = &m.paths[p.index()];
        if score.qualified {
            continue;
        }
        let name = &rules.paths.get(p).name;
        for metric in Metric::ALL {
            if score.points(metric) <= Decimal::ZERO {
                out.push(format!(
                    "{name} {} stays at 0 in {}",
                    metric.label().to_lowercase(),
                    m.month
                ));
            }
        }
        if score.total < rules.qualifying_total.0 {
            let parts: Vec<String> = Metric::ALL
                .iter()
                .map(|&metric| {
                    format!(
                        "{} {} of {}",
                        metric.label().to_lowercase(),
                        fixed2(score.points(metric)),
                        crate::score::max_points(rules.paths.get(p), metric).normalize()
                    )
                })
                .collect();
            out.push(format!(
                "{name} reaches {} of {} in {} at best ({})",
                fixed2(score.total),
                fixed2(rules.qualifying_total.0),
                m.month,
                parts.join(", ")
            ));
        }
    }
    out
}

fn method(sought: &Sought) -> String {
    let scored = format!(
        "{} of {} scored",
        crate::money::grouped(&sought.scored.to_string()),
        count_of(sought.choices)
    );
    let unsearched = format!(
        "more than {} choices are not all searched: raise --budget to search longer",
        crate::money::grouped(&crate::seek::PROVEN_UP_TO.to_string())
    );
    match (sought.confidence.is_some(), sought.proven, sought.feasible) {
        (true, true, true) => {
            format!("proven minimal: every cheaper choice was weighed exactly, {scored}")
        }
        (true, true, false) => {
            format!("proven: every choice was weighed exactly, {scored}")
        }
        (true, false, _) => {
            format!("not proven: some chances are estimated from random draws, {scored}")
        }
        (false, true, true) => format!("proven minimal: {scored}, the rest ruled out by bounds"),
        (false, true, false) => format!("proven: no choice within the limits meets it, {scored}"),
        (false, false, true) => {
            format!(
                "not proven minimal: a heuristic answer, the best found with {scored}; {unsearched}"
            )
        }
        (false, false, false) => {
            format!("not proven: no choice found that meets it, {scored}; {unsearched}")
        }
    }
}

/// "5,184 choices".
fn count_of(choices: u128) -> String {
    let n = crate::money::choices(choices);
    format!("{n} {}", if choices == 1 { "choice" } else { "choices" })
}

fn probability_text(sought: &Sought) -> Option<String> {
    let (p, method, outcomes) = sought.probability?;
    let how = match method {
        Method::Exact => format!(
            "exact over {}",
            count(outcomes as usize, "outcome", "outcomes")
        ),
        Method::Sampled { draws, seed } => format!("estimated from {draws} draws, seed {seed}"),
    };
    Some(format!(
        "chance of meeting the target: {:.1}% (wanted at least {:.1}%; {how})",
        p * 100.0,
        sought.confidence.unwrap_or(0.0) * 100.0
    ))
}

pub fn render(answer: &Answer, format: Format) -> String {
    match format {
        Format::Table => table(answer),
        Format::Json => json_doc(answer),
        Format::Csv => csv(answer),
    }
}

fn table(a: &Answer) -> String {
    let s = a.scenario;
    let sought = a.sought;
    let names = PathId::ALL.map(|p| s.rules.paths.get(p).name.clone());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Seeking for \"{}\": the cheapest way to {}.",
        s.name,
        describe(&sought.target, &names)
    );
    let uses: u32 = sought.uses.iter().sum();
    if sought.feasible && uses == 0 {
        let _ = writeln!(out, "Already met without any option ({}).", method(sought));
    } else if sought.feasible {
        let _ = writeln!(
            out,
            "Cheapest: {} for {} ({}).",
            usd(sought.cost),
            count(uses as usize, "use", "uses"),
            method(sought)
        );
    } else if let (Some((p, _, _)), Some(wanted)) = (sought.probability, sought.confidence) {
        let _ = writeln!(
            out,
            "Not reachable with these options: no choice meets the target with {:.1}% or more; the likeliest, below, does with {:.1}% ({}).",
            wanted * 100.0,
            p * 100.0,
            method(sought)
        );
    } else {
        let _ = writeln!(
            out,
            "Not reachable with these options ({}). With every option at its most:",
            method(sought)
        );
        for line in missing(a) {
            let _ = writeln!(out, "  - {line}");
        }
    }
    if let Some(p) = probability_text(sought) {
        let _ = writeln!(out, "{}", capitalized(&p));
    }
    if !a.suggested.is_empty() {
        let _ = writeln!(
            out,
            "Ready-made options (--suggest): {}; each use at a default cost unless --cost gave one (see them with --suggest --print).",
            a.suggested.join(", ")
        );
    }
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    t.set_header(vec![
        "Option",
        "Uses",
        "Cost each",
        "Cost",
        "Adds",
        "The uses",
    ]);
    for (i, o) in s.options.iter().enumerate() {
        let uses = sought.uses[i];
        let adds = sought.adds[i].map_or(String::new(), |(month, points)| {
            let sign = if points < Decimal::ZERO { "" } else { "+" };
            format!("{sign}{} in {month}", fixed2(points))
        });
        let described: Vec<String> = (1..=uses).map(|u| o.describe_use(u)).collect();
        t.add_row(vec![
            o.name.clone(),
            format!("{uses} of {}", o.max),
            usd(o.cost),
            usd(o.cost * Decimal::from(uses)),
            adds,
            described.join("\n"),
        ]);
    }
    let _ = writeln!(out, "\n{t}");
    let _ = writeln!(
        out,
        "Adds: the points the option's uses add in that month (the target's path, or the higher path), against the same choice without them."
    );
    let mut m = Table::new();
    m.load_style(presets::UTF8_FULL_CONDENSED);
    let target = &sought.target;
    m.set_header(vec![
        "Month".to_string(),
        names[0].clone(),
        names[1].clone(),
        match target.path {
            Some(p) => format!("{} qualified", names[p.index()]),
            None => "Qualified".into(),
        },
        "Target".into(),
    ]);
    let named = target.months();
    for month in &sought.months {
        m.add_row(vec![
            month.month.to_string(),
            fixed2(month.paths[0].total),
            fixed2(month.paths[1].total),
            if target.qualified(month) { "yes" } else { "" }.into(),
            match &target.goal {
                Goal::Renew { from, anniversary }
                    if month.month >= *from && month.month <= *anniversary =>
                {
                    if month.month == *anniversary {
                        "anniversary"
                    } else {
                        "renewal window"
                    }
                }
                Goal::By(by) if month.month <= *by => {
                    if month.month == *by {
                        "by this month"
                    } else {
                        "counts"
                    }
                }
                Goal::In(_) if named.contains(&month.month) => "this month",
                _ => "",
            }
            .into(),
        ]);
    }
    let _ = writeln!(
        out,
        "\nWith {}:\n{m}",
        match (sought.feasible, sought.probability.is_some()) {
            (true, _) => "these uses",
            (false, true) => "the likeliest choice",
            (false, false) => "every option at its most",
        }
    );
    out
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn number(d: Decimal) -> Value {
    serde_json::from_str(&d.normalize().to_string()).unwrap_or(Value::Null)
}

fn json_doc(a: &Answer) -> String {
    let s = a.scenario;
    let sought = a.sought;
    let uses: serde_json::Map<String, Value> = s
        .options
        .iter()
        .zip(&sought.uses)
        .map(|(o, &u)| (o.name.clone(), json!(if sought.feasible { u } else { 0 })))
        .collect();
    // When infeasible the uses are all 0, here as at the top; the best attempt's are
    // given apart.
    let used = |i: usize| if sought.feasible { sought.uses[i] } else { 0 };
    let mut doc = json!({
        "scenario": s.name,
        "feasible": sought.feasible,
        "cost": number(sought.cost),
        "uses": uses,
        "proven": sought.proven,
        "choices": u64::try_from(sought.choices).map_or_else(|_| json!(sought.choices.to_string()), |c| json!(c)),
        "scored": sought.scored,
        "target": {
            "by": match &sought.target.goal { Goal::By(m) => json!(m.to_string()), _ => Value::Null },
            "in": match &sought.target.goal { Goal::In(l) => json!(l.iter().map(Month::to_string).collect::<Vec<_>>()), _ => json!([]) },
            "renew": match &sought.target.goal {
                Goal::Renew { anniversary, from } => json!({"anniversary": anniversary.to_string(), "from": from.to_string()}),
                _ => Value::Null,
            },
            "path": sought.target.path.map_or("any", |p| p.key()),
        },
        "options": s.options.iter().enumerate().map(|(i, o)| json!({
            "name": o.name,
            "kind": o.kind(),
            "max": o.max,
            "cost_each": number(o.cost),
            "uses": used(i),
            "cost": number(o.cost * Decimal::from(used(i))),
            "events": (1..=used(i)).map(|u| o.describe_use(u)).collect::<Vec<_>>(),
            "adds": sought.adds[i].map(|(month, points)| json!({"month": month.to_string(), "points": number(points)})),
            "suggested": a.suggested.contains(&o.name),
        })).collect::<Vec<_>>(),
        "months": sought.months.iter().map(|m| json!({
            "month": m.month.to_string(),
            "enterprise": number(m.paths[0].total),
            "smb": number(m.paths[1].total),
            "qualified": m.qualified,
        })).collect::<Vec<_>>(),
    });
    if !sought.feasible {
        doc["missing"] = json!(missing(a));
        doc["best_attempt"] = json!(
            s.options
                .iter()
                .zip(&sought.uses)
                .map(|(o, &u)| (o.name.clone(), json!(u)))
                .collect::<serde_json::Map<_, _>>()
        );
    }
    if let Some((p, method, outcomes)) = sought.probability {
        doc["probability"] = json!((p * 1e6).round() / 1e6);
        doc["confidence"] = json!(sought.confidence);
        doc["odds_method"] = json!(match method {
            Method::Exact => "exact",
            Method::Sampled { .. } => "sampled",
        });
        doc["outcomes"] = json!(outcomes);
    }
    let mut text = serde_json::to_string_pretty(&doc).expect("JSON always serializes");
    text.push('\n');
    text
}

fn csv(a: &Answer) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Every row says whether the target is reachable, so that an infeasible answer's
    // zeros are not read as "nothing to do"; best_attempt gives the uses shown then.
    let _ = w.write_record([
        "option",
        "kind",
        "uses",
        "max",
        "cost_each",
        "cost",
        "feasible",
        "best_attempt",
    ]);
    for (o, &u) in a.scenario.options.iter().zip(&a.sought.uses) {
        let feasible = a.sought.feasible;
        let used = if feasible { u } else { 0 };
        let _ = w.write_record([
            o.name.clone(),
            o.kind().to_string(),
            used.to_string(),
            o.max.to_string(),
            o.cost.normalize().to_string(),
            (o.cost * Decimal::from(used)).normalize().to_string(),
            feasible.to_string(),
            if feasible {
                String::new()
            } else {
                u.to_string()
            },
        ]);
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8")
}

/// A scenario that `extends` the sought one (written as `extends`) with the chosen uses
/// as ordinary tenants, people and changes.
pub fn plan_toml(scenario: &Scenario, uses: &[u32], extends: &str, command: &str) -> String {
    let rules = &scenario.rules;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Written by\n#   {command}\n# The scenario it extends, with the chosen uses of its options as ordinary events."
    );
    let _ = writeln!(
        out,
        "name = {}",
        quoted(&format!("{} (sought)", scenario.name))
    );
    let _ = writeln!(out, "extends = {}", quoted(extends));
    let with = scenario.with_uses(uses);
    let people = &with.people;
    for (o, &n) in scenario.options.iter().zip(uses) {
        for k in 1..=n {
            let month = o.month_of(k);
            match &o.action {
                Action::Tenant(t) => {
                    let _ = writeln!(out, "\n[[tenants]]  # option \"{}\", use {k}", o.name);
                    let _ = writeln!(out, "name = {}", quoted(&o.tenant_name(k)));
                    let _ = writeln!(out, "since = \"{month}\"");
                    let _ = writeln!(out, "seats = {}", t.seats.normalize());
                    let _ = writeln!(out, "active = {}", t.active.normalize());
                    let _ = writeln!(out, "acr = {}", t.acr.normalize());
                    ending(&mut out, &t.m365, &t.azure, o.probability);
                }
                Action::Change(c) => {
                    let _ = writeln!(out, "\n[[changes]]  # option \"{}\", use {k}", o.name);
                    let _ = writeln!(out, "tenant = {}", quoted(&c.written));
                    let _ = writeln!(out, "month = \"{month}\"");
                    for (key, value) in change_ops(c) {
                        let _ = writeln!(out, "{key} = {value}");
                    }
                    ending(&mut out, &c.m365, &c.azure, o.probability);
                }
                Action::Certification { .. } => {}
            }
        }
    }
    // People who pass a certification option: the whole person as the scenario's files
    // give it, since an entry of the same name replaces the one it extends; what the
    // people CSV gives stays there (the entry adds to it).
    let mut named: Vec<&str> = Vec::new();
    for (o, &n) in scenario.options.iter().zip(uses) {
        if let Action::Certification { people: who, .. } = &o.action {
            for name in &who[..n as usize] {
                if !named.contains(&name.as_str()) {
                    named.push(name);
                }
            }
        }
    }
    for name in named {
        let person = people.iter().find(|p| p.name == name).expect("added");
        let _ = writeln!(out, "\n[[people]]\nname = {}\ncerts = [", quoted(name));
        for c in &person.certs[person.from_csv..] {
            let entry = &rules.certifications[c.cert];
            let code = entry.code.as_ref().unwrap_or(&entry.name).get_ref();
            let mut line = format!("  {{ cert = {}, passed = \"{}\"", quoted(code), c.passed);
            if let Some(until) = c.counts_until
                && let Some(day) = until.succ_opt()
            {
                let _ = write!(line, ", expires = \"{day}\"");
            }
            if c.probability < Decimal::ONE {
                let _ = write!(line, ", probability = {}", c.probability.normalize());
            }
            let _ = writeln!(out, "{line} }},");
        }
        let _ = writeln!(out, "]");
    }
    out
}

/// A change's levels as TOML keys and values: `seats = 40`, `acr = "+40%"`.
fn change_ops(c: &crate::scenario::Change) -> Vec<(&'static str, String)> {
    [("seats", c.seats), ("active", c.active), ("acr", c.acr)]
        .into_iter()
        .filter_map(|(key, op)| {
            op.map(|op| match op {
                crate::scenario::ChangeOp::Set(v) => (key, v.normalize().to_string()),
                other => (key, quoted(&other.to_string())),
            })
        })
        .collect()
}

/// The ready-made menu as `[[options]]` entries to edit (`seek --suggest --print`): a file that
/// `extends` the scenario (written as `extends`), or, without its first lines, entries
/// to paste into it.
pub fn options_toml(scenario: &Scenario, menu: &[Suggestion], extends: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Ready-made options for \"{}\" (pcsim seek --suggest --print). Edit the costs,\n\
         # limits and months to your case, then seek with this file as it is\n\
         # (pcsim seek THIS-FILE --by YYYY-MM), or paste the [[options]] into the scenario.\n\
         # The wins are placed where they still count in the target's last month: move\n\
         # them if you seek another.",
        scenario.name
    );
    let _ = writeln!(
        out,
        "name = {}",
        quoted(&format!("{} (with options)", scenario.name))
    );
    let _ = writeln!(out, "extends = {}", quoted(extends));
    for Suggestion { option: o, why } in menu {
        let _ = writeln!(out);
        for line in super::layout::wrap(why, 86.0, usize::MAX, &|t| t.chars().count() as f64) {
            let _ = writeln!(out, "# {line}");
        }
        let _ = writeln!(out, "[[options]]\nname = {}", quoted(&o.name));
        let _ = writeln!(out, "cost = {}", o.cost.normalize());
        let _ = writeln!(out, "max = {}", o.max);
        let _ = writeln!(out, "month = \"{}\"", o.month);
        if o.every > 0 {
            let _ = writeln!(out, "every = {}", o.every);
        }
        if o.probability < Decimal::ONE {
            let _ = writeln!(out, "probability = {}", o.probability.normalize());
        }
        match &o.action {
            Action::Certification { code, people, .. } => {
                let _ = writeln!(out, "cert = {}", quoted(code));
                let named: Vec<String> = (1..=o.max).map(|k| format!("{} {k}", o.name)).collect();
                if people[..] != named[..] {
                    let list: Vec<String> = people.iter().map(|p| quoted(p)).collect();
                    let _ = writeln!(out, "people = [{}]", list.join(", "));
                }
            }
            Action::Tenant(t) => {
                let mut keys = vec![
                    format!("seats = {}", t.seats.normalize()),
                    format!("active = {}", t.active.normalize()),
                    format!("acr = {}", t.acr.normalize()),
                ];
                for (key, a) in [("m365", &t.m365), ("azure", &t.azure)] {
                    if let Some(a) = a {
                        keys.push(format!("{key} = {}", quoted(&a.name)));
                    }
                }
                let _ = writeln!(out, "tenant = {{ {} }}", keys.join(", "));
            }
            Action::Change(c) => {
                let mut keys = vec![format!("tenant = {}", quoted(&c.written))];
                keys.extend(change_ops(c).into_iter().map(|(k, v)| format!("{k} = {v}")));
                for (key, a) in [("m365", &c.m365), ("azure", &c.azure)] {
                    if let Some(a) = a {
                        keys.push(format!("{key} = {}", quoted(&a.name)));
                    }
                }
                let _ = writeln!(out, "change = {{ {} }}", keys.join(", "));
            }
        }
    }
    out
}

/// The keys a written tenant and change share: associations and probability.
fn ending(
    out: &mut String,
    m365: &Option<crate::scenario::Association>,
    azure: &Option<crate::scenario::Association>,
    probability: Decimal,
) {
    for (key, a) in [("m365", m365), ("azure", azure)] {
        if let Some(a) = a {
            let _ = writeln!(out, "{key} = {}", quoted(&a.name));
        }
    }
    if probability < Decimal::ONE {
        let _ = writeln!(out, "probability = {}", probability.normalize());
    }
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}
