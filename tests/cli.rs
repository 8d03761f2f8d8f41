//! The binary on the bundled scenarios: output and exit codes as a user sees them.

use predicates::prelude::*;
use serde_json::Value;

use crate::support::{folder, pcsim, repo_file, stdout};

fn stdout_of(args: &[&str]) -> String {
    stdout(pcsim().args(args))
}

#[test]
fn run_prints_the_table_and_summary() {
    let text = stdout_of(&["run", "scenarios/baseline.toml"]);
    assert!(text.starts_with(
        "Baseline — Solutions Partner for Security, 2026-12 to 2028-11 (24 months) — ruleset: Solutions Partner for Security (2026)\n"
    ));
    // December 2026, checked by hand: SMB 20 + 24 + 9 + 16.67 = 69.67, just short.
    let dec = text.lines().find(|l| l.starts_with("│ 2026-12")).unwrap();
    let cells: Vec<&str> = dec
        .split(['│', '┆'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        cells,
        [
            "2026-12", "4.00", "0.00", "9.00", "3.33", "16.33", "20.00", "24.00", "9.00", "16.67",
            "69.67", "no"
        ]
    );
    assert!(text.contains("  SMB:        2027-01\n"));
    assert!(text.contains("  Enterprise: not within the horizon\n"));
    assert!(
        text.contains(
            "Could enrol (qualified in the month or the 5 before it): 2027-01 to 2027-07\n"
        )
    );
    assert!(text.contains("  2028-01  lapses"));
    assert!(text.contains("  2027-03  SMB 73.67 -> 59.00\n"));
    // Adatum Legal's M365 side stops counting (DPOR from 2027-03), and Lucerne Clinics, won
    // 2026-03, now counts in the same month last year too: 5 net adds become 3.
    assert!(text.contains(
        "net customer adds 20.00 -> 12.00: net adds 5 -> 3: Adatum Legal: M365 association stopped counting in 2027-03; Lucerne Clinics (won 2026-03) ages out of the twelve-month window\n"
    ));
}

#[test]
fn run_json_is_the_documented_document() {
    let text = stdout_of(&["run", "scenarios/baseline.toml", "--format", "json"]);
    // Points are JSON numbers with at most two decimals, written exactly.
    assert!(
        text.contains("\"net_customer_adds\": 20,"),
        "whole points carry no decimals"
    );
    assert!(text.contains("\"deployments\": 16.67,"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["scenario"], "Baseline");
    assert_eq!(doc["start"], "2026-12");
    let months = doc["months"].as_array().unwrap();
    assert_eq!(months.len(), 24);
    let first = &months[0];
    assert_eq!(first["month"], "2026-12");
    let keys: Vec<&str> = first["smb"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "net_customer_adds",
            "intermediate_certifications",
            "usage_growth",
            "deployments",
            "total",
            "qualified"
        ]
    );
    assert_eq!(first["smb"]["total"].to_string(), "69.67");
    assert_eq!(first["enterprise"]["deployments"].to_string(), "3.33");
    assert_eq!(first["qualified"], false);
    assert_eq!(months[1]["smb"]["qualified"], true);
    assert_eq!(
        doc["first_qualified"],
        serde_json::json!({"enterprise": null, "smb": "2027-01", "any": "2027-01"})
    );
    assert_eq!(doc["summary"]["drops"][0]["month"], "2027-03");
    assert_eq!(
        doc["summary"]["drops"][0]["causes"][0]["metric"],
        "net_customer_adds"
    );
}

#[test]
fn run_csv_has_a_flat_row_per_month() {
    let text = stdout_of(&["run", "scenarios/baseline.toml", "--format", "csv"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 25);
    assert_eq!(
        lines[0],
        "month,enterprise_net_customer_adds,enterprise_intermediate_certifications,enterprise_usage_growth,\
         enterprise_deployments,enterprise_total,enterprise_qualified,smb_net_customer_adds,\
         smb_intermediate_certifications,smb_usage_growth,smb_deployments,smb_total,smb_qualified,qualified"
    );
    assert_eq!(
        lines[1],
        "2026-12,4.00,0.00,9.00,3.33,16.33,false,20.00,24.00,9.00,16.67,69.67,false,false"
    );
}

#[test]
fn the_plans_agree_between_formats_and_beat_the_baseline() {
    let json = |f: &str| -> Value {
        serde_json::from_str(&stdout_of(&["run", f, "--format", "json"])).unwrap()
    };
    let smb = json("scenarios/smb-push.toml");
    let ent = json("scenarios/enterprise-push.toml");
    assert_eq!(smb["scenario"], "SMB push");
    assert_eq!(smb["summary"]["months_qualified"], 23);
    assert_eq!(ent["first_qualified"]["enterprise"], "2027-07");
    // The table shows the same totals as the JSON, month by month.
    let table = stdout_of(&["run", "scenarios/smb-push.toml"]);
    for m in smb["months"].as_array().unwrap() {
        let row = table
            .lines()
            .find(|l| l.starts_with(&format!("│ {}", m["month"].as_str().unwrap())))
            .unwrap();
        let total = m["smb"]["total"]
            .as_str()
            .map(String::from)
            .unwrap_or_else(|| format!("{:.2}", m["smb"]["total"].as_f64().unwrap()));
        assert!(row.contains(&total), "{row} should show {total}");
    }
}

#[test]
fn output_file_gets_the_same_bytes_as_stdout() {
    let dir = folder(&[]);
    let out = dir.path().join("baseline.json");
    pcsim()
        .args(["run", "scenarios/baseline.toml", "--format", "json", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        stdout_of(&["run", "scenarios/baseline.toml", "--format", "json"])
    );
}

#[test]
fn check_shows_what_the_scenario_resolved_to() {
    let text = stdout_of(&["check", "scenarios/smb-push.toml"]);
    assert!(text.contains("Scenario:  SMB push\n"));
    assert!(text.contains("scenarios/baseline.toml <- extended by scenarios/smb-push.toml"));
    assert!(text.contains("Months:    2026-12 to 2028-11 (24 months)"));
    assert!(text.contains("Ruleset:   Solutions Partner for Security (2026) (built-in)"));
    assert!(
        text.contains("Tenants (14 declared):"),
        "6 baseline + 4 + 4 group members"
    );
    assert!(text.contains("Autumn win 4"));
    let autumn4 = text.lines().find(|l| l.contains("Autumn win 4")).unwrap();
    assert!(
        autumn4.contains("2028-04"),
        "won every other month from 2027-10: {autumn4}"
    );
    let chen = text.lines().find(|l| l.contains("Chen Wei")).unwrap();
    assert!(
        chen.contains("renewed"),
        "the plan's Chen replaces the baseline's: {chen}"
    );
    assert!(text.contains("Information Security Administrator Associate"));
    assert!(text.ends_with("The scenario is valid.\n"));
}

#[test]
fn rules_prints_a_ruleset_that_checks_clean() {
    let text = stdout_of(&["rules"]);
    assert!(text.contains("qualifying_total = 70"));
    let dir = folder(&[("mine.toml", &text)]);
    pcsim()
        .args(["rules", "--check"])
        .arg(dir.path().join("mine.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "a valid ruleset, \"Solutions Partner for Security (2026)\", with 7 certifications",
        ));
}

#[test]
fn the_rules_option_replaces_the_ruleset() {
    let stricter = std::fs::read_to_string(repo_file("rules/security.toml"))
        .unwrap()
        .replace("qualifying_total = 70", "qualifying_total = 80");
    let dir = folder(&[("strict.toml", &stricter)]);
    let text = pcsim()
        .args([
            "run",
            "scenarios/baseline.toml",
            "--format",
            "json",
            "--rules",
        ])
        .arg(dir.path().join("strict.toml"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: Value = serde_json::from_slice(&text).unwrap();
    assert_eq!(
        doc["first_qualified"]["any"],
        Value::Null,
        "73.67 is not enough at 80"
    );
}

#[test]
fn no_arguments_is_a_usage_error() {
    pcsim()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Usage"));
}

#[test]
fn json_months_carry_the_headline_score() {
    let doc: Value = serde_json::from_str(&stdout_of(&[
        "run",
        "scenarios/baseline.toml",
        "--format",
        "json",
    ]))
    .unwrap();
    let first = &doc["months"][0];
    assert_eq!(
        first["headline"].to_string(),
        "69.67",
        "the higher of 16.33 and 69.67"
    );
}

#[test]
fn the_run_table_fits_a_terminal_of_100_columns() {
    for name in ["baseline", "smb-push", "enterprise-push"] {
        let file = format!("scenarios/{name}.toml");
        let narrow = stdout(pcsim().args(["run", &file]).env("COLUMNS", "100"));
        let widest = narrow.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(widest <= 100, "{name}: a line of {widest} characters");
        // A table per path: each path's header on its own.
        assert!(narrow.contains("│ Month   ┆ Ent NCA"), "{name}");
        assert!(narrow.contains("│ Month   ┆ SMB NCA"), "{name}");
        // Nothing is lost: the same months and totals as the wide table, and every word.
        let wide = stdout(pcsim().args(["run", &file]));
        assert!(
            wide.lines().any(|l| l.chars().count() > 100),
            "{name}: the wide table"
        );
        let words = |t: &str| {
            let mut w: Vec<String> = t
                .split(|c: char| c.is_whitespace() || "│┆═╪╞╡┌┐└┘┬┴─├┤┼".contains(c))
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect();
            w.sort();
            w
        };
        let (n, w) = (words(&narrow), words(&wide));
        // The narrow output repeats the Month and Qualified columns once more.
        for word in &w {
            assert!(n.contains(word), "{name}: {word} is missing when narrow");
        }
    }
}
