//! Getting started without the repository at hand: `pcsim init` writes a commented
//! starter scenario, and `pcsim docs` prints the format references built into the binary.

use crate::month::Month;

/// Which customers the starter scenario shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Flavour {
    /// Small and medium customers: 5 to 300 seats, modest Azure
    Smb,
    /// Large customers: over 300 seats, Azure above 12,000 USD a year
    Enterprise,
}

/// The docs built into the binary: topic, what it covers, the text.
pub const TOPICS: &[(&str, &str, &str)] = &[
    (
        "scenario",
        "every key of a scenario file, with examples",
        include_str!("../docs/scenario-format.md"),
    ),
    (
        "rules",
        "the ruleset format: thresholds, bands, points, certifications",
        include_str!("../docs/ruleset-format.md"),
    ),
    (
        "scoring",
        "the scoring rules, section by section",
        include_str!("../docs/scoring-rules.md"),
    ),
    (
        "output",
        "the JSON and CSV outputs, and the charts",
        include_str!("../docs/output.md"),
    ),
    (
        "odds",
        "probabilities on planned events, and `pcsim odds`",
        include_str!("../docs/odds.md"),
    ),
    (
        "seek",
        "[[options]] and `pcsim seek`",
        include_str!("../docs/seek.md"),
    ),
    (
        "import",
        "`pcsim import`: Partner Center downloads into history and people CSVs",
        include_str!("../docs/partner-center.md"),
    ),
];

/// The list of topics, for `pcsim docs` without one.
pub fn topics() -> String {
    let mut out = String::from("pcsim docs TOPIC prints one of these:\n\n");
    for (name, about, _) in TOPICS {
        out.push_str(&format!("  {name:<10} {about}\n"));
    }
    out
}

/// A topic's text, or an error listing the topics.
pub fn topic(name: &str) -> Result<&'static str, String> {
    TOPICS
        .iter()
        .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, _, text)| *text)
        .ok_or_else(|| {
            let names: Vec<&str> = TOPICS.iter().map(|(n, _, _)| *n).collect();
            format!(
                "there is no topic \"{name}\": the topics are {}",
                names.join(", ")
            )
        })
}

/// The heading of the example customers.
const CUSTOMERS: &str =
    "# ---------------------------------------------------------------- customers
# Today's customers: seats of the largest M365 security workload, active users, and
# Security Azure consumption in USD a month. `since`: the month they were won.

";

/// The month after the one the clock is in: a plan starts from next month.
pub fn next_month() -> Month {
    Month::of_date(today()) + 1
}

/// Today's date (UTC), from the system clock.
pub fn today() -> chrono::NaiveDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a real day");
    epoch + chrono::Days::new(days)
}

/// The schema file `pcsim init` writes beside the scenario, which the scenario's first
/// line names (`#:schema`) so that editors with Taplo complete keys and flag typos.
pub const SCHEMA_FILE: &str = "pcsim.schema.json";

/// Writes the scenario schema as [`SCHEMA_FILE`] beside `scenario`, unless a file of that
/// name is there already (then it is kept). Returns a line saying what was written, or
/// nothing.
pub fn write_schema_beside(
    scenario: &std::path::Path,
    inputs: &[std::path::PathBuf],
) -> crate::error::Result<String> {
    let schema = scenario.with_file_name(SCHEMA_FILE);
    if schema.exists() {
        return Ok(String::new());
    }
    crate::output::write_atomic(&schema, crate::schema::scenario().as_bytes(), inputs)?;
    Ok(format!(
        "Wrote {}: the JSON Schema the scenario's first line names, so that editors with\n  Taplo (VS Code: Even Better TOML) complete its keys and flag typos.\n",
        schema.display()
    ))
}

