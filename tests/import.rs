//! `pcsim import`: Partner Center downloads -> history.csv and people.csv. The expected
//! files under tests/data/partner_center were made by an independent Python
//! implementation of the same rules (reference.py) and checked by hand (HAND-CHECK.md).

use std::path::Path;

use crate::support::{failure, folder, pcsim, repo_file, stdout, usage_error};

const DATA: &str = "tests/data/partner_center";

/// A written CSV without the byte-order mark that makes Excel read it as UTF-8.
fn read_csv(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.strip_prefix('\u{feff}')
        .unwrap_or_else(|| panic!("{} starts with a byte-order mark", path.display()))
        .to_string()
}

fn expected(rel: &str) -> String {
    std::fs::read_to_string(repo_file(&format!("{DATA}/{rel}"))).unwrap()
}

fn data(name: &str) -> String {
    format!("{DATA}/{name}")
}

fn import_fixtures(out: &Path, format: &str) -> String {
    stdout(pcsim().args([
        "import",
        "--azure",
        &data("azure-2025.csv"),
        "--azure",
        &data("azure-2026.csv"),
        "--m365",
        &data("m365.tsv"),
        "--training",
        &data("training.csv"),
        "--as-of",
        "2026-11-30",
        "--format",
        format,
        "--out",
        out.to_str().unwrap(),
    ]))
}

#[test]
fn the_downloads_give_the_reference_history_and_people() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let text = import_fixtures(&out, "table");
    assert_eq!(
        read_csv(&out.join("history.csv")),
        expected("expected/history.csv")
    );
    assert_eq!(
        read_csv(&out.join("people.csv")),
        expected("expected/people.csv")
    );
    assert!(
        text.contains("11 tenants, 2025-09 to 2026-09, 112 rows"),
        "{text}"
    );
    assert!(text.contains("8 people, 16 certifications"), "{text}");
}

#[test]
fn one_flag_takes_several_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    stdout(
        pcsim()
            .args([
                "import",
                "--azure",
                &data("azure-2025.csv"),
                &data("azure-2026.csv"),
            ])
            .args(["--m365", &data("m365.tsv"), "--out"])
            .arg(&out),
    );
    assert_eq!(
        read_csv(&out.join("history.csv")),
        expected("expected/history.csv")
    );
}

#[test]
fn the_summary_counts_every_row_once() {
    let dir = tempfile::tempdir().unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&import_fixtures(&dir.path().join("out"), "json")).unwrap();
    let reference: serde_json::Value =
        serde_json::from_str(&expected("expected/summary.json")).unwrap();
    for (i, kind) in ["azure", "m365"].iter().enumerate() {
        let ours = &json["usage"][i];
        let theirs = &reference[kind];
        assert_eq!(ours["kind"], *kind);
        assert_eq!(ours["rows"], theirs["rows_read"], "{kind}");
        assert_eq!(ours["counted"], theirs["rows_counted"], "{kind}");
        assert_eq!(
            ours["after_end"], theirs["rows_dropped_after_end"],
            "{kind}"
        );
        let mut skipped = 0;
        for s in ours["skipped"].as_array().unwrap() {
            let reason = s["reason"].as_str().unwrap();
            let reason = match reason {
                "not_eligible" if *kind == "azure" => "service not eligible",
                "not_eligible" => "workload not eligible",
                "offer_excluded" => "offer excluded",
                _ => "attribution does not count",
            };
            let name = s["name"].as_str().unwrap();
            assert_eq!(
                s["rows"], theirs["skipped"][reason][name],
                "{kind} {reason} {name}"
            );
            skipped += s["rows"].as_u64().unwrap();
        }
        // Each row is counted, left out for one reason, or after the end.
        assert_eq!(
            ours["rows"].as_u64().unwrap(),
            ours["counted"].as_u64().unwrap() + skipped + ours["after_end"].as_u64().unwrap()
        );
    }
    assert_eq!(json["history"]["tenants"], reference["tenants_written"]);
    assert_eq!(
        json["history"]["without_eligible_usage"],
        reference["tenants_no_eligible_usage"]
    );
    assert_eq!(
        json["history"]["negative_acr_months"],
        reference["negative_acr_months"]
    );
    let training = &json["training"];
    assert_eq!(training["people"], reference["training"]["people"]);
    assert_eq!(
        training["certifications"],
        reference["training"]["certifications"]
    );
    assert_eq!(training["rows"], reference["training"]["rows_read"]);
    for u in training["not_in_catalog"].as_array().unwrap() {
        let title = u["title"].as_str().unwrap();
        assert_eq!(
            u["rows"], reference["training"]["unknown_titles"][title],
            "{title}"
        );
    }
    assert_eq!(training["after_retirement"][0]["person"], "Dan Smith");
    assert_eq!(training["after_retirement"][0]["cert"], "SC-400");
    // Both ways: no title the reference leaves out is missing from ours.
    let ours = training["not_in_catalog"].as_array().unwrap().len();
    let theirs = reference["training"]["unknown_titles"]
        .as_object()
        .unwrap()
        .len();
    assert_eq!(ours, theirs);
    let warnings: Vec<&str> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].starts_with("2025-12 has Azure usage rows in"),
        "{warnings:?}"
    );
    assert!(
        warnings[1].contains(
            "the history ends at 2026-09, and 13 Azure usage rows after it were left out"
        ),
        "{warnings:?}"
    );
}

