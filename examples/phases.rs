//! Times each phase of `pcsim run` on one scenario, once, for profiling by hand:
//!
//!     cargo run --release --example phases -- generated/scenario.toml
//!
//! The benchmark (`cargo bench`) gives the figures for the docs; this is for quick looks.

use std::time::Instant;

use pcsim::facts::Facts;
use pcsim::report::Format;
use pcsim::scenario::Scenario;
use pcsim::simulate::{facts_span, project};

fn main() -> anyhow::Result<()> {
    let path = std::env::args().nth(1).expect("a scenario file");
    let t = Instant::now();
    let scenario = Scenario::load(path.as_ref(), None)?;
    let load = t.elapsed();
    let t = Instant::now();
    let (origin, end) = facts_span(&scenario);
    let facts = Facts::build(&scenario, origin, end)?;
    let build = t.elapsed();
    let t = Instant::now();
    let projection = project(&scenario, &facts);
    let score = t.elapsed();
    let t = Instant::now();
    let first = scenario.start - 5;
    let tallies = pcsim::tally::tally(&facts, &scenario.rules, first - 12, scenario.end());
    let tally = t.elapsed();
    let t = Instant::now();
    let ageing = pcsim::explain::ageing_out(&scenario, &facts);
    let ageing_time = t.elapsed();
    eprintln!(
        "  of which: tally {tally:.1?} ({} months), ageing out {ageing_time:.1?} ({} warnings)",
        tallies.len(),
        ageing.len()
    );
    let t = Instant::now();
    let json = Format::Json.report().render(&projection);
    let render = t.elapsed();
    eprintln!(
        "load {load:.1?}  facts {build:.1?}  project {score:.1?}  json {render:.1?} ({} bytes)",
        json.len()
    );
    Ok(())
}
