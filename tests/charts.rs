//! Charts and plan comparison (issue: compare plans, PNG charts for planning meetings).

use pcsim::report::chart::{Chart, LINE, Size, comparison_chart, projection_chart};
use pcsim::scenario::Scenario;
use pcsim::simulate::{Projection, simulate};
use predicates::prelude::*;
use serde_json::Value;

use crate::support::{compare_agreeing_with_runs, folder, pcsim, repo_file};

fn bundled(name: &str) -> Projection {
    simulate(&Scenario::load(&repo_file(&format!("scenarios/{name}.toml")), None).unwrap()).unwrap()
}

/// The qualifying line is drawn at its reported row, across the plot, at 70 of the axis.
pub fn assert_qualifying_line(chart: &Chart, threshold: f64) {
    let (y, x0, x1) = chart.qualifying_line;
    let (zero, top_value, top) = chart.score_axis;
    let expected = zero as f64 - (zero - top) as f64 * threshold / top_value;
    assert!(
        (y as f64 - expected).abs() <= 1.5,
        "the line at {threshold} is at row {y}, expected {expected:.1}"
    );
    let samples: Vec<u32> = (1..40).map(|k| (x0 + (x1 - x0) * k / 40) as u32).collect();
    let on_line = samples
        .iter()
        .filter(|&&x| chart.pixel(x, y as u32) == [LINE.0, LINE.1, LINE.2])
        .count();
    assert!(
        on_line * 10 >= samples.len() * 8,
        "{on_line} of {} samples on row {y} have the line's colour",
        samples.len()
    );
    let off = samples
        .iter()
        .filter(|&&x| chart.pixel(x, (y - 12) as u32) == [LINE.0, LINE.1, LINE.2])
        .count();
    assert_eq!(off, 0, "the line is thin: 12 rows above it is clear");
}

fn assert_not_blank(chart: &Chart) {
    let total = (chart.size.width * chart.size.height) as usize;
    let white = chart
        .pixels
        .chunks(3)
        .filter(|p| *p == [255, 255, 255])
        .count();
    assert!(
        white < total * 9 / 10,
        "only {} of {total} pixels are drawn",
        total - white
    );
    let mut colours: Vec<&[u8]> = chart.pixels.chunks(3).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        colours.len() > 20,
        "a real chart has text, lines and areas: {} colours",
        colours.len()
    );
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let reader = decoder.read_info().expect("a valid PNG");
    (reader.info().width, reader.info().height)
}

#[test]
fn projection_chart_has_the_line_at_seventy_and_real_content() {
    let chart = projection_chart(&bundled("smb-push"), Size::default()).unwrap();
    assert_eq!(png_size(&chart.png), (1600, 900));
    assert_qualifying_line(&chart, 70.0);
    assert_not_blank(&chart);
    // SMB push could not enrol in its first month only (it qualifies from 2027-01): that
    // month is shaded, one of 24, about 60 by 300 pixels of the plot.
    let shade = chart
        .pixels
        .chunks(3)
        .filter(|p| *p == [0xFA, 0xEE, 0xE6])
        .count();
    assert!(
        (5_000..40_000).contains(&shade),
        "one month is shaded ({shade} pixels)"
    );
}

#[test]
fn charts_take_other_sizes() {
    let chart = projection_chart(&bundled("baseline"), "1920x1080".parse().unwrap()).unwrap();
    assert_eq!(png_size(&chart.png), (1920, 1080));
    assert_qualifying_line(&chart, 70.0);
}

#[test]
fn comparison_chart_has_every_plan_and_the_line() {
    let plans = [
        bundled("baseline"),
        bundled("smb-push"),
        bundled("enterprise-push"),
    ];
    let refs: Vec<&Projection> = plans.iter().collect();
    let chart = comparison_chart(&refs, Size::default()).unwrap();
    assert_eq!(png_size(&chart.png), (1600, 900));
    assert_qualifying_line(&chart, 70.0);
    assert_not_blank(&chart);
    for colour in [[0x00, 0x72, 0xB2], [0xE6, 0x9F, 0x00], [0x00, 0x9E, 0x73]] {
        let n = chart.pixels.chunks(3).filter(|p| *p == colour).count();
        assert!(
            n > 500,
            "each plan has its own colour: {colour:?} appears {n} times"
        );
    }
}