#[test]
fn training_dates_in_either_order() {
    let dir = tempfile::tempdir().unwrap();
    for (file, dates, want) in [
        ("training-iso.csv", None, "expected-iso/people.csv"),
        (
            "bad-training-ambiguous-dates.csv",
            Some("dmy"),
            "expected-dates-dmy/people.csv",
        ),
    ] {
        let out = dir.path().join(file);
        let mut command = pcsim();
        command.args(["import", "--training", &data(file), "--as-of", "2026-11-30"]);
        if let Some(order) = dates {
            command.args(["--dates", order]);
        }
        stdout(command.arg("--out").arg(&out));
        assert_eq!(read_csv(&out.join("people.csv")), expected(want), "{file}");
    }
}

#[test]
fn every_bad_download_is_named_with_its_line() {
    let cases = [
        (
            "--azure",
            "bad-azure-no-acr.csv",
            ":1:",
            "no `MonthlySubscriptionLevelACR` (or `TotalACR`, `ACR`) column; its columns are `PartnerId`, `CustomerTenantId`",
        ),
        (
            "--m365",
            "bad-m365-no-tenant.csv",
            ":1:",
            "no `CustomerTenantId` (or `CustomerId`, `TenantId`) column",
        ),
        (
            "--azure",
            "bad-azure-month-two-ways.csv",
            ":3:",
            "`3/4/2026` could be month 3 or month 4",
        ),
        (
            "--azure",
            "bad-azure-empty-tenant.csv",
            ":4:",
            "tenant id (CustomerTenantId) is empty",
        ),
        (
            "--azure",
            "bad-azure-acr-not-number.csv",
            ":3:",
            "`12,5x` is not a number",
        ),
        (
            "--training",
            "bad-training-no-person.csv",
            ":1:",
            "no `Email` (or `EmailAddress`, `IndividualEmail`) and no `IndividualFirstName`",
        ),
        (
            "--training",
            "bad-training-ambiguous-dates.csv",
            ":2:",
            "--dates mdy",
        ),
        (
            "--m365",
            "bad-m365-negative-units.csv",
            ":3:",
            "PaidAvailableUnits must not be negative",
        ),
        (
            "--azure",
            "bad-azure-no-such-day.csv",
            ":3:",
            "`2/30/2026` is not a date: write the month as YYYY-MM (\"2026-02\")",
        ),
        (
            "--azure",
            "bad-azure-thousands-point.csv",
            ":3:",
            "`1.234` has a thousands separator",
        ),
        (
            "--training",
            "bad-training-expiry-before-completion.csv",
            ":3:",
            "it expires (2025-09-23) on or before it was completed (2026-09-23)",
        ),
        (
            "--training",
            "bad-training-name-two-emails.csv",
            ":4:",
            "Maria Garcia has no email here, and 2 people of that name have one (maria.garcia2@adatum.example, maria.garcia@adatum.example)",
        ),
    ];
    for (flag, file, line, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let err = failure(
            pcsim()
                .args(["import", flag, &data(file), "--out"])
                .arg(&out),
        );
        assert!(err.contains(&format!("{file}{line}")), "{file}: {err}");
        assert!(err.contains(message), "{file}: {err}");
        assert_eq!(err.lines().count(), 1, "{file}: one message: {err}");
        assert!(!out.exists(), "{file}: nothing written");
    }
}

/// A download with `rows` Azure rows: row `r` is tenant `t = r % tenants`, named
/// `"Name, t"` (quoted, and for tenant 0 split over two lines), with 1.25 USD of Key Vault
/// (eligible) or 1 USD of Storage (not) by turns, in 2026-01.
fn big_azure(rows: usize, tenants: usize) -> String {
    let mut text = String::from(
        "Month,CustomerTenantId,CustomerName,ServiceName,PartnerAttributionType,MonthlySubscriptionLevelACR\n",
    );
    for r in 0..rows {
        let t = r % tenants;
        let name = if t == 0 {
            "\"Name,\nzero\"".to_string()
        } else {
            format!("\"Name, {t}\"")
        };
        let (service, acr) = if (r / tenants).is_multiple_of(2) {
            ("Key Vault", "1.25")
        } else {
            ("Storage", "1")
        };
        text.push_str(&format!("2026-01-01,id-{t},{name},{service},PAL,{acr}\n"));
    }
    text
}

