//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

use pcsim::scenario::Scenario;
use pcsim::simulate::{Projection, simulate};

/// Simulates a scenario given as TOML text.
pub fn project(toml: &str) -> Projection {
    let scenario = Scenario::from_str("test.toml", toml)
        .unwrap_or_else(|e| panic!("scenario should load: {e}"));
    simulate(&scenario).unwrap_or_else(|e| panic!("scenario should simulate: {e}"))
}

/// A temporary folder holding the given files.
pub fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

pub fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The `pcsim` binary, run from the repository (so that `scenarios/…` resolves).
pub fn pcsim() -> Command {
    let mut c = Command::cargo_bin("pcsim").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// `pcsim ARGS --format json` run in `dir` (relative paths resolve there), which must
/// succeed; its output, parsed.
pub fn json_in(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = Command::cargo_bin("pcsim")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .args(["--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

/// `pcsim compare FILES` run in `dir`, checked plan by plan against each plan's own
/// `run`: the same name, first qualifying months, months qualified, first enrolment and
/// headline score at the end (the better path's total in the last month). Returns the
/// comparison.
pub fn compare_agreeing_with_runs(dir: &Path, files: &[&str]) -> serde_json::Value {
    let mut args = vec!["compare"];
    args.extend(files);
    let compared = json_in(dir, &args);
    let plans = compared["plans"].as_array().unwrap();
    assert_eq!(plans.len(), files.len());
    for (plan, file) in plans.iter().zip(files) {
        let run = json_in(dir, &["run", file]);
        assert_eq!(plan["scenario"], run["scenario"], "{file}");
        assert_eq!(plan["first_qualified"], run["first_qualified"], "{file}");
        assert_eq!(
            plan["months_qualified"], run["summary"]["months_qualified"],
            "{file}"
        );
        assert_eq!(
            plan["first_enrolment"], run["summary"]["enrolment_windows"][0]["from"],
            "{file}"
        );
        let last = run["months"].as_array().unwrap().last().unwrap();
        let headline = last["enterprise"]["total"]
            .as_f64()
            .unwrap()
            .max(last["smb"]["total"].as_f64().unwrap());
        assert_eq!(
            plan["score_at_end"]["points"].as_f64().unwrap(),
            headline,
            "{file}"
        );
    }
    compared
}

/// Runs `command`, which must succeed with nothing on standard error, and returns its
/// standard output.
pub fn stdout(command: &mut Command) -> String {
    let out = command
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

/// Runs `command`, which must fail with exit code 1, and returns its standard error.
pub fn failure(command: &mut Command) -> String {
    let out = command.assert().code(1).get_output().stderr.clone();
    String::from_utf8(out).unwrap()
}

/// Runs `command`, which must be refused as a wrong command line (exit 2), and returns
/// its standard error.
pub fn usage_error(command: &mut Command) -> String {
    let out = command.assert().code(2).get_output().stderr.clone();
    String::from_utf8(out).unwrap()
}

/// `[[people]]` of a partner whose steps 1 and 2 are full on both paths: Ana, Ben and
/// Cara hold a step 1, 2 and 3 certification each since 2023; Dev holds SC-100, with
/// `dev` added to that entry's keys (such as `, probability = 0.5`). Four step-3 people:
/// the SMB certifications metric is full (40), the Enterprise one at 4 of 6 (26.67).
pub fn certified_team(dev: &str) -> String {
    let mut text = String::new();
    for name in ["Ana", "Ben", "Cara"] {
        text.push_str(&format!(
            "[[people]]\nname = \"{name}\"\ncerts = [\n  \
             {{ cert = \"Cloud and AI Security Engineer Associate\", passed = \"2023-01\" }},\n  \
             {{ cert = \"SC-200\", passed = \"2023-01\" }},\n  \
             {{ cert = \"SC-100\", passed = \"2023-01\" }},\n]\n"
        ));
    }
    text.push_str(&format!(
        "[[people]]\nname = \"Dev\"\ncerts = [{{ cert = \"SC-100\", passed = \"2023-01\"{dev} }}]\n"
    ));
    text
}
