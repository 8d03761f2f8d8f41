//! Where the partner stands: `enrolled`, anniversaries, renewals and lapses (RULES.md §9,
//! PLANNING.md §1), in the projection, the JSON, the table, `check` and the chart.
//!
//! Every scenario here is the same partner: four people who each hold a step-1 (Cloud and
//! AI Security Engineer Associate), a step-2 (SC-200) and a step-3 (SC-100) certification,
//! and five SMB tenants (10 seats, 10 active) all won in one month W. By hand (RULES.md):
//!
//! - SMB certifications: 4 + 4 + 4 people x 8 = 40, in every month.
//! - Months W ..= W+11: 5 net adds x 4 = 20; 5 net deployments x 20/6 = 16.67; 50 more
//!   protected users / 50 = 1 usage point. SMB total 77.67: qualified.
//! - Any other month: no net adds, deployments or growth (nothing before W; from W+12 the
//!   year-ago month has the same five). SMB total 40, not qualified.
//! - Enterprise: steps 1 and 2 have two people or more, 4 step-3 people x 40/6 = 26.67,
//!   and nothing else (no tenant has more than 300 seats). Never qualified.
//!
//! So the partner qualifies exactly in W ..= W+11, and the best headline score in a
//! window is 77.67 when it holds a qualified month, else 40.

use pcsim::month::Month;
use pcsim::report::chart::{Size, VERMILLION, projection_chart};
use pcsim::scenario::Scenario;
use pcsim::simulate::{Anniversary, DesignationEvent, DesignationStep, simulate};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::Value;

use crate::support::{folder, pcsim, project, stdout};

fn month(text: &str) -> Month {
    text.parse().unwrap()
}

/// The partner described above, won in `win`, with any extra top-level lines.
fn partner(start: &str, months: u32, win: &str, extra: &str) -> String {
    let mut text = format!(
        "name = \"Partner\"\nstart = \"{start}\"\nmonths = {months}\n{extra}\n\
         [[tenants]]\nname = \"Win\"\ncount = 5\nsince = \"{win}\"\nseats = 10\nactive = 10\n"
    );
    for name in ["Ana", "Ben", "Cara", "Dev"] {
        text.push_str(&format!(
            "[[people]]\nname = \"{name}\"\ncerts = [\n  \
             {{ cert = \"Cloud and AI Security Engineer Associate\", passed = \"2023-01\" }},\n  \
             {{ cert = \"SC-200\", passed = \"2023-01\" }},\n  \
             {{ cert = \"SC-100\", passed = \"2023-01\" }},\n]\n"
        ));
    }
    text
}

const FEE: Decimal = dec!(4730);

fn enrol(m: &str) -> DesignationEvent {
    DesignationEvent {
        month: month(m),
        step: DesignationStep::Enrol,
        fee_usd: FEE,
        anniversary: None,
    }
}

/// A renewal at `m`: the window from `from`, `qualified` months of it qualified, the first
/// of them `margin` months before `m`.
fn renew(m: &str, from: &str, qualified: u32, margin: u32, best: Decimal) -> DesignationEvent {
    DesignationEvent {
        month: month(m),
        step: DesignationStep::Renew,
        fee_usd: FEE,
        anniversary: Some(Anniversary {
            window_from: month(from),
            window_to: month(m),
            qualified_months: qualified,
            margin_months: Some(margin),
            best_headline: best,
        }),
    }
}

fn lapse(m: &str, from: &str, best: Decimal) -> DesignationEvent {
    DesignationEvent {
        month: month(m),
        step: DesignationStep::Lapse,
        fee_usd: Decimal::ZERO,
        anniversary: Some(Anniversary {
            window_from: month(from),
            window_to: month(m),
            qualified_months: 0,
            margin_months: None,
            best_headline: best,
        }),
    }
}

#[test]
fn the_partner_qualifies_exactly_in_the_twelve_months_from_its_wins() {
    // The premise of every other test here.
    let p = project(&partner("2025-06", 18, "2025-08", ""));
    let qualified: Vec<String> = p
        .months
        .iter()
        .filter(|m| m.qualified)
        .map(|m| m.month.to_string())
        .collect();
    let expected: Vec<String> = (0..12)
        .map(|k| (month("2025-08") + k).to_string())
        .collect();
    assert_eq!(qualified, expected);
    let at = |m: &str| p.months.iter().find(|s| s.month == month(m)).unwrap();
    assert_eq!(at("2025-08").headline(), dec!(77.67));
    assert_eq!(at("2025-07").headline(), dec!(40));
    assert_eq!(at("2026-08").headline(), dec!(40));
}