/// The history `pcsim import --azure azure.csv` makes in `dir`, the same on 1, 2 and 8
/// cores.
fn history_on_any_core_count(dir: &Path) -> String {
    let outputs: Vec<String> = ["1", "2", "8"]
        .iter()
        .map(|threads| {
            stdout(
                pcsim()
                    .current_dir(dir)
                    .env("RAYON_NUM_THREADS", threads)
                    .args(["import", "--azure", "azure.csv", "--out", threads]),
            );
            read_csv(&dir.join(threads).join("history.csv"))
        })
        .collect();
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);
    outputs[0].clone()
}

#[test]
fn a_big_download_reads_the_same_on_any_number_of_cores() {
    // 60,000 rows (about 4 MB): several pieces, some of which start inside the quoted,
    // two-line name.
    let (rows, tenants) = (60_000, 100);
    let dir = folder(&[("azure.csv", &big_azure(rows, tenants))]);
    let history = history_on_any_core_count(dir.path());
    // Each tenant has 600 rows, 300 of them Key Vault at 1.25: 375 USD.
    let lines: Vec<&str> = history.lines().collect();
    assert_eq!(
        lines.len(),
        1 + tenants + 1,
        "the header, and tenant 0's name holds a line break"
    );
    assert!(
        history.contains("\"Name, 7\",2026-01,0,0,375,,PAL\n"),
        "{}",
        &history[..300]
    );
    assert!(history.contains("\"Name,\nzero\",2026-01,0,0,375,,PAL\n"));
}

#[test]
fn an_association_carries_over_months_without_rows() {
    // Contoso's M365 side is DPOR in January (Exchange only: no facts); in February only
    // Azure rows come, so its M365 association is still DPOR. Fabrikam has never had
    // M365 rows: its cell stays empty (the history reader then lets the side count).
    let dir = folder(&[
        (
            "azure.csv",
            "Month,CustomerTenantId,CustomerName,ServiceName,PartnerAttributionType,TotalACR\n\
             2026-02,c1,Contoso,Key Vault,PAL,700\n\
             2026-02,f1,Fabrikam,Microsoft Sentinel,CSP 2T,12.5\n\
             2026-03,f1,Fabrikam,Microsoft Sentinel,CSP 2T,12.5\n",
        ),
        (
            "m365.csv",
            "Month,CustomerTenantId,WorkloadName,PaidAvailableUnits,MonthlyActiveUsers,PartnerAttributionType\n\
             2026-01,C1,Exchange,500,400,DPOR\n\
             2026-03,C1,Intune,40,20,Digital Partner of Record\n",
        ),
    ]);
    let out = dir.path().join("out");
    stdout(pcsim().current_dir(dir.path()).args([
        "import",
        "--azure",
        "azure.csv",
        "--m365",
        "m365.csv",
        "--out",
        "out",
    ]));
    assert_eq!(
        read_csv(&out.join("history.csv")),
        "tenant,month,seats,active,acr,m365,azure\n\
         Contoso,2026-02,0,0,700,DPOR,PAL\n\
         Contoso,2026-03,0,0,0,DPOR,PAL\n\
         Fabrikam,2026-02,0,0,12.5,,CSP Tier2\n\
         Fabrikam,2026-03,0,0,12.5,,CSP Tier2\n"
    );
}

#[test]
fn the_ruleset_decides_what_counts() {
    // A bare "Microsoft Defender for Endpoint" does not say its plan: by default it does
    // not count; a ruleset that takes it for Plan 2 counts it.
    let m365 = "Month,CustomerTenantId,CustomerName,WorkloadName,PaidAvailableUnits,MonthlyActiveUsers,PartnerAttributionType\n\
                2026-05,t1,Tailspin,Microsoft Defender for Endpoint,50,30,CSP Tier1\n";
    let rules = pcsim::rules::BUILT_IN.replace(
        "aliases = [\"Microsoft Defender for Endpoint P2\"]",
        "aliases = [\"Microsoft Defender for Endpoint P2\", \"Microsoft Defender for Endpoint\"]",
    );
    assert_ne!(rules, pcsim::rules::BUILT_IN);
    let dir = folder(&[("m365.csv", m365), ("rules.toml", &rules)]);
    let text = stdout(
        pcsim()
            .current_dir(dir.path())
            .args(["import", "--m365", "m365.csv", "--out", "a"]),
    );
    assert!(text.contains("1 tenant had no usage that counts"), "{text}");
    assert!(!dir.path().join("a/history.csv").exists());
    stdout(pcsim().current_dir(dir.path()).args([
        "import",
        "--m365",
        "m365.csv",
        "--rules",
        "rules.toml",
        "--out",
        "b",
    ]));
    assert_eq!(
        read_csv(&dir.path().join("b/history.csv")),
        "tenant,month,seats,active,acr,m365,azure\nTailspin,2026-05,50,30,0,CSP Tier1,\n"
    );
    // An attribution alias must name an association.
    let wrong =
        pcsim::rules::BUILT_IN.replace("\"CSP 1T\" = \"CSP Tier1\"", "\"CSP 1T\" = \"Tier One\"");
    let dir = folder(&[("m365.csv", m365), ("rules.toml", &wrong)]);
    let err = import_fails(
        dir.path(),
        &["--m365", "m365.csv", "--rules", "rules.toml", "--out", "c"],
    );
    assert!(
        err.contains("rules.toml:") && err.contains("`Tier One`, which is not an association"),
        "{err}"
    );
}

