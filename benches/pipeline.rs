//! The pipeline at 1,000 / 10,000 / 100,000 tenants with 36 months of history and a
//! 24-month horizon, phase by phase. Throughput is in tenant-months: tenants x (36 + 24).
//!
//!     cargo bench --bench pipeline
//!
//! Results and how to read them: docs/performance.md.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use pcsim::cli::load_plans;
use pcsim::compare::compare;
use pcsim::facts::Facts;
use pcsim::report::Format;
use pcsim::report::compare::render;
use pcsim::rules::Ruleset;
use pcsim::scenario::history::read_history;
use pcsim::scenario::{Imports, Scenario};
use pcsim::simulate::{Bases, facts_span, project, rescore, simulate};
use pcsim::synth::{Options, Order, plan_toml, scenario_toml, write_history_in};

// The binary's allocator (huge pages for the big buffers of a history), so that the
// phases are timed as `pcsim` runs them.
#[global_allocator]
static ALLOCATOR: pcsim::huge_pages::HugePages = pcsim::huge_pages::HugePages;

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];
const HISTORY_MONTHS: u32 = 36;
const HORIZON: u64 = 24;
/// Plans that extend the scenario, for `compare`.
const PLANS: u32 = 5;

/// Generates (once per run) a history in `order` and a scenario for `tenants`.
fn data(dir: &Path, tenants: usize, order: Order) -> PathBuf {
    let folder = dir.join(format!("{tenants}-{order:?}"));
    std::fs::create_dir_all(&folder).unwrap();
    let options = Options::new(tenants, HISTORY_MONTHS, 1);
    write_history_in(
        &options,
        order,
        std::fs::File::create(folder.join("tenants.csv")).unwrap(),
    )
    .unwrap();
    std::fs::write(
        folder.join("scenario.toml"),
        scenario_toml(&options, "tenants.csv"),
    )
    .unwrap();
    for k in 1..=PLANS {
        std::fs::write(
            folder.join(format!("plan-{k}.toml")),
            plan_toml(&options, "scenario.toml", k),
        )
        .unwrap();
    }
    folder.join("scenario.toml")
}

/// What `pcsim run FILE --format json` does.
fn end_to_end(path: &Path) -> String {
    let s = Scenario::load(path, None).unwrap();
    let p = simulate(&s).unwrap();
    Format::Json.report().render(&p)
}

fn pipeline(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let rules = Ruleset::built_in();
    for tenants in SIZES {
        let scenario_path = data(dir.path(), tenants, Order::Tenant);
        let csv = scenario_path.with_file_name("tenants.csv");
        let scenario = Scenario::load(&scenario_path, None).unwrap();
        let (origin, end) = facts_span(&scenario);
        let facts = Facts::build(&scenario, origin, end).unwrap();
        let tenant_months = tenants as u64 * (HISTORY_MONTHS as u64 + HORIZON);

        let mut group = c.benchmark_group(format!("{tenants} tenants"));
        group.throughput(Throughput::Elements(tenant_months));
        if tenants >= 100_000 {
            group
                .sample_size(10)
                .measurement_time(Duration::from_secs(8));
        }
        group.bench_function(BenchmarkId::new("csv import", tenants), |b| {
            b.iter(|| black_box(read_history(&csv, &rules).unwrap()))
        });
        group.bench_function(BenchmarkId::new("expand facts", tenants), |b| {
            b.iter(|| black_box(Facts::build(&scenario, origin, end).unwrap()))
        });
        group.bench_function(BenchmarkId::new("score both paths", tenants), |b| {
            b.iter(|| black_box(project(&scenario, &facts)))
        });
        group.bench_function(BenchmarkId::new("run end to end", tenants), |b| {
            b.iter(|| black_box(end_to_end(&scenario_path)))
        });
        // Planners re-score one scenario many times (odds, seeking): with the history's
        // counts shared, a re-score builds the plan's own tenants and scores the months.
        let bases = Bases::default();
        rescore(&scenario, &facts, &bases);
        group.bench_function(BenchmarkId::new("re-score, history shared", tenants), |b| {
            b.iter(|| {
                let facts = Facts::build(&scenario, origin, end).unwrap();
                black_box(rescore(&scenario, &facts, &bases))
            })
        });
        if tenants >= 100_000 {
            // What `pcsim compare` does with five plans on one history: read and count
            // it once, then each plan's own tenants.
            let plans: Vec<PathBuf> = (1..=PLANS)
                .map(|k| scenario_path.with_file_name(format!("plan-{k}.toml")))
                .collect();
            group.bench_function(BenchmarkId::new("compare five plans", tenants), |b| {
                b.iter(|| {
                    let plans = load_plans(&plans, None, &Imports::default()).unwrap();
                    let pairs: Vec<_> = plans.iter().map(|(s, p)| (s, p)).collect();
                    let names = &plans[0].1.terms.path_names;
                    black_box(render(&compare(&pairs), Format::Json, names, None))
                })
            });
            // The same rows as monthly downloads concatenated, and shuffled.
            for order in [Order::Month, Order::Shuffled] {
                let path = data(dir.path(), tenants, order);
                let csv = path.with_file_name("tenants.csv");
                group.bench_function(
                    BenchmarkId::new(format!("csv import, {order:?} order"), tenants),
                    |b| b.iter(|| black_box(read_history(&csv, &rules).unwrap())),
                );
                group.bench_function(
                    BenchmarkId::new(format!("run end to end, {order:?} order"), tenants),
                    |b| b.iter(|| black_box(end_to_end(&path))),
                );
            }
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = pipeline
}
criterion_main!(benches);
