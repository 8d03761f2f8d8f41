//! Bad input: one clear message and a non-zero exit.
//!
//! Every test runs the real binary in a temporary folder and checks the whole contract:
//! the exit code (1 invalid input, 2 bad command line, 3 an output that cannot be
//! written), nothing on standard output, a standard error that starts with `error: `,
//! names the file and the exact `line:column` where the place is known, says what is
//! wrong in plain words, and never a panic.

use assert_cmd::Command;
use assert_cmd::assert::Assert;
use predicates::prelude::*;
use tempfile::TempDir;

use crate::support::folder;

/// Runs `pcsim ARGS` inside `dir`.
fn pcsim(dir: &TempDir, args: &[&str]) -> Assert {
    Command::cargo_bin("pcsim")
        .expect("the pcsim binary is built")
        .current_dir(dir.path())
        .env("RUST_BACKTRACE", "0")
        .args(args)
        .assert()
}

/// Asserts that `pcsim ARGS` fails with `code`, prints nothing on standard output, and
/// prints one message starting with `error: ` + `at` (e.g. `plan.toml:4:9: `) that
/// contains each of `words`. Returns standard error.
#[track_caller]
fn fails(dir: &TempDir, args: &[&str], code: i32, at: &str, words: &[&str]) -> String {
    let assert = pcsim(dir, args)
        .stderr(predicate::str::contains("panicked").not())
        .stderr(predicate::str::contains("RUST_BACKTRACE").not())
        .code(code)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::starts_with(format!("error: {at}")));
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    for w in words {
        assert!(
            stderr.contains(w),
            "standard error should contain {w:?}:\n{stderr}"
        );
    }
    stderr
}

/// A scenario `plan.toml` with this text fails both `run` and `check` with the same message.
#[track_caller]
fn bad_scenario(toml: &str, at: &str, words: &[&str]) -> String {
    bad_files(&[("plan.toml", toml)], at, words)
}

/// `plan.toml` among these files fails both `run` and `check` with the same message.
#[track_caller]
fn bad_files(files: &[(&str, &str)], at: &str, words: &[&str]) -> String {
    let dir = folder(files);
    let run = fails(&dir, &["run", "plan.toml"], 1, at, words);
    let check = fails(&dir, &["check", "plan.toml"], 1, at, words);
    assert_eq!(run, check, "run and check report the same problem");
    run
}

/// Standard error shows the offending line under the position, as a compiler does.
#[track_caller]
fn shows_line(stderr: &str, numbered_line: &str) {
    assert!(
        stderr.lines().any(|l| l == numbered_line),
        "standard error should quote the line {numbered_line:?}:\n{stderr}"
    );
}

// ------------------------------------------------------------------ TOML shape

#[test]
fn toml_syntax_error_points_at_the_spot() {
    let e = bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\nmonths = [\n",
        "plan.toml:3:11: ",
        &["unclosed array", "]"],
    );
    shows_line(&e, "3 | months = [");
}

#[test]
fn unquoted_month_is_a_syntax_error_at_the_value() {
    bad_scenario(
        "name = \"Plan\"\nstart = 2027-03\n",
        "plan.toml:2:9: ",
        &["a month is written in quotes: \"2027-03\""],
    );
}

#[test]
fn unknown_top_level_key_names_it_and_the_known_ones() {
    let e = bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\nstrat = \"2027-02\"\n",
        "plan.toml:3:1: ",
        &["unknown field `strat`", "`start`", "`months`"],
    );
    shows_line(&e, "3 | strat = \"2027-02\"");
}

#[test]
fn unknown_key_in_a_tenant() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\nseat = 3\n",
        "plan.toml:6:1: ",
        &["unknown field `seat`", "`seats`"],
    );
}

#[test]
fn unknown_key_in_a_certification() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[people]]\nname = \"Ana\"\n\
         certs = [{ cert = \"SC-200\", passed = \"2025-01\", renw = false }]\n",
        "plan.toml:6:49: ",
        &["unknown field `renw`", "`renew`"],
    );
}

#[test]
fn unknown_key_in_a_change() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\n\n\
         [[changes]]\ntenant = \"A\"\nmonth = \"2027-02\"\nseat = 4\n",
        "plan.toml:10:1: ",
        &["unknown field `seat`", "`seats`"],
    );
}

#[test]
fn missing_name_is_reported_in_the_file() {
    bad_scenario("start = \"2027-01\"\n", "plan.toml:1:1: ", &["`name`"]);
}

#[test]
fn a_change_without_a_month_is_reported_at_its_table() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\n\n\
         [[changes]]\ntenant = \"A\"\nseats = 5\n",
        "plan.toml:7:1: ",
        &["`month` is missing here: add month = …"],
    );
}

// ------------------------------------------------------------------ months and dates

#[test]
fn month_thirteen_is_not_a_month() {
    let e = bad_scenario(
        "name = \"Plan\"\nstart = \"2027-13\"\n",
        "plan.toml:2:9: ",
        &["`2027-13` is not a month: the month number runs from 01 to 12"],
    );
    shows_line(&e, "2 | start = \"2027-13\"");
    shows_line(&e, "  |         ^^^^^^^^^");
}

#[test]
fn a_month_needs_two_digits() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-3\"\n",
        "plan.toml:2:9: ",
        &["`2027-3` is not a month", "YYYY-MM"],
    );
}

#[test]
fn an_impossible_month_in_a_tenant() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\nsince = \"2027-00\"\n",
        "plan.toml:6:9: ",
        &["`2027-00` is not a month"],
    );
}

#[test]
fn february_thirtieth_is_not_a_date() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[people]]\nname = \"Ana\"\n\
         certs = [{ cert = \"SC-200\", passed = \"2027-02-30\" }]\n",
        "plan.toml:6:38: ",
        &["`2027-02-30` is not a date or a month", "\"2027-03-15\""],
    );
}

#[test]
fn february_thirtieth_unquoted_is_not_a_date_either() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[people]]\nname = \"Ana\"\n\
         certs = [{ cert = \"SC-200\", passed = 2027-02-30 }]\n",
        "plan.toml:6:38: ",
        &["a date is written in quotes, as \"2027-02-30\" (a real day), or a month as \"2027-02\""],
    );
}

#[test]
fn tenant_until_before_since() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\n\
         since = \"2027-05\"\nuntil = \"2027-02\"\n",
        "plan.toml:7:9: ",
        &["until (2027-02) is before since (2027-05)"],
    );
}

#[test]
fn unquoted_date_for_a_month_is_explained_in_plain_words() {
    let e = bad_scenario(
        "name = \"Plan\"\nstart = 2027-03-01\n",
        "plan.toml:2:9: ",
        &["\"2027-03\""],
    );
    assert!(!e.contains("map"), "{e}");
}

// ------------------------------------------------------------------ certifications