#[test]
fn imported_files_feed_a_scenario() {
    let dir = tempfile::tempdir().unwrap();
    import_fixtures(&dir.path().join("out"), "table");
    std::fs::write(
        dir.path().join("plan.toml"),
        "name = \"Imported\"\nstart = \"2026-10\"\nmonths = 12\nhistory = \"out/history.csv\"\npeople_csv = \"out/people.csv\"\n",
    )
    .unwrap();
    let text = stdout(pcsim().current_dir(dir.path()).args(["check", "plan.toml"]));
    assert!(text.contains("People (8)"), "{text}");
    assert!(
        text.contains("out/history.csv: 11 tenants, 112 rows, 2025-09 to 2026-09"),
        "{text}"
    );
    stdout(
        pcsim()
            .current_dir(dir.path())
            .args(["run", "plan.toml", "--format", "json"]),
    );
    // `init` starts a plan from both files, without example people.
    stdout(pcsim().current_dir(dir.path()).args([
        "init",
        "started.toml",
        "--history",
        "out/history.csv",
        "--people",
        "out/people.csv",
        "--start",
        "2026-10",
    ]));
    let started = std::fs::read_to_string(dir.path().join("started.toml")).unwrap();
    assert!(
        started.contains("people_csv = \"out/people.csv\""),
        "{started}"
    );
    assert!(!started.contains("\n[[people]]"), "{started}");
    let text = stdout(
        pcsim()
            .current_dir(dir.path())
            .args(["check", "started.toml"]),
    );
    assert!(text.contains("People (8)"), "{text}");
}

#[test]
fn command_line_slips_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let az = repo_file(&data("azure-2025.csv"));
    // The same download twice would count its rows twice.
    let out = pcsim()
        .args(["import", "--azure"])
        .arg(&az)
        .arg("--azure")
        .arg(&az)
        .arg("--out")
        .arg(dir.path())
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("azure-2025.csv is named twice"), "{err}");
    // Nothing to import.
    pcsim()
        .args(["import", "--out"])
        .arg(dir.path())
        .assert()
        .code(2);
    // --out must be a folder.
    let file = dir.path().join("f");
    std::fs::write(&file, "x").unwrap();
    let out = pcsim()
        .args(["import", "--azure"])
        .arg(&az)
        .arg("--out")
        .arg(&file)
        .assert()
        .code(3);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("--out names a folder"), "{err}");
}

/// The people.csv that `pcsim import --training training.csv --as-of 2026-11-30` makes
/// in `dir`, and the summary.
fn people_of(dir: &Path) -> (String, String) {
    let text = import_in(
        dir,
        &[
            "--training",
            "training.csv",
            "--as-of",
            "2026-11-30",
            "--out",
            "out",
        ],
    );
    (read_csv(&dir.join("out/people.csv")), text)
}

/// Runs `pcsim import` in `dir` with `args`, which must fail with exit code 1; returns
/// the error.
fn import_fails(dir: &Path, args: &[&str]) -> String {
    failure(pcsim().current_dir(dir).arg("import").args(args))
}

/// Runs `pcsim import` in `dir` with `args`, which must succeed; returns the summary.
fn import_in(dir: &Path, args: &[&str]) -> String {
    stdout(pcsim().current_dir(dir).arg("import").args(args))
}