#[test]
fn an_enrolled_partner_renews_then_lapses_at_its_anniversaries() {
    // Qualified 2025-08 ..= 2026-07. Enrolled 2025-10: anniversaries 2026-10 and 2027-10.
    // 2026-10: window 2026-05 ..= 2026-10, qualified in 2026-05, -06, -07: renews, secured
    // 5 months ahead (2026-05 to 2026-10). 2027-10: window 2027-05 ..= 2027-10, never
    // qualified: lapses, best score 40; it never qualifies again, so it does not re-enrol.
    let p = project(&partner("2026-01", 24, "2025-08", "enrolled = \"2025-10\""));
    assert_eq!(p.summary.enrolled, Some(month("2025-10")));
    assert_eq!(
        p.summary.designation,
        [
            renew("2026-10", "2026-05", 3, 5, dec!(77.67)),
            lapse("2027-10", "2027-05", dec!(40)),
        ]
    );
}

#[test]
fn without_enrolled_the_partner_enrols_at_the_first_chance_as_before() {
    // Qualified in 2026-01, so it enrols then; its anniversary 2027-01 has the window
    // 2026-08 ..= 2027-01, in which it never qualified.
    let p = project(&partner("2026-01", 24, "2025-08", ""));
    assert_eq!(p.summary.enrolled, None);
    assert_eq!(
        p.summary.designation,
        [enrol("2026-01"), lapse("2027-01", "2026-08", dec!(40))]
    );
}

#[test]
fn an_anniversary_early_in_the_projection_looks_back_before_start() {
    // Qualified 2025-01 ..= 2025-12; the projection starts 2026-02.
    // Enrolled 2025-04: anniversary 2026-04, window 2025-11 ..= 2026-04, qualified only in
    // 2025-11 and 2025-12, both before start: renews, 2 months, secured 5 months ahead.
    let p = project(&partner("2026-02", 24, "2025-01", "enrolled = \"2025-04\""));
    assert_eq!(
        p.summary.designation,
        [
            renew("2026-04", "2025-11", 2, 5, dec!(77.67)),
            lapse("2027-04", "2026-11", dec!(40)),
        ]
    );
    // Enrolled years ago (and renewed since): the anniversaries keep the month.
    let p = project(&partner("2026-02", 24, "2025-01", "enrolled = \"2019-04\""));
    assert_eq!(p.summary.designation[0].month, month("2026-04"));
    // Enrolled a year before start: the anniversary is start itself; window 2025-09 ..=
    // 2026-02 holds 2025-09 ..= 2025-12.
    let p = project(&partner("2026-02", 24, "2025-01", "enrolled = \"2025-02\""));
    assert_eq!(
        p.summary.designation,
        [
            renew("2026-02", "2025-09", 4, 5, dec!(77.67)),
            lapse("2027-02", "2026-09", dec!(40)),
        ]
    );
}

#[test]
fn enrolled_in_the_start_month_has_its_first_anniversary_a_year_later() {
    // Qualified 2026-01 ..= 2026-12. Enrolled 2026-01 = start: no event at start; the
    // anniversary 2027-01 has the window 2026-08 ..= 2027-01, qualified 2026-08 ..= 2026-12.
    let p = project(&partner("2026-01", 24, "2026-01", "enrolled = \"2026-01\""));
    assert_eq!(
        p.summary.designation,
        [renew("2027-01", "2026-08", 5, 5, dec!(77.67))]
    );
}

#[test]
fn margins_of_zero_and_one_month() {
    // Won 2026-06: qualified 2026-06 ..= 2027-05. Enrolled 2025-06: anniversary 2026-06,
    // window 2026-01 ..= 2026-06, qualified only in the anniversary month: margin 0.
    // 2027-06: window 2027-01 ..= 2027-06, qualified 2027-01 ..= 2027-05: 5 months, margin 5.
    let p = project(&partner("2026-01", 24, "2026-06", "enrolled = \"2025-06\""));
    assert_eq!(
        p.summary.designation,
        [
            renew("2026-06", "2026-01", 1, 0, dec!(77.67)),
            renew("2027-06", "2027-01", 5, 5, dec!(77.67)),
        ]
    );
    // Won 2026-05: the 2026-06 window holds 2026-05 and 2026-06: margin 1.
    let p = project(&partner("2026-01", 12, "2026-05", "enrolled = \"2025-06\""));
    assert_eq!(
        p.summary.designation,
        [renew("2026-06", "2026-01", 2, 1, dec!(77.67))]
    );
}