#[test]
fn unknown_certification_lists_the_known_ones() {
    let e = bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[people]]\nname = \"Ana\"\n\
         certs = [{ cert = \"SC-999\", passed = \"2025-01\" }]\n",
        "plan.toml:6:19: ",
        &[
            "unknown certification \"SC-999\"",
            "SC-200",
            "SC-401",
            "AZ-500",
            "Cloud and AI Security Engineer Associate",
        ],
    );
    shows_line(&e, "  |                   ^^^^^^^^");
}

#[test]
fn retired_certification_passed_after_retirement_names_the_replacement() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[people]]\nname = \"Ana\"\n\
         certs = [{ cert = \"SC-400\", passed = \"2027-01\" }]\n",
        "plan.toml:6:19: ",
        &[
            "SC-400",
            "retired on 2025-05-31",
            "2027-01",
            "SC-401 replaces it",
        ],
    );
}

#[test]
fn expiry_before_passing_points_at_expires() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[people]]\nname = \"Ana\"\n\
         certs = [{ cert = \"SC-200\", passed = \"2027-05\", expires = \"2027-01-31\" }]\n",
        "plan.toml:6:59: ",
        &["expires (2027-01-31) on or before the day it is passed (2027-05)"],
    );
}

#[test]
fn renew_false_and_expires_together_are_refused() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[people]]\nname = \"Ana\"\n\
         certs = [{ cert = \"SC-200\", passed = \"2027-05\", renew = false, expires = \"2028-01-31\" }]\n",
        "plan.toml:6:57: ",
        &["`renew = false` or `expires`, not both"],
    );
}

#[test]
fn certification_probability_above_one() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[people]]\nname = \"Ana\"\n\
         certs = [{ cert = \"SC-200\", passed = \"2027-02\", probability = 1.5 }]\n",
        "plan.toml:6:63: ",
        &["probability must be between 0 and 1, not 1.5"],
    );
}

// ------------------------------------------------------------------ changes

const FABRIKAM: &str =
    "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"Fabrikam\"\nseats = 10\n\n";

fn with_fabrikam(rest: &str) -> String {
    format!("{FABRIKAM}{rest}")
}

#[test]
fn change_naming_an_unknown_tenant() {
    let e = bad_scenario(
        &with_fabrikam("[[changes]]\ntenant = \"Contoso\"\nmonth = \"2027-02\"\nseats = 5\n"),
        "plan.toml:9:10: ",
        &["no tenant or group is named \"Contoso\""],
    );
    assert!(!e.contains("did you mean"), "{e}");
}

#[test]
fn change_naming_a_tenant_in_the_wrong_case_suggests_the_right_one() {
    bad_scenario(
        &with_fabrikam("[[changes]]\ntenant = \"fabrikam\"\nmonth = \"2027-02\"\nseats = 5\n"),
        "plan.toml:9:10: ",
        &[
            "no tenant or group is named \"fabrikam\"",
            "did you mean \"Fabrikam\"?",
        ],
    );
}

#[test]
fn non_ascii_text_before_the_error_counts_columns_in_characters() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\ntenants = [{ name = \"Zoë\", seats = -1 }]\n",
        "plan.toml:3:36: ",
        &["must not be negative, not -1"],
    );
}

#[test]
fn change_that_changes_nothing() {
    bad_scenario(
        &with_fabrikam("[[changes]]\ntenant = \"Fabrikam\"\nmonth = \"2027-02\"\n"),
        "plan.toml:9:10: ",
        &["changes nothing", "seats, active, acr, m365 or azure"],
    );
}

#[test]
fn until_on_a_change_that_does_not_recur() {
    bad_scenario(
        &with_fabrikam(
            "[[changes]]\ntenant = \"Fabrikam\"\nmonth = \"2027-02\"\nuntil = \"2027-06\"\nseats = \"+5\"\n",
        ),
        "plan.toml:11:9: ",
        &["`until` ends a recurring change", "\"+N/month\""],
    );
}

#[test]
fn until_before_the_change_month() {
    bad_scenario(
        &with_fabrikam(
            "[[changes]]\ntenant = \"Fabrikam\"\nmonth = \"2027-02\"\nuntil = \"2027-01\"\nacr = \"+1%/month\"\n",
        ),
        "plan.toml:11:9: ",
        &["until (2027-01) is before month (2027-02)"],
    );
}

#[test]
fn change_value_that_is_not_a_number() {
    bad_scenario(
        &with_fabrikam(
            "[[changes]]\ntenant = \"Fabrikam\"\nmonth = \"2027-02\"\nseats = \"+ten\"\n",
        ),
        "plan.toml:11:9: ",
        &[
            "`+ten` is not a change",
            "\"+N\"",
            "\"+N%\"",
            "\"+N/month\"",
        ],
    );
}

#[test]
fn percent_change_without_a_sign() {
    bad_scenario(
        &with_fabrikam("[[changes]]\ntenant = \"Fabrikam\"\nmonth = \"2027-02\"\nacr = \"10%\"\n"),
        "plan.toml:11:7: ",
        &["`10%`", "needs a sign", "\"+10%\" or \"-10%\""],
    );
}

#[test]
fn taking_away_everything_is_refused() {
    bad_scenario(
        &with_fabrikam(
            "[[changes]]\ntenant = \"Fabrikam\"\nmonth = \"2027-02\"\nacr = \"-100%\"\n",
        ),
        "plan.toml:11:7: ",
        &["cannot take away 100% or more"],
    );
}

#[test]
fn negative_level_in_a_change_says_how_to_subtract() {
    bad_scenario(
        &with_fabrikam("[[changes]]\ntenant = \"Fabrikam\"\nmonth = \"2027-02\"\nseats = -5\n"),
        "plan.toml:11:9: ",
        &["must not be negative", "\"-5\" in quotes"],
    );
}

#[test]
fn change_value_of_the_wrong_type() {
    bad_scenario(
        &with_fabrikam("[[changes]]\ntenant = \"Fabrikam\"\nmonth = \"2027-02\"\nseats = true\n"),
        "plan.toml:11:9: ",
        &["a number (the new level)", "\"+N\""],
    );
}

#[test]
fn change_with_an_unknown_association() {
    bad_scenario(
        &with_fabrikam("[[changes]]\ntenant = \"*\"\nmonth = \"2027-02\"\nazure = \"DPOR\"\n"),
        "plan.toml:11:9: ",
        &[
            "unknown Azure association \"DPOR\"",
            "PAL, CSP Tier1, CSP Tier2, none",
        ],
    );
}

// ------------------------------------------------------------------ numbers out of range

#[test]
fn negative_seats() {
    let e = bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\nseats = -3\n",
        "plan.toml:6:9: ",
        &["must not be negative, not -3"],
    );
    shows_line(&e, "6 | seats = -3");
}

#[test]
fn tenant_probability_above_one() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\nprobability = 1.5\n",
        "plan.toml:6:15: ",
        &["probability must be between 0 and 1, not 1.5"],
    );
}