#[test]
fn chart_command_writes_a_png_and_refuses_bad_targets() {
    let dir = folder(&[]);
    let out = dir.path().join("projection.png");
    pcsim()
        .args([
            "chart",
            "scenarios/smb-push.toml",
            "--size",
            "800x450",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    assert_eq!(png_size(&std::fs::read(&out).unwrap()), (800, 450));

    pcsim()
        .args(["chart", "scenarios/smb-push.toml", "-o"])
        .arg(dir.path().join("missing/projection.png"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("does not exist"));
    let plan = dir.path().join("plan.toml");
    std::fs::copy(repo_file("scenarios/baseline.toml"), &plan).unwrap();
    let before = std::fs::read(&plan).unwrap();
    // A chart is never written over the scenario: only .png and .svg are charts.
    pcsim()
        .args(["chart"])
        .arg(&plan)
        .arg("-o")
        .arg(&plan)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "a chart is written as PNG or SVG: end the file name in .png or .svg",
        ));
    assert_eq!(
        std::fs::read(&plan).unwrap(),
        before,
        "the scenario is untouched"
    );
    pcsim()
        .args([
            "chart",
            "scenarios/smb-push.toml",
            "--size",
            "big",
            "-o",
            "x.png",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("WIDTHxHEIGHT"));
}

#[test]
fn compare_agrees_with_run_for_each_bundled_plan() {
    let files = [
        "scenarios/baseline.toml",
        "scenarios/smb-push.toml",
        "scenarios/enterprise-push.toml",
    ];
    let cmp = compare_agreeing_with_runs(&repo_file(""), &files);
    assert_eq!(
        cmp["window"],
        serde_json::json!({"from": "2026-12", "to": "2028-11"})
    );
    assert_eq!(cmp["baseline"], "Baseline");
    let smb = &cmp["plans"][1];
    assert_eq!(
        smb["vs_baseline"]["months_qualified"], 21,
        "23 against the baseline's 2"
    );
    assert_eq!(smb["vs_baseline"]["score_points"].to_string(), "81");
    let ent = &cmp["plans"][2];
    assert_eq!(
        ent["vs_baseline"]["first_qualified_months_sooner"]["enterprise"],
        "baseline never"
    );
    assert_eq!(ent["weakest_metric"]["metric"], "net_customer_adds");
}

#[test]
fn compare_table_reads_for_a_meeting() {
    let out = pcsim()
        .args([
            "compare",
            "scenarios/baseline.toml",
            "scenarios/smb-push.toml",
            "scenarios/enterprise-push.toml",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let row = |label: &str| {
        text.lines()
            .find(|l| l.contains(label))
            .unwrap_or_else(|| panic!("row {label}"))
            .to_string()
    };
    assert!(row("Months qualified").contains("23 of 24 (+21)"));
    assert!(row("Score at the end").contains("85.00 in 2028-11 (+81 points)"));
    assert!(row("First qualified: Enterprise").contains("2027-07 (baseline never)"));
    assert!(row("First qualified: SMB").contains("2027-01 (same month)"));
    assert!(text.contains("taken over 2026-12 to 2028-11, the months every plan covers"));
}

#[test]
fn compare_aligns_plans_with_different_starts_and_horizons() {
    let a = "name = \"A\"\nstart = \"2027-01\"\nmonths = 12\n[[tenants]]\nname = \"W\"\nsince = \"2027-02\"\nseats = 50\nactive = 20\n";
    let b = "name = \"B\"\nstart = \"2027-03\"\nmonths = 24\n[[tenants]]\nname = \"W\"\nsince = \"2027-02\"\nseats = 50\nactive = 20\n";
    let dir = folder(&[("a.toml", a), ("b.toml", b)]);
    let out = pcsim()
        .arg("compare")
        .arg(dir.path().join("a.toml"))
        .arg(dir.path().join("b.toml"))
        .args(["--format", "json", "--chart"])
        .arg(dir.path().join("ab.png"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let cmp: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        cmp["window"],
        serde_json::json!({"from": "2027-03", "to": "2027-12"})
    );
    for plan in cmp["plans"].as_array().unwrap() {
        assert_eq!(
            plan["months_counted"], 10,
            "both counted over the shared ten months"
        );
        assert_eq!(plan["score_at_end"]["month"], "2027-12");
    }
    assert_eq!(
        png_size(&std::fs::read(dir.path().join("ab.png")).unwrap()),
        (1600, 900)
    );
}

#[test]
fn compare_needs_two_plans_and_reports_the_broken_one() {
    pcsim()
        .args(["compare", "scenarios/baseline.toml"])
        .assert()
        .code(2);
    let dir = folder(&[("bad.toml", "name = \"x\"\nstart = \"2027-13\"\n")]);
    pcsim()
        .args(["compare", "scenarios/baseline.toml"])
        .arg(dir.path().join("bad.toml"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.toml:2:9"));
}