#[test]
fn a_lapsed_partner_enrols_again_at_its_next_chance() {
    // Enrolled 2025-01: anniversary 2026-01 = start, window 2025-08 ..= 2026-01, not
    // qualified (the wins are in 2026-03): lapses. Qualified from 2026-03: enrols then.
    // Its anniversary 2027-03: window 2026-10 ..= 2027-03, qualified 2026-10 ..= 2027-02.
    let p = project(&partner("2026-01", 24, "2026-03", "enrolled = \"2025-01\""));
    assert_eq!(
        p.summary.designation,
        [
            lapse("2026-01", "2025-08", dec!(40)),
            enrol("2026-03"),
            renew("2027-03", "2026-10", 5, 5, dec!(77.67)),
        ]
    );
}

#[test]
fn no_anniversary_within_the_horizon_means_no_event() {
    // Enrolled 2025-10, 6 months from 2026-01: the anniversary 2026-10 is after 2026-06.
    let p = project(&partner("2026-01", 6, "2025-08", "enrolled = \"2025-10\""));
    assert!(p.summary.designation.is_empty());
    let table = pcsim::report::Format::Table.report().render(&p);
    assert!(
        table.contains(
            "Designation (enrolled 2025-10; anniversaries every 12 months):\n  \
             no anniversary within the horizon (the next is 2026-10)\n"
        ),
        "{table}"
    );
}