#[test]
fn tenant_probability_below_zero() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\nprobability = -0.1\n",
        "plan.toml:6:15: ",
        &["probability must be between 0 and 1, not -0.1"],
    );
}

#[test]
fn months_above_120() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\nmonths = 121\n",
        "plan.toml:3:10: ",
        &["months must be between 1 and 120, not 121"],
    );
}

#[test]
fn months_zero() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\nmonths = 0\n",
        "plan.toml:3:10: ",
        &["months must be between 1 and 120, not 0"],
    );
}

#[test]
fn count_zero() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\nsince = \"2027-01\"\ncount = 0\n",
        "plan.toml:7:9: ",
        &["count must be between 1 and 10000, not 0"],
    );
}

#[test]
fn count_a_million() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\nsince = \"2027-01\"\ncount = 1000000\n",
        "plan.toml:7:9: ",
        &["count must be between 1 and 10000, not 1000000"],
    );
}

#[test]
fn every_without_count() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\nsince = \"2027-01\"\nevery = 2\n",
        "plan.toml:7:9: ",
        &["`every` spaces out the wins of a group", "give `count` too"],
    );
}

#[test]
fn every_negative() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\nsince = \"2027-05\"\ncount = 2\nevery = -1\n",
        "plan.toml:8:9: ",
        &["every must be between 0 and 120 months, not -1"],
    );
}

#[test]
fn a_group_spaced_out_needs_since() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\ncount = 2\nevery = 3\n",
        "plan.toml:5:8: ",
        &["needs a `since` month"],
    );
}

#[test]
fn a_group_member_won_after_until() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\nsince = \"2027-05\"\n\
         until = \"2027-08\"\ncount = 3\nevery = 2\n",
        "plan.toml:5:8: ",
        &["member \"A 3\" would be won in 2027-09, after its `until` (2027-08)"],
    );
}

#[test]
fn fractional_months_are_explained_in_plain_words() {
    let e = bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\nmonths = 12.5\n",
        "plan.toml:3:10: ",
        &["whole number"],
    );
    assert!(!e.contains("i64"), "{e}");
}

#[test]
fn words_for_a_number_are_explained_in_plain_words() {
    let e = bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\nseats = \"ten\"\n",
        "plan.toml:6:9: ",
        &["number"],
    );
    assert!(!e.contains("Decimal type"), "{e}");
}

#[test]
fn single_brackets_for_tenants_are_explained_in_plain_words() {
    let e = bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[tenants]\nname = \"A\"\n",
        "plan.toml:4:1: ",
        &["[[tenants]]"],
    );
    assert!(!e.contains("sequence"), "{e}");
}

#[test]
fn seats_too_large_point_at_the_value() {
    let e = bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\nseats = 4294967296\n",
        "plan.toml:6:9: ",
        &["seats"],
    );
    assert!(!e.contains("2023"), "{e}");
}

#[test]
fn huge_acr_is_an_error_not_a_panic() {
    let dir = folder(&[(
        "plan.toml",
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\nacr = 8000000000000000\n",
    )]);
    fails(
        &dir,
        &["run", "plan.toml"],
        1,
        "plan.toml:6:7: ",
        &["too large"],
    );
}

#[test]
fn huge_acr_change_is_an_error_not_a_panic() {
    let dir = folder(&[(
        "plan.toml",
        &with_fabrikam(
            "[[changes]]\ntenant = \"Fabrikam\"\nmonth = \"2027-01\"\nacr = \"+79228162514264337593543950335\"\n",
        ),
    )]);
    fails(
        &dir,
        &["run", "plan.toml"],
        1,
        "plan.toml:11:7: ",
        &["too large"],
    );
}

// ------------------------------------------------------------------ associations

#[test]
fn unknown_m365_association_lists_the_known_ones() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\nm365 = \"CSP Tier9\"\n",
        "plan.toml:6:8: ",
        &[
            "unknown M365 association \"CSP Tier9\"",
            "CPOR, CSP Tier1, CSP Tier2, DPOR, none",
        ],
    );
}

#[test]
fn an_m365_only_association_on_azure() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\nazure = \"DPOR\"\n",
        "plan.toml:6:9: ",
        &[
            "unknown Azure association \"DPOR\"",
            "PAL, CSP Tier1, CSP Tier2, none",
        ],
    );
}

// ------------------------------------------------------------------ names

#[test]
fn duplicate_tenant_names_in_one_file() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\nseats = 5\n\n\
         [[tenants]]\nname = \"A\"\nseats = 6\n",
        "plan.toml:9:8: ",
        &["already a tenant named \"A\""],
    );
}

#[test]
fn duplicate_person_names_in_one_file() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[people]]\nname = \"Ana\"\n\n[[people]]\nname = \"Ana\"\n",
        "plan.toml:8:8: ",
        &["already a person named \"Ana\""],
    );
}

#[test]
fn a_tenant_named_like_a_group_member_declared_before_it() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"SMB win\"\nsince = \"2027-01\"\n\
         count = 3\n\n[[tenants]]\nname = \"SMB win 2\"\nseats = 5\n",
        "plan.toml:10:8: ",
        &["\"SMB win 2\" is used twice"],
    );
}

#[test]
fn a_group_whose_member_collides_with_an_earlier_tenant() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"SMB win 2\"\nseats = 5\n\n\
         [[tenants]]\nname = \"SMB win\"\nsince = \"2027-01\"\ncount = 3\n",
        "plan.toml:9:8: ",
        &["\"SMB win 2\" is used twice"],
    );
}

#[test]
fn a_declared_tenant_that_is_also_in_the_history() {
    bad_files(
        &[
            (
                "plan.toml",
                "name = \"Plan\"\nstart = \"2027-01\"\nhistory = \"tenants.csv\"\n\n[[tenants]]\nname = \"A\"\n",
            ),
            (
                "tenants.csv",
                "tenant,month,seats,active,acr\nA,2026-01,1,1,1\n",
            ),
        ],
        "plan.toml:6:8: ",
        &["\"A\" is also in the history CSV", "[[changes]]"],
    );
}

// ------------------------------------------------------------------ start and files

#[test]
fn missing_start_anywhere_in_the_chain() {
    bad_files(
        &[
            (
                "base.toml",
                "name = \"Base\"\n\n[[tenants]]\nname = \"A\"\nseats = 1\n",
            ),
            ("plan.toml", "name = \"Plan\"\nextends = \"base.toml\"\n"),
        ],
        "plan.toml: ",
        &["no `start` month", "start = \"2027-01\""],
    );
}

#[test]
fn missing_scenario_file() {
    let dir = folder(&[]);
    for cmd in ["run", "check"] {
        fails(
            &dir,
            &[cmd, "nothere.toml"],
            1,
            "",
            &["cannot read scenario nothere.toml", "no such file"],
        );
    }
}

