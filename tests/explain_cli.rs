//! The binary on hand-built files: `pcsim explain` (PLANNING.md §2) as table, JSON and
//! CSV, its month check, and the named causes and warnings of `pcsim run --format json`.
//! Expected values are worked out by hand in the comments.

use std::path::Path;

use serde_json::{Value, json};

use crate::causes::{ageing_scenario, az500_scenario};
use crate::support::{folder, pcsim, stdout};

/// Runs `pcsim ARGS FILE` and returns standard output; it must succeed silently on stderr.
fn stdout_of(file: &Path, args: &[&str]) -> String {
    stdout(pcsim().args(args).arg(file))
}

/// Projects 2027-01 ..= 2027-06; explained in 2027-03 against 2026-03.
/// - Contoso: won 2027-02, 50 seats (SMB), 20 active (40%: a deployment).
/// - Dana: won 2026-06, 20 seats (SMB), 5 active (25%).
/// - Fabrikam: a customer until 2026-12, 50 seats, 20 active.
/// - Held Co: always, 100 seats; 20 active (20%) until 2026-05, 80 from 2026-06.
/// - Big: always, 400 seats (Enterprise), 100 active (25%).
/// - Cloud: always, 100 USD ACR a month under PAL: TTM 1,200, so a net-adds customer
///   (at least 600) on both paths, in the SMB deployment band (750 to 12,000) and the SMB
///   usage band (above 0, at most 12,000); not above 12,000, so in no Enterprise
///   deployment or usage band.
/// - Ana: step 1 (Cloud and AI Security Engineer Associate) and step 2 (SC-200); Ben:
///   step 2 (SC-200) and step 3 (SC-300).
const WHO: &str = "\
name = \"Who\"
start = \"2027-01\"
months = 6

[[tenants]]
name = \"Contoso\"
since = \"2027-02\"
seats = 50
active = 20

[[tenants]]
name = \"Dana\"
since = \"2026-06\"
seats = 20
active = 5

[[tenants]]
name = \"Fabrikam\"
until = \"2026-12\"
seats = 50
active = 20

[[tenants]]
name = \"Held Co\"
seats = 100
active = 20

[[tenants]]
name = \"Big\"
seats = 400
active = 100

[[tenants]]
name = \"Cloud\"
acr = 100
azure = \"PAL\"

[[changes]]
tenant = \"Held Co\"
month = \"2026-06\"
active = 80

