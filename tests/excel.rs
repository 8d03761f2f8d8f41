//! Excel out: `-o FILE.xlsx` workbooks read back with calamine, the CSV file's byte-order
//! mark, and formats that contradict the output file's extension.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use serde_json::Value;

use crate::support::{folder, pcsim, stdout};

/// Runs `args` with `-o FILE` (FILE in a fresh folder) and opens the workbook it wrote.
fn workbook(args: &[&str]) -> Book {
    open_workbook_from_rs(Cursor::new(workbook_bytes(args)))
        .unwrap_or_else(|e| panic!("a workbook: {e}"))
}

/// The bytes of the workbook `args` with `-o FILE` write.
fn workbook_bytes(args: &[&str]) -> Vec<u8> {
    let dir = folder(&[]);
    let file = dir.path().join("out.xlsx");
    pcsim()
        .args(args)
        .arg("-o")
        .arg(&file)
        .assert()
        .success()
        .stdout("")
        .stderr("");
    std::fs::read(&file).unwrap()
}

type Book = Xlsx<Cursor<Vec<u8>>>;

fn sheet(book: &mut Book, name: &str) -> Range<Data> {
    book.worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
}

fn header(sheet: &Range<Data>) -> Vec<String> {
    sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect()
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_str(&stdout(pcsim().args(&all))).unwrap()
}

/// The sheet holds what the command's CSV holds, cell by cell: the same header, and each
/// number a real number (not text) equal to the CSV's, each flag a boolean.
fn same_as_csv(sheet: &Range<Data>, args: &[&str]) {
    let mut all = args.to_vec();
    all.extend(["--format", "csv"]);
    let text = stdout(pcsim().args(&all));
    let mut csv = csv::Reader::from_reader(text.as_bytes());
    let csv_header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header(sheet)[..csv_header.len()], csv_header[..]);
    let records: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    let rows: Vec<&[Data]> = sheet.rows().skip(1).collect();
    assert_eq!(rows.len(), records.len(), "a row per CSV line");
    let mut numbers = 0;
    for (row, record) in rows.iter().zip(&records) {
        for (cell, text) in row.iter().zip(record) {
            match cell {
                Data::Float(f) => {
                    numbers += 1;
                    let want: f64 = text.parse().unwrap_or_else(|_| panic!("{text} a number"));
                    assert!((f - want).abs() < 1e-9, "{f} against the CSV's {text}");
                }
                Data::Bool(b) => assert_eq!(b.to_string(), text),
                Data::Empty => assert_eq!(text, ""),
                Data::String(s) => assert_eq!(s, text),
                other => panic!("unexpected cell {other:?}"),
            }
        }
    }
    assert!(numbers > 0, "numbers are cells of numbers, not text");
}

#[test]
fn run_writes_months_summary_and_a_chart_as_numbers() {
    let args = ["run", "scenarios/smb-push.toml"];
    let mut book = workbook(&args);
    let doc = json(&args);
    let names = book.sheet_names();
    assert_eq!(names[..3], ["Months", "Chart", "Summary"], "{names:?}");
    let designation = !doc["summary"]["designation"].as_array().unwrap().is_empty();
    assert_eq!(names.contains(&"Designation".to_string()), designation);

    let months = sheet(&mut book, "Months");
    same_as_csv(&months, &args);
    assert_eq!(header(&months).last().unwrap(), "qualifying_total");
    let smb_total = header(&months)
        .iter()
        .position(|h| h == "smb_total")
        .unwrap();
    let row = months
        .rows()
        .find(|r| r[0] == Data::String("2027-01".into()))
        .expect("2027-01 is projected");
    let wanted = doc["months"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["month"] == "2027-01")
        .unwrap()["smb"]["total"]
        .as_f64()
        .unwrap();
    assert_eq!(row[smb_total], Data::Float(wanted));
    assert_eq!(
        *row.last().unwrap(),
        Data::Float(70.0),
        "the qualifying line"
    );

    let summary = sheet(&mut book, "Summary");
    let value = |item: &str| {
        summary
            .rows()
            .find(|r| r[0] == Data::String(item.into()))
            .unwrap_or_else(|| panic!("{item} in the summary"))[1]
            .clone()
    };
    assert_eq!(
        value("months_qualified"),
        Data::Float(doc["summary"]["months_qualified"].as_f64().unwrap())
    );
    assert_eq!(
        value("first_qualified_smb").to_string(),
        doc["first_qualified"]["smb"].as_str().unwrap_or("never")
    );
    if designation {
        let events = sheet(&mut book, "Designation");
        assert_eq!(
            header(&events)[..3],
            ["month", "step", "fee_usd"].map(String::from)
        );
        let first = &doc["summary"]["designation"][0];
        let row = events.rows().nth(1).unwrap();
        assert_eq!(row[0].to_string(), first["month"].as_str().unwrap());
        assert_eq!(row[2], Data::Float(first["fee_usd"].as_f64().unwrap()));
    }
}