#[test]
fn a_folder_given_as_scenario() {
    let dir = folder(&[("plans/keep.txt", "")]);
    fails(
        &dir,
        &["run", "plans"],
        1,
        "",
        &["plans is a folder, not a scenario file"],
    );
}

#[test]
fn extends_a_missing_file_points_at_the_extends_line() {
    let e = bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\nextends = \"base.toml\"\n",
        "plan.toml:3:11: ",
        &["extends base.toml, which does not exist"],
    );
    shows_line(&e, "3 | extends = \"base.toml\"");
}

#[test]
fn extends_a_missing_file_deeper_in_the_chain_points_into_that_file() {
    bad_files(
        &[
            ("plan.toml", "name = \"Plan\"\nextends = \"base/b.toml\"\n"),
            (
                "base/b.toml",
                "name = \"B\"\nstart = \"2027-01\"\nextends = \"root.toml\"\n",
            ),
        ],
        "base/b.toml:3:11: ",
        &["extends base/root.toml, which does not exist"],
    );
}

#[test]
fn extends_cycle_names_both_files() {
    bad_files(
        &[
            (
                "plan.toml",
                "name = \"A\"\nextends = \"b.toml\"\nstart = \"2027-01\"\n",
            ),
            ("b.toml", "name = \"B\"\nextends = \"plan.toml\"\n"),
        ],
        "",
        &[
            "`extends` goes round in a cycle",
            "plan.toml -> b.toml -> plan.toml",
        ],
    );
}

#[test]
fn extends_itself() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\nextends = \"plan.toml\"\n",
        "",
        &["`extends` goes round in a cycle", "plan.toml -> plan.toml"],
    );
}

#[test]
fn an_error_in_the_child_names_the_child() {
    bad_files(
        &[
            (
                "base.toml",
                "name = \"Base\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\nseats = 1\n",
            ),
            (
                "plan.toml",
                "name = \"Plan\"\nextends = \"base.toml\"\n\n[[changes]]\ntenant = \"B\"\nmonth = \"2027-02\"\nseats = 3\n",
            ),
        ],
        "plan.toml:5:10: ",
        &["no tenant or group is named \"B\""],
    );
}

#[test]
fn a_value_error_in_the_child_names_the_child() {
    bad_files(
        &[
            ("base.toml", "name = \"Base\"\nstart = \"2027-01\"\n"),
            (
                "plan.toml",
                "name = \"Plan\"\nextends = \"base.toml\"\nstart = \"2027-13\"\n",
            ),
        ],
        "plan.toml:3:9: ",
        &["`2027-13` is not a month"],
    );
}

#[test]
fn a_value_error_in_the_parent_names_the_parent() {
    bad_files(
        &[
            (
                "base.toml",
                "name = \"Base\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"A\"\nseats = -1\n",
            ),
            ("plan.toml", "name = \"Plan\"\nextends = \"base.toml\"\n"),
        ],
        "base.toml:6:9: ",
        &["must not be negative, not -1"],
    );
}

#[test]
fn a_lookup_error_in_a_parent_in_another_folder_names_that_file() {
    bad_files(
        &[
            (
                "base/root.toml",
                "name = \"Root\"\nstart = \"2027-01\"\n\n[[people]]\nname = \"Ana\"\n\
                 certs = [{ cert = \"SC-999\", passed = \"2025-01\" }]\n",
            ),
            ("base/b.toml", "name = \"B\"\nextends = \"root.toml\"\n"),
            ("plan.toml", "name = \"Plan\"\nextends = \"base/b.toml\"\n"),
        ],
        "base/root.toml:6:19: ",
        &["unknown certification \"SC-999\""],
    );
}

#[test]
fn a_tenant_group_in_the_child_colliding_with_a_parent_tenant_names_the_child() {
    bad_files(
        &[
            (
                "base.toml",
                "name = \"Base\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"SMB win 2\"\nseats = 1\n",
            ),
            (
                "plan.toml",
                "name = \"Plan\"\nextends = \"base.toml\"\n\n[[tenants]]\nname = \"SMB win\"\nsince = \"2027-01\"\ncount = 3\n",
            ),
        ],
        "plan.toml:5:8: ",
        &["\"SMB win 2\" is used twice"],
    );
}

// ------------------------------------------------------------------ history CSV

const WITH_HISTORY: &str = "name = \"Plan\"\nstart = \"2027-01\"\nhistory = \"tenants.csv\"\n";

/// `plan.toml` reading `tenants.csv` with this text fails with a message at `at`.
#[track_caller]
fn bad_history(csv: &str, at: &str, words: &[&str]) -> String {
    bad_files(
        &[("plan.toml", WITH_HISTORY), ("tenants.csv", csv)],
        at,
        words,
    )
}

#[test]
fn missing_history_points_at_the_setting() {
    let e = bad_scenario(
        WITH_HISTORY,
        "plan.toml:3:11: ",
        &["the history tenants.csv does not exist"],
    );
    shows_line(&e, "3 | history = \"tenants.csv\"");
}

#[test]
fn missing_history_of_a_parent_points_at_the_parent_setting() {
    bad_files(
        &[
            (
                "base/root.toml",
                "name = \"Root\"\nstart = \"2027-01\"\nhistory = \"h.csv\"\n",
            ),
            (
                "plan.toml",
                "name = \"Plan\"\nextends = \"base/root.toml\"\n",
            ),
        ],
        "base/root.toml:3:11: ",
        &["the history base/h.csv does not exist"],
    );
}

#[test]
fn history_with_a_wrong_header() {
    bad_history(
        "tenant,month,seat,active,acr\nA,2026-01,1,1,1\n",
        "tenants.csv:1:1: ",
        &[
            "the header must be `tenant,month,seats,active,acr`",
            "not `tenant,month,seat,active,acr`",
        ],
    );
}

#[test]
fn history_with_m365_but_no_azure_column() {
    bad_history(
        "tenant,month,seats,active,acr,m365\nA,2026-01,1,1,1,CPOR\n",
        "tenants.csv:1:1: ",
        &["`m365` without `azure`"],
    );
}

#[test]
fn history_row_of_one_field_says_what_to_write() {
    bad_history(
        "tenant,month,seats,active,acr\nA,2026-01,1,1,1\nB 2026-01 1 1 1\n",
        "tenants.csv:3:1: ",
        &["this row has 1 field, the header has 5: give one value per column"],
    );
}

#[test]
fn history_row_with_too_few_fields() {
    bad_history(
        "tenant,month,seats,active,acr\nA,2026-01,1,1,1\nB,2026-01,1,1\n",
        "tenants.csv:3:1: ",
        &["this row has 4 fields, the header has 5"],
    );
}

#[test]
fn history_row_with_seats_that_are_not_a_number() {
    bad_history(
        "tenant,month,seats,active,acr\nA,2026-01,1,1,1\nB,2026-01,many,1,1\n",
        "tenants.csv:3:1: ",
        &["seats `many` is not a number"],
    );
}

