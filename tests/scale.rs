//! Big imports: the same answer whatever the thread count and whatever the row order.

use assert_cmd::Command;
use pcsim::synth::{Options, Order, scenario_toml, write_history, write_history_in};

#[test]
fn the_same_rows_in_any_order_give_byte_identical_output_on_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options::new(4_000, 36, 7);
    for order in [Order::Tenant, Order::Month, Order::Shuffled] {
        let folder = dir.path().join(format!("{order:?}"));
        std::fs::create_dir(&folder).unwrap();
        let rows = write_history_in(
            &options,
            order,
            std::fs::File::create(folder.join("tenants.csv")).unwrap(),
        )
        .unwrap();
        assert!(
            rows > 50_000,
            "big enough to be split into many pieces: {rows} rows"
        );
        std::fs::write(
            folder.join("plan.toml"),
            scenario_toml(&options, "tenants.csv"),
        )
        .unwrap();
    }
    let run = |order: Order, threads: &str, format: &str| {
        Command::cargo_bin("pcsim")
            .unwrap()
            .env("RAYON_NUM_THREADS", threads)
            .arg("run")
            .arg(dir.path().join(format!("{order:?}")).join("plan.toml"))
            .args(["--format", format])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    let json = run(Order::Tenant, "1", "json");
    let csv = run(Order::Tenant, "1", "csv");
    assert!(json.len() > 5_000, "a full projection");
    for order in [Order::Tenant, Order::Month, Order::Shuffled] {
        for threads in ["1", "2", "8"] {
            assert_eq!(
                run(order, threads, "json"),
                json,
                "{order:?}, {threads} threads"
            );
            assert_eq!(
                run(order, threads, "csv"),
                csv,
                "{order:?}, {threads} threads"
            );
        }
    }
}

