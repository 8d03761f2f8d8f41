//! `pcsim odds` (PLANNING.md §3): exact probabilities worked out by hand, sampling checked
//! against exact results, determinism on any thread count, and probabilities 0 and 1.
//!
//! The partner (by hand, RULES.md §4-§7), everything won in W = 2027-01 on the SMB path:
//! - People: Ana, Ben and Cara each hold a step-1, step-2 and step-3 certification; Dev
//!   holds only a step-3 one. SMB certifications: 4 + 4 + 8 per step-3 person, so 40 with
//!   Dev and 32 without.
//! - Tenants of 50 seats, 50 active, all won in W. With k of them, in W ..= W+11:
//!   net adds 4k points, deployments 20k/6, usage one point per full 50 users, so k:
//!   k = 3 gives 12 + 10 + 3 = 25; k = 4 gives 16 + 13.33 + 4 = 33.33; k = 5 gives
//!   20 + 16.67 + 5 = 41.67.
//! - Before W nothing counts; from W+12 the wins are in the year-ago month too, so only
//!   the certifications are left. Enterprise never qualifies (no tenant has its seats).

use pcsim::odds::{Method, Odds, Sampling, odds};
use pcsim::scenario::Scenario;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::Value;

use crate::support::{certified_team, failure, folder, pcsim, project, stdout};

/// The partner with `wins` (TOML `[[tenants]]` entries) and `dev` (Dev's certification
/// entry's extra keys), over `months` months from W, with `extra` top-level lines.
fn partner(months: u32, extra: &str, dev: &str, wins: &str) -> String {
    let mut text = format!(
        "name = \"Partner\"\nstart = \"2027-01\"\nmonths = {months}\n{extra}\n\
         [[tenants]]\nname = \"Win\"\ncount = 3\nsince = \"2027-01\"\nseats = 50\nactive = 50\n{wins}\n"
    );
    text.push_str(&certified_team(dev));
    text
}

fn win(name: &str, probability: &str) -> String {
    format!(
        "[[tenants]]\nname = \"{name}\"\nsince = \"2027-01\"\nseats = 50\nactive = 50\nprobability = {probability}\n"
    )
}