#[test]
fn history_row_with_a_bad_month() {
    bad_history(
        "tenant,month,seats,active,acr\nA,2026-01,1,1,1\nB,2026-13,1,1,1\n",
        "tenants.csv:3:1: ",
        &["`2026-13` is not a month"],
    );
}

#[test]
fn history_row_with_negative_acr() {
    bad_history(
        "tenant,month,seats,active,acr\nA,2026-01,1,1,1\nB,2026-02,1,1,-5\n",
        "tenants.csv:3:1: ",
        &["acr must not be negative, not -5"],
    );
}

#[test]
fn history_row_with_an_empty_tenant_name() {
    bad_history(
        "tenant,month,seats,active,acr\nA,2026-01,1,1,1\n,2026-02,1,1,5\n",
        "tenants.csv:3:1: ",
        &["the tenant name is empty"],
    );
}

#[test]
fn history_with_two_rows_for_one_tenant_and_month_names_both_lines() {
    bad_history(
        "tenant,month,seats,active,acr\nA,2026-01,1,1,1\nB,2026-02,1,1,5\nA,2026-01,2,2,2\n",
        "tenants.csv:4:1: ",
        &[
            "tenant \"A\" has a second row for 2026-01",
            "the first is on line 2",
        ],
    );
}

#[test]
fn history_with_an_unknown_m365_association() {
    bad_history(
        "tenant,month,seats,active,acr,m365,azure\nA,2026-01,1,1,1,CSP Tier1,PAL\nB,2026-02,1,1,5,CSP Tier9,\n",
        "tenants.csv:3:1: ",
        &[
            "m365 `CSP Tier9` is not an association",
            "CPOR, CSP Tier1, CSP Tier2, DPOR, none",
        ],
    );
}

#[test]
fn history_row_after_a_multi_line_quoted_field_counts_physical_lines() {
    bad_history(
        "tenant,month,seats,active,acr\nA,2026-01,1,1,1\n\"B\nC\",2026-02,1,1,5\nD,2026-02,x,1,5\n",
        "tenants.csv:5:1: ",
        &["seats `x` is not a number"],
    );
}

#[test]
fn history_that_is_not_utf8() {
    let dir = folder(&[("plan.toml", WITH_HISTORY)]);
    std::fs::write(
        dir.path().join("tenants.csv"),
        b"tenant,month,seats,active,acr\nA,2026-01,1,1,1\nB,2026-02,1,\xff,5\n",
    )
    .unwrap();
    fails(
        &dir,
        &["run", "plan.toml"],
        1,
        "tenants.csv:3:1: ",
        &["not valid UTF-8"],
    );
}

#[test]
fn history_with_no_rows() {
    bad_history(
        "tenant,month,seats,active,acr\n",
        "tenants.csv: ",
        &["a header but no rows"],
    );
}

#[test]
fn history_with_windows_line_endings_reports_the_right_line() {
    bad_history(
        "tenant,month,seats,active,acr\r\nA,2026-01,1,1,1\r\nA,2026-02,1,1,1\r\nA,2026-03,1,1,1\r\nB,2026-02,x,1,5\r\n",
        "tenants.csv:5:1: ",
        &["seats `x` is not a number"],
    );
}

#[test]
fn history_with_blank_lines_reports_the_right_line() {
    bad_history(
        "tenant,month,seats,active,acr\nA,2026-01,1,1,1\n\n\nB,2026-02,x,1,5\n",
        "tenants.csv:5:1: ",
        &["seats `x` is not a number"],
    );
}

#[test]
fn history_with_an_enormous_acr_is_an_error_not_a_panic() {
    bad_history(
        "tenant,month,seats,active,acr\nA,2026-01,1,1,79228162514264337593543950335\n",
        "tenants.csv:2:1: ",
        &["acr", "too large"],
    );
}

// ------------------------------------------------------------------ people CSV

const WITH_PEOPLE: &str = "name = \"Plan\"\nstart = \"2027-01\"\npeople_csv = \"people.csv\"\n";

#[track_caller]
fn bad_people(csv: &str, at: &str, words: &[&str]) -> String {
    bad_files(
        &[("plan.toml", WITH_PEOPLE), ("people.csv", csv)],
        at,
        words,
    )
}

#[test]
fn missing_people_csv_points_at_the_setting() {
    bad_scenario(
        WITH_PEOPLE,
        "plan.toml:3:14: ",
        &["the people CSV people.csv does not exist"],
    );
}

#[test]
fn people_csv_with_a_wrong_header() {
    bad_people(
        "person,cert\nAna,SC-200\n",
        "people.csv:1:1: ",
        &[
            "the header must be `person,cert,passed`",
            "not `person,cert`",
        ],
    );
}

#[test]
fn people_csv_row_with_an_impossible_date() {
    bad_people(
        "person,cert,passed\nAna,SC-200,2025-04-10\nBen,SC-300,2025-02-30\n",
        "people.csv:3:1: ",
        &["`2025-02-30` is not a date or a month"],
    );
}

#[test]
fn people_csv_row_with_an_unknown_certification() {
    bad_people(
        "person,cert,passed\nAna,SC-200,2025-04-10\nBen,XX-123,2025-02-03\n",
        "people.csv:3:1: ",
        &[
            "unknown certification \"XX-123\"",
            "SC-200",
            "Cloud and AI Security Engineer Associate",
        ],
    );
}

#[test]
fn people_csv_row_with_a_retired_certification() {
    bad_people(
        "person,cert,passed,expires\nAna,SC-400,2027-04-10,\n",
        "people.csv:2:1: ",
        &["retired on 2025-05-31", "SC-401 replaces it"],
    );
}

#[test]
fn people_csv_row_expiring_before_it_is_passed() {
    bad_people(
        "person,cert,passed,expires\nAna,SC-200,2025-04-10,2024-01\n",
        "people.csv:2:1: ",
        &["expires (2024-01) on or before the day it is passed (2025-04-10)"],
    );
}

#[test]
fn people_csv_row_with_an_empty_person() {
    bad_people(
        "person,cert,passed\n,SC-200,2025-01\n",
        "people.csv:2:1: ",
        &["person and cert must not be empty"],
    );
}

#[test]
fn people_csv_row_with_too_many_fields() {
    bad_people(
        "person,cert,passed\nAna,SC-200,2025-01,extra\n",
        "people.csv:2:1: ",
        &["this row has 4 fields, the header has 3"],
    );
}

// ------------------------------------------------------------------ rulesets

/// A complete, valid ruleset, laid out so that the lines the tests break are known.
const RULES: &str = r#"name = "Test rules"
designation = "Solutions Partner for Security"
qualifying_total = 70
annual_fee_usd = 4730

[windows]
enrol_months = 6
renew_months = 6