[[people]]
name = \"Ana\"
certs = [{ cert = \"Cloud and AI Security Engineer Associate\", passed = \"2025-01\" }, { cert = \"SC-200\", passed = \"2025-01\" }]

[[people]]
name = \"Ben\"
certs = [{ cert = \"SC-200\", passed = \"2025-01\" }, { cert = \"SC-300\", passed = \"2025-01\" }]
";

fn names(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("{v} is not a list"))
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect()
}

#[test]
fn explain_json_names_who_counts_on_each_path() {
    let dir = folder(&[("who.toml", WHO)]);
    let file = dir.path().join("who.toml");
    let text = stdout_of(
        &file,
        &["explain", "--month", "2027-03", "--format", "json"],
    );
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["month"], "2027-03");
    let paths: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(paths, ["enterprise", "smb"]);

    let smb = &doc["paths"]["smb"];
    // Net customer adds: Azure Cloud now and a year ago (1 - 1); M365 Contoso, Dana,
    // Held Co now and Fabrikam, Held Co a year ago (3 - 2): net 1 -> 4 points.
    let nca = &smb["net_customer_adds"];
    assert_eq!(nca["points"], json!(4));
    assert_eq!(names(&nca["now"]), ["Cloud", "Contoso", "Dana", "Held Co"]);
    assert_eq!(names(&nca["year_ago"]), ["Cloud", "Fabrikam", "Held Co"]);
    // Deployments: the same tenants (each M365 one has at least 15% active; Cloud's TTM
    // 1,200 is in 750..=12,000): net 1 -> 20/6 = 3.33.
    let dep = &smb["deployments"];
    assert_eq!(dep["points"], json!(3.33));
    assert_eq!(names(&dep["now"]), ["Cloud", "Contoso", "Dana", "Held Co"]);
    assert_eq!(names(&dep["year_ago"]), ["Cloud", "Fabrikam", "Held Co"]);
    // Usage: Azure 1,200 - 1,200 = 0; users 20 + 5 + 80 = 105 against 20 + 20 = 40: +65
    // -> floor(65/50) = 1.
    let usage = &smb["usage_growth"];
    assert_eq!(usage["points"], json!(1));
    assert_eq!(
        names(&usage["now"]),
        ["Cloud", "Contoso", "Dana", "Held Co"]
    );
    assert_eq!(names(&usage["year_ago"]), ["Cloud", "Fabrikam", "Held Co"]);
    // Certifications: step 1 Ana (4), step 2 Ana and Ben (4), step 3 Ben (8): 16.
    let certs = &smb["intermediate_certifications"];
    assert_eq!(certs["points"], json!(16));
    // A year ago (2026-03 against 2025-03): no tenant had moved yet, so only the same
    // people's 16 points.
    assert_eq!(smb["total"], json!(24.33));
    assert_eq!(smb["total_year_ago"], json!(16));
    assert_eq!(nca["points_year_ago"], json!(0));
    assert_eq!(certs["points_year_ago"], json!(16));
    assert_eq!(
        certs["steps"],
        json!({"1": ["Ana"], "2": ["Ana", "Ben"], "3": ["Ben"]})
    );

    let ent = &doc["paths"]["enterprise"];
    // Big (400 seats > 300) on M365 and Cloud (TTM >= 600) on Azure, in both months: net
    // 0. Cloud's 1,200 is not above 12,000: only Big deploys and is in a usage band, with
    // 100 users in both months. One step-1 person is fewer than two: 0. All zero.
    for metric in ["net_customer_adds", "deployments", "usage_growth"] {
        assert_eq!(ent[metric]["points"], json!(0), "{metric}");
    }
    assert_eq!(names(&ent["net_customer_adds"]["now"]), ["Big", "Cloud"]);
    assert_eq!(
        names(&ent["net_customer_adds"]["year_ago"]),
        ["Big", "Cloud"]
    );
    assert_eq!(names(&ent["deployments"]["now"]), ["Big"]);
    assert_eq!(names(&ent["usage_growth"]["year_ago"]), ["Big"]);
    assert_eq!(ent["intermediate_certifications"]["points"], json!(0));
    assert_eq!(
        ent["intermediate_certifications"]["steps"],
        json!({"1": ["Ana"], "2": ["Ana", "Ben"], "3": ["Ben"]})
    );
}

#[test]
fn explain_path_smb_prints_only_the_smb_path() {
    let dir = folder(&[("who.toml", WHO)]);
    let file = dir.path().join("who.toml");
    let doc: Value = serde_json::from_str(&stdout_of(
        &file,
        &[
            "explain", "--month", "2027-03", "--path", "smb", "--format", "json",
        ],
    ))
    .unwrap();
    let paths: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(paths, ["smb"]);
    // SMB total: 4 + 16 + 1 + 3.33 = 24.33. A year ago (2026-03 against 2025-03) every
    // tenant was where it had always been (Dana came in 2026-06, Held Co's users rose in
    // 2026-06): only the certifications, 16.
    let table = stdout_of(&file, &["explain", "--month", "2027-03", "--path", "smb"]);
    assert!(
        table.contains("\nSMB: 24.33 points (a year ago 16.00), does not qualify\n"),
        "{table}"
    );
    assert!(!table.contains("Enterprise"), "{table}");
    assert!(
        !table.contains("Big"),
        "Big counts on Enterprise only: {table}"
    );
}

#[test]
fn explain_table_gives_each_new_and_lost_tenant_its_reason() {
    let dir = folder(&[("who.toml", WHO)]);
    let file = dir.path().join("who.toml");
    let table = stdout_of(&file, &["explain", "--month", "2027-03"]);
    // SMB net customer adds, 2027-03 against 2026-03: Contoso (won 2027-02) and Dana (won
    // 2026-06) are new on the M365 side; Fabrikam, a customer through 2026-12, is lost.
    for line in [
        "      Contoso [M365]: won 2027-02\n",
        "      Dana [M365]: won 2026-06\n",
        "      Fabrikam [M365]: churned (no longer a customer from 2027-01)\n",
        "    held (2): Cloud, Held Co\n",
    ] {
        assert!(table.contains(line), "missing {line:?} in\n{table}");
    }
    assert!(
        table.contains("\nEnterprise: 0.00 points (a year ago 0.00), does not qualify\n"),
        "{table}"
    );
    assert!(table.contains("step 1: 1 person: Ana (Cloud and AI Security Engineer Associate)"));
}

#[test]
fn explain_csv_has_one_row_per_tenant_with_its_facts() {
    let dir = folder(&[("who.toml", WHO)]);
    let file = dir.path().join("who.toml");
    let text = stdout_of(
        &file,
        &[
            "explain", "--month", "2027-03", "--path", "smb", "--format", "csv",
        ],
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "tenant,seats,active,acr_usd,ttm_acr_usd,seats_year_ago,active_year_ago,acr_usd_year_ago,\
         ttm_acr_usd_year_ago,smb_m365_band,smb_azure_bands,smb_m365_band_year_ago,\
         smb_azure_bands_year_ago,smb_net_customer_adds_now,\
         smb_net_customer_adds_year_ago,smb_net_customer_adds_adds,smb_deployments_now,\
         smb_deployments_year_ago,smb_deployments_adds,smb_usage_growth_usd,smb_usage_growth_users"
    );
    // One row per tenant, by name; facts in 2027-03 and 2026-03, then the SMB bands and
    // what each adds. Usage users: +20 +5 -20 +60 = 65, the path's growth.
    assert_eq!(
        &lines[1..],
        [
            "Big,400,100,0.00,0.00,400,100,0.00,0.00,no,,no,,,,0,,,0,0.00,0",
            "Cloud,0,0,100.00,1200.00,0,0,100.00,1200.00,no,net adds+deployments+usage,no,net adds+deployments+usage,Azure,Azure,0,Azure,Azure,0,0.00,0",
            "Contoso,50,20,0.00,0.00,0,0,0.00,0.00,yes,,no,,M365,,1,M365,,1,0.00,20",
            "Dana,20,5,0.00,0.00,0,0,0.00,0.00,yes,,no,,M365,,1,M365,,1,0.00,5",
            "Fabrikam,0,0,0.00,0.00,50,20,0.00,0.00,no,,yes,,,M365,-1,,M365,-1,0.00,-20",
            "Held Co,100,80,0.00,0.00,100,20,0.00,0.00,yes,,yes,,M365,M365,0,M365,M365,0,0.00,60",
        ]
    );
}

#[test]
fn explain_a_month_outside_the_projection_is_one_error_line() {
    let dir = folder(&[("who.toml", WHO)]);
    let file = dir.path().join("who.toml");
    for outside in ["2027-07", "2026-12"] {
        let out = pcsim()
            .args(["explain", "--month", outside])
            .arg(&file)
            .assert()
            .code(1)
            .stdout("")
            .get_output()
            .stderr
            .clone();
        let err = String::from_utf8(out).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("error: "), "{err}");
        assert!(err.contains(&format!("--month {outside}")), "{err}");
        assert!(err.contains("2027-01 to 2027-06"), "{err}");
    }
}

#[test]
fn run_json_names_who_is_behind_drops_setbacks_and_warnings() {
    let dir = folder(&[
        ("ageing.toml", &ageing_scenario()),
        ("az500.toml", &az500_scenario()),
    ]);
    // The drop of crate::causes: Aged, won 2026-03, ages out in 2027-03 (SMB 73.67 ->
    // 65.33; net customer adds 20 -> 16).
    let doc: Value = serde_json::from_str(&stdout_of(
        &dir.path().join("ageing.toml"),
        &["run", "--format", "json"],
    ))
    .unwrap();
    let drops = doc["summary"]["drops"].as_array().unwrap();
    assert_eq!(drops.len(), 1);
    let d = &drops[0];
    assert_eq!(
        (
            &d["month"],
            &d["path"],
            &d["total_before"],
            &d["total_after"]
        ),
        (
            &json!("2027-03"),
            &json!("smb"),
            &json!(73.67),
            &json!(65.33)
        )
    );
    let causes = d["causes"].as_array().unwrap();
    let metrics: Vec<&str> = causes
        .iter()
        .map(|c| c["metric"].as_str().unwrap())
        .collect();
    assert_eq!(
        metrics,
        ["net_customer_adds", "usage_growth", "deployments"]
    );
    for c in causes {
        let who: Vec<&str> = c["who"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["name"].as_str().unwrap())
            .collect();
        assert_eq!(who, ["Aged"], "{c}");
        assert_eq!(c["who_total"], json!(1));
    }
    assert_eq!(
        causes[0]["who"][0]["reason"],
        "won 2026-03, ages out of the twelve-month window"
    );
    assert_eq!(
        doc["summary"]["warnings"]["ageing_out"][0],
        json!({"month": "2027-03", "path": "smb", "metric": "net_customer_adds", "count": 1,
               "units": 1, "tenants": [{"name": "Aged", "counted_since": "2026-03"}]})
    );
    assert_eq!(doc["summary"]["setbacks"], json!([]));

    // The setback of crate::causes: Enterprise certifications 13.33 -> 0 in 2027-09 when
    // Ana's AZ-500 stops counting; warnings cost Cara's SC-401 6.67 (Enterprise) and 8
    // (SMB) in 2027-07, Ana's AZ-500 13.33 and 0 in 2027-09.
    let doc: Value = serde_json::from_str(&stdout_of(
        &dir.path().join("az500.toml"),
        &["run", "--format", "json"],
    ))
    .unwrap();
    let s = &doc["summary"];
    assert_eq!(s["drops"], json!([]));
    let setbacks = s["setbacks"].as_array().unwrap();
    assert_eq!(setbacks.len(), 1);
    assert_eq!(setbacks[0]["month"], "2027-09");
    assert_eq!(setbacks[0]["path"], "enterprise");
    let c = &setbacks[0]["causes"][0];
    assert_eq!(c["metric"], "intermediate_certifications");
    assert_eq!(
        (&c["points_before"], &c["points_after"]),
        (&json!(13.33), &json!(0))
    );
    assert_eq!(c["who"][0]["name"], "Ana");
    assert_eq!(c["who_total"], json!(1));
    let certs = s["warnings"]["certifications"].as_array().unwrap();
    let lost: Vec<(&str, &str, &str, Value, Value)> = certs
        .iter()
        .map(|w| {
            (
                w["ending"][0]["person"].as_str().unwrap(),
                w["month"].as_str().unwrap(),
                w["ending"][0]["last_day"].as_str().unwrap(),
                w["points_lost"]["enterprise"].clone(),
                w["points_lost"]["smb"].clone(),
            )
        })
        .collect();
    assert_eq!(
        lost,
        [
            ("Cara", "2027-07", "2027-06-30", json!(6.67), json!(8)),
            ("Ana", "2027-09", "2027-08-31", json!(13.33), json!(0)),
        ]
    );
}

#[test]
fn run_table_words_the_drop_and_the_warnings() {
    let dir = folder(&[
        ("ageing.toml", &ageing_scenario()),
        ("az500.toml", &az500_scenario()),
    ]);
    let text = stdout_of(&dir.path().join("ageing.toml"), &["run"]);
    assert!(text.contains("  2027-03  SMB 73.67 -> 65.33\n"), "{text}");
    assert!(
        text.contains(
            "net customer adds 20.00 -> 16.00: net adds 5 -> 4: Aged (won 2026-03) ages out of the twelve-month window\n"
        ),
        "{text}"
    );
    let text = stdout_of(&dir.path().join("az500.toml"), &["run"]);
    assert!(
        text.contains(
            "  2027-09  Ana's AZ-500 (retired 2026-08-31; it counts a year after retirement; \
             it last counts in 2027-08) stops counting: Enterprise -13.33 points\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "  2027-07  Cara's SC-401 (expires, not renewed; it last counts in 2027-06) stops \
             counting: Enterprise -6.67, SMB -8.00 points\n"
        ),
        "{text}"
    );
}