#[test]
fn people_are_told_apart_and_kept_together() {
    // Ana's second row has no email: she is still one person. A course named after an
    // exam is not the certification. Cy's AZ-500 lapsed in 2024 and was passed again in
    // 2025: two stretches, the first written with its expiry.
    let dir = folder(&[(
        "training.csv",
        "IndividualFirstName,IndividualLastName,Email,TrainingTitle,TrainingType,TrainingCompletionDate,ExpirationDate\n\
         Ana,Silva,ana@x.example,Microsoft Certified: Azure Security Engineer Associate,Certification,2025-03-14,2027-03-14\n\
         Ana,Silva,,Exam SC-200: Microsoft Security Operations Analyst,Exam,2025-06-02,\n\
         Bo,Lee,bo@x.example,SC-200: Mitigate threats using Microsoft Defender XDR,Learning Path,2025-01-01,\n\
         Cy,Diaz,cy@x.example,Microsoft Certified: Azure Security Engineer Associate,Certification,2023-01-10,2024-01-10\n\
         Cy,Diaz,cy@x.example,Microsoft Certified: Azure Security Engineer Associate,Certification,2025-02-01,2027-02-01\n\
         Cy,Diaz,cy@x.example,Microsoft Certified: Azure Security Engineer Associate,Certification,2026-01-20,2027-02-01\n",
    )]);
    let (people, text) = people_of(dir.path());
    assert_eq!(
        people,
        "person,cert,passed,expires\n\
         Ana Silva,AZ-500,2025-03-14,\n\
         Ana Silva,SC-200,2025-06-02,\n\
         Cy Diaz,AZ-500,2023-01-10,2024-01-10\n\
         Cy Diaz,AZ-500,2025-02-01,\n"
    );
    assert!(
        text.contains("left out, not a certification or an exam: 1 row: \"Learning Path\" 1"),
        "{text}"
    );
    assert!(text.contains("2 people"), "{text}");
    assert!(
        text.contains("1 row for a person's certification already read"),
        "{text}"
    );
    // Without a type column, the course's title alone does not name the certification.
    let dir = folder(&[(
        "training.csv",
        "Email,TrainingTitle,TrainingCompletionDate\n\
         bo@x.example,SC-200: Mitigate threats using Microsoft Defender XDR,2025-01-01\n",
    )]);
    let text = import_in(dir.path(), &["--training", "training.csv", "--out", "out"]);
    assert!(
        text.contains("left out, not in the catalog: 1 row"),
        "{text}"
    );
    // Two people of one name with emails, and a row with the name alone: which one?
    let dir = folder(&[(
        "training.csv",
        "FirstName,LastName,Email,TrainingTitle,TrainingCompletionDate\n\
         Ben,Lee,ben1@x.example,Exam SC-200: Microsoft Security Operations Analyst,2025-01-01\n\
         Ben,Lee,ben2@x.example,Exam SC-200: Microsoft Security Operations Analyst,2025-01-01\n\
         Ben,Lee,,Exam AZ-500: Microsoft Azure Security Technologies,2025-02-01\n",
    )]);
    let err = import_fails(dir.path(), &["--training", "training.csv", "--out", "out"]);
    assert!(
        err.contains("training.csv:4:")
            && err.contains("2 people of that name have one (ben1@x.example, ben2@x.example)"),
        "{err}"
    );
}

#[test]
fn tenants_that_share_a_name_stay_apart() {
    // Eight characters of "cust-0001" and "cust-0002" are the same; and a real name can
    // equal another's name with its id added.
    let dir = folder(&[(
        "azure.csv",
        "Month,CustomerTenantId,CustomerName,ServiceName,PartnerAttributionType,ACR\n\
         2026-01,cust-0001,Contoso,Key Vault,PAL,10\n\
         2026-01,cust-0002,Contoso,Key Vault,PAL,20\n\
         2026-01,e5,Fabrikam,Key Vault,PAL,30\n\
         2026-01,e6,Fabrikam,Key Vault,PAL,40\n\
         2026-01,zz,Fabrikam (e5),Key Vault,PAL,50\n",
    )]);
    import_in(dir.path(), &["--azure", "azure.csv", "--out", "out"]);
    assert_eq!(
        read_csv(&dir.path().join("out/history.csv")),
        "tenant,month,seats,active,acr,m365,azure\n\
         Contoso (cust-0001),2026-01,0,0,10,,PAL\n\
         Contoso (cust-0002),2026-01,0,0,20,,PAL\n\
         Fabrikam (e5),2026-01,0,0,30,,PAL\n\
         Fabrikam (e5) (zz),2026-01,0,0,50,,PAL\n\
         Fabrikam (e6),2026-01,0,0,40,,PAL\n"
    );
}