[associations]
m365_counting = ["CPOR", "CSP Tier1", "CSP Tier2"]
m365_other = ["DPOR", "none"]
azure_counting = ["PAL", "CSP Tier1", "CSP Tier2"]
azure_other = ["none"]

[[certifications]]
code = "SC-200"
name = "Security Operations Analyst Associate"
step = 1

[[certifications]]
code = "SC-300"
name = "Identity and Access Administrator"
step = 2

[[certifications]]
code = "SC-100"
name = "Cybersecurity Architect Expert"
step = 3

[paths.enterprise]
name = "Enterprise"
bands = { m365_seats = { above = 300 }, azure_net_customer_adds = { at_least = 600 }, azure_deployments = { above = 12000 }, azure_usage_growth = { above = 12000 } }
net_customer_adds = { max_points = 20, units_for_max = 10 }
certifications = { max_points = 40, required = [{ step = 1, min_people = 2, points = 0 }, { step = 2, min_people = 2, points = 0 }], scoring = { step = 3, max_points = 40, units_for_max = 6 } }
usage_growth = { max_points = 20, azure_usd_per_point = 1250, m365_users_per_point = 125 }
deployments = { max_points = 20, units_for_max = 6, m365_min_active_share = 0.15 }

[paths.smb]
name = "SMB"
keeps_tenants_grown_into = "enterprise"
bands = { m365_seats = { at_least = 5, at_most = 300 }, azure_net_customer_adds = { at_least = 600 }, azure_deployments = { at_least = 750, at_most = 12000 }, azure_usage_growth = { above = 0, at_most = 12000 } }
net_customer_adds = { max_points = 20, units_for_max = 5 }
certifications = { max_points = 40, required = [{ step = 1, min_people = 1, points = 4 }, { step = 2, min_people = 1, points = 4 }], scoring = { step = 3, max_points = 32, units_for_max = 4 } }
usage_growth = { max_points = 20, azure_usd_per_point = 750, m365_users_per_point = 50 }
deployments = { max_points = 20, units_for_max = 6, m365_min_active_share = 0.15 }
"#;

const WITH_RULES: &str = "name = \"Plan\"\nstart = \"2027-01\"\nrules = \"my-rules.toml\"\n";

/// `RULES` with `from` replaced by `to` (which must occur exactly once).
fn broken_rules(from: &str, to: &str) -> String {
    assert_eq!(RULES.matches(from).count(), 1, "{from:?} occurs once");
    RULES.replace(from, to)
}

/// A broken `my-rules.toml` fails `rules --check`, and `run`/`check` of a scenario naming
/// it, with the same message.
#[track_caller]
fn bad_rules(rules: &str, at: &str, words: &[&str]) {
    let dir = folder(&[("plan.toml", WITH_RULES), ("my-rules.toml", rules)]);
    let checked = fails(&dir, &["rules", "--check", "my-rules.toml"], 1, at, words);
    let run = fails(&dir, &["run", "plan.toml"], 1, at, words);
    assert_eq!(checked, run);
    let check = fails(&dir, &["check", "plan.toml"], 1, at, words);
    assert_eq!(checked, check);
}

#[test]
fn the_test_ruleset_is_valid() {
    let dir = folder(&[("plan.toml", WITH_RULES), ("my-rules.toml", RULES)]);
    pcsim(&dir, &["rules", "--check", "my-rules.toml"])
        .success()
        .stdout(predicate::str::contains("a valid ruleset"));
    pcsim(&dir, &["run", "plan.toml"]).success();
}

#[test]
fn ruleset_with_an_unknown_key() {
    bad_rules(
        &broken_rules("annual_fee_usd = 4730", "annual_fee = 4730"),
        "my-rules.toml:4:1: ",
        &["unknown field `annual_fee`", "`annual_fee_usd`"],
    );
}

#[test]
fn ruleset_with_units_for_max_zero() {
    bad_rules(
        &broken_rules("units_for_max = 10 }", "units_for_max = 0 }"),
        "my-rules.toml:34:56: ",
        &["must be a whole number of at least 1, not 0"],
    );
}

/// Found by the fuzz test: `enrol_months = 1000000001` made the simulator allocate facts
/// for a billion months before `start` (an abort: "memory allocation of 28000001652 bytes
/// failed") instead of an error.
#[test]
fn ruleset_with_a_window_longer_than_a_year() {
    bad_rules(
        &broken_rules("enrol_months = 6", "enrol_months = 1000000001"),
        "my-rules.toml:7:16: ",
        &["must be a whole number of months from 1 to 12, not 1000000001"],
    );
}

/// Found by the fuzz test: a step below a cent made the usage points overflow Decimal
/// (a panic, "Division overflowed") instead of an error.
#[test]
fn ruleset_with_usd_per_point_below_a_cent() {
    bad_rules(
        &broken_rules(
            "azure_usd_per_point = 750",
            "azure_usd_per_point = 0.0000000000000000000000000001",
        ),
        "my-rules.toml:45:57: ",
        &["must be at least 0.01 (one cent), not 0.0000000000000000000000000001"],
    );
}

#[test]
fn ruleset_band_with_above_and_at_least() {
    bad_rules(
        &broken_rules(
            "bands = { m365_seats = { above = 300 }",
            "bands = { m365_seats = { above = 300, at_least = 301 }",
        ),
        "my-rules.toml:33:24: ",
        &["give `above` or `at_least`, not both"],
    );
}

#[test]
fn ruleset_step_that_no_certification_is_on() {
    bad_rules(
        &broken_rules(
            "scoring = { step = 3, max_points = 40",
            "scoring = { step = 4, max_points = 40",
        ),
        "my-rules.toml:35:153: ",
        &["no certification in the catalog is on step 4"],
    );
}

#[test]
fn ruleset_replacement_that_is_not_in_the_catalog() {
    bad_rules(
        &broken_rules(
            "name = \"Cybersecurity Architect Expert\"\nstep = 3\n",
            "name = \"Cybersecurity Architect Expert\"\nstep = 3\nretired = \"2026-01\"\nreplaced_by = \"SC-999\"\n",
        ),
        "my-rules.toml:31:15: ",
        &["`SC-999` is not in the certification catalog"],
    );
}

#[test]
fn ruleset_with_a_certification_listed_twice_points_at_the_second() {
    bad_rules(
        &broken_rules("code = \"SC-300\"", "code = \"SC-200\""),
        "my-rules.toml:22:8: ",
        &["`SC-200` is listed twice"],
    );
}

#[test]
fn missing_ruleset_named_by_the_scenario_points_at_the_setting() {
    let dir = folder(&[("plan.toml", WITH_RULES)]);
    for cmd in ["run", "check"] {
        fails(
            &dir,
            &[cmd, "plan.toml"],
            1,
            "plan.toml:3:9: ",
            &["the ruleset my-rules.toml does not exist"],
        );
    }
}

