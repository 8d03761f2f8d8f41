//! Excel in: history and people CSVs as Excel saves them (semicolons or tabs, a
//! byte-order mark, decimal commas, months re-saved as `Oct-26` or `10/2026`) read the
//! same as the plain file; a date that reads two ways is refused, saying how to write it.

use serde_json::Value;

use crate::support::{failure, folder, pcsim, stdout};

const SCENARIO: &str = "name = \"Plan\"\nstart = \"2027-01\"\nmonths = 12\nhistory = \"history.csv\"\n\
    people_csv = \"people.csv\"\n";

/// The plan run on these two CSVs, as JSON.
fn run(history: &[u8], people: &[u8]) -> Value {
    let dir = folder(&[("plan.toml", SCENARIO)]);
    std::fs::write(dir.path().join("history.csv"), history).unwrap();
    std::fs::write(dir.path().join("people.csv"), people).unwrap();
    serde_json::from_str(&stdout(
        pcsim()
            .arg("run")
            .arg(dir.path().join("plan.toml"))
            .args(["--format", "json"]),
    ))
    .unwrap()
}

/// Contoso's rows month by month, and two people.
const PLAIN: (&str, &str) = (
    "tenant,month,seats,active,acr\n\
     Contoso,2026-10,120,40,900.50\n\
     Contoso,2026-11,125,42,950\n\
     Contoso,2026-12,130,45,1000.25\n\
     Fabrikam,2026-12,40,20,15000\n",
    "person,cert,passed\nAna,SC-200,2026-05\nBen,SC-100,2026-03-14\n",
);

#[test]
fn semicolons_tabs_marks_and_re_saved_months_read_as_the_plain_file() {
    let plain = run(PLAIN.0.as_bytes(), PLAIN.1.as_bytes());
    assert!(plain["months"][0]["headline"].as_f64().unwrap() > 0.0);
    // European Excel: semicolons, decimal commas, a byte-order mark, months as Excel
    // shows them.
    let semicolons = "\u{feff}tenant;month;seats;active;acr\n\
        Contoso;Oct-26;120;40;900,50\n\
        Contoso;Nov 2026;125;42;950\n\
        Contoso;12/2026;130;45;1000,25\n\
        Fabrikam;2026-12-01;40;20;15000\n";
    let people = "\u{feff}person;cert;passed\nAna;SC-200;05/2026\nBen;SC-100;2026-03-14\n";
    let excel = run(semicolons.as_bytes(), people.as_bytes());
    assert_eq!(excel["months"], plain["months"]);
    // Tab-separated, with a day over 12 that reads only one way (31 October 2026).
    let tabs = "tenant\tmonth\tseats\tactive\tacr\n\
        Contoso\t31/10/2026\t120\t40\t900.50\n\
        Contoso\tNovember 2026\t125\t42\t950\n\
        Contoso\t2026/12\t130\t45\t1000.25\n\
        Fabrikam\tdec-26\t40\t20\t15000\n";
    let people = "person\tcert\tpassed\nAna\tSC-200\tMay-26\nBen\tSC-100\t2026-03-14\n";
    let excel = run(tabs.as_bytes(), people.as_bytes());
    assert_eq!(excel["months"], plain["months"]);
}

#[test]
fn a_date_that_reads_two_ways_is_refused_with_how_to_write_it() {
    let dir = folder(&[
        ("plan.toml", SCENARIO),
        (
            "history.csv",
            "tenant;month;seats;active;acr\nContoso;01/10/2026;120;40;900\n",
        ),
        ("people.csv", PLAIN.1),
    ]);
    let err = failure(pcsim().arg("run").arg(dir.path().join("plan.toml")));
    assert!(err.contains("history.csv:2:"), "{err}");
    assert!(
        err.contains("`01/10/2026` could be day 1 of month 10 or day 10 of month 1"),
        "{err}"
    );
    assert!(err.contains("write the month as YYYY-MM"), "{err}");
}