#[test]
fn the_row_orders_hold_the_same_rows() {
    let options = Options::new(200, 24, 5);
    let lines = |order: Order| {
        let mut out = Vec::new();
        write_history_in(&options, order, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let header = lines.remove(0);
        let first_rows = lines[..3].to_vec();
        lines.sort();
        (header, lines, first_rows)
    };
    let (h, tenant, first) = lines(Order::Tenant);
    for order in [Order::Month, Order::Shuffled] {
        let (h2, other, first2) = lines(order);
        assert_eq!((&h2, &other), (&h, &tenant), "{order:?}: the same rows");
        assert_ne!(first2, first, "{order:?}: in another order");
    }
}

#[test]
fn the_generator_is_deterministic() {
    let mut a = Vec::new();
    let mut b = Vec::new();
    write_history(&Options::new(300, 24, 3), &mut a).unwrap();
    write_history(&Options::new(300, 24, 3), &mut b).unwrap();
    assert_eq!(a, b);
    let mut c = Vec::new();
    write_history(&Options::new(300, 24, 4), &mut c).unwrap();
    assert_ne!(a, c, "another seed, other data");
}

/// The shared history counts, adjusted for a plan's changed and declared tenants, equal a
/// full tally of the plan: the same counts and the same ageing events.
#[test]
fn shared_history_counts_adjusted_for_a_plan_equal_its_full_tally() {
    use pcsim::facts::Facts;
    use pcsim::scenario::Scenario;
    use pcsim::simulate::{Bases, facts_span};
    use pcsim::tally::{Span, tally};

    let dir = tempfile::tempdir().unwrap();
    let options = Options::new(600, 36, 11);
    write_history(
        &options,
        std::fs::File::create(dir.path().join("tenants.csv")).unwrap(),
    )
    .unwrap();
    let base = scenario_toml(&options, "tenants.csv");
    // Changes to several imported tenants (growth, a cut, an association ending) and a
    // declared win on top of the generated plan.
    let plan = format!(
        "{base}\n[[changes]]\ntenant = \"T000003\"\nmonth = \"2026-06\"\nseats = \"+400\"\n\
         [[changes]]\ntenant = \"T000010\"\nmonth = \"2027-02\"\nacr = \"-90%\"\n\
         [[changes]]\ntenant = \"T000021\"\nmonth = \"2026-09\"\nm365 = \"DPOR\"\n\
         [[tenants]]\nname = \"Late win\"\nsince = \"2027-05\"\nseats = 40\nactive = 30\nacr = 900\n"
    );
    std::fs::write(dir.path().join("plan.toml"), plan).unwrap();
    let scenario = Scenario::load(&dir.path().join("plan.toml"), None).unwrap();
    let (origin, end) = facts_span(&scenario);
    let facts = Facts::build(&scenario, origin, end).unwrap();
    assert!(
        facts.stored().len() > 3,
        "changed and declared tenants are stored"
    );
    let span = Span {
        first: scenario.start - 17,
        last: scenario.end(),
        watch: Some(scenario.start),
    };
    let full = tally(&facts, &scenario.rules, span);
    let (tallies, mut events) = (full.tallies, full.events);
    let bases = Bases::default();
    let mut shared = bases.counts(&scenario, &facts, span);
    // Twice: the second time the history's counts come from the cache.
    let again = bases.counts(&scenario, &facts, span);
    assert_eq!(shared, again);
    let key = |e: &pcsim::tally::AgeingEvent| (e.tenant, e.month, e.path, e.metric);
    events.sort_by_key(key);
    shared.events.sort_by_key(key);
    assert_eq!(shared.tallies, tallies);
    assert_eq!(shared.events, events);
    assert_eq!(shared.counted, full.counted);

    // The counted tenants are those that some month of the span puts in a band, read
    // one by one through `explain`'s reading of the facts.
    let months: Vec<_> = (0..=span.last.since(span.first))
        .map(|k| span.first + k)
        .collect();
    let members: Vec<u32> = pcsim::explain::read_tenants(&facts, &scenario.rules, &months, |at| {
        at.iter().any(|s| s.member.iter().any(|m| !m.is_empty()))
    })
    .iter()
    .map(|v| v.tenant as u32)
    .collect();
    assert!(
        !members.is_empty() && members.len() < facts.tenants,
        "some tenants count and some do not ({} of {})",
        members.len(),
        facts.tenants
    );
    assert_eq!(full.counted, members);
}

#[test]
fn a_quote_late_in_a_big_history_is_read_as_the_csv_crate_reads_it() {
    // Only the last row quotes its tenant, so only the last of the pieces a big file is
    // split into holds a quote: the whole file must then go to the csv crate, and give
    // what the plain file gives, on any thread count.
    let dir = tempfile::tempdir().unwrap();
    let options = Options::new(4_000, 36, 7);
    let mut plain = Vec::new();
    write_history(&options, &mut plain).unwrap();
    let plain = String::from_utf8(plain).unwrap();
    assert!(plain.len() > 1 << 20, "several pieces of at least 64 KB");
    let last = plain.trim_end().rfind('\n').unwrap() + 1;
    let (name, rest) = plain[last..].split_once(',').unwrap();
    let quoted = format!("{}\"{name}\",{rest}", &plain[..last]);
    assert_ne!(quoted, plain);
    for (file, text) in [("plain.csv", &plain), ("quoted.csv", &quoted)] {
        std::fs::write(dir.path().join(file), text).unwrap();
        std::fs::write(
            dir.path().join(file.replace(".csv", ".toml")),
            scenario_toml(&options, file),
        )
        .unwrap();
    }
    let run = |plan: &str, threads: &str| {
        Command::cargo_bin("pcsim")
            .unwrap()
            .env("RAYON_NUM_THREADS", threads)
            .arg("run")
            .arg(dir.path().join(plan))
            .args(["--format", "json"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    let expected = run("plain.toml", "1");
    for threads in ["1", "2", "8"] {
        assert_eq!(run("quoted.toml", threads), expected, "{threads} threads");
    }
}

#[test]
fn compare_of_the_generated_plans_gives_each_plan_what_its_run_gives() {
    // `compare` scores plans on one shared history without naming causes; each plan's
    // figures must still be those that its own `run` shows.
    let dir = tempfile::tempdir().unwrap();
    let options = Options::new(3_000, 36, 5);
    write_history(
        &options,
        std::fs::File::create(dir.path().join("tenants.csv")).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("scenario.toml"),
        scenario_toml(&options, "tenants.csv"),
    )
    .unwrap();
    let plans: Vec<String> = (1..=5).map(|k| format!("plan-{k}.toml")).collect();
    for (k, plan) in (1..=5).zip(&plans) {
        std::fs::write(
            dir.path().join(plan),
            pcsim::synth::plan_toml(&options, "scenario.toml", k),
        )
        .unwrap();
    }
    let names: Vec<&str> = plans.iter().map(String::as_str).collect();
    let compared = crate::support::compare_agreeing_with_runs(dir.path(), &names);
    for (k, plan) in compared["plans"].as_array().unwrap().iter().enumerate() {
        assert_eq!(plan["scenario"], format!("Plan {}", k + 1));
        // Every plan projects the generated scenario's 24 months: all of them compared.
        assert_eq!(plan["months_counted"], 24);
    }
}