#[test]
fn a_stray_quote_in_a_big_download_reads_alike_on_any_core_count() {
    // `12" Monitors` has a quote inside an unquoted field: a letter to the csv crate, so
    // it must not be taken for the start of a quoted field when the file is split.
    let mut text = String::from(
        "Month,CustomerTenantId,CustomerName,ServiceName,PartnerAttributionType,ACR\n",
    );
    for r in 0..40_000 {
        let t = r % 50;
        let name = match t {
            0 => "Contoso 12\" Monitors".to_string(),
            1 => "\"Two\nlines\"".to_string(),
            _ => format!("\"Name, {t}\""),
        };
        text.push_str(&format!("2026-01,id-{t},{name},Key Vault,PAL,0.5\n"));
    }
    let dir = folder(&[("azure.csv", &text)]);
    let history = history_on_any_core_count(dir.path());
    // 800 rows of 0.50 USD per tenant.
    assert!(
        history.contains("\"Contoso 12\"\" Monitors\",2026-01,0,0,400,,PAL\n"),
        "{}",
        &history[..400]
    );
    assert!(history.contains("\"Two\nlines\",2026-01,0,0,400,,PAL\n"));
}

#[test]
fn the_first_error_in_a_big_download_is_told_on_any_core_count() {
    let mut text = String::from("Month,CustomerTenantId,ServiceName,PartnerAttributionType,ACR\n");
    for r in 0..60_000 {
        let acr = if r == 30_000 || r == 50_000 {
            "ten"
        } else {
            "1"
        };
        text.push_str(&format!("2026-01,id-{},Key Vault,PAL,{acr}\n", r % 100));
    }
    let dir = folder(&[("azure.csv", &text)]);
    for threads in ["1", "8"] {
        let err = failure(
            pcsim()
                .current_dir(dir.path())
                .env("RAYON_NUM_THREADS", threads)
                .args(["import", "--azure", "azure.csv", "--out", "out"]),
        );
        assert!(err.contains("azure.csv:30002:"), "{threads} threads: {err}");
    }
}

#[test]
fn more_bad_downloads() {
    let m365 = "Month,CustomerTenantId,WorkloadName,PaidAvailableUnits,MonthlyActiveUsers,PartnerAttributionType\n";
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        ("--azure", {
            let mut b = vec![0xFF, 0xFE];
            b.extend("Month,CustomerTenantId\n".encode_utf16().flat_map(u16::to_le_bytes));
            b
        }, ":1:", "saved as UTF-16"),
        ("--azure", Vec::new(), ":1:", "file is empty"),
        ("--m365", format!("{m365}2026-01,t1,Intune,5,1\n").into_bytes(), ":2:", "this row has 5 fields, the header has 6"),
        ("--m365", [m365.as_bytes(), b"2026-01,t\xE91,Intune,5,1,CPOR\n"].concat(), ":2:", "not valid UTF-8"),
        ("--m365", format!("{m365}2026-01,t1,Intune,2000000000,1,CPOR\n").into_bytes(), ":2:", "too large"),
        ("--m365", format!("{m365}2026-01,t1,Intune,5,1,CPOR\n2206-01,t1,Intune,5,1,CPOR\n").into_bytes(), "", "to 2206-01, over 20 years: is a month mistyped"),
        ("--training", b"Email,TrainingTitle,TrainingCompletionDate\nana@x,Exam SC-200: X,14/3/2025\nbo@x,Exam SC-200: X,3/14/2025\n".to_vec(), ":3:", "`14/3/2025` on line 2 is day first"),
        ("--training", b"FirstName,LastName,Email,TrainingTitle,TrainingCompletionDate\n,,,Exam SC-200: X,2025-01-01\n".to_vec(), ":2:", "names no one"),
        ("--training", b"Email,TrainingTitle,TrainingCompletionDate,ExpirationDate\nana@x,Exam SC-200: X,2025-05-01,2025-01-01\n".to_vec(), ":2:", "are the two date columns swapped"),
        ("--azure", b"Month;CustomerTenantId;ServiceName;PartnerAttributionType;ACR\n2026-01;t1;Key Vault;PAL;1.234\n".to_vec(), ":2:", "thousands separator: write the number without it, as in 1250,50"),
        ("--azure", b"Month,CustomerTenantId,ServiceName,PartnerAttributionType,ACR\n2026-01,t1,Key Vault,PAL,12x\n".to_vec(), ":2:", ": ACR `12x` is not a number"),
        ("--training", b"Email,TrainingTitle,CompletionDate\nana@x,Exam SC-200: X,2025-02-30\n".to_vec(), ":2:", ": CompletionDate: "),
        ("--azure", b"Month,TenantId,Service\n".to_vec(), ":1:", "no `ServiceName` (or `MeterCategory`) and no `PartnerAttributionType` (or `AttributionType`) and no `MonthlySubscriptionLevelACR`"),
    ];
    for (flag, bytes, line, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("in.csv"), &bytes).unwrap();
        let err = import_fails(dir.path(), &[flag, "in.csv", "--out", "out"]);
        assert!(
            err.contains(&format!("in.csv{line}")) || line.is_empty(),
            "{message}: {err}"
        );
        assert!(err.contains(message), "{message}: {err}");
        assert!(
            !dir.path().join("out").exists(),
            "{message}: nothing written"
        );
    }
    // A header without rows, or nothing that counts: no history, said plainly.
    for body in ["", "2026-01,t1,Exchange,50,40,CPOR\n"] {
        let dir = folder(&[("m.csv", &format!("{m365}{body}"))]);
        let text = import_in(dir.path(), &["--m365", "m.csv", "--out", "out"]);
        assert!(!dir.path().join("out/history.csv").exists(), "{text}");
        assert!(text.contains("warning: "), "{text}");
    }
}