#[test]
fn missing_ruleset_file() {
    let dir = folder(&[("plan.toml", "name = \"Plan\"\nstart = \"2027-01\"\n")]);
    fails(
        &dir,
        &["rules", "--check", "nope.toml"],
        1,
        "",
        &["cannot read ruleset nope.toml", "no such file"],
    );
    fails(
        &dir,
        &["run", "plan.toml", "--rules", "nope.toml"],
        1,
        "",
        &["cannot read ruleset nope.toml", "no such file"],
    );
}

// ------------------------------------------------------------------ command line and output

const GOOD: &str = "name = \"Plan\"\nstart = \"2027-01\"\n";

#[test]
fn unknown_format_is_a_command_line_error() {
    let dir = folder(&[("plan.toml", GOOD)]);
    fails(
        &dir,
        &["run", "plan.toml", "--format", "yaml"],
        2,
        "",
        &["'yaml'", "--format", "table, json, csv"],
    );
}

#[test]
fn missing_scenario_argument_is_a_command_line_error() {
    let dir = folder(&[]);
    fails(&dir, &["run"], 2, "", &["<FILE>"]);
}

#[test]
fn unknown_command_is_a_command_line_error() {
    let dir = folder(&[]);
    fails(&dir, &["frobnicate"], 2, "", &["'frobnicate'"]);
}

#[test]
fn output_into_a_missing_folder() {
    let dir = folder(&[("plan.toml", GOOD)]);
    fails(
        &dir,
        &[
            "run",
            "plan.toml",
            "-o",
            "missing-dir/out.json",
            "--format",
            "json",
        ],
        3,
        "cannot write missing-dir/out.json: ",
        &["the folder missing-dir does not exist"],
    );
    assert!(!dir.path().join("missing-dir").exists());
}

#[test]
fn output_onto_a_folder() {
    let dir = folder(&[("plan.toml", GOOD), ("out/keep.txt", "")]);
    fails(
        &dir,
        &["run", "plan.toml", "-o", "out"],
        3,
        "cannot write out: ",
        &["it is a folder"],
    );
}

/// Files in `dir` and their contents, to show that a refused write left everything as it was.
fn snapshot(dir: &TempDir) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn output_over_the_scenario_itself_is_refused() {
    let dir = folder(&[("plan.toml", GOOD)]);
    let before = snapshot(&dir);
    for target in ["plan.toml", "./plan.toml"] {
        fails(
            &dir,
            &["run", "plan.toml", "-o", target],
            3,
            &format!("cannot write {target}: "),
            &["it is one of the input files", "choose another output name"],
        );
        assert_eq!(
            snapshot(&dir),
            before,
            "nothing written, nothing left behind"
        );
    }
}