fn odds_of(toml: &str, sampling: Sampling) -> Odds {
    let scenario = Scenario::from_str("test.toml", toml).expect("scenario loads");
    odds(&scenario, sampling).expect("odds")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Eve (50%) and Fay (80%) may be won besides the three certain wins; Dev passes with 60%.
fn three_events(months: u32, extra: &str) -> String {
    partner(
        months,
        extra,
        ", probability = 0.6",
        &(win("Eve", "0.5") + &win("Fay", "0.8")),
    )
}

#[test]
fn three_events_give_the_probabilities_worked_out_by_hand() {
    let o = odds_of(&three_events(13, ""), Sampling::default());
    assert_eq!(o.method, Method::Exact);
    assert_eq!(o.outcomes, 8);
    // k = 3 + Eve + Fay: P(k=3) = .5 x .2 = .1, P(k=4) = .5 x .2 + .5 x .8 = .5, P(k=5) = .4.
    // With Dev (.6): 65, 73.33, 81.67; without (.4): 57, 65.33, 73.67. Qualified at 70:
    // P = .6 x (.5 + .4) + .4 x .4 = .70 in every month W ..= W+11.
    let w = &o.months[0];
    assert_eq!(w.month.to_string(), "2027-01");
    assert!(close(w.p_qualified_any, 0.7), "{}", w.p_qualified_any);
    assert!(close(w.p_qualified[1], 0.7));
    assert!(close(w.p_qualified[0], 0.0));
    assert!(close(w.p_first_qualified_by, 0.7));
    assert!(close(w.p_could_enrol, 0.7));
    // Headline scores and their weights, in order: 57 (.4 x .1 = .04), 65 (.6 x .1,
    // cumulative .10), 65.33 (.4 x .5, .30), 73.33 (.6 x .5, .60), 73.67 (.4 x .4, .76),
    // 81.67 (.6 x .4, 1). P10 is 65: exactly 10% of outcomes score 65 or less.
    assert_eq!(
        [
            w.headline.p10,
            w.headline.p25,
            w.headline.p50,
            w.headline.p75,
            w.headline.p90
        ],
        [dec!(65), dec!(65.33), dec!(73.33), dec!(73.67), dec!(81.67)]
    );
    let last_winning = &o.months[11];
    assert!(close(last_winning.p_qualified_any, 0.7));
    // W+12: the wins are a year old; only certifications are left (40 or 32).
    let aged = &o.months[12];
    assert!(close(aged.p_qualified_any, 0.0));
    assert!(close(aged.p_first_qualified_by, 0.7));
    assert_eq!(aged.headline.p10, dec!(32));
    assert_eq!(aged.headline.p50, dec!(40));
    // Could enrol while a qualified month is within the enrolment window.
    assert!(close(aged.p_could_enrol, 0.7));
}

#[test]
fn renewal_odds_follow_the_enrolment_anniversaries() {
    // Enrolled 2026-04: anniversaries 2027-04 and 2028-04. The first renews when a month
    // of its window qualified (.7); after that renewal the second window holds
    // 2027-05 ..= 2027-12, qualified in the same outcomes, so it renews with .7 too.
    let o = odds_of(
        &three_events(16, "enrolled = \"2026-04\""),
        Sampling::default(),
    );
    let renewals: Vec<(String, f64)> = o
        .anniversaries
        .iter()
        .map(|a| (a.month.to_string(), a.p_renew))
        .collect();
    assert_eq!(renewals.len(), 2);
    assert_eq!(renewals[0].0, "2027-04");
    assert_eq!(renewals[1].0, "2028-04");
    assert!(close(renewals[0].1, 0.7) && close(renewals[1].1, 0.7));
}

#[test]
fn an_uncertain_change_to_an_uncertain_win_counts_only_when_the_win_happens_and_the_change_does_not()
 {
    // Eve (50%) loses every seat in W with 50%: she counts with .5 x .5 = .25. Dev is
    // certain (40), so k = 3 + Eve: 65 or 73.33, qualified with .25.
    let toml = partner(13, "", "", &win("Eve", "0.5"))
        + "[[changes]]\ntenant = \"Eve\"\nmonth = \"2027-01\"\nseats = 0\nactive = 0\nprobability = 0.5\n";
    let o = odds_of(&toml, Sampling::default());
    assert_eq!(o.outcomes, 4);
    assert!(close(o.months[0].p_qualified_any, 0.25));
    assert_eq!(o.months[0].headline.p50, dec!(65));
    assert_eq!(o.months[0].headline.p90, dec!(73.33));
}

#[test]
fn an_uncertain_change_to_every_tenant_is_one_event() {
    // Every tenant loses its seats in W with 30% (then only Dev's 40 points are left);
    // otherwise k = 4 with Dev: 73.33, qualified. So qualified with .7.
    let toml = partner(13, "", "", &win("Eve", "1"))
        + "[[changes]]\ntenant = \"*\"\nmonth = \"2027-01\"\nseats = 0\nactive = 0\nprobability = 0.3\n";
    let o = odds_of(&toml, Sampling::default());
    assert_eq!(o.outcomes, 2);
    assert!(close(o.months[0].p_qualified_any, 0.7));
    assert_eq!(o.months[0].headline.p10, dec!(40));
    assert_eq!(o.months[0].headline.p50, dec!(73.33));
}

#[test]
fn probability_one_is_certainty_and_zero_is_absence() {
    // All certain: one outcome, which is `run`'s projection.
    let certain = partner(13, "", ", probability = 1", &win("Eve", "1.0"));
    let o = odds_of(&certain, Sampling::default());
    assert_eq!(o.outcomes, 1);
    let run = project(&certain);
    for (m, r) in o.months.iter().zip(&run.months) {
        assert_eq!(m.month, r.month);
        let p = if r.qualified { 1.0 } else { 0.0 };
        assert!(close(m.p_qualified_any, p), "{}", m.month);
        assert_eq!(m.headline.p10, r.headline());
        assert_eq!(m.headline.p90, r.headline());
    }
    // Probability 0: as if the win and the certification were not written at all.
    let never = partner(13, "", ", probability = 0", &win("Eve", "0"));
    let dev = "[[people]]\nname = \"Dev\"\ncerts = [{ cert = \"SC-100\", passed = \"2023-01\" }]\n";
    let without = partner(13, "", "", "").replace(dev, "");
    assert!(!without.contains("Dev"));
    let (a, b) = (
        odds_of(&never, Sampling::default()),
        odds_of(&without, Sampling::default()),
    );
    assert_eq!(a.outcomes, 1);
    assert_eq!(a.events.len(), 2, "the impossible events are listed");
    assert_eq!(a.months, b.months);
    let run = project(&without);
    assert_eq!(a.months[0].headline.p50, run.months[0].headline());
    // Three wins without Dev: 32 + 25.
    assert_eq!(a.months[0].headline.p50, dec!(57));
}

/// Twelve uncertain events: eight wins in the first eight months (with one certain win)
/// and four step-3 certifications.
fn twelve_events() -> String {
    let mut wins = String::new();
    for (i, p) in ["0.3", "0.5", "0.7", "0.9", "0.4", "0.6", "0.2", "0.8"]
        .iter()
        .enumerate()
    {
        wins.push_str(
            &win(&format!("Maybe {i}"), p).replace("2027-01", &format!("2027-0{}", i + 1)),
        );
    }
    let mut toml = partner(18, "", ", probability = 0.5", &wins).replace("count = 3", "count = 1");
    for (name, p) in [("Gus", "0.5"), ("Hal", "0.3"), ("Ida", "0.7")] {
        toml.push_str(&format!(
            "[[people]]\nname = \"{name}\"\ncerts = [{{ cert = \"SC-300\", passed = \"2027-03\", probability = {p} }}]\n"
        ));
    }
    toml
}

#[test]
fn sampled_estimates_are_within_four_standard_errors_of_the_exact_odds() {
    let toml = twelve_events();
    let exact = odds_of(&toml, Sampling::default());
    assert_eq!(exact.method, Method::Exact);
    assert_eq!(exact.outcomes, 1 << 12);
    let sampled = odds_of(
        &toml,
        Sampling {
            draws: 4000,
            seed: 7,
            always: true,
        },
    );
    assert_eq!(
        sampled.method,
        Method::Sampled {
            draws: 4000,
            seed: 7
        }
    );
    let mut compared = 0;
    for (e, s) in exact.months.iter().zip(&sampled.months) {
        let pairs = [
            (e.p_qualified[1], s.p_qualified[1]),
            (e.p_qualified_any, s.p_qualified_any),
            (e.p_first_qualified_by, s.p_first_qualified_by),
            (e.p_could_enrol, s.p_could_enrol),
        ];
        for (p, estimate) in pairs {
            let se = (p * (1.0 - p) / 4000.0).sqrt();
            assert!(
                (estimate - p).abs() <= 4.0 * se + 1e-12,
                "{}: exact {p}, sampled {estimate}, standard error {se}",
                e.month
            );
            if p > 0.05 && p < 0.95 {
                compared += 1;
            }
        }
    }
    assert!(compared > 10, "the case has odds worth estimating");
}

#[test]
fn the_same_seed_gives_byte_identical_output_on_any_thread_count() {
    let dir = folder(&[("plan.toml", &twelve_events())]);
    let plan = dir.path().join("plan.toml");
    for args in [
        vec!["--format", "json"],
        vec!["--format", "csv"],
        vec![
            "--format", "json", "--sample", "--draws", "3000", "--seed", "42",
        ],
        vec!["--sample", "--draws", "3000", "--seed", "42"],
    ] {
        let outputs: Vec<String> = ["1", "2", "8"]
            .iter()
            .map(|threads| {
                stdout(
                    pcsim()
                        .env("RAYON_NUM_THREADS", threads)
                        .arg("odds")
                        .arg(&plan)
                        .args(&args),
                )
            })
            .collect();
        assert_eq!(outputs[0], outputs[1], "{args:?}");
        assert_eq!(outputs[0], outputs[2], "{args:?}");
    }
    // Another seed draws other outcomes.
    let other = stdout(pcsim().arg("odds").arg(&plan).args([
        "--format", "json", "--sample", "--draws", "3000", "--seed", "43",
    ]));
    let first = stdout(pcsim().arg("odds").arg(&plan).args([
        "--format", "json", "--sample", "--draws", "3000", "--seed", "42",
    ]));
    assert_ne!(other, first);
}

#[test]
fn json_has_the_fields_planning_md_promises() {
    let dir = folder(&[("plan.toml", &three_events(13, ""))]);
    let text = stdout(
        pcsim()
            .arg("odds")
            .arg(dir.path().join("plan.toml"))
            .args(["--format", "json"]),
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["scenario"], "Partner");
    assert_eq!(v["method"], "exact");
    assert_eq!(v["outcomes"], 8);
    let w = &v["months"][0];
    assert_eq!(w["month"], "2027-01");
    assert_eq!(w["p_qualified"]["smb"].as_f64(), Some(0.7));
    assert_eq!(w["p_qualified"]["any"].as_f64(), Some(0.7));
    assert_eq!(w["p_qualified"]["enterprise"].as_f64(), Some(0.0));
    assert_eq!(w["headline"]["p10"].as_f64(), Some(65.0));
    assert_eq!(w["headline"]["p50"].as_f64(), Some(73.33));
    assert_eq!(w["headline"]["p90"].as_f64(), Some(81.67));
    assert_eq!(v["p_first_qualified_by"][0]["month"], "2027-01");
    assert_eq!(v["p_first_qualified_by"][0]["p"].as_f64(), Some(0.7));
    assert_eq!(v["events"].as_array().unwrap().len(), 3);
}

#[test]
fn more_than_sixteen_uncertain_events_are_sampled_with_a_standard_error() {
    let mut wins = String::new();
    for i in 0..17 {
        wins.push_str(&win(&format!("Maybe {i}"), "0.5"));
    }
    let dir = folder(&[("plan.toml", &partner(13, "", "", &wins))]);
    let plan = dir.path().join("plan.toml");
    let text = stdout(pcsim().arg("odds").arg(&plan).args(["--draws", "500"]));
    assert!(
        text.contains("estimated from 500 random draws (seed 0) over 17 uncertain events"),
        "{text}"
    );
    let json = stdout(
        pcsim()
            .arg("odds")
            .arg(&plan)
            .args(["--draws", "500", "--format", "json"]),
    );
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["method"], "sampled");
    assert_eq!(v["draws"], 500);
    let p = v["months"][0]["p_qualified"]["any"].as_f64().unwrap();
    let se = v["months"][0]["standard_error"]["any"].as_f64().unwrap();
    assert!((se - (p * (1.0 - p) / 500.0).sqrt()).abs() < 1e-6);
}