#[test]
fn a_ruleset_from_before_usage_lists_still_loads() {
    // A custom ruleset written before `[usage]` existed, with its own association names:
    // the built-in aliases it cannot use are dropped, not blamed on its last line.
    let start = pcsim::rules::BUILT_IN
        .find("# ----------------------------------------------------------------- Partner Center")
        .or_else(|| pcsim::rules::BUILT_IN.find("[usage]"))
        .unwrap();
    let old = pcsim::rules::BUILT_IN[..start].replace("\"CSP Tier1\"", "\"CSP T1\"");
    let dir = folder(&[
        ("old.toml", &old),
        (
            "azure.csv",
            "Month,CustomerTenantId,ServiceName,PartnerAttributionType,ACR\n2026-01,t1,Key Vault,CSP T1,5\n2026-01,t2,Key Vault,PAL,5\n",
        ),
    ]);
    stdout(
        pcsim()
            .current_dir(dir.path())
            .args(["rules", "--check", "old.toml"]),
    );
    import_in(
        dir.path(),
        &[
            "--azure",
            "azure.csv",
            "--rules",
            "old.toml",
            "--out",
            "out",
        ],
    );
    assert_eq!(
        read_csv(&dir.path().join("out/history.csv")),
        "tenant,month,seats,active,acr,m365,azure\nt1,2026-01,0,0,5,,CSP T1\nt2,2026-01,0,0,5,,PAL\n"
    );
}

#[test]
fn the_ems_dataset_columns_are_read_too() {
    // Other names of the same values, in another order, tab-separated.
    let dir = folder(&[(
        "ems.tsv",
        "AttributionType\tActiveUsers\tPaidUnits\tWorkload\tCustomerId\tMonthStartDate\n\
         CSP Tier2\t20\t40\tIntune\tT-1\t2026-04-01\n\
         CSP Tier2\t30\t60\tAzure AD Premium P1\tT-1\t2026-04-01\n\
         CSP Tier2\t900\t1000\tExchange\tT-1\t2026-04-01\n",
    )]);
    import_in(dir.path(), &["--m365", "ems.tsv", "--out", "out"]);
    // Seats: the larger eligible workload (60); active users: both (20 + 30).
    assert_eq!(
        read_csv(&dir.path().join("out/history.csv")),
        "tenant,month,seats,active,acr,m365,azure\nT-1,2026-04,60,50,0,CSP Tier2,\n"
    );
}

#[test]
fn a_split_that_lands_on_a_line_break_inside_quotes_moves_past_it() {
    // Every row is 46 bytes with a line break inside its quoted name at byte 22; with an
    // odd number of rows, half the body (where one core's split falls) ends right on one
    // of those breaks.
    let header = "Month,CustomerTenantId,CustomerName,ServiceName,PartnerAttributionType,ACR\n";
    let row = "2026-01,t1,\"aaaaaaaaaa\nbbbbb\",Key Vault,PAL,1\n";
    assert_eq!((row.len(), row.find('\n')), (46, Some(22)));
    let rows = 60_001;
    let dir = folder(&[("azure.csv", &format!("{header}{}", row.repeat(rows)))]);
    assert_eq!(
        history_on_any_core_count(dir.path()),
        "tenant,month,seats,active,acr,m365,azure\n\"aaaaaaaaaa\nbbbbb\",2026-01,0,0,60001,,PAL\n"
    );
}