#[test]
fn run_writes_the_warnings_ahead() {
    let args = ["run", "scenarios/baseline.toml"];
    let mut book = workbook(&args);
    let doc = json(&args);
    let warnings = &doc["summary"]["warnings"];
    let ending = sheet(&mut book, "Certifications ending");
    let first = &warnings["certifications"][0];
    let row = ending.rows().nth(1).unwrap();
    assert_eq!(row[0], first["month"].as_str().unwrap());
    assert_eq!(row[1], first["ending"][0]["person"].as_str().unwrap());
    assert_eq!(
        row[7],
        Data::Float(first["points_lost"]["smb"].as_f64().unwrap())
    );
    let people: usize = warnings["certifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["ending"].as_array().unwrap().len())
        .sum();
    assert_eq!(ending.rows().count() - 1, people);
    let ageing = sheet(&mut book, "Ageing out");
    assert_eq!(
        ageing.rows().count() - 1,
        warnings["ageing_out"].as_array().unwrap().len()
    );
    let row = ageing.rows().nth(1).unwrap();
    assert_eq!(
        row[4],
        Data::Float(warnings["ageing_out"][0]["units"].as_f64().unwrap())
    );
}

#[test]
fn the_run_chart_is_a_native_line_chart_and_headers_stay_in_view() {
    let args = ["run", "scenarios/smb-push.toml"];
    let bytes = workbook_bytes(&args);
    let months = sheet(&mut workbook(&args), "Months");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/charts/chart1.xml").unwrap(), &mut xml)
        .unwrap();
    assert!(xml.contains("<c:lineChart>"), "{xml}");
    assert_eq!(xml.matches("<c:ser>").count(), 3, "two paths and the line");
    // Each series reads its column of Months, every projected month, so that editing a
    // cell moves the line.
    let last = months.rows().count();
    let column = |name: &str| {
        let i = header(&months).iter().position(|h| h == name).unwrap();
        (b'A' + i as u8) as char
    };
    for name in ["month", "enterprise_total", "smb_total", "qualifying_total"] {
        let c = column(name);
        let range = format!("Months!${c}$2:${c}${last}");
        assert!(xml.contains(&range), "{range} in {xml}");
    }
    for name in ["Enterprise", "SMB", "Qualifying (70)"] {
        assert!(
            xml.contains(&format!("<c:v>{name}</c:v>")),
            "{name} in {xml}"
        );
    }
}

#[test]
fn compare_writes_plans_and_odds() {
    let args = [
        "compare",
        "scenarios/baseline.toml",
        "scenarios/smb-push.toml",
        "--odds",
    ];
    let mut book = workbook(&args);
    assert_eq!(book.sheet_names(), ["Plans", "Odds"]);
    same_as_csv(&sheet(&mut book, "Plans"), &args);
    let odds = sheet(&mut book, "Odds");
    assert_eq!(header(&odds), ["month", "Baseline", "SMB push"]);
    let doc = json(&args);
    let first = &doc["plans"][1]["odds"]["p_first_qualified_by"][0];
    let row = odds
        .rows()
        .find(|r| r[0] == first["month"].as_str().unwrap())
        .unwrap();
    assert_eq!(row[2], Data::Float(first["p"].as_f64().unwrap()));
}

#[test]
fn explain_writes_paths_people_and_tenants() {
    let args = ["explain", "scenarios/smb-push.toml", "--month", "2027-03"];
    let mut book = workbook(&args);
    assert_eq!(book.sheet_names(), ["Paths", "People", "Tenants"]);
    same_as_csv(&sheet(&mut book, "Tenants"), &args);
    let paths = sheet(&mut book, "Paths");
    assert_eq!(
        header(&paths),
        ["path", "metric", "points", "points_year_ago"]
    );
    let doc = json(&args);
    let smb_total = paths
        .rows()
        .find(|r| r[0] == "SMB" && r[1] == "total")
        .unwrap();
    assert_eq!(
        smb_total[2],
        Data::Float(doc["paths"]["smb"]["total"].as_f64().unwrap())
    );
}

#[test]
fn odds_writes_months_and_events() {
    let args = ["odds", "scenarios/smb-push.toml"];
    let mut book = workbook(&args);
    let names = book.sheet_names();
    assert_eq!(names[..2], ["Months", "Events"], "{names:?}");
    same_as_csv(&sheet(&mut book, "Months"), &args);
    let doc = json(&args);
    let events = sheet(&mut book, "Events");
    assert_eq!(
        events.rows().count() - 1,
        doc["events"].as_array().unwrap().len()
    );
}

#[test]
fn a_csv_file_starts_with_a_byte_order_mark_for_excel() {
    let dir = folder(&[]);
    let file = dir.path().join("months.csv");
    // The extension picks CSV; the screen gets none of it.
    pcsim()
        .args(["run", "scenarios/smb-push.toml", "-o"])
        .arg(&file)
        .assert()
        .success()
        .stdout("");
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(bytes[..3], [0xEF, 0xBB, 0xBF]);
    let on_screen = stdout(pcsim().args(["run", "scenarios/smb-push.toml", "--format", "csv"]));
    assert!(
        !on_screen.starts_with('\u{FEFF}'),
        "standard output has no mark"
    );
    assert_eq!(&bytes[3..], on_screen.as_bytes());
}

#[test]
fn the_extension_picks_the_format() {
    let dir = folder(&[]);
    let (json, txt) = (dir.path().join("a.json"), dir.path().join("a.txt"));
    pcsim()
        .args(["run", "scenarios/baseline.toml", "-o"])
        .arg(&json)
        .assert()
        .success();
    let doc = stdout(pcsim().args(["run", "scenarios/baseline.toml", "--format", "json"]));
    assert_eq!(std::fs::read_to_string(&json).unwrap(), doc);
    // Any other extension takes any text format, the table by default.
    pcsim()
        .args(["run", "scenarios/baseline.toml", "-f", "json", "-o"])
        .arg(&txt)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&txt).unwrap(), doc);
}

