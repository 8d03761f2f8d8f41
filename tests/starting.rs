//! Getting started: `pcsim init`, `pcsim docs`, `pcsim completions`.

use serde_json::Value;

use crate::support::{failure, folder, pcsim, stdout};

#[test]
fn init_writes_a_starter_that_checks_and_runs() {
    let dir = folder(&[]);
    let plan = dir.path().join("plan.toml");
    let said =
        stdout(
            pcsim()
                .arg("init")
                .arg(&plan)
                .args(["--start", "2027-03", "--name", "Northwind"]),
        );
    assert!(said.contains("Wrote"), "{said}");
    let text = std::fs::read_to_string(&plan).unwrap();
    // A comment to TOML, the schema to editors (tests/schema.rs checks the schema file).
    assert!(text.starts_with("#:schema ./pcsim.schema.json\n"), "{text}");
    assert!(dir.path().join("pcsim.schema.json").exists());
    assert!(text.contains("name = \"Northwind\""), "{text}");
    assert!(text.contains("start = \"2027-03\""), "{text}");
    let run: Value = serde_json::from_str(&stdout(
        pcsim().arg("run").arg(&plan).args(["--format", "json"]),
    ))
    .unwrap();
    assert_eq!(run["months"].as_array().unwrap().len(), 24);
    assert_eq!(run["months"][0]["month"], "2027-03");
    // Never over an existing file.
    let err = failure(pcsim().arg("init").arg(&plan));
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn init_flavours_show_customers_of_their_path() {
    let dir = folder(&[]);
    for (path, inside) in [("smb", "seats = 85"), ("enterprise", "seats = 2400")] {
        let plan = dir.path().join(format!("{path}.toml"));
        stdout(pcsim().arg("init").arg(&plan).args(["--path", path]));
        let text = std::fs::read_to_string(&plan).unwrap();
        assert!(text.contains(inside), "{path}: {text}");
        stdout(pcsim().arg("check").arg(&plan));
    }
}

#[test]
fn init_from_a_history_names_it_relative_to_the_scenario() {
    let dir = folder(&[(
        "data/history.csv",
        "tenant,month,seats,active,acr\nContoso,2026-10,120,40,900\nContoso,2026-11,125,42,950\n",
    )]);
    let plan = dir.path().join("plan.toml");
    stdout(
        pcsim()
            .arg("init")
            .arg(&plan)
            .arg("--history")
            .arg(dir.path().join("data/history.csv"))
            .args(["--start", "2026-12"]),
    );
    let text = std::fs::read_to_string(&plan).unwrap();
    assert!(text.contains("history = \"data/history.csv\""), "{text}");
    // The history's customer, and no example ones.
    assert!(!text.contains("Example"), "{text}");
    let check = stdout(pcsim().arg("check").arg(&plan));
    assert!(check.contains("Contoso"), "{check}");
    // A history that is not there is refused, and nothing is written.
    let other = dir.path().join("other.toml");
    pcsim()
        .arg("init")
        .arg(&other)
        .args(["--history", "missing.csv"])
        .assert()
        .code(1);
    assert!(!other.exists());
}

#[test]
fn docs_are_built_in() {
    let list = stdout(pcsim().arg("docs"));
    for topic in ["scenario", "rules", "scoring", "output", "odds", "seek"] {
        assert!(list.contains(topic), "{list}");
    }
    let scenario = stdout(pcsim().args(["docs", "scenario"]));
    assert_eq!(
        scenario,
        std::fs::read_to_string("docs/scenario-format.md").unwrap()
    );
    let err = failure(pcsim().args(["docs", "nope"]));
    assert!(err.contains("the topics are scenario, rules"), "{err}");
}

#[test]
fn completions_for_each_shell_name_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout(pcsim().args(["completions", shell]));
        for command in ["run", "seek", "init", "--suggest"] {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
    }
}
