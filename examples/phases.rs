//! Times each phase of `pcsim run` on one scenario, once, for profiling by hand:
//!
//!     cargo run --release --example phases -- generated/scenario.toml
//!
//! The benchmark (`cargo bench`) gives the figures for the docs; this is for quick looks.

use std::time::Instant;

use pcsim::facts::Facts;
use pcsim::report::Format;
use pcsim::scenario::Scenario;
use pcsim::simulate::{Bases, facts_span, project, rescore};

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
    let rescored = rescore(&scenario, &facts, &Bases::default());
    let months = rescored.scored.len();
    let tally = t.elapsed();
    eprintln!(
        "  of which: scoring {tally:.1?} ({months} months); the rest names causes; {} tenants counted",
        rescored.counted.len()
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