/// The command fails as a command-line error (exit code 2) with `message`, and writes
/// no file.
fn refused(args: &[&str], file: &str, message: &str) {
    let dir = folder(&[]);
    let mut command = pcsim();
    command.args(args);
    if !file.is_empty() {
        command.arg("-o").arg(dir.path().join(file));
    }
    let out = command
        .assert()
        .code(2)
        .stdout("")
        .get_output()
        .stderr
        .clone();
    let text = String::from_utf8(out).unwrap();
    let text = text.replace(&format!("{}/", dir.path().display()), "");
    assert_eq!(text, format!("error: {message}\n"));
    assert!(
        !Path::new(&dir.path().join(file)).is_file(),
        "nothing written"
    );
}

#[test]
fn a_format_that_contradicts_the_extension_is_refused() {
    let cases: [(&str, &str, &str); 6] = [
        (
            "run scenarios/baseline.toml --format json",
            "x.csv",
            "--format json does not match -o x.csv: a .csv file gets CSV. Leave out --format to write CSV, or name the file x.json",
        ),
        (
            "odds scenarios/baseline.toml --format csv",
            "x.xlsx",
            "--format csv does not match -o x.xlsx: a .xlsx file gets an Excel workbook. Leave out --format to write an Excel workbook, or name the file x.csv",
        ),
        (
            "compare scenarios/baseline.toml scenarios/smb-push.toml -f table",
            "x.json",
            "--format table does not match -o x.json: a .json file gets JSON. Leave out --format to write JSON, or name the file x.txt",
        ),
        (
            "explain scenarios/baseline.toml --month 2027-01 -f xlsx",
            "x.txt",
            "--format xlsx writes an Excel workbook, which needs a .xlsx file: -o x.xlsx",
        ),
        (
            "run scenarios/baseline.toml --format xlsx",
            "",
            "an Excel workbook needs a file: -o FILE.xlsx",
        ),
        (
            "seek scenarios/options.toml --renew 2028-01",
            "x.xlsx",
            "pcsim seek writes no Excel workbook: -o FILE.csv opens in Excel",
        ),
    ];
    for (args, file, message) in cases {
        let args: Vec<&str> = args.split(' ').collect();
        refused(&args, file, message);
    }
}