#[test]
fn enrolled_after_start_is_an_error_at_its_position() {
    let e = Scenario::from_str(
        "test.toml",
        "name = \"x\"\nstart = \"2026-12\"\nenrolled = \"2027-02\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with(
            "test.toml:3:12: enrolled is the month the partner enrolled or last renewed; \
             it cannot be after start (2026-12): 2027-02 is 2 months later"
        ),
        "{e}"
    );
    // One month later: "1 month".
    let e = Scenario::from_str(
        "test.toml",
        "name = \"x\"\nstart = \"2026-12\"\nenrolled = \"2027-01\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("2027-01 is 1 month later"), "{e}");
    // Not a month: the usual month error, at the value.
    let e = Scenario::from_str(
        "test.toml",
        "name = \"x\"\nstart = \"2026-12\"\nenrolled = \"2026-13\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(e.starts_with("test.toml:3:12: "), "{e}");
}

#[test]
fn enrolled_follows_extends_and_its_error_points_into_the_file_that_wrote_it() {
    let base = "name = \"base\"\nstart = \"2026-06\"\nenrolled = \"2025-10\"\n";
    let plan = "name = \"plan\"\nextends = \"base.toml\"\nenrolled = \"2026-04\"\n";
    let inherit = "name = \"inherit\"\nextends = \"base.toml\"\n";
    // The parent's enrolled is fine with its own start, not with the child's earlier one.
    let earlier = "name = \"earlier\"\nextends = \"base.toml\"\nstart = \"2025-09\"\n";
    let dir = folder(&[
        ("base.toml", base),
        ("plan.toml", plan),
        ("inherit.toml", inherit),
        ("earlier.toml", earlier),
    ]);
    let load = |f: &str| Scenario::load(&dir.path().join(f), None);
    let s = load("plan.toml").unwrap();
    assert_eq!(s.enrolled, Some(month("2026-04")), "the child overrides");
    assert_eq!(s.first_anniversary(), Some(month("2027-04")));
    let s = load("inherit.toml").unwrap();
    assert_eq!(s.enrolled, Some(month("2025-10")), "inherited");
    assert_eq!(s.first_anniversary(), Some(month("2026-10")));
    let e = load("earlier.toml").unwrap_err().to_string();
    assert!(
        e.contains("base.toml:3:12: enrolled is the month")
            && e.contains("cannot be after start (2025-09): 2025-10 is 1 month later"),
        "{e}"
    );
}

fn output(dir: &tempfile::TempDir, args: &[&str]) -> String {
    stdout(pcsim().current_dir(dir.path()).args(args))
}

#[test]
fn enrolled_after_start_fails_run_and_check_with_exit_code_1() {
    let dir = folder(&[(
        "plan.toml",
        "name = \"x\"\nstart = \"2026-12\"\nenrolled = \"2027-03\"\n",
    )]);
    for command in ["run", "check"] {
        pcsim()
            .current_dir(dir.path())
            .args([command, "plan.toml"])
            .assert()
            .code(1)
            .stderr(predicates::str::contains(
                "plan.toml:3:12: enrolled is the month the partner enrolled or last renewed; it cannot be after start (2026-12): 2027-03 is 3 months later",
            ));
    }
}

#[test]
fn the_table_says_how_each_anniversary_went() {
    let dir = folder(&[
        (
            "enrolled.toml",
            &partner("2026-01", 24, "2025-08", "enrolled = \"2025-10\""),
        ),
        (
            "margin1.toml",
            &partner("2026-01", 12, "2026-05", "enrolled = \"2025-06\""),
        ),
        ("not.toml", &partner("2026-01", 24, "2025-08", "")),
    ]);
    let text = output(&dir, &["run", "enrolled.toml"]);
    assert!(
        text.contains(
            "Designation (enrolled 2025-10; anniversaries every 12 months):\n\
             \x20 2026-10  renews at the anniversary (fee 4,730 USD): qualified in 3 of the 6 months 2026-05 to 2026-10, secured 5 months ahead\n\
             \x20 2027-10  lapses: not qualified in 2027-05 to 2027-10 (best score 40.00 of 70)\n"
        ),
        "{text}"
    );
    let text = output(&dir, &["run", "margin1.toml"]);
    assert!(
        text.contains(
            "  2026-06  renews at the anniversary (fee 4,730 USD): qualified in 2 of the 6 months 2026-01 to 2026-06, secured 1 month ahead\n"
        ),
        "{text}"
    );
    let text = output(&dir, &["run", "not.toml"]);
    assert!(
        text.contains(
            "Designation, enrolling at the first chance:\n\
             \x20 2026-01  enrols (fee 4,730 USD)\n\
             \x20 2027-01  lapses: not qualified in 2026-08 to 2027-01 (best score 40.00 of 70)\n"
        ),
        "{text}"
    );
}

#[test]
fn json_carries_enrolled_and_the_renewal_windows() {
    let dir = folder(&[
        (
            "enrolled.toml",
            &partner("2026-01", 24, "2026-03", "enrolled = \"2025-01\""),
        ),
        ("not.toml", &partner("2026-01", 24, "2025-08", "")),
    ]);
    let doc: Value =
        serde_json::from_str(&output(&dir, &["run", "enrolled.toml", "-f", "json"])).unwrap();
    assert_eq!(doc["summary"]["enrolled"], "2025-01");
    // See a_lapsed_partner_enrols_again_at_its_next_chance for the arithmetic.
    let expected: Value = serde_json::from_str(
        r#"[
        {"month": "2026-01", "step": "lapse", "fee_usd": 0, "window_from": "2025-08",
         "window_to": "2026-01", "qualified_months": 0, "margin_months": null, "best_headline": 40},
        {"month": "2026-03", "step": "enrol", "fee_usd": 4730},
        {"month": "2027-03", "step": "renew", "fee_usd": 4730, "window_from": "2026-10",
         "window_to": "2027-03", "qualified_months": 5, "margin_months": 5, "best_headline": 77.67}
    ]"#,
    )
    .unwrap();
    assert_eq!(doc["summary"]["designation"], expected);
    let doc: Value =
        serde_json::from_str(&output(&dir, &["run", "not.toml", "-f", "json"])).unwrap();
    assert_eq!(doc["summary"]["enrolled"], Value::Null);
    assert_eq!(doc["summary"]["designation"][0]["step"], "enrol");
    assert_eq!(
        doc["summary"]["designation"][1]["window_from"], "2026-08",
        "renewal details without enrolled too"
    );
}

#[test]
fn check_says_where_the_partner_stands() {
    let dir = folder(&[
        (
            "enrolled.toml",
            &partner("2026-01", 24, "2025-08", "enrolled = \"2025-10\""),
        ),
        (
            "at-start.toml",
            &partner("2026-01", 24, "2025-08", "enrolled = \"2025-01\""),
        ),
        ("not.toml", &partner("2026-01", 1, "2025-08", "")),
    ]);
    let text = output(&dir, &["check", "enrolled.toml"]);
    assert!(
        text.contains(
            "Months:    2026-01 to 2027-12 (24 months)\nEnrolled:  2025-10 (next anniversary 2026-10)\n"
        ),
        "{text}"
    );
    let text = output(&dir, &["check", "at-start.toml"]);
    assert!(
        text.contains("Enrolled:  2025-01 (next anniversary 2026-01)\n"),
        "an anniversary in the start month is the next one: {text}"
    );
    let text = output(&dir, &["check", "not.toml"]);
    assert!(
        text.contains(
            "Months:    2026-01 to 2026-01 (1 month)\nEnrolled:  no (the partner is not designated at start)\n"
        ),
        "{text}"
    );
}