/// A starter scenario to fill in. `history` and `people`: the history and people CSVs as
/// the scenario names them (then the example customers, or the example people, are left
/// out: the files have the real ones).
pub fn scenario(
    file: &str,
    name: &str,
    flavour: Flavour,
    start: Month,
    history: Option<&str>,
    people: Option<&str>,
) -> String {
    let enrolled = start - 7;
    let mut out = format!(
        r#"#:schema ./{SCHEMA_FILE}
# A pcsim scenario: your partner's people, customers and plans, for a month-by-month
# projection of the Solutions Partner for Security score on both paths.
#
#   pcsim check {file}    what pcsim reads from this file
#   pcsim run {file}      the projection
#   pcsim docs scenario    every key, with examples
#
# The first line names a JSON Schema for editors: with VS Code's Even Better TOML (or
# Taplo) keys are completed and explained, and a misspelt key is underlined.
#
# Months are written in quotes as "YYYY-MM"; text in quotes; numbers bare.

name = "{name}"
start = "{start}"         # the first projected month
months = 24               # how many months to project
# enrolled = "{enrolled}"   # the month you enrolled or last renewed, if you hold the designation
"#
    );
    if let Some(csv) = history {
        out.push_str(&format!(
            r#"history = "{csv}"   # monthly seats, active users and Azure use per customer
"#
        ));
    }
    if let Some(csv) = people {
        out.push_str(&format!(
            r#"people_csv = "{csv}"   # who holds which certification, since when
"#
        ));
    }
    out.push('\n');
    if people.is_some() {
        out.push_str(
            r#"# ---------------------------------------------------------------- people
# The people CSV has today's certifications. Add planned ones here: an entry with the
# name of a person in the CSV adds to their certifications.
#
# [[people]]
# name = "First Engineer"
# certs = [{ cert = "SC-100", passed = "2027-02" }]

"#,
        );
    } else {
        out.push_str(
            r#"# ---------------------------------------------------------------- people
# Who holds which certification, and when they passed it ("YYYY-MM" or "YYYY-MM-DD").
# Steps: 1 Azure security engineer, 2 SC-200, 3 SC-100, SC-300 or SC-401.

[[people]]
name = "First Engineer"
certs = [
  { cert = "Cloud and AI Security Engineer Associate", passed = "2026-03" },
  { cert = "SC-200", passed = "2026-05" },
]

[[people]]
name = "Second Engineer"
certs = [
  { cert = "SC-200", passed = "2025-11" },
  { cert = "SC-300", passed = "2026-02" },
]

"#,
        );
    }
    if history.is_none() {
        out.push_str(CUSTOMERS);
        out.push_str(match flavour {
            Flavour::Smb => {
                r#"[[tenants]]
name = "Example Dental"
seats = 85
active = 60
acr = 120
m365 = "CSP Tier1"

[[tenants]]
name = "Example Logistics"
since = "2026-06"
seats = 40
active = 25
acr = 900
azure = "PAL"

"#
            }
            Flavour::Enterprise => {
                r#"[[tenants]]
name = "Example Bank"
seats = 2400
active = 900
acr = 1500
m365 = "CSP Tier1"
azure = "PAL"

[[tenants]]
name = "Example Manufacturing"
since = "2026-06"
seats = 650
active = 200
acr = 1200
azure = "PAL"

"#
            }
        });
    }
    let planned = match flavour {
        Flavour::Smb => ("Planned small-business wins", "4", "50", "20", "0"),
        Flavour::Enterprise => ("Planned enterprise wins", "2", "800", "200", "1100"),
    };
    out.push_str(&format!(
        r#"# ---------------------------------------------------------------- plans
# What you plan: wins (a `count` of similar customers, one every `every` months), new
# certifications (add them to a person's certs with a future `passed`), and changes.
# `probability` (0 to 1) on any of them feeds `pcsim odds`.

[[tenants]]
name = "{}"
count = {}
since = "{}"
every = 2
seats = {}
active = {}
acr = {}
probability = 0.7

[[changes]]
tenant = "*"              # every customer; or a tenant's name
month = "{}"
acr = "+1%/month"         # Azure use grows 1% a month
"#,
        planned.0, planned.1, start, planned.2, planned.3, planned.4, start
    ));
    out
}
