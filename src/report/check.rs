//! `pcsim check`: what a scenario resolved to, so a user can see what will be simulated.

use std::fmt::Write;

use comfy_table::{Table, presets};
use rust_decimal::Decimal;

use super::{count, usd};
use crate::rules::PathId;
use crate::scenario::{Association, ChangeOp, Scenario};

/// How many declared (and how many imported) tenants to list before summarizing the rest.
const LIST_AT_MOST: usize = 50;

fn grid(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    t.set_header(header.to_vec());
    t
}

fn assoc(a: &Option<Association>) -> String {
    match a {
        None => "counts".into(),
        Some(a) if a.counts => a.name.clone(),
        Some(a) => format!("{} (does not count)", a.name),
    }
}

fn op(o: Option<ChangeOp>) -> String {
    o.map_or(String::new(), |o| o.to_string())
}

fn chance(p: Decimal) -> String {
    if p == Decimal::ONE {
        String::new()
    } else {
        p.normalize().to_string()
    }
}

pub fn check_report(s: &Scenario) -> String {
    let mut out = String::new();
    let files: Vec<String> = s.files.iter().map(|f| f.display().to_string()).collect();
    let _ = writeln!(out, "Scenario:  {}", s.name);
    if let Some(d) = &s.description {
        let _ = writeln!(out, "           {}", d.trim());
    }
    let _ = writeln!(out, "Files:     {}", files.join(" <- extended by "));
    let _ = writeln!(
        out,
        "Months:    {} to {} ({})",
        s.start,
        s.end(),
        count(s.months as usize, "month", "months")
    );
    match (s.enrolled, s.first_anniversary()) {
        (Some(e), Some(next)) => {
            let _ = writeln!(out, "Enrolled:  {e} (next anniversary {next})");
        }
        _ => {
            let _ = writeln!(
                out,
                "Enrolled:  no (the partner is not designated at start)"
            );
        }
    }
    let _ = writeln!(out, "Ruleset:   {} ({})", s.rules.name, s.rules.origin);
    if let Some((path, h)) = &s.history {
        let range = match (h.first_month(), h.last_month()) {
            (Some(a), Some(b)) => format!("{a} to {b}"),
            _ => "no rows".into(),
        };
        let _ = writeln!(
            out,
            "History:   {}: {}, {}, {range}",
            path.display(),
            count(h.names.len(), "tenant", "tenants"),
            count(h.rows.len(), "row", "rows")
        );
    }

    let _ = writeln!(out, "\nPeople ({}):", s.people.len());
    if !s.people.is_empty() {
        let mut t = grid(&[
            "Person",
            "Certification",
            "Step",
            "Passed",
            "Counts until",
            "Probability",
        ]);
        for p in &s.people {
            for c in &p.certs {
                let cert = &s.rules.certifications[c.cert];
                t.add_row(vec![
                    p.name.clone(),
                    cert.label(),
                    cert.step.get_ref().to_string(),
                    c.passed.to_string(),
                    c.counts_until.map_or("renewed".into(), |d| d.to_string()),
                    chance(c.probability),
                ]);
            }
        }
        let _ = writeln!(out, "{t}");
    }

    let _ = writeln!(
        out,
        "\nTenants ({} declared{}):",
        s.tenants.len(),
        if s.history.is_some() {
            format!(", {} imported", s.history_len())
        } else {
            String::new()
        }
    );
    if let Some((_, h)) = &s.history
        && !h.names.is_empty()
    {
        let mut t = grid(&[
            "Imported tenant",
            "First month",
            "Last month",
            "Seats",
            "Active",
            "ACR/month USD",
        ]);
        for (id, name) in h.names.iter().enumerate().take(LIST_AT_MOST) {
            let rows = h.rows_of(id);
            let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
                continue;
            };
            t.add_row(vec![
                name.clone(),
                first.month().to_string(),
                last.month().to_string(),
                last.seats.to_string(),
                last.active.to_string(),
                usd(Decimal::new(last.acr_cents(), 2)),
            ]);
        }
        let _ = writeln!(
            out,
            "Imported from the history CSV (seats, active and ACR as of each tenant's last row):"
        );
        let _ = writeln!(out, "{t}");
        if h.names.len() > LIST_AT_MOST {
            let _ = writeln!(
                out,
                "... and {} more imported",
                h.names.len() - LIST_AT_MOST
            );
        }
    }
    if !s.tenants.is_empty() {
        if s.history.is_some() {
            let _ = writeln!(out, "Declared in the scenario:");
        }
        let mut t = grid(&[
            "Tenant",
            "Since",
            "Until",
            "Seats",
            "Active",
            "ACR/month USD",
            "M365",
            "Azure",
            "Probability",
        ]);
        for x in s.tenants.iter().take(LIST_AT_MOST) {
            t.add_row(vec![
                x.name.clone(),
                x.since
                    .map_or("existing customer".into(), |m| m.to_string()),
                x.until.map_or(String::new(), |m| m.to_string()),
                x.seats.normalize().to_string(),
                x.active.normalize().to_string(),
                usd(x.acr),
                assoc(&x.m365),
                assoc(&x.azure),
                chance(x.probability),
            ]);
        }
        let _ = writeln!(out, "{t}");
        if s.tenants.len() > LIST_AT_MOST {
            let _ = writeln!(out, "... and {} more", s.tenants.len() - LIST_AT_MOST);
        }
    }

    let _ = writeln!(
        out,
        "\nChanges ({}), applied in this order:",
        s.changes.len()
    );
    if !s.changes.is_empty() {
        let mut t = grid(&[
            "Tenant",
            "From",
            "Until",
            "Seats",
            "Active",
            "ACR",
            "M365",
            "Azure",
            "Probability",
        ]);
        for c in &s.changes {
            t.add_row(vec![
                c.written.clone(),
                c.month.to_string(),
                c.until.map_or(String::new(), |m| m.to_string()),
                op(c.seats),
                op(c.active),
                op(c.acr),
                c.m365
                    .as_ref()
                    .map_or(String::new(), |a| assoc(&Some(a.clone()))),
                c.azure
                    .as_ref()
                    .map_or(String::new(), |a| assoc(&Some(a.clone()))),
                chance(c.probability),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }

    if !s.options.is_empty() {
        let choices = crate::scenario::options::choices(&s.options);
        let _ = writeln!(
            out,
            "\nOptions for `pcsim seek` ({}, {} choices in all):",
            s.options.len(),
            crate::money::choices(choices)
        );
        let mut t = grid(&["Option", "Kind", "Cost each", "Max", "Uses", "Probability"]);
        for o in &s.options {
            let first = o.describe_use(1);
            let uses = match o.max {
                1 => first,
                n => format!("{first}\n… {}", o.describe_use(n)),
            };
            t.add_row(vec![
                o.name.clone(),
                o.kind().to_string(),
                o.cost.normalize().to_string(),
                o.max.to_string(),
                uses,
                chance(o.probability),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }

    let r = &s.rules;
    let _ = writeln!(
        out,
        "\nRuleset in force: {} (qualifying total {}, annual fee {} USD)",
        r.name,
        r.qualifying_total.0.normalize(),
        usd(r.annual_fee_usd.0)
    );
    let mut t = grid(&[
        "Path",
        "M365 seats",
        "Azure TTM: adds",
        "deployments",
        "usage growth",
        "Usage step",
    ]);
    for p in PathId::ALL {
        let x = r.paths.get(p);
        t.add_row(vec![
            x.name.clone(),
            x.bands.m365_seats.describe(),
            x.bands.azure_net_customer_adds.describe(),
            x.bands.azure_deployments.describe(),
            x.bands.azure_usage_growth.describe(),
            format!(
                "{} USD / {}",
                usd(x.usage_growth.azure_usd_per_point.0),
                count(
                    x.usage_growth.m365_users_per_point.0 as usize,
                    "user",
                    "users"
                )
            ),
        ]);
    }
    let _ = writeln!(out, "{t}");
    let _ = writeln!(out, "\nThe scenario is valid.");
    out
}
