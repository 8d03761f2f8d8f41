//! A synthetic but realistic customer base, for benchmarks and demos: a history CSV as a
//! CSP would export it, and a plan on top of it. Seeded, so the same options always give
//! the same bytes.

use std::io::{self, Write};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::month::Month;

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub tenants: usize,
    /// Months of history.
    pub months: u32,
    pub seed: u64,
    /// The first month of history.
    pub first: Month,
}

impl Options {
    pub fn new(tenants: usize, months: u32, seed: u64) -> Options {
        Options {
            tenants,
            months,
            seed,
            first: Month::new(2024, 1).expect("a valid month"),
        }
    }

    /// The month after the last month of history: where the plan starts.
    pub fn start(&self) -> Month {
        self.first + self.months as i32
    }
}

const M365_ASSOCIATIONS: [&str; 4] = ["CSP Tier1", "CSP Tier2", "CPOR", "DPOR"];
const AZURE_ASSOCIATIONS: [&str; 4] = ["CSP Tier1", "CSP Tier2", "PAL", "none"];

/// The order of a history file's rows. Our generator writes tenant by tenant; real
/// exports concatenated month by month come month by month, and merged data in any order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Order {
    /// Grouped by tenant, months ascending within a tenant.
    Tenant,
    /// Grouped by month (every tenant once per month), as monthly downloads concatenated.
    Month,
    /// A seeded random permutation of the rows.
    Shuffled,
}

/// Writes `tenant,month,seats,active,acr,m365,azure` rows, one tenant after another.
/// About half of the tenants are M365-only, a fifth Azure-only, the rest both; most are
/// small businesses, some enterprises; they are won throughout the history, some churn,
/// and their seats and consumption drift month to month. Returns the number of rows.
pub fn write_history(o: &Options, out: impl Write) -> io::Result<usize> {
    write_history_in(o, Order::Tenant, out)
}

/// [`write_history`] with the same rows in another order.
pub fn write_history_in(o: &Options, order: Order, out: impl Write) -> io::Result<usize> {
    let mut w = io::BufWriter::with_capacity(1 << 20, out);
    writeln!(w, "tenant,month,seats,active,acr,m365,azure")?;
    if order == Order::Tenant {
        let rows = generate(o, |_, line| w.write_all(line))?;
        w.flush()?;
        return Ok(rows);
    }
    let mut lines: Vec<(i32, Vec<u8>)> = Vec::new();
    let rows = generate(o, |month, line| {
        lines.push((month, line.to_vec()));
        Ok(())
    })?;
    match order {
        // Stable: tenants keep their order within a month.
        Order::Month => lines.sort_by_key(|(month, _)| *month),
        _ => {
            let mut rng = ChaCha8Rng::seed_from_u64(o.seed ^ 0x5EED);
            for i in (1..lines.len()).rev() {
                lines.swap(i, rng.random_range(0..=i));
            }
        }
    }
    for (_, line) in &lines {
        w.write_all(line)?;
    }
    w.flush()?;
    Ok(rows)
}