#[test]
fn a_certain_scenario_has_certain_odds() {
    let o = odds_of(&partner(13, "", "", ""), Sampling::default());
    assert_eq!(o.outcomes, 1);
    assert!(o.events.is_empty());
    // Three wins and Dev: 40 + 25 = 65 in W ..= W+11, then 40. Never qualified.
    assert!(o.months.iter().all(|m| m.p_qualified_any == 0.0));
    assert_eq!(o.months[0].headline.p10, dec!(65));
    assert_eq!(o.months[12].headline.p90, dec!(40));
}

#[test]
fn run_and_compare_say_when_they_assume_unsure_events_happen() {
    // smb-push.toml: 8 wins, 3 certifications with a probability below 1.
    let table = stdout(pcsim().args(["run", "scenarios/smb-push.toml"]));
    assert!(
        table.contains("assumes every planned event happens, though 11 have a probability below 1: `pcsim odds`"),
        "{table}"
    );
    let json: Value = serde_json::from_str(&stdout(pcsim().args([
        "run",
        "scenarios/smb-push.toml",
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(json["assumed_events"], 11);
    let certain = stdout(pcsim().args(["run", "scenarios/baseline.toml"]));
    assert!(!certain.contains("pcsim odds"));
    let compared = stdout(pcsim().args([
        "compare",
        "scenarios/baseline.toml",
        "scenarios/smb-push.toml",
    ]));
    assert!(compared.contains("11 (see pcsim odds)"), "{compared}");
}

#[test]
fn the_fan_chart_shades_the_bands_where_the_percentiles_put_them() {
    use pcsim::report::chart::{Size, odds_chart};
    let o = odds_of(&three_events(14, ""), Sampling::default());
    let chart = odds_chart(&o, Size::default()).unwrap();
    crate::charts::assert_qualifying_line(&chart, 70.0);
    let (_, x0, x1) = chart.qualifying_line;
    let (zero, top_value, top) = chart.score_axis;
    let n = o.months.len() as f64;
    let x = |k: f64| (x0 as f64 + (k + 0.5) / n * (x1 - x0) as f64).round() as u32;
    let y = |points: f64| (zero as f64 - (zero - top) as f64 * points / top_value).round() as u32;
    // Orange (E6 9F 00) over white at 22% and at 50%, worked out by hand.
    let (outer, inner) = ([250, 234, 199], [243, 207, 128]);
    // Months 2 and 3: P10 65, P25 65.33, P75 73.67, P90 81.67; the median is 73.33.
    // (Between the two months, clear of the grid line at each month.)
    let k = 2.3;
    assert_eq!(chart.pixel(x(k), y(78.0)), outer, "between P75 and P90");
    assert_eq!(chart.pixel(x(k), y(67.0)), inner, "between P25 and P75");
    for (points, place) in [(85.0, "above P90"), (60.0, "below P10")] {
        let p = chart.pixel(x(k), y(points));
        assert!(p != outer && p != inner, "{place}: {p:?}");
    }
    // Months 12 and 13: 32 (.4) or 40 (.6): P10 and P25 at 32, P75 and P90 at 40.
    assert_eq!(chart.pixel(x(12.3), y(36.0)), inner);
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("odds.png");
    let plan = dir.path().join("plan.toml");
    std::fs::write(&plan, three_events(13, "")).unwrap();
    stdout(
        pcsim()
            .arg("odds")
            .arg(&plan)
            .arg("--chart")
            .arg(&png)
            .args(["--size", "1280x720"]),
    );
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
}

#[test]
fn compare_with_odds_shows_each_plans_chance_side_by_side() {
    // The certain partner never qualifies (65 at best); the three-event plan has qualified
    // by W with .7 (worked out above).
    let dir = folder(&[
        ("certain.toml", &partner(13, "", "", "")),
        (
            "maybe.toml",
            &three_events(13, "").replace("name = \"Partner\"", "name = \"Maybe\""),
        ),
    ]);
    let files = [
        dir.path().join("certain.toml"),
        dir.path().join("maybe.toml"),
    ];
    let json: Value = serde_json::from_str(&stdout(
        pcsim()
            .arg("compare")
            .args(&files)
            .args(["--odds", "--format", "json"]),
    ))
    .unwrap();
    let plans = json["plans"].as_array().unwrap();
    assert_eq!(plans[0]["odds"]["p_qualified_by_end"].as_f64(), Some(0.0));
    assert_eq!(plans[1]["odds"]["p_qualified_by_end"].as_f64(), Some(0.7));
    assert_eq!(plans[1]["odds"]["method"], "exact");
    assert_eq!(plans[1]["odds"]["outcomes"], 8);
    assert_eq!(
        plans[1]["odds"]["p_first_qualified_by"][0]["p"].as_f64(),
        Some(0.7)
    );
    assert_eq!(plans[1]["assumed_events"], 3);

    let table = stdout(pcsim().arg("compare").args(&files).arg("--odds"));
    let w = table
        .lines()
        .find(|l| l.starts_with("│ 2027-01"))
        .expect("a row for W");
    assert!(
        w.contains("┆ 0.0% · 0.0%") && w.contains("┆ 70.0% · 70.0%"),
        "{w}"
    );
    let csv = stdout(
        pcsim()
            .arg("compare")
            .args(&files)
            .args(["--odds", "--format", "csv"]),
    );
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .ends_with(",assumed_events,p_qualified_by_end")
    );
    assert!(lines.next().unwrap().ends_with(",0,0"));
    assert!(lines.next().unwrap().ends_with(",3,0.7"));

    let png = dir.path().join("compare.png");
    stdout(
        pcsim()
            .arg("compare")
            .args(&files)
            .arg("--odds")
            .arg("--chart")
            .arg(&png),
    );
    assert_eq!(&std::fs::read(&png).unwrap()[..4], b"\x89PNG");
}

/// Planned events as separate blocks of TOML, so that an outcome can be written as a
/// scenario holding only the events that happen.
fn history_events() -> Vec<(&'static str, f64)> {
    vec![
        (
            "[[tenants]]\nname = \"Maybe A\"\nsince = \"2027-02\"\nseats = 60\nactive = 40\nacr = 900\n",
            0.5,
        ),
        (
            "[[tenants]]\nname = \"Maybe B\"\nsince = \"2027-05\"\nseats = 400\nactive = 300\nacr = 2500\n",
            0.3,
        ),
        (
            "[[changes]]\ntenant = \"T000005\"\nmonth = \"2027-02\"\nseats = \"+300\"\nactive = \"+200\"\n",
            0.6,
        ),
        (
            "[[changes]]\ntenant = \"T000005\"\nmonth = \"2027-06\"\nseats = \"+50%\"\nacr = \"+40%\"\n",
            0.5,
        ),
        (
            "[[changes]]\ntenant = \"*\"\nmonth = \"2027-08\"\nactive = \"-30%\"\nacr = \"-20%\"\n",
            0.2,
        ),
        (
            "[[people]]\nname = \"New hire\"\ncerts = [{ cert = \"SC-100\", passed = \"2027-03\" }]\n",
            0.7,
        ),
    ]
}

/// The probability key of an event block: on the line after its first.
fn with_probability(block: &str, p: f64) -> String {
    if block.starts_with("[[people]]") {
        block.replace(" }]", &format!(", probability = {p} }}]"))
    } else {
        format!("{block}probability = {p}\n")
    }
}

/// The smallest score with P(score <= s) >= q, over weighted scores.
fn percentile(mut scored: Vec<(Decimal, f64)>, q: f64) -> Decimal {
    scored.sort_by_key(|s| s.0);
    let mut below = 0.0;
    for (s, w) in &scored {
        below += w;
        if below >= q - 1e-9 {
            return *s;
        }
    }
    scored.last().unwrap().0
}

#[test]
fn exact_odds_on_a_history_equal_every_outcome_run_on_its_own_and_weighed() {
    use pcsim::synth::{Options, scenario_toml, write_history};
    let options = Options::new(300, 36, 5);
    let dir = tempfile::tempdir().unwrap();
    write_history(
        &options,
        std::fs::File::create(dir.path().join("tenants.csv")).unwrap(),
    )
    .unwrap();
    let base = scenario_toml(&options, "tenants.csv");
    let events = history_events();
    let load = |text: &str| {
        let path = dir.path().join("plan.toml");
        std::fs::write(&path, text).unwrap();
        Scenario::load(&path, None).unwrap()
    };
    let uncertain: String = events
        .iter()
        .map(|(b, p)| with_probability(b, *p))
        .collect::<Vec<_>>()
        .join("\n");
    let o = odds(&load(&format!("{base}\n{uncertain}")), Sampling::default()).unwrap();
    assert_eq!(o.outcomes, 64);

    // The independent way: run each of the 64 outcomes as a scenario of its own.
    let months = o.months.len();
    let mut qualified = vec![[0.0; 3]; months];
    let mut headline: Vec<Vec<(Decimal, f64)>> = vec![Vec::new(); months];
    for outcome in 0..64u32 {
        let mut text = base.clone();
        let mut weight = 1.0;
        for (i, (block, p)) in events.iter().enumerate() {
            if outcome >> i & 1 == 1 {
                text.push('\n');
                text.push_str(block);
                weight *= p;
            } else {
                weight *= 1.0 - p;
            }
        }
        let run = pcsim::simulate::simulate(&load(&text)).unwrap();
        for (k, m) in run.months.iter().enumerate() {
            for (j, q) in [m.paths[0].qualified, m.paths[1].qualified, m.qualified]
                .into_iter()
                .enumerate()
            {
                if q {
                    qualified[k][j] += weight;
                }
            }
            headline[k].push((m.headline(), weight));
        }
    }
    let mut varied = 0;
    for (k, m) in o.months.iter().enumerate() {
        assert!(close(m.p_qualified[0], qualified[k][0]), "{}", m.month);
        assert!(close(m.p_qualified[1], qualified[k][1]), "{}", m.month);
        assert!(close(m.p_qualified_any, qualified[k][2]), "{}", m.month);
        let h = &headline[k];
        let expected = [0.1, 0.25, 0.5, 0.75, 0.9].map(|q| percentile(h.clone(), q));
        let got = [
            m.headline.p10,
            m.headline.p25,
            m.headline.p50,
            m.headline.p75,
            m.headline.p90,
        ];
        assert_eq!(got, expected, "{}", m.month);
        if expected[0] != expected[4] {
            varied += 1;
        }
    }
    assert!(
        varied >= 10,
        "the events move the score in most months ({varied})"
    );
    let uncertain_months = o
        .months
        .iter()
        .filter(|m| m.p_qualified_any > 0.01 && m.p_qualified_any < 0.99)
        .count();
    assert!(uncertain_months >= 5, "{uncertain_months} months in doubt");
}

#[test]
fn each_member_of_an_uncertain_group_is_won_on_its_own() {
    // Two more wins as one group at 50%: k = 3 + Binomial(2, .5), so P(k=3) = .25,
    // P(k=4) = .5, P(k=5) = .25. With Dev (.6) k >= 4 qualifies, without him only k = 5:
    // .6 x .75 + .4 x .25 = .55.
    let group = "[[tenants]]\nname = \"Extra\"\ncount = 2\nsince = \"2027-01\"\nseats = 50\nactive = 50\nprobability = 0.5\n";
    let o = odds_of(
        &partner(13, "", ", probability = 0.6", group),
        Sampling::default(),
    );
    assert_eq!(o.outcomes, 8);
    assert_eq!(o.events.len(), 3);
    assert!(
        close(o.months[0].p_qualified_any, 0.55),
        "{}",
        o.months[0].p_qualified_any
    );
}

#[test]
fn impossible_requests_are_refused_with_a_plain_message() {
    let dir = folder(&[("plan.toml", &three_events(13, ""))]);
    let plan = dir.path().join("plan.toml");
    let out = pcsim()
        .arg("odds")
        .arg(&plan)
        .args(["--sample", "--draws", "0"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let message = String::from_utf8(out).unwrap();
    assert!(message.contains("'--draws <N>'"), "{message}");

    // Thirteen uncertain changes to one tenant: too many ways to tally ahead.
    let mut toml = three_events(13, "");
    for i in 0..13 {
        toml.push_str(&format!(
            "[[changes]]\ntenant = \"Eve\"\nmonth = \"2027-0{}\"\nactive = \"+1\"\nprobability = 0.5\n",
            i % 9 + 1
        ));
    }
    let dir = folder(&[("plan.toml", &toml)]);
    let message = failure(pcsim().arg("odds").arg(dir.path().join("plan.toml")));
    assert!(
        message.contains(
            "plan.toml: 14 planned events with a probability between 0 and 1 touch tenant \"Eve\""
        ),
        "{message}"
    );
}

#[test]
fn certain_absences_cost_nothing_and_do_not_count_against_the_limit() {
    // Three events as before, plus changes that never happen: thirteen to Eve (more than
    // the twelve uncertain events one tenant may have) and one wiping every tenant. The
    // odds are those of the three events alone, as if the changes were not written.
    let mut toml = three_events(13, "");
    for i in 0..13 {
        toml.push_str(&format!(
            "[[changes]]\ntenant = \"Eve\"\nmonth = \"2027-0{}\"\nseats = 0\nprobability = 0\n",
            i % 9 + 1
        ));
    }
    toml.push_str(
        "[[changes]]\ntenant = \"*\"\nmonth = \"2027-01\"\nseats = 0\nactive = 0\nprobability = 0\n",
    );
    let o = odds_of(&toml, Sampling::default());
    assert_eq!(o.outcomes, 8);
    assert_eq!(o.events.len(), 17);
    assert!(close(o.months[0].p_qualified_any, 0.7));
    assert_eq!(
        o.months,
        odds_of(&three_events(13, ""), Sampling::default()).months
    );

    // `run` assumes all seventeen happen (every tenant wiped: Dev's 40 or nothing) and
    // says so.
    let dir = folder(&[("plan.toml", &toml)]);
    let json: Value = serde_json::from_str(&stdout(pcsim().args([
        "run",
        dir.path().join("plan.toml").to_str().unwrap(),
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(json["assumed_events"], 17);
    assert_eq!(json["months"][0]["headline"], 40.0, "{}", json["months"][0]);
}

#[test]
fn compare_with_odds_reads_the_chance_at_the_last_month_every_plan_covers() {
    // The late plan runs 25 months and wins everything from 2028-03 (qualified then with
    // .7, as above); the certain plan runs 13 months, to 2028-01. Compared over the months
    // both cover, the late plan has not qualified by 2028-01.
    let late = three_events(25, "")
        .replace("name = \"Partner\"", "name = \"Late\"")
        .replace("since = \"2027-01\"", "since = \"2028-03\"");
    let dir = folder(&[
        ("certain.toml", &partner(13, "", "", "")),
        ("late.toml", &late),
    ]);
    let json: Value = serde_json::from_str(&stdout(
        pcsim()
            .arg("compare")
            .arg(dir.path().join("certain.toml"))
            .arg(dir.path().join("late.toml"))
            .args(["--odds", "--format", "json"]),
    ))
    .unwrap();
    let odds = &json["plans"][1]["odds"];
    assert_eq!(odds["p_qualified_by_end"].as_f64(), Some(0.0), "{odds}");
    assert_eq!(odds["p_qualified_by_horizon"].as_f64(), Some(0.7), "{odds}");
    let in_month = odds["p_qualified"].as_array().unwrap();
    assert_eq!(in_month.len(), 25);
    assert_eq!(in_month[13]["month"], "2028-02");
    assert_eq!(in_month[13]["p"].as_f64(), Some(0.0));
    assert_eq!(in_month[14]["month"], "2028-03");
    assert_eq!(in_month[14]["p"].as_f64(), Some(0.7));
    assert!(odds.get("draws").is_none(), "exact odds have no draws");
}

#[test]
fn a_level_limit_reached_only_when_a_change_does_not_happen_names_that_outcome() {
    // Eve's seats are zeroed with 50%; when they are not, a thousandfold growth a month
    // takes 50 seats past the limit of 1,000,000,000 in the third month of growth.
    let toml = "name = \"Levels\"\nstart = \"2027-01\"\nmonths = 6\n\
        [[tenants]]\nname = \"Eve\"\nsince = \"2027-01\"\nseats = 50\nactive = 10\n\
        [[changes]]\ntenant = \"Eve\"\nmonth = \"2027-01\"\nseats = 0\nprobability = 0.5\n\
        [[changes]]\ntenant = \"Eve\"\nmonth = \"2027-02\"\nseats = \"+100000%/month\"\n";
    let dir = folder(&[("plan.toml", toml)]);
    let plan = dir.path().join("plan.toml");
    pcsim().arg("run").arg(&plan).assert().success();
    let message = failure(pcsim().arg("odds").arg(&plan));
    assert!(
        message.contains("in the outcomes without change to Eve from 2027-01: ")
            && message.contains("plan.toml:")
            && message.contains("above 1,000,000,000 in 2027-04"),
        "{message}"
    );
}