#[test]
fn the_reviews_training_cases() {
    // Ana's first row has her email only, a later one her name too, and a third her name
    // only: one person, shown by name. Bo's exam row has no expiry; his certification row
    // says it lapsed in 2024, and that stands. A year typed as 1026 is refused.
    let dir = folder(&[(
        "training.csv",
        "FirstName,LastName,Email,TrainingTitle,TrainingType,CompletionDate,ExpirationDate\n\
         ,,ana@x.example,Microsoft Certified: Azure Security Engineer Associate,Certification,2025-03-14,2027-03-14\n\
         Ana,Silva,ana@x.example,Exam SC-100: Microsoft Cybersecurity Architect,Exam,2025-05-01,\n\
         Ana,Silva,,Exam SC-200: Microsoft Security Operations Analyst,Exam,2025-06-02,\n\
         Bo,Lee,bo@x.example,Exam SC-200: Microsoft Security Operations Analyst,Exam,2023-01-05,\n\
         Bo,Lee,bo@x.example,Microsoft Certified: Security Operations Analyst Associate,Certification,2023-01-10,2024-01-10\n",
    )]);
    let (people, text) = people_of(dir.path());
    assert_eq!(
        people,
        "person,cert,passed,expires\n\
         Ana Silva,AZ-500,2025-03-14,\n\
         Ana Silva,SC-200,2025-06-02,\n\
         Ana Silva,SC-100,2025-05-01,\n\
         Bo Lee,SC-200,2023-01-05,2024-01-10\n",
        "{text}"
    );
    let dir = folder(&[(
        "azure.csv",
        "Month,CustomerTenantId,ServiceName,PartnerAttributionType,ACR\n1026-01-01,t1,Key Vault,PAL,5\n",
    )]);
    let err = import_fails(dir.path(), &["--azure", "azure.csv", "--out", "out"]);
    assert!(
        err.contains("azure.csv:2:") && err.contains("outside the years pcsim plans for"),
        "{err}"
    );
}

#[test]
fn an_old_history_left_in_the_folder_is_said_and_inputs_are_never_written_over() {
    let dir = folder(&[
        (
            "azure.csv",
            "Month,CustomerTenantId,ServiceName,PartnerAttributionType,ACR\n",
        ),
        (
            "out/history.csv",
            "tenant,month,seats,active,acr\nOld,2026-01,1,1,1\n",
        ),
        (
            "out/people.csv",
            "person,cert,passed\nAna,SC-200,2025-01-01\n",
        ),
    ]);
    let text = import_in(dir.path(), &["--azure", "azure.csv", "--out", "out"]);
    assert!(
        text.contains("history.csv is left as it was, from an earlier import"),
        "{text}"
    );
    // The people CSV given as a training download would be written over: nothing is.
    let training = "Email,TrainingTitle,TrainingCompletionDate\nana@x,Exam SC-200: X,2025-01-01\n";
    std::fs::write(dir.path().join("out/people.csv"), training).unwrap();
    let azure = "Month,CustomerTenantId,ServiceName,PartnerAttributionType,ACR\n2026-01,t1,Key Vault,PAL,5\n";
    std::fs::write(dir.path().join("azure.csv"), azure).unwrap();
    let out = pcsim()
        .current_dir(dir.path())
        .args([
            "import",
            "--azure",
            "azure.csv",
            "--training",
            "out/people.csv",
            "--out",
            "out",
        ])
        .assert()
        .code(3);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("one of the input files"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/history.csv")).unwrap(),
        "tenant,month,seats,active,acr\nOld,2026-01,1,1,1\n"
    );
}

#[test]
fn a_long_list_of_titles_left_out_shows_the_first_six() {
    // Eight exams the catalog does not hold, the first with three rows, the others one:
    // the summary names the six with the most rows (ties as first met) and counts the
    // rest; all ten rows (3 + 7) are counted.
    let mut text = String::from("Email,TrainingTitle,TrainingType,TrainingCompletionDate\n");
    for (k, rows) in [
        (1, 3),
        (2, 1),
        (3, 1),
        (4, 1),
        (5, 1),
        (6, 1),
        (7, 1),
        (8, 1),
    ] {
        for r in 0..rows {
            text.push_str(&format!(
                "p{r}@x,Exam XX-10{k}: Unknown,Certification,2025-01-01\n"
            ));
        }
    }
    let dir = folder(&[("training.csv", &text)]);
    let summary = import_in(dir.path(), &["--training", "training.csv", "--out", "out"]);
    let line = summary
        .lines()
        .find(|l| l.contains("not in the catalog"))
        .unwrap_or_else(|| panic!("{summary}"));
    assert!(line.contains(": 10 rows: "), "{line}");
    assert!(line.contains("\"Exam XX-101: Unknown\" 3, "), "{line}");
    assert!(line.ends_with("and 2 more"), "{line}");
    assert!(!line.contains("XX-108"), "{line}");
}

#[test]
fn an_as_of_day_outside_the_plannable_years_is_refused() {
    let dir = folder(&[(
        "training.csv",
        "Email,TrainingTitle,TrainingCompletionDate\nana@x,Exam SC-200: X,2025-01-01\n",
    )]);
    let err = usage_error(pcsim().current_dir(dir.path()).args([
        "import",
        "--training",
        "training.csv",
        "--as-of",
        "0001-01-01",
        "--out",
        "out",
    ]));
    assert!(
        err.contains("outside the years pcsim plans for, 1900 to 9999"),
        "{err}"
    );
    assert!(!dir.path().join("out").exists());
}