/// Generates every row, tenant by tenant, as a line with its month index.
fn generate(o: &Options, mut emit: impl FnMut(i32, &[u8]) -> io::Result<()>) -> io::Result<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(o.seed);
    let mut line = Vec::with_capacity(64);
    let months = o.months as i32;
    let mut rows = 0;
    for t in 0..o.tenants {
        let kind: f64 = rng.random();
        let (m365, azure) = match kind {
            k if k < 0.5 => (true, false),
            k if k < 0.7 => (false, true),
            _ => (true, true),
        };
        let enterprise = rng.random_bool(0.12);
        let mut seats: f64 = match (m365, enterprise) {
            (false, _) => 0.0,
            (true, true) => rng.random_range(301.0..5000.0),
            (true, false) => rng.random_range(1.0..300.0),
        };
        let mut share: f64 = rng.random_range(0.05..0.9);
        let mut acr: f64 = match (azure, enterprise) {
            (false, _) => 0.0,
            (true, true) => rng.random_range(800.0..40_000.0),
            (true, false) => rng.random_range(20.0..1_500.0),
        };
        let seat_drift: f64 = rng.random_range(-0.01..0.02);
        let acr_drift: f64 = rng.random_range(-0.02..0.04);
        // A fifth were customers before the history starts; the rest are won during it.
        let won = if rng.random_bool(0.2) {
            0
        } else {
            rng.random_range(0..months)
        };
        let churn = if rng.random_bool(0.3) {
            rng.random_range(won..months)
        } else {
            months
        };
        let mut m365_assoc = M365_ASSOCIATIONS[rng.random_range(0..M365_ASSOCIATIONS.len())];
        let mut azure_assoc = AZURE_ASSOCIATIONS[rng.random_range(0..AZURE_ASSOCIATIONS.len())];
        for k in won..churn {
            // Associations are written on a tenant's first row and when they change.
            let mut cells = if k == won {
                (m365_assoc, azure_assoc)
            } else {
                ("", "")
            };
            if rng.random_bool(0.01) {
                m365_assoc = M365_ASSOCIATIONS[rng.random_range(0..M365_ASSOCIATIONS.len())];
                cells.0 = m365_assoc;
            }
            if rng.random_bool(0.01) {
                azure_assoc = AZURE_ASSOCIATIONS[rng.random_range(0..AZURE_ASSOCIATIONS.len())];
                cells.1 = azure_assoc;
            }
            let month = o.first + k;
            let s = seats.round() as u64;
            let a = (seats * share).round() as u64;
            line.clear();
            writeln!(
                line,
                "T{t:06},{month},{s},{a},{:.2},{},{}",
                acr, cells.0, cells.1
            )?;
            emit(k, &line)?;
            rows += 1;
            seats *= 1.0 + seat_drift + rng.random_range(-0.02..0.02);
            acr *= 1.0 + acr_drift + rng.random_range(-0.05..0.05);
            share = (share + rng.random_range(-0.02..0.02)).clamp(0.0, 1.0);
        }
    }
    Ok(rows)
}

/// Plan `k` (from 1) on top of the scenario in `scenario_file`: `3k` more SMB wins, one a
/// month from month `k - 1` of the projection, and a cut to imported tenant `k`'s ACR, so
/// that plans differ in declared and changed tenants (what `compare` is measured on).
pub fn plan_toml(o: &Options, scenario_file: &str, k: u32) -> String {
    let month = o.start() + (k as i32 - 1);
    format!(
        r#"extends = "{scenario_file}"
name = "Plan {k}"

[[tenants]]
name = "Extra win {k}"
since = "{month}"
count = {count}
every = 1
seats = 80
active = 40
acr = {acr}

[[changes]]
tenant = "T{k:06}"
month = "{month}"
acr = "-50%"
"#,
        count = 3 * k,
        acr = 100 * k,
    )
}

/// A plan on top of the history: a certified team, two waves of planned wins, growth at
/// one imported tenant.
pub fn scenario_toml(o: &Options, history_file: &str) -> String {
    let start = o.start();
    format!(
        r#"# Generated by `cargo run --release --example gen_history -- --tenants {n} --months {m} --seed {seed}`
name = "Synthetic CSP, {n} tenants"
start = "{start}"
months = 24
history = "{history_file}"

[[people]]
name = "Engineer 1"
certs = [{{ cert = "AZ-500", passed = "2025-01" }}, {{ cert = "SC-200", passed = "2025-02" }}, {{ cert = "SC-100", passed = "2025-06" }}]
[[people]]
name = "Engineer 2"
certs = [{{ cert = "Cloud and AI Security Engineer Associate", passed = "{start}" }}, {{ cert = "SC-200", passed = "2025-03" }}, {{ cert = "SC-300", passed = "2025-09" }}]
[[people]]
name = "Engineer 3"
certs = [{{ cert = "SC-401", passed = "2025-11" }}]

[[tenants]]
name = "Planned SMB win"
since = "{start}"
count = 20
every = 1
seats = 60
active = 30
acr = 150

[[tenants]]
name = "Planned enterprise win"
since = "{later}"
count = 4
every = 3
seats = 900
active = 400
acr = 2500

[[changes]]
tenant = "T000000"
month = "{start}"
seats = "+5%"
acr = "+2%/month"
"#,
        n = o.tenants,
        m = o.months,
        seed = o.seed,
        later = start + 3,
    )
}