#[test]
fn check_lists_imported_tenants_and_counts_in_words() {
    let history = "tenant,month,seats,active,acr\n\
                   Contoso,2025-01,40,10,100\n\
                   Fabrikam,2025-03,7,7,1234.5\n\
                   Contoso,2025-06,45,12,150.25\n";
    let one = "tenant,month,seats,active,acr\nSolo,2025-02,5,1,0\n";
    let dir = folder(&[
        (
            "plan.toml",
            "name = \"p\"\nstart = \"2026-01\"\nhistory = \"h.csv\"\n\
             [[tenants]]\nname = \"New\"\nsince = \"2026-02\"\nseats = 9\n",
        ),
        ("h.csv", history),
        (
            "one.toml",
            "name = \"one\"\nstart = \"2026-01\"\nmonths = 1\nhistory = \"one.csv\"\n",
        ),
        ("one.csv", one),
    ]);
    let text = output(&dir, &["check", "plan.toml"]);
    assert!(
        text.contains(": 2 tenants, 3 rows, 2025-01 to 2025-06\n"),
        "{text}"
    );
    assert!(text.contains("Tenants (1 declared, 2 imported):"), "{text}");
    let cells = |name: &str| -> Vec<String> {
        let line = text
            .lines()
            .find(|l| l.contains(&format!(" {name} ")))
            .unwrap_or_else(|| panic!("{name} is listed:\n{text}"));
        line.split(['│', '┆'])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from)
            .collect()
    };
    // File order (Contoso first); first and last month; the last row's levels.
    assert_eq!(
        cells("Contoso"),
        ["Contoso", "2025-01", "2025-06", "45", "12", "150.25"]
    );
    assert_eq!(
        cells("Fabrikam"),
        ["Fabrikam", "2025-03", "2025-03", "7", "7", "1,234.50"]
    );
    let contoso = text.find(" Contoso ").unwrap();
    assert!(contoso < text.find(" Fabrikam ").unwrap());
    assert!(
        text.find(" New ").unwrap() > contoso,
        "declared tenants follow"
    );

    let text = output(&dir, &["check", "one.toml"]);
    assert!(
        text.contains(": 1 tenant, 1 row, 2025-02 to 2025-02\n"),
        "{text}"
    );
    assert!(text.contains("(1 month)"), "{text}");
    assert!(text.contains("Tenants (0 declared, 1 imported):"), "{text}");
    assert!(text.contains(" Solo "), "{text}");
    let run = output(&dir, &["run", "one.toml"]);
    assert!(run.contains("(1 month)"), "{run}");
    assert!(run.contains(" of 1 month qualified)"), "{run}");
}

#[test]
fn the_chart_marks_each_designation_event() {
    let chart = |extra: &str| {
        let s = Scenario::from_str("test.toml", &partner("2026-01", 24, "2025-08", extra)).unwrap();
        projection_chart(&simulate(&s).unwrap(), Size::default()).unwrap()
    };
    let vermillion = |c: &pcsim::report::chart::Chart| {
        c.pixels
            .chunks(3)
            .filter(|p| *p == [VERMILLION.0, VERMILLION.1, VERMILLION.2])
            .count()
    };
    // Enrolled 2025-10 with a start in 2026-01: the lapse at 2027-10 is marked in
    // vermillion, a colour nothing else on this chart uses.
    let with = chart("enrolled = \"2025-10\"");
    assert!(vermillion(&with) > 200, "{} pixels", vermillion(&with));
    // Enrolled 2025-11 with 12 months: the only anniversary (2026-11) renews; no lapse.
    let s = Scenario::from_str(
        "test.toml",
        &partner("2026-01", 12, "2026-06", "enrolled = \"2025-11\""),
    )
    .unwrap();
    let p = simulate(&s).unwrap();
    assert_eq!(p.summary.designation.len(), 1);
    assert_eq!(p.summary.designation[0].step, DesignationStep::Renew);
    let without = projection_chart(&p, Size::default()).unwrap();
    assert_eq!(vermillion(&without), 0);
}