#[test]
fn output_over_the_parent_scenario_is_refused() {
    let dir = folder(&[
        ("base.toml", GOOD),
        ("plan.toml", "name = \"Plan\"\nextends = \"base.toml\"\n"),
    ]);
    let before = snapshot(&dir);
    fails(
        &dir,
        &["run", "plan.toml", "-o", "base.toml"],
        3,
        "cannot write base.toml: ",
        &["it is one of the input files"],
    );
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn output_over_the_rules_option_file_is_refused() {
    let dir = folder(&[("plan.toml", GOOD), ("my-rules.toml", RULES)]);
    let before = snapshot(&dir);
    fails(
        &dir,
        &[
            "run",
            "plan.toml",
            "--rules",
            "my-rules.toml",
            "-o",
            "my-rules.toml",
        ],
        3,
        "cannot write my-rules.toml: ",
        &["it is one of the input files"],
    );
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn output_over_the_history_csv_is_refused() {
    let dir = folder(&[
        ("plan.toml", WITH_HISTORY),
        (
            "tenants.csv",
            "tenant,month,seats,active,acr\nA,2026-01,10,5,100\n",
        ),
    ]);
    let before = snapshot(&dir);
    fails(
        &dir,
        &["run", "plan.toml", "-o", "tenants.csv"],
        3,
        "cannot write tenants.csv: ",
        &["it is one of the input files"],
    );
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn output_over_the_people_csv_is_refused() {
    let dir = folder(&[
        ("plan.toml", WITH_PEOPLE),
        ("people.csv", "person,cert,passed\nAna,SC-200,2025-01\n"),
    ]);
    let before = snapshot(&dir);
    fails(
        &dir,
        &["run", "plan.toml", "-o", "people.csv"],
        3,
        "cannot write people.csv: ",
        &["it is one of the input files"],
    );
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn output_over_the_scenario_ruleset_is_refused() {
    let dir = folder(&[("plan.toml", WITH_RULES), ("my-rules.toml", RULES)]);
    let before = snapshot(&dir);
    fails(
        &dir,
        &["run", "plan.toml", "-o", "my-rules.toml"],
        3,
        "cannot write my-rules.toml: ",
        &["it is one of the input files"],
    );
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn a_failed_run_writes_no_output_file() {
    let dir = folder(&[("plan.toml", "name = \"Plan\"\nstart = \"2027-13\"\n")]);
    fails(
        &dir,
        &["run", "plan.toml", "-o", "out.json", "--format", "json"],
        1,
        "plan.toml:2:9: ",
        &["is not a month"],
    );
    assert!(!dir.path().join("out.json").exists());
}

#[test]
fn a_tenant_cannot_be_called_star() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n\n[[tenants]]\nname = \"*\"\n",
        "plan.toml:5:8: ",
        &["every tenant", "another name"],
    );
}

#[test]
fn a_group_cannot_share_its_name_with_an_imported_tenant() {
    bad_files(
        &[
            (
                "plan.toml",
                "name = \"Plan\"\nstart = \"2027-01\"\nhistory = \"tenants.csv\"\n\n[[tenants]]\nname = \"A\"\ncount = 2\n",
            ),
            (
                "tenants.csv",
                "tenant,month,seats,active,acr\nA,2026-01,10,5,0\n",
            ),
        ],
        "plan.toml:6:8: ",
        &["group name \"A\"", "history CSV"],
    );
}

#[test]
fn a_projection_past_9999_is_refused() {
    let e = bad_scenario(
        "name = \"Plan\"\nstart = \"9999-12\"\nmonths = 2\n",
        "plan.toml: ",
        &["past 9999-12"],
    );
    assert!(!e.contains("10000"), "{e}");
}

// ------------------------------------------------------------------ slips of hand-typed TOML

#[test]
fn unquoted_text_says_to_quote_it() {
    bad_scenario(
        "name = Fabrikam\nstart = \"2027-01\"\n",
        "plan.toml:1:8: ",
        &["text is written in quotes: \"Fabrikam\""],
    );
}

#[test]
fn curly_quotes_pasted_from_word_say_to_use_straight_ones() {
    bad_scenario(
        "name = “Fabrikam”\nstart = \"2027-01\"\n",
        "plan.toml:1:8: ",
        &["curly quotes", "write straight quotes, as \"Fabrikam\""],
    );
}

#[test]
fn a_certification_written_as_bare_text_shows_the_table_to_write() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"2027-01\"\n[[people]]\nname = \"Ana\"\ncerts = [\"SC-200\"]\n",
        "plan.toml:5:10: ",
        &["{ cert = \"SC-200\", passed = \"2026-05\" }, not \"SC-200\""],
    );
}

#[test]
fn an_empty_file_says_what_a_scenario_needs() {
    bad_scenario(
        "",
        "plan.toml:1:1: ",
        &[
            "the file is empty",
            "name = \"…\" and start = \"YYYY-MM\"",
            "pcsim init",
        ],
    );
}

#[test]
fn a_year_out_of_range_is_named_as_such() {
    bad_scenario(
        "name = \"Plan\"\nstart = \"1800-01\"\n",
        "plan.toml:2:9: ",
        &["`1800-01` is outside the years pcsim plans for, 1900 to 9999"],
    );
}

#[test]
fn files_not_in_utf8_say_how_to_save_them() {
    let dir = folder(&[]);
    // UTF-16 as Windows' "Unicode" writes it: a byte-order mark, two bytes a letter.
    let mut utf16 = vec![0xFF, 0xFE];
    for c in "name = \"Plan\"\nstart = \"2027-01\"\n".encode_utf16() {
        utf16.extend(c.to_le_bytes());
    }
    std::fs::write(dir.path().join("plan.toml"), &utf16).unwrap();
    fails(
        &dir,
        &["check", "plan.toml"],
        1,
        "cannot read scenario plan.toml: ",
        &["saved as UTF-16", "save it as UTF-8"],
    );
    // Windows-1252: "Café" with é as the single byte 0xE9.
    std::fs::write(
        dir.path().join("plan.toml"),
        b"name = \"Caf\xe9\"\nstart = \"2027-01\"\n",
    )
    .unwrap();
    fails(
        &dir,
        &["check", "plan.toml"],
        1,
        "cannot read scenario plan.toml: ",
        &[
            "the byte 0xE9 at line 1, column 12",
            "save the file as UTF-8",
        ],
    );
    // A UTF-8 byte-order mark, as Notepad writes it, is fine.
    std::fs::write(
        dir.path().join("plan.toml"),
        "\u{feff}name = \"Café\"\nstart = \"2027-01\"\n",
    )
    .unwrap();
    pcsim(&dir, &["check", "plan.toml"]).success();
}

#[test]
fn a_scenario_given_as_the_ruleset_and_a_ruleset_as_the_scenario_are_named() {
    let dir = folder(&[
        (
            "plan.toml",
            "name = \"Plan\"\nstart = \"2027-01\"\n[[changes]]\ntenant = \"*\"\nmonth = \"2027-02\"\nseats = \"+1\"\n",
        ),
        ("rules.toml", pcsim::rules::BUILT_IN),
    ]);
    fails(
        &dir,
        &["run", "plan.toml", "--rules", "plan.toml"],
        1,
        "plan.toml looks like a scenario, not a ruleset",
        &["--rules takes a ruleset"],
    );
    fails(
        &dir,
        &["run", "rules.toml"],
        1,
        "rules.toml looks like a ruleset, not a scenario",
        &["give it with --rules"],
    );
}

// ------------------------------------------------------------------ warnings: valid, but likely slips

/// Runs `check` on these files: it succeeds, with these warnings on standard error.
#[track_caller]
fn warns(files: &[(&str, &str)], args: &[&str], words: &[&str]) -> String {
    let dir = folder(files);
    let out = pcsim(&dir, args).success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    for w in words {
        assert!(
            stderr.contains(w),
            "standard error should contain {w:?}:\n{stderr}"
        );
    }
    assert!(stderr.starts_with("warning: "), "{stderr}");
    stderr
}

#[test]
fn a_change_setting_a_sliver_of_the_level_warns_it_may_mean_a_percentage() {
    warns(
        &[(
            "plan.toml",
            "name = \"Plan\"\nstart = \"2027-01\"\n[[tenants]]\nname = \"Contoso\"\nseats = 100\nacr = 900\n\
             [[changes]]\ntenant = \"Contoso\"\nmonth = \"2027-03\"\nacr = 0.03\n",
        )],
        &["check", "plan.toml"],
        &[
            "warning: plan.toml:8:10: this change sets Contoso's acr to 0.03 from 900 USD a month",
            "write acr = \"+3%\"",
        ],
    );
}

#[test]
fn wins_after_the_horizon_warn_that_they_never_count() {
    // Ten members a decade apart from 2027-01: one falls in the 24 months, nine after.
    warns(
        &[(
            "plan.toml",
            "name = \"Plan\"\nstart = \"2027-01\"\n[[tenants]]\nname = \"Wins\"\ncount = 10\nevery = 120\n\
             since = \"2027-01\"\nseats = 50\n",
        )],
        &["check", "plan.toml"],
        &[
            "\"Wins\": 9 tenants are won from 2037-01 to 2117-01, after the projection ends (2028-12)",
        ],
    );
}

#[test]
fn a_ruleset_no_path_can_qualify_under_is_refused_and_one_path_short_warns() {
    let dir = folder(&[(
        "rules.toml",
        &pcsim::rules::BUILT_IN.replace("qualifying_total = 70 ", "qualifying_total = 170 "),
    )]);
    fails(
        &dir,
        &["rules", "--check", "rules.toml"],
        1,
        "rules.toml:",
        &["qualifying_total is 170, but no path earns more than 100"],
    );
    let dir = folder(&[(
        "rules.toml",
        &pcsim::rules::BUILT_IN.replace("qualifying_total = 70 ", "qualifying_total = 0 "),
    )]);
    fails(
        &dir,
        &["rules", "--check", "rules.toml"],
        1,
        "rules.toml:",
        &["qualifying_total is 0: it must be at least 1"],
    );
    // SMB's certifications capped at 9 points: 20 + 9 + 20 + 20 = 69, short of 70.
    let short = pcsim::rules::BUILT_IN.replacen(
        "[paths.smb.certifications]\nmax_points = 40",
        "[paths.smb.certifications]\nmax_points = 9",
        1,
    );
    assert_ne!(short, pcsim::rules::BUILT_IN);
    warns(
        &[("rules.toml", &short)],
        &["rules", "--check", "rules.toml"],
        &["the SMB path earns at most 69 points, below the qualifying total of 70"],
    );
}

#[test]
fn an_unquoted_date_with_a_letter_beyond_ascii_is_an_error_not_a_panic() {
    // The slip wording reads the month's first seven bytes: they must be characters.
    bad_scenario(
        "name = \"Plan\"\nstart = 2027-1é34\n",
        "plan.toml:2:9: ",
        &["expected"],
    );
}
