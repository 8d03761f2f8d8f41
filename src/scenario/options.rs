//! `[[options]]`: actions the partner could take, each with a cost, for `seek`
//! (PLANNING.md §4). Use k of an option is an ordinary planned event: a tenant won, a
//! certification passed, or a change, in month `month + (k - 1) * every`.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::layers::{From, Merged};
use super::model::OptionEntry;
use super::{Change, Ending, HeldCert, History, Person, Scenario, Target, Tenant};
use crate::error::Result;
use crate::month::{DayOrMonth, Month};
use crate::rules::{Ruleset, Side};

/// An option, checked against the scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanOption {
    pub name: String,
    /// Of one use.
    pub cost: Decimal,
    /// The most uses, 1..=50.
    pub max: u32,
    /// The month of the first use.
    pub month: Month,
    /// Months between uses.
    pub every: u32,
    pub probability: Decimal,
    pub action: Action,
}

/// What each use of an option does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A tenant named "<option> k" is won in the use's month with these levels.
    Tenant(Tenant),
    /// Use k: `people[k - 1]` (an existing person or a new one) passes `certs[k - 1]`.
    Certification {
        code: String,
        people: Vec<String>,
        certs: Vec<HeldCert>,
    },
    /// The change applies once more, in the use's month.
    Change(Change),
}

impl PlanOption {
    /// The month of use `k` (1-based).
    pub fn month_of(&self, k: u32) -> Month {
        self.month + ((k - 1) * self.every) as i32
    }

    /// The name of the tenant use `k` of a tenant option wins.
    pub fn tenant_name(&self, k: u32) -> String {
        format!("{} {k}", self.name)
    }

    /// In a few words: "win", "certification", "change".
    pub fn kind(&self) -> &'static str {
        match self.action {
            Action::Tenant(_) => "win",
            Action::Certification { .. } => "certification",
            Action::Change(_) => "change",
        }
    }

    /// What use `k` does, in plain words ("win SMB win 2 in 2027-02").
    pub fn describe_use(&self, k: u32) -> String {
        let month = self.month_of(k);
        match &self.action {
            Action::Tenant(_) => format!("win {} in {month}", self.tenant_name(k)),
            Action::Certification { code, people, .. } => {
                format!("{} passes {code} in {month}", people[k as usize - 1])
            }
            Action::Change(c) => format!("change to {} in {month}", c.written),
        }
    }
}

/// How many choices of uses the options allow: the product of `max + 1`, at most
/// `u128::MAX`.
pub fn choices(options: &[PlanOption]) -> u128 {
    options
        .iter()
        .fold(1u128, |n, o| n.saturating_mul(o.max as u128 + 1))
}

/// The names options look up among the imported tenants: the tenants their changes name.
pub fn wanted_names(options: &[From<OptionEntry>]) -> Vec<String> {
    options
        .iter()
        .filter_map(|o| o.entry.change.as_ref())
        .map(|c| c.get_ref().tenant.get_ref().clone())
        .collect()
}

/// What resolving options needs from the rest of the scenario.
pub struct Context<'a> {
    pub start: Month,
    pub end: Month,
    pub history: Option<&'a History>,
    pub by_name: &'a HashMap<&'a str, Vec<u32>>,
}

