//! The JSON Schemas under `schema/`: generated from the serde types, committed, and true
//! to the files pcsim reads.

use serde_json::Value;

use crate::support::{folder, pcsim, repo_file, stdout};

/// The committed schema of `kind` must be what the types generate now.
fn assert_committed(kind: &str, generated: &str) {
    let path = repo_file(&format!("schema/{kind}.schema.json"));
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date with the types in src/: regenerate it with\n  \
         cargo run -- schema {kind} > schema/{kind}.schema.json\nand commit it",
        path.display()
    );
}

#[test]
fn committed_schemas_match_the_types() {
    assert_committed("scenario", &pcsim::schema::scenario());
    assert_committed("ruleset", &pcsim::schema::ruleset());
}

#[test]
fn the_schema_command_prints_them() {
    assert_eq!(
        stdout(pcsim().args(["schema", "scenario"])),
        pcsim::schema::scenario()
    );
    assert_eq!(
        stdout(pcsim().args(["schema", "ruleset"])),
        pcsim::schema::ruleset()
    );
}

/// A TOML document as the JSON an editor validates: dates become their text.
fn json_of(toml_text: &str) -> Value {
    fn convert(v: toml::Value) -> Value {
        match v {
            toml::Value::String(s) => Value::String(s),
            toml::Value::Integer(i) => Value::from(i),
            toml::Value::Float(f) => Value::from(f),
            toml::Value::Boolean(b) => Value::Bool(b),
            toml::Value::Datetime(d) => Value::String(d.to_string()),
            toml::Value::Array(a) => Value::Array(a.into_iter().map(convert).collect()),
            toml::Value::Table(t) => {
                Value::Object(t.into_iter().map(|(k, v)| (k, convert(v))).collect())
            }
        }
    }
    convert(toml::from_str(toml_text).expect("valid TOML"))
}

fn validator(schema: &str) -> jsonschema::Validator {
    jsonschema::validator_for(&serde_json::from_str(schema).unwrap()).unwrap()
}

/// The schema's complaints about `toml_text`, one a line.
fn errors(validator: &jsonschema::Validator, toml_text: &str) -> String {
    let doc = json_of(toml_text);
    validator
        .iter_errors(&doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn bundled_files_validate() {
    let scenario = validator(&pcsim::schema::scenario());
    let mut checked = 0;
    for entry in std::fs::read_dir(repo_file("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            let found = errors(&scenario, &text);
            assert!(found.is_empty(), "{}:\n{found}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 4, "only {checked} scenarios");
    let ruleset = validator(&pcsim::schema::ruleset());
    let found = errors(&ruleset, pcsim::rules::BUILT_IN);
    assert!(found.is_empty(), "rules/security.toml:\n{found}");
}

#[test]
fn the_schema_accepts_every_written_form() {
    let scenario = validator(&pcsim::schema::scenario());
    let text = r#"
name = "forms"
start = "2027-01"
enrolled = "2026-05"
months = 120
[[people]]
name = "Ana"
certs = [
  { cert = "AZ-500", passed = 2025-04-10 },
  { cert = "SC-200", passed = "2025-09", expires = "2026-09-30", probability = 0.5 },
  { cert = "SC-300", passed = "2025-09-01", renew = false },
]
[[tenants]]
name = "Group"
since = "2027-01"
count = 10000
every = 0
seats = 12.5
acr = 1_000
[[changes]]
tenant = "*"
month = "2027-02"
until = "2099-12"
seats = 150
active = "+10"
acr = "+2.5%/month"
[[changes]]
tenant = "Group"
month = "2027-03"
seats = "-1_000/month"
active = "-5%"
acr = "150"
[[options]]
name = "Win"
cost = 0
max = 50
change = { tenant = "Group", acr = "+ 40 %" }
"#;
    assert_eq!(errors(&scenario, text), "");
    // The same text loads in pcsim: the schema is no stricter than pcsim for these forms.
    toml::from_str::<pcsim::scenario::model::ScenarioFile>(text).unwrap();
}

#[test]
fn the_schema_flags_typos_and_bad_values() {
    let scenario = validator(&pcsim::schema::scenario());
    for (text, spot) in [
        ("name = \"x\"\nstrat = \"2027-01\"\n", "strat"),
        (
            "name = \"x\"\n[[tenants]]\nname = \"a\"\nseat = 5\n",
            "seat",
        ),
        ("name = \"x\"\nstart = \"2027-13\"\n", "/start"),
        ("name = \"x\"\nstart = \"2027-01-01\"\n", "/start"),
        ("name = \"x\"\nmonths = 121\n", "/months"),
        (
            "name = \"x\"\n[[tenants]]\nname = \"a\"\nseats = -1\n",
            "/tenants/0/seats",
        ),
        (
            "name = \"x\"\n[[changes]]\ntenant = \"a\"\nmonth = \"2027-01\"\nseats = \"10%\"\n",
            "/changes/0/seats",
        ),
        (
            "name = \"x\"\n[[tenants]]\nname = \"a\"\nprobability = 1.5\n",
            "/tenants/0/probability",
        ),
        ("description = \"no name\"\n", "name"),
    ] {
        let found = errors(&scenario, text);
        assert!(
            found.contains(spot),
            "{text:?} should be flagged at {spot}: {found:?}"
        );
    }
    let ruleset = validator(&pcsim::schema::ruleset());
    let bad = pcsim::rules::BUILT_IN
        .replace(
            "m365_seats = { above = 300 }",
            "m365_seats = { above = 300, at_least = 5 }",
        )
        .replace("enrol_months = 6", "enrol_month = 6");
    let found = errors(&ruleset, &bad);
    assert!(
        found.contains("/paths/enterprise/bands/m365_seats"),
        "{found}"
    );
    assert!(found.contains("enrol_month"), "{found}");
}

#[test]
fn init_names_a_schema_it_writes_beside_the_scenario() {
    let dir = folder(&[]);
    let plan = dir.path().join("plan.toml");
    let said = stdout(pcsim().arg("init").arg(&plan).args(["--start", "2027-03"]));
    assert!(said.contains("pcsim.schema.json"), "{said}");
    let text = std::fs::read_to_string(&plan).unwrap();
    assert_eq!(text.lines().next(), Some("#:schema ./pcsim.schema.json"));
    let schema = std::fs::read_to_string(dir.path().join("pcsim.schema.json")).unwrap();
    assert_eq!(schema, pcsim::schema::scenario());
    assert_eq!(errors(&validator(&schema), &text), "");
    // A second scenario in the folder keeps the schema there and says nothing of it.
    std::fs::write(dir.path().join("pcsim.schema.json"), "{}").unwrap();
    let said = stdout(
        pcsim()
            .arg("init")
            .arg(dir.path().join("other.toml"))
            .args(["--path", "enterprise"]),
    );
    assert!(!said.contains("schema"), "{said}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("pcsim.schema.json")).unwrap(),
        "{}"
    );
}
