//! `pcsim odds` at the sizes the odds issue sets: every outcome of 16 uncertain events on
//! a bundled scenario, and 10,000 draws over 50 uncertain events on a history of 100,000
//! tenants. Both include loading the scenario, as `pcsim odds` does.
//!
//!     cargo bench --bench odds
//!
//! Results: docs/performance.md.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use pcsim::odds::{Sampling, odds};
use pcsim::scenario::Scenario;
use pcsim::synth::{Options, Order, scenario_toml, write_history_in};

/// smb-push.toml (11 uncertain events) with five more uncertain wins.
fn sixteen_events(dir: &Path) -> std::path::PathBuf {
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/smb-push.toml");
    let path = dir.join("sixteen.toml");
    std::fs::write(
        &path,
        format!(
            "extends = {bundled:?}\nname = \"SMB push, 16 uncertain events\"\n\n\
             [[tenants]]\nname = \"Summer win\"\nsince = \"2027-06\"\ncount = 5\nevery = 1\n\
             seats = 40\nactive = 20\nprobability = 0.5\n"
        ),
    )
    .unwrap();
    path
}

/// A generated history of `tenants` tenants and a plan with 50 uncertain events on it:
/// 30 wins, 10 changes to imported tenants and 10 certifications.
fn fifty_events(dir: &Path, tenants: usize) -> std::path::PathBuf {
    let options = Options::new(tenants, 36, 1);
    write_history_in(
        &options,
        Order::Tenant,
        std::fs::File::create(dir.join("tenants.csv")).unwrap(),
    )
    .unwrap();
    let mut plan = scenario_toml(&options, "tenants.csv");
    plan.push_str(
        "\n[[tenants]]\nname = \"Maybe SMB\"\nsince = \"2027-02\"\ncount = 30\nevery = 0\n\
         seats = 80\nactive = 40\nacr = 200\nprobability = 0.5\n",
    );
    for i in 0..10 {
        plan.push_str(&format!(
            "\n[[changes]]\ntenant = \"T{:06}\"\nmonth = \"2027-0{}\"\nseats = \"+200\"\nprobability = 0.4\n",
            i * 997 + 3,
            i % 9 + 1
        ));
        plan.push_str(&format!(
            "\n[[people]]\nname = \"Hire {i}\"\ncerts = [{{ cert = \"SC-300\", passed = \"2027-0{}\", probability = 0.6 }}]\n",
            i % 9 + 1
        ));
    }
    let path = dir.join("fifty.toml");
    std::fs::write(&path, plan).unwrap();
    path
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("odds");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    let sixteen = sixteen_events(dir.path());
    group.bench_function(
        "exact, 16 events, bundled scenario (65,536 outcomes)",
        |b| {
            b.iter(|| {
                let s = Scenario::load(&sixteen, None).unwrap();
                black_box(odds(&s, Sampling::default()).unwrap())
            })
        },
    );
    let fifty = fifty_events(dir.path(), 100_000);
    group.bench_function("10,000 draws, 50 events, 100,000 tenants", |b| {
        b.iter(|| {
            let s = Scenario::load(&fifty, None).unwrap();
            black_box(odds(&s, Sampling::default()).unwrap())
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = bench
}
criterion_main!(benches);