pub fn resolve(merged: &Merged, rules: &Ruleset, cx: Context) -> Result<Vec<PlanOption>> {
    let mut options = Vec::new();
    for from in &merged.options {
        let src = &merged.layers[from.layer].source;
        let o = &from.entry;
        let name = o.name.get_ref();
        let at_name = |m: String| src.at(o.name.span(), m);
        if name.trim().is_empty() {
            return Err(at_name("an option needs a name".into()));
        }
        let max = o.max.map_or(1, |m| m.0);
        let every = o.every.map_or(0, |e| e.0);
        let month = o.month.as_ref().map_or(cx.start, |m| *m.get_ref());
        if month < cx.start {
            let span = o.month.as_ref().map_or(o.name.span(), |m| m.span());
            return Err(src.at(
                span,
                format!(
                    "an option acts in the projection: its month ({month}) must be on or after start ({})",
                    cx.start
                ),
            ));
        }
        let last = month + ((max - 1) * every) as i32;
        if last > cx.end {
            return Err(at_name(format!(
                "use {max} of \"{name}\" would fall in {last}, after the projection ends ({}): lower `max` or `every`, or start it earlier",
                cx.end
            )));
        }
        let actions = [o.tenant.is_some(), o.cert.is_some(), o.change.is_some()];
        if actions.iter().filter(|&&a| a).count() != 1 {
            return Err(at_name(format!(
                "option \"{name}\" needs exactly one of `tenant = {{ … }}` (a win), `cert = \"…\"` (a certification) or `change = {{ … }}`"
            )));
        }
        if let (Some(p), None) = (&o.people, &o.cert) {
            return Err(src.at(
                p.span(),
                "`people` names who passes a certification option: give `cert` too",
            ));
        }
        let probability = o.probability.map_or(Decimal::ONE, |p| p.0);
        let action = if let Some(t) = &o.tenant {
            let t = t.get_ref();
            Action::Tenant(Tenant {
                name: name.clone(),
                group: None,
                since: Some(month),
                until: None,
                seats: t.seats.0,
                active: t.active.0,
                acr: t.acr.0,
                m365: super::association_of(rules, Side::M365, &t.m365, src)?,
                azure: super::association_of(rules, Side::Azure, &t.azure, src)?,
                probability,
            })
        } else if let Some(cert) = &o.cert {
            let people: Vec<String> = match &o.people {
                Some(p) => {
                    let list = p.get_ref();
                    if (list.len() as u32) < max {
                        return Err(src.at(
                            p.span(),
                            format!(
                                "`people` names {} but `max` is {max}: each use is the next person in the list, so name at least {max} (or lower `max`)",
                                crate::report::count(list.len(), "person", "people")
                            ),
                        ));
                    }
                    if let Some(blank) = list.iter().find(|n| n.trim().is_empty()) {
                        return Err(src.at(
                            p.span(),
                            format!("a name in `people` is empty (\"{blank}\")"),
                        ));
                    }
                    if let Some(twice) = list
                        .iter()
                        .enumerate()
                        .find(|(k, n)| list[..*k].contains(n))
                        .map(|(_, n)| n)
                    {
                        return Err(src.at(
                            p.span(),
                            format!(
                                "\"{twice}\" is named twice in `people`: each use is a different person, so name each once"
                            ),
                        ));
                    }
                    list[..max as usize].to_vec()
                }
                None => (1..=max).map(|k| format!("{name} {k}")).collect(),
            };
            let mut certs = Vec::new();
            for k in 1..=max {
                let passed = DayOrMonth::Month(month + ((k - 1) * every) as i32);
                let held =
                    super::held_cert(rules, cert.get_ref(), passed, Ending::Renewed, probability)
                        .map_err(|m| src.at(cert.span(), format!("use {k}: {m}")))?;
                certs.push(held);
            }
            let entry = &rules.certifications[certs[0].cert];
            let code = entry.code.as_ref().unwrap_or(&entry.name).get_ref().clone();
            Action::Certification {
                code,
                people,
                certs,
            }
        } else {
            let spanned = o.change.as_ref().expect("one action");
            let c = spanned.get_ref();
            let written = c.tenant.get_ref();
            let target = if written.trim() == "*" {
                return Err(src.at(
                    c.tenant.span(),
                    "a change option names one tenant or group, not \"*\": seeking tallies each use's tenants on their own",
                ));
            } else {
                match cx.by_name.get(written.as_str()) {
                    Some(ids) => Target::Tenants(ids.clone()),
                    None => {
                        return Err(src.at(
                            c.tenant.span(),
                            super::unknown_tenant(written, cx.by_name, cx.history),
                        ));
                    }
                }
            };
            if [&c.seats, &c.active, &c.acr].iter().all(|o| o.is_none())
                && c.m365.is_none()
                && c.azure.is_none()
            {
                return Err(src.at(spanned.span(), super::CHANGES_NOTHING));
            }
            Action::Change(Change {
                at: src.locate(o.name.span()),
                written: written.clone(),
                target,
                month,
                until: None,
                seats: c.seats.as_ref().map(|o| *o.get_ref()),
                active: c.active.as_ref().map(|o| *o.get_ref()),
                acr: c.acr.as_ref().map(|o| *o.get_ref()),
                m365: super::association_of(rules, Side::M365, &c.m365, src)?,
                azure: super::association_of(rules, Side::Azure, &c.azure, src)?,
                probability,
            })
        };
        options.push(PlanOption {
            name: name.clone(),
            cost: o.cost.0,
            max,
            month,
            every,
            probability,
            action,
        });
    }
    Ok(options)
}

impl Scenario {
    /// This scenario with `uses[i]` uses of option i as ordinary tenants, people and
    /// changes (after the scenario's own), and no options.
    pub fn with_uses(&self, uses: &[u32]) -> Scenario {
        let mut s = self.clone();
        s.options = Vec::new();
        s.people = self.people_with_uses(uses);
        for (o, &n) in self.options.iter().zip(uses) {
            for k in 1..=n {
                let month = o.month_of(k);
                match &o.action {
                    Action::Tenant(t) => s.tenants.push(Tenant {
                        name: o.tenant_name(k),
                        since: Some(month),
                        ..t.clone()
                    }),
                    Action::Certification { .. } => {}
                    Action::Change(c) => s.changes.push(Change { month, ..c.clone() }),
                }
            }
        }
        s
    }
}

impl Scenario {
    /// The scenario's people with the certifications that `uses[i]` uses of each
    /// certification option pass: use k is `people[k - 1]`, an existing person or a new one.
    pub fn people_with_uses(&self, uses: &[u32]) -> Vec<Person> {
        let mut people = self.people.clone();
        for (o, &n) in self.options.iter().zip(uses) {
            if let Action::Certification {
                people: who, certs, ..
            } = &o.action
            {
                for k in 0..n as usize {
                    let cert = certs[k].clone();
                    match people.iter_mut().find(|p| p.name == who[k]) {
                        Some(p) => p.certs.push(cert),
                        None => people.push(Person {
                            name: who[k].clone(),
                            certs: vec![cert],
                            from_csv: 0,
                        }),
                    }
                }
            }
        }
        people
    }
}
