//! Named causes in `run`: each drop below the line and each large setback names the
//! tenants and people behind it, and the warnings list what stops counting within the
//! horizon. Every scenario is built by hand; every expected value is worked out from
//! RULES.md in the comments, never read off the program.

use chrono::NaiveDate;
use pcsim::explain::AgeingOut;
use pcsim::month::Month;
use pcsim::rules::PathId;
use pcsim::score::Metric;
use pcsim::simulate::{Cause, Drop, Projection};
use rust_decimal::Decimal;

use crate::support::project;

const ENT: PathId = PathId::Enterprise;
const SMB: PathId = PathId::Smb;
const NCA: Metric = Metric::NetCustomerAdds;
const CERTS: Metric = Metric::IntermediateCertifications;
const USAGE: Metric = Metric::UsageGrowth;
const DEPLOY: Metric = Metric::Deployments;

fn month(text: &str) -> Month {
    text.parse().unwrap()
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// Scenario text projecting `months` months from `start`.
fn plan(start: &str, months: u32, body: &str) -> String {
    format!("name = \"t\"\nstart = \"{start}\"\nmonths = {months}\n{body}")
}

/// SMB certifications worth 32 (RULES.md §5): step 1 (Ana) 4 + step 2 (Ana) 4 + three
/// step-3 people (Ana, Ben, Cara) 3 x 8 = 24. Enterprise: one step-1 person is fewer
/// than two, so 0. Nothing ends: every certification is renewed and none is retired.
pub const CERTS_32: &str = "\
[[people]]
name = \"Ana\"
certs = [{ cert = \"Cloud and AI Security Engineer Associate\", passed = \"2025-01\" }, { cert = \"SC-200\", passed = \"2025-01\" }, { cert = \"SC-100\", passed = \"2025-01\" }]
[[people]]
name = \"Ben\"
certs = [{ cert = \"SC-300\", passed = \"2025-01\" }]
[[people]]
name = \"Cara\"
certs = [{ cert = \"SC-401\", passed = \"2025-01\" }]
";

/// Projects 2027-06 ..= 2027-11 with people only (no tenant: no path qualifies).
/// - Ana: AZ-500 (step 1, retired 2026-08-31: counts through 2027-08-31), SC-200, SC-100.
/// - Ben: Cloud and AI Security Engineer Associate (step 1), SC-200 not renewed, passed
///   2026-12-05 (counts through 2027-12-04, after the horizon), SC-300.
/// - Cara: SC-401 not renewed, passed 2026-07-01 (counts through 2027-06-30).
pub fn az500_scenario() -> String {
    plan(
        "2027-06",
        6,
        "[[people]]\nname = \"Ana\"\ncerts = [{ cert = \"AZ-500\", passed = \"2025-01\" }, { cert = \"SC-200\", passed = \"2025-01\" }, { cert = \"SC-100\", passed = \"2025-01\" }]\n\
         [[people]]\nname = \"Ben\"\ncerts = [{ cert = \"Cloud and AI Security Engineer Associate\", passed = \"2025-01\" }, { cert = \"SC-200\", passed = \"2026-12-05\", renew = false }, { cert = \"SC-300\", passed = \"2025-01\" }]\n\
         [[people]]\nname = \"Cara\"\ncerts = [{ cert = \"SC-401\", passed = \"2026-07-01\", renew = false }]\n",
    )
}

fn only_drop(p: &Projection) -> &Drop {
    assert_eq!(
        p.summary.drops.len(),
        1,
        "one drop expected: {:#?}",
        p.summary.drops
    );
    &p.summary.drops[0]
}

fn cause(d: &Drop, metric: Metric) -> &Cause {
    d.causes
        .iter()
        .find(|c| c.metric == metric)
        .unwrap_or_else(|| panic!("no {metric:?} cause in {d:#?}"))
}

fn metrics(d: &Drop) -> Vec<Metric> {
    d.causes.iter().map(|c| c.metric).collect()
}

fn who(c: &Cause) -> Vec<&str> {
    c.who.iter().map(|n| n.name.as_str()).collect()
}

fn points(c: &Cause) -> (Decimal, Decimal) {
    (c.points_before, c.points_after)
}

/// `count` SMB wins of 2026-09 named "Fresh 1", "Fresh 2", … (50 seats, 20 active: 40% of
/// seats, so each is an M365 customer and an M365 deployment on SMB, RULES.md §3, §6;
/// they age out in 2027-09, after every horizon used here), and an old customer "Base"
/// (200 seats, SMB) whose protected users rose from 40 to 200 in 2026-09 (40 of 200 is
/// 20%: a deployment all along).
fn fresh_and_base(count: u32) -> String {
    format!(
        "[[tenants]]\nname = \"Fresh\"\ncount = {count}\nsince = \"2026-09\"\nseats = 50\nactive = 20\n\
         [[tenants]]\nname = \"Base\"\nseats = 200\nactive = 40\n\
         [[changes]]\ntenant = \"Base\"\nmonth = \"2026-09\"\nactive = 200\n"
    )
}

/// Projects 2027-01 ..= 2027-06: four wins of 2026-09, "Aged" won 2026-03, "Base" and
/// [`CERTS_32`].
pub fn ageing_scenario() -> String {
    plan(
        "2027-01",
        6,
        &format!(
            "{}[[tenants]]\nname = \"Aged\"\nsince = \"2026-03\"\nseats = 50\nactive = 20\n{CERTS_32}",
            fresh_and_base(4)
        ),
    )
}

#[test]
fn a_win_ageing_out_of_the_window_is_named_with_the_month_it_was_won() {
    let p = project(&ageing_scenario());
    // SMB, 2027-02 against 2026-02: M365 customers now Aged + Fresh 1-4 + Base = 6, a year
    // ago Base = 1: 5 net adds -> 5 x 4 = 20. The same 5 are new deployments:
    // 20 x 5/6 = 16.67. Protected users 5 x 20 + 200 = 300 against 40: +260 ->
    // floor(260/50) = 5. Certifications 32. Total 20 + 32 + 5 + 16.67 = 73.67: qualifies.
    // 2027-03 against 2026-03, when Aged was already a customer: 6 against 2, 4 net adds
    // -> 16; 4 net deployments -> 20 x 4/6 = 13.33; users 300 against 40 + 20 = 60: +240
    // -> 4. Total 16 + 32 + 4 + 13.33 = 65.33: below 70.
    let d = only_drop(&p);
    assert_eq!((d.month, d.path), (month("2027-03"), SMB));
    assert_eq!(
        (d.total_before, d.total_after),
        (dec("73.67"), dec("65.33"))
    );
    assert_eq!(
        metrics(d),
        [NCA, USAGE, DEPLOY],
        "certifications did not fall"
    );

    let nca = cause(d, NCA);
    assert_eq!(points(nca), (dec("20"), dec("16")));
    assert_eq!((who(nca), nca.who_total), (vec!["Aged"], 1));
    let reason = &nca.who[0].reason;
    assert!(reason.contains("won 2026-03"), "{reason}");
    assert!(
        reason.contains("ages out of the twelve-month window"),
        "{reason}"
    );
    assert_eq!(
        nca.who[0].text,
        "Aged (won 2026-03) ages out of the twelve-month window"
    );
    assert_eq!(
        nca.reason,
        "net adds 5 -> 4: Aged (won 2026-03) ages out of the twelve-month window"
    );

    let dep = cause(d, DEPLOY);
    assert_eq!(points(dep), (dec("16.67"), dec("13.33")));
    assert_eq!(
        dep.reason,
        "net deployments 5 -> 4: Aged (won 2026-03) ages out of the twelve-month window"
    );

    // Usage: Aged's 20 users count now and, since 2026-03, a year ago too: 20 users less
    // growth, because the comparison month rose.
    let usage = cause(d, USAGE);
    assert_eq!(points(usage), (dec("5"), dec("4")));
    assert_eq!((who(usage), usage.who_total), (vec!["Aged"], 1));
    assert_eq!(
        usage.reason,
        "M365 growth over the same month last year 260 -> 240 users: Aged: 20 users less growth \
         (in 2026-03 its eligible usage rose by 20 users, and that month is now the comparison)"
    );
    assert!(
        p.summary.setbacks.is_empty(),
        "the only fall is the drop: {:#?}",
        p.summary.setbacks
    );
}

#[test]
fn a_planned_win_is_warned_about_in_the_month_it_ages_out() {
    let p = project(&ageing_scenario());
    let w = &p.summary.warnings;
    // Aged, won 2026-03, counts in 2027-03 and in 2026-03: it ages out in 2026-03 + 12 =
    // 2027-03, as an SMB net add and as an SMB deployment (50 seats: not Enterprise). The
    // four wins of 2026-09 age out in 2027-09, after the horizon (2027-06).
    let aged = |metric| AgeingOut {
        month: month("2027-03"),
        path: SMB,
        metric,
        count: 1,
        units: 1,
        tenants: vec![("Aged".to_string(), month("2026-03"))],
    };
    assert_eq!(w.ageing_out, [aged(NCA), aged(DEPLOY)]);
    assert!(
        w.certifications.is_empty(),
        "every certification is renewed and none is retired"
    );
}

#[test]
fn churn_an_association_ending_and_shrinking_out_of_the_band_are_each_named() {
    let p = project(&plan(
        "2027-01",
        6,
        &format!(
            "{}{CERTS_32}\
             [[tenants]]\nname = \"Churner\"\nuntil = \"2027-02\"\nseats = 50\nactive = 20\n\
             [[tenants]]\nname = \"Dpor Co\"\nseats = 50\nactive = 20\n\
             [[tenants]]\nname = \"Shrinker\"\nseats = 50\nactive = 20\n\
             [[changes]]\ntenant = \"Dpor Co\"\nmonth = \"2027-03\"\nm365 = \"DPOR\"\n\
             [[changes]]\ntenant = \"Shrinker\"\nmonth = \"2027-03\"\nseats = 3\nactive = 3\n",
            fresh_and_base(5)
        ),
    ));
    // SMB 2027-02 against 2026-02: customers now Fresh 1-5, Base, Churner, Dpor Co,
    // Shrinker = 9, a year ago the last four = 4: 5 net adds -> 20; the same 5 net
    // deployments -> 16.67; users 5 x 20 + 200 + 3 x 20 = 360 against 40 + 60 = 100: +260
    // -> 5; certifications 32. Total 73.67.
    // 2027-03: Churner is gone, Dpor Co's M365 side does not count, Shrinker's 3 seats are
    // below the SMB band (5..=300): 6 against 4 -> 2 net adds -> 8; 2 net deployments ->
    // 6.67; users 300 against 100: +200 -> 4. Total 8 + 32 + 4 + 6.67 = 50.67.
    let d = only_drop(&p);
    assert_eq!((d.month, d.path), (month("2027-03"), SMB));
    assert_eq!(
        (d.total_before, d.total_after),
        (dec("73.67"), dec("50.67"))
    );
    assert_eq!(metrics(d), [NCA, USAGE, DEPLOY]);

    let nca = cause(d, NCA);
    assert_eq!(points(nca), (dec("20"), dec("8")));
    // Each took one net add: equally harmful, so by name.
    assert_eq!(
        (who(nca), nca.who_total),
        (vec!["Churner", "Dpor Co", "Shrinker"], 3)
    );
    let reasons: Vec<&str> = nca.who.iter().map(|n| n.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "churned (no longer a customer from 2027-03)",
            "M365 association stopped counting in 2027-03",
            "left the band: seats 50 -> 3",
        ]
    );
    assert_eq!(
        nca.reason,
        "net adds 5 -> 2: Churner: churned (no longer a customer from 2027-03); \
         Dpor Co: M365 association stopped counting in 2027-03; \
         Shrinker: left the band: seats 50 -> 3"
    );

    let dep = cause(d, DEPLOY);
    assert_eq!(points(dep), (dec("16.67"), dec("6.67")));
    assert_eq!(
        dep.reason,
        "net deployments 5 -> 2: Churner: churned (no longer a customer from 2027-03); \
         Dpor Co: M365 association stopped counting in 2027-03; \
         Shrinker: left the band: seats 50 -> 3, active 20 -> 3"
    );

    // Each of the three took its 20 protected users out of the growth.
    let usage = cause(d, USAGE);
    assert_eq!(points(usage), (dec("5"), dec("4")));
    assert_eq!(who(usage), ["Churner", "Dpor Co", "Shrinker"]);
    assert_eq!(
        usage.who[0].reason,
        "20 users less growth (churned (no longer a customer from 2027-03))"
    );
}

/// [`fresh_and_base`]`(5)`, [`CERTS_32`], and `count` SMB customers "Leaver 1", … that
/// leave after 2027-02, projected 2027-01 ..= 2027-06.
fn leavers(count: u32) -> Projection {
    project(&plan(
        "2027-01",
        6,
        &format!(
            "{}{CERTS_32}\
             [[tenants]]\nname = \"Leaver\"\ncount = {count}\nuntil = \"2027-02\"\nseats = 50\nactive = 20\n",
            fresh_and_base(5)
        ),
    ))
}

#[test]
fn more_than_three_behind_one_cause_names_three_and_counts_the_rest() {
    let p = leavers(5);
    // SMB 2027-02: customers now Fresh 1-5, Leaver 1-5, Base = 11, a year ago Leaver 1-5,
    // Base = 6: 5 net adds -> 20; 5 net deployments -> 16.67; users 5 x 20 + 5 x 20 + 200
    // = 400 against 5 x 20 + 40 = 140: +260 -> 5. Total 20 + 32 + 5 + 16.67 = 73.67.
    // 2027-03: the five leavers are gone: 6 against 6, net 0 -> 0 (and a metric at zero
    // fails the path); users 300 against 140: +160 -> 3. Total 0 + 32 + 3 + 0 = 35.
    let d = only_drop(&p);
    assert_eq!((d.month, d.path), (month("2027-03"), SMB));
    assert_eq!((d.total_before, d.total_after), (dec("73.67"), dec("35")));
    let nca = cause(d, NCA);
    assert_eq!(points(nca), (dec("20"), dec("0")));
    assert_eq!(nca.who_total, 5);
    assert_eq!(
        who(nca),
        ["Leaver 1", "Leaver 2", "Leaver 3", "Leaver 4", "Leaver 5"],
        "all five are kept for JSON"
    );
    let churned = "churned (no longer a customer from 2027-03)";
    assert_eq!(
        nca.reason,
        format!(
            "net adds 5 -> 0: Leaver 1: {churned}; Leaver 2: {churned}; Leaver 3: {churned}; and 2 more"
        )
    );
}

#[test]
fn a_cause_of_many_keeps_the_first_twenty_by_name_and_counts_them_all() {
    // As above with 25 leavers, each taking the same one net add: ties in harm are named
    // in the order of their names, as text ("Leaver 10" before "Leaver 2").
    let p = leavers(25);
    let nca = cause(only_drop(&p), NCA);
    assert_eq!(nca.who_total, 25);
    let kept: Vec<String> = [
        1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 2, 20, 21, 22, 23, 24, 25, 3, 4,
    ]
    .iter()
    .map(|k| format!("Leaver {k}"))
    .collect();
    assert_eq!(who(nca), kept);
}

#[test]
fn a_warning_of_many_ageing_out_names_the_first_ten_by_name() {
    // 25 SMB wins of 2026-03 (M365 customers and deployments, as Fresh above): in 2027-03
    // each one's net add and deployment of a year ago stops adding.
    let p = project(&plan(
        "2027-01",
        6,
        &format!(
            "{CERTS_32}\
             [[tenants]]\nname = \"Won\"\ncount = 25\nsince = \"2026-03\"\nseats = 50\nactive = 20\n"
        ),
    ));
    let march: Vec<_> = p
        .summary
        .warnings
        .ageing_out
        .iter()
        .filter(|w| w.month == month("2027-03") && w.path == SMB)
        .collect();
    assert_eq!(march.len(), 2, "net adds and deployments: {march:#?}");
    let first_ten: Vec<String> = [1, 10, 11, 12, 13, 14, 15, 16, 17, 18]
        .iter()
        .map(|k| format!("Won {k}"))
        .collect();
    for w in march {
        assert_eq!((w.count, w.units), (25, 25));
        let names: Vec<&str> = w.tenants.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, first_ten);
        assert!(w.tenants.iter().all(|&(_, won)| won == month("2026-03")));
    }
}

#[test]
fn a_certification_that_is_not_renewed_names_the_person_and_is_warned_about() {
    // Ana's step-1 certification, passed 2026-03-15 and not renewed, expires 12 months
    // later: it counts through 2027-03-14, so not in 2027-03 (RULES.md §5). Ben's SC-300,
    // passed 2026-09-10 and not renewed, counts through 2027-09-09: after the horizon.
    let p = project(&plan(
        "2027-01",
        6,
        &format!(
            "{}\
             [[people]]\nname = \"Ana\"\ncerts = [{{ cert = \"Cloud and AI Security Engineer Associate\", passed = \"2026-03-15\", renew = false }}, {{ cert = \"SC-200\", passed = \"2025-01\" }}, {{ cert = \"SC-100\", passed = \"2025-01\" }}]\n\
             [[people]]\nname = \"Ben\"\ncerts = [{{ cert = \"SC-300\", passed = \"2026-09-10\", renew = false }}]\n\
             [[people]]\nname = \"Cara\"\ncerts = [{{ cert = \"SC-401\", passed = \"2025-01\" }}]\n",
            fresh_and_base(5)
        ),
    ));
    // SMB 2027-02: 5 net adds -> 20; 5 net deployments -> 16.67; users 5 x 20 + 200 = 300
    // against 40: +260 -> 5; certifications 4 + 4 + 3 x 8 = 32. Total 73.67.
    // 2027-03: no one on step 1, so step 3 earns nothing: 0 + 4 + 0 = 4 (RULES.md §5).
    // Total 20 + 4 + 5 + 16.67 = 45.67.
    let d = only_drop(&p);
    assert_eq!((d.month, d.path), (month("2027-03"), SMB));
    assert_eq!(
        (d.total_before, d.total_after),
        (dec("73.67"), dec("45.67"))
    );
    assert_eq!(metrics(d), [CERTS]);
    let c = cause(d, CERTS);
    assert_eq!(points(c), (dec("32"), dec("4")));
    assert_eq!((who(c), c.who_total), (vec!["Ana"], 1));
    assert_eq!(
        c.reason,
        "step 1: 1 -> 0 people: Ana: Cloud and AI Security Engineer Associate last counts \
         in 2027-02 (expires, not renewed)"
    );

    // Warned: in 2027-03 SMB has 32 with Ana's certification and 4 without: 28 = the
    // step-1 4 + the step-3 24. Enterprise has one step-1 person either way (two needed):
    // 0 - 0 = 0. Ben's SC-300 ends in 2027-09, after the horizon: not listed.
    let w = &p.summary.warnings.certifications;
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].ending.len(), 1, "{w:#?}");
    let e = &w[0].ending[0];
    assert_eq!(
        (
            e.person.as_str(),
            e.certification.as_str(),
            e.step,
            e.last_day,
            e.month
        ),
        (
            "Ana",
            "Cloud and AI Security Engineer Associate",
            1,
            day("2027-03-14"),
            month("2027-03")
        )
    );
    assert_eq!(e.why, "expires, not renewed");
    assert_eq!(w[0].month, month("2027-03"));
    assert_eq!(w[0].points_lost, [dec("0"), dec("28")]);
}

#[test]
fn a_retired_certification_is_a_setback_on_a_path_that_does_not_qualify() {
    let p = project(&az500_scenario());
    // No tenant, so no path qualifies and there is no drop. People per step:
    //   2027-06: step 1 Ana, Ben; step 2 Ana, Ben; step 3 Ana, Ben, Cara.
    //            Enterprise 40 x 3/6 = 20; SMB 4 + 4 + 3 x 8 = 32.
    //   2027-07: Cara's SC-401 has ended (counts through 2027-06-30): step 3 Ana, Ben.
    //            Enterprise 40 x 2/6 = 13.33 (a fall of 6.67, under a quarter of 40 and
    //            not to zero); SMB 4 + 4 + 16 = 24 (a fall of 8 < 10): no setback.
    //   2027-09: AZ-500 counted through 2026-08-31 + 12 months = 2027-08-31: step 1 is Ben
    //            alone. Enterprise needs two: 0, a setback (to zero). SMB needs one:
    //            still 24.
    let s = &p.summary;
    assert!(s.drops.is_empty());
    assert_eq!(s.setbacks.len(), 1, "{:#?}", s.setbacks);
    let b = &s.setbacks[0];
    assert_eq!((b.month, b.path), (month("2027-09"), ENT));
    assert_eq!((b.total_before, b.total_after), (dec("13.33"), dec("0")));
    assert_eq!(metrics(b), [CERTS]);
    let c = cause(b, CERTS);
    assert_eq!(points(c), (dec("13.33"), dec("0")));
    assert_eq!((who(c), c.who_total), (vec!["Ana"], 1));
    assert_eq!(
        c.reason,
        "step 1: 2 -> 1 people: Ana: AZ-500 last counts in 2027-08 \
         (retired 2026-08-31; it counts a year after retirement)"
    );
    // The small falls of 2027-07 did happen, and are not setbacks.
    let jul = &p.months[1];
    assert_eq!(jul.month, month("2027-07"));
    assert_eq!(jul.path(ENT).points(CERTS), dec("13.33"));
    assert_eq!(jul.path(SMB).points(CERTS), dec("24"));
    assert_eq!(p.months[0].path(SMB).points(CERTS), dec("32"));
}

#[test]
fn certification_warnings_cost_each_path_its_points() {
    let p = project(&az500_scenario());
    let w = &p.summary.warnings.certifications;
    // In month order: Cara's SC-401 (2027-07), then Ana's AZ-500 (2027-09). Ben's SC-200
    // counts through 2027-12-04: its first month without is 2027-12, after 2027-11.
    let rows: Vec<(&str, &str, u32, NaiveDate, Month, &str)> = w
        .iter()
        .flat_map(|g| &g.ending)
        .map(|e| {
            (
                e.person.as_str(),
                e.certification.as_str(),
                e.step,
                e.last_day,
                e.month,
                e.why.as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "Cara",
                "SC-401 (Information Security Administrator Associate)",
                3,
                day("2027-06-30"),
                month("2027-07"),
                "expires, not renewed"
            ),
            (
                "Ana",
                "AZ-500 (Azure Security Engineer Associate)",
                1,
                day("2027-08-31"),
                month("2027-09"),
                "retired 2026-08-31; it counts a year after retirement"
            ),
        ]
    );
    // Cara in 2027-07: with her, Enterprise 40 x 3/6 = 20.00 and SMB 32; without, 13.33
    // and 24: she costs 6.67 and 8.
    assert_eq!(w[0].points_lost, [dec("6.67"), dec("8")]);
    // Ana in 2027-09: with her, Enterprise has 2, 2 and 2 people: 13.33; without, one
    // step-1 person: 0. SMB keeps Ben on step 1: 24 either way, 0 lost.
    assert_eq!(w[1].points_lost, [dec("13.33"), dec("0")]);
}

#[test]
fn losing_a_quarter_of_a_metric_is_a_setback_and_a_smaller_fall_is_not() {
    // Five Enterprise wins of 2026-09 (400 seats > 300; 150 active is 37.5% of seats, a
    // deployment). Three leave after 2027-02, one more after 2027-04.
    let mut body = String::new();
    for k in 1..=5 {
        let until = match k {
            1..=3 => "until = \"2027-02\"\n",
            4 => "until = \"2027-04\"\n",
            _ => "",
        };
        body.push_str(&format!(
            "[[tenants]]\nname = \"Ent {k}\"\nsince = \"2026-09\"\n{until}seats = 400\nactive = 150\n"
        ));
    }
    let p = project(&plan("2027-01", 6, &body));
    // Enterprise (no people: certifications 0, so it never qualifies):
    //   2027-02: 5 net adds x 2 = 10; 5 net deployments -> 20 x 5/6 = 16.67;
    //            750 users -> floor(750/125) = 6.
    //   2027-03: 2 net adds -> 4 (lost 6 >= 20/4 = 5: a setback); 2 deployments -> 6.67
    //            (lost 10 >= 5: a setback); 300 users -> 2 (lost 4 < 5, not to zero: not).
    //   2027-05: 1 net add -> 2 (lost 2); 1 deployment -> 3.33 (lost 3.34); 150 users -> 1
    //            (lost 1): each under a quarter and not to zero: no setback.
    let s = &p.summary;
    assert!(s.drops.is_empty());
    assert_eq!(s.setbacks.len(), 1, "{:#?}", s.setbacks);
    let b = &s.setbacks[0];
    assert_eq!((b.month, b.path), (month("2027-03"), ENT));
    assert_eq!(
        (b.total_before, b.total_after),
        (dec("32.67"), dec("12.67"))
    );
    assert_eq!(metrics(b), [NCA, DEPLOY], "usage lost less than a quarter");
    let nca = cause(b, NCA);
    assert_eq!(points(nca), (dec("10"), dec("4")));
    assert_eq!(
        (who(nca), nca.who_total),
        (vec!["Ent 1", "Ent 2", "Ent 3"], 3)
    );
    let churned = "churned (no longer a customer from 2027-03)";
    assert_eq!(
        nca.reason,
        format!("net adds 5 -> 2: Ent 1: {churned}; Ent 2: {churned}; Ent 3: {churned}")
    );
    assert_eq!(points(cause(b, DEPLOY)), (dec("16.67"), dec("6.67")));
    // The 2027-05 fall happened.
    let (apr, may) = (&p.months[3], &p.months[4]);
    assert_eq!(apr.path(ENT).points(NCA), dec("4"));
    assert_eq!(may.path(ENT).points(NCA), dec("2"));
    assert_eq!(may.path(ENT).points(USAGE), dec("1"));
}

#[test]
fn a_usage_growth_drop_names_the_risen_comparison_base_and_the_falling_tenant() {
    let p = project(&plan(
        "2027-01",
        6,
        &format!(
            "[[tenants]]\nname = \"Fresh\"\ncount = 5\nsince = \"2026-09\"\nseats = 50\nactive = 10\n\
             [[tenants]]\nname = \"Riser\"\nseats = 300\nactive = 50\n\
             [[changes]]\ntenant = \"Riser\"\nmonth = \"2026-03\"\nactive = 200\n\
             [[tenants]]\nname = \"Faller\"\nseats = 100\nactive = 60\n\
             [[changes]]\ntenant = \"Faller\"\nmonth = \"2027-03\"\nactive = 20\n\
             {CERTS_32}"
        ),
    ));
    // SMB (every tenant has 5..=300 seats; active is at least 15% of seats throughout:
    // 10/50, 50/300 = 16.7%, 20/100):
    //   2027-02 against 2026-02: 7 customers against 2 (Riser, Faller): 5 net adds -> 20;
    //            5 net deployments -> 16.67; users 5 x 10 + 200 + 60 = 310 against
    //            50 + 60 = 110: +200 -> 4; certifications 32. Total 72.67.
    //   2027-03 against 2026-03: users 50 + 200 + 20 = 270 against 200 + 60 = 260: +10 ->
    //            0. Total 20 + 32 + 0 + 16.67 = 68.67, and usage at zero.
    // Riser: (200 - 200) - (200 - 50) = -150 users: its year-ago month rose.
    // Faller: (20 - 60) - (60 - 60) = -40 users: its usage fell this month.
    let d = only_drop(&p);
    assert_eq!((d.month, d.path), (month("2027-03"), SMB));
    assert_eq!(
        (d.total_before, d.total_after),
        (dec("72.67"), dec("68.67"))
    );
    assert_eq!(metrics(d), [USAGE]);
    let u = cause(d, USAGE);
    assert_eq!(points(u), (dec("4"), dec("0")));
    assert_eq!(
        (who(u), u.who_total),
        (vec!["Riser", "Faller"], 2),
        "most harmful first"
    );
    assert_eq!(
        u.who[0].reason,
        "150 users less growth (in 2026-03 its eligible usage rose by 150 users, and that month is now the comparison)"
    );
    assert_eq!(
        u.who[1].reason,
        "40 users less growth (its eligible usage fell by 40 users this month)"
    );
    assert_eq!(
        u.reason,
        "M365 growth over the same month last year 200 -> 10 users: \
         Riser: 150 users less growth (in 2026-03 its eligible usage rose by 150 users, and that month is now the comparison); \
         Faller: 40 users less growth (its eligible usage fell by 40 users this month)"
    );
}

#[test]
fn an_azure_comparison_base_that_rose_is_named_in_usd() {
    // "Cloud": 100 USD a month until 2026-02, 600 from 2026-03 (Azure association PAL).
    // TTM(m) = 1,200 + 500 x (months since 2026-02, at most 12): 2026-03 1,700, 2027-02
    // and later 7,200 (in the SMB usage band 0 < ttm <= 12,000 and the deployment band
    // 750..=12,000; a net-adds customer at >= 600 in every month compared).
    // Azure growth: 2027-01 6,700 - 1,200 = 5,500 -> floor(5500/750) = 7;
    // 2027-02 7,200 - 1,200 = 6,000 -> 8; 2027-03 7,200 - 1,700 = 5,500 -> 7.
    // Five SMB wins of 2026-09 (20 users each): 5 net adds -> 20, 5 net deployments ->
    // 16.67, +100 users -> 2 usage points. Certifications: Ana on steps 1 and 2, Ben and
    // Cara on step 3: 4 + 4 + 2 x 8 = 24.
    //   2027-01: 20 + 24 + (7 + 2) + 16.67 = 69.67 (no)
    //   2027-02: 20 + 24 + (8 + 2) + 16.67 = 70.67 (qualifies)
    //   2027-03: 20 + 24 + (7 + 2) + 16.67 = 69.67: a drop.
    let p = project(&plan(
        "2027-01",
        6,
        "[[tenants]]\nname = \"Fresh\"\ncount = 5\nsince = \"2026-09\"\nseats = 50\nactive = 20\n\
         [[tenants]]\nname = \"Cloud\"\nacr = 100\nazure = \"PAL\"\n\
         [[changes]]\ntenant = \"Cloud\"\nmonth = \"2026-03\"\nacr = 600\n\
         [[people]]\nname = \"Ana\"\ncerts = [{ cert = \"Cloud and AI Security Engineer Associate\", passed = \"2025-01\" }, { cert = \"SC-200\", passed = \"2025-01\" }]\n\
         [[people]]\nname = \"Ben\"\ncerts = [{ cert = \"SC-300\", passed = \"2025-01\" }]\n\
         [[people]]\nname = \"Cara\"\ncerts = [{ cert = \"SC-401\", passed = \"2025-01\" }]\n",
    ));
    assert_eq!(p.months[0].path(SMB).total, dec("69.67"));
    let d = only_drop(&p);
    assert_eq!((d.month, d.path), (month("2027-03"), SMB));
    assert_eq!(
        (d.total_before, d.total_after),
        (dec("70.67"), dec("69.67"))
    );
    assert_eq!(metrics(d), [USAGE]);
    let u = cause(d, USAGE);
    assert_eq!(points(u), (dec("10"), dec("9")));
    // Cloud: (7,200 - 1,700) - (7,200 - 1,200) = -500 USD; its TTM rose by 500 in 2026-03.
    assert_eq!((who(u), u.who_total), (vec!["Cloud"], 1));
    assert_eq!(
        u.reason,
        "Azure growth over the same month last year 6,000 -> 5,500 USD: Cloud: 500 USD less growth \
         (in 2026-03 its eligible usage rose by 500 USD, and that month is now the comparison)"
    );
}

#[test]
fn a_tenant_gaining_in_the_same_month_is_counted_as_an_offset() {
    let p = project(&plan(
        "2027-01",
        6,
        &format!(
            "{}{CERTS_32}\
             [[tenants]]\nname = \"Leaver\"\ncount = 3\nuntil = \"2027-02\"\nseats = 50\nactive = 20\n\
             [[tenants]]\nname = \"Newbie\"\nsince = \"2027-03\"\nseats = 50\nactive = 20\n",
            fresh_and_base(5)
        ),
    ));
    // SMB 2027-02: customers now Fresh 1-5, Leaver 1-3, Base = 9, a year ago Leaver 1-3,
    // Base = 4: 5 net adds -> 20; deployments 16.67; users 5 x 20 + 3 x 20 + 200 = 360
    // against 60 + 40 = 100: +260 -> 5. Total 73.67.
    // 2027-03: Fresh 1-5, Base, Newbie = 7 against 4: 3 net adds -> 12; 3 deployments ->
    // 10; users 100 + 200 + 20 = 320 against 100: +220 -> 4. Total 12 + 32 + 4 + 10 = 58.
    // Three lost a net add each (exactly three: no "and N more"), Newbie gained one.
    let d = only_drop(&p);
    assert_eq!((d.total_before, d.total_after), (dec("73.67"), dec("58")));
    let nca = cause(d, NCA);
    assert_eq!(points(nca), (dec("20"), dec("12")));
    assert_eq!(nca.who_total, 3);
    let churned = "churned (no longer a customer from 2027-03)";
    assert_eq!(
        nca.reason,
        format!(
            "net adds 5 -> 3: Leaver 1: {churned}; Leaver 2: {churned}; Leaver 3: {churned}; \
             partly offset by 1 tenant gaining"
        )
    );
}

#[test]
fn a_cause_keeps_twenty_names_and_counts_them_all() {
    let p = leavers(25);
    // SMB 2027-02: 5 + 25 + 1 = 31 customers against 25 + 1 = 26: 5 net adds -> 20;
    // deployments 16.67; users 100 + 500 + 200 = 800 against 500 + 40 = 540: +260 -> 5.
    // Total 73.67. 2027-03: 6 against 26: net -20 (before clamping) -> 0.
    let d = only_drop(&p);
    assert_eq!((d.month, d.total_before), (month("2027-03"), dec("73.67")));
    let nca = cause(d, NCA);
    assert_eq!(nca.who_total, 25);
    assert_eq!(nca.who.len(), 20, "at most twenty are kept");
    let mut kept = who(nca);
    kept.sort_unstable();
    kept.dedup();
    assert_eq!(kept.len(), 20);
    assert!(kept.iter().all(|n| n.starts_with("Leaver ")), "{kept:?}");
    assert!(
        nca.reason.starts_with("net adds 5 -> -20: "),
        "{}",
        nca.reason
    );
    assert!(nca.reason.ends_with("; and 22 more"), "{}", nca.reason);
    assert_eq!(
        nca.reason.matches("churned").count(),
        3,
        "three named: {}",
        nca.reason
    );
}

#[test]
fn a_drop_and_a_setback_in_the_same_month_each_name_their_own_path() {
    // The five leavers of SMB (as in more_than_three_behind_one_cause_…) and the
    // Enterprise wins of losing_a_quarter_of_a_metric_… in one scenario: the two paths
    // share no tenant (50 seats is SMB only, 400 Enterprise only).
    let mut body = format!(
        "{}{CERTS_32}\
         [[tenants]]\nname = \"Leaver\"\ncount = 5\nuntil = \"2027-02\"\nseats = 50\nactive = 20\n",
        fresh_and_base(5)
    );
    for k in 1..=5 {
        let until = match k {
            1..=3 => "until = \"2027-02\"\n",
            4 => "until = \"2027-04\"\n",
            _ => "",
        };
        body.push_str(&format!(
            "[[tenants]]\nname = \"Ent {k}\"\nsince = \"2026-09\"\n{until}seats = 400\nactive = 150\n"
        ));
    }
    let p = project(&plan("2027-01", 6, &body));
    // SMB as before: 73.67 -> 35 in 2027-03. Enterprise: 32.67 -> 12.67, a setback in net
    // customer adds (10 -> 4) and deployments (16.67 -> 6.67).
    let d = only_drop(&p);
    assert_eq!((d.month, d.path), (month("2027-03"), SMB));
    assert_eq!((d.total_before, d.total_after), (dec("73.67"), dec("35")));
    for c in &d.causes {
        assert_eq!(c.who_total, 5, "{c:?}");
        assert!(who(c).iter().all(|n| n.starts_with("Leaver ")), "{c:?}");
    }
    assert_eq!(p.summary.setbacks.len(), 1);
    let b = &p.summary.setbacks[0];
    assert_eq!((b.month, b.path), (month("2027-03"), ENT));
    assert_eq!(
        (b.total_before, b.total_after),
        (dec("32.67"), dec("12.67"))
    );
    assert_eq!(metrics(b), [NCA, DEPLOY]);
    for c in &b.causes {
        assert_eq!(
            (who(c), c.who_total),
            (vec!["Ent 1", "Ent 2", "Ent 3"], 3),
            "{c:?}"
        );
    }
}

#[test]
fn losing_exactly_a_quarter_is_a_setback() {
    // Five Enterprise wins of 2026-09 (400 seats, 150 active); four leave after 2027-02.
    let mut body = String::new();
    for k in 1..=5 {
        let until = if k <= 4 { "until = \"2027-02\"\n" } else { "" };
        body.push_str(&format!(
            "[[tenants]]\nname = \"Ent {k}\"\nsince = \"2026-09\"\n{until}seats = 400\nactive = 150\n"
        ));
    }
    let p = project(&plan("2027-01", 6, &body));
    // Enterprise 2027-02: 5 x 2 = 10; 20 x 5/6 = 16.67; 750 users -> 6. Total 32.67.
    // 2027-03: 1 x 2 = 2 (lost 8); 20 x 1/6 = 3.33 (lost 13.34); 150 users -> 1 (lost
    // exactly 5 = 20/4). Total 6.33. All three are setbacks.
    assert_eq!(p.summary.setbacks.len(), 1, "{:#?}", p.summary.setbacks);
    let b = &p.summary.setbacks[0];
    assert_eq!((b.month, b.path), (month("2027-03"), ENT));
    assert_eq!((b.total_before, b.total_after), (dec("32.67"), dec("6.33")));
    assert_eq!(metrics(b), [NCA, USAGE, DEPLOY]);
    let u = cause(b, USAGE);
    assert_eq!(points(u), (dec("6"), dec("1")));
    assert_eq!(u.who_total, 4);
}

/// A ruleset whose enrolment and renewal windows are one month scores nothing before
/// `start`; what changed into the first month must still be readable (it once panicked).
#[test]
fn one_month_windows_still_explain_the_first_month() {
    let rules = pcsim::rules::BUILT_IN
        .replace("enrol_months = 6", "enrol_months = 1")
        .replace("renew_months = 6", "renew_months = 1");
    let dir = crate::support::folder(&[
        ("rules.toml", &rules),
        (
            "plan.toml",
            "name = \"w\"\nstart = \"2027-01\"\nmonths = 2\nrules = \"rules.toml\"\n\
             [[tenants]]\nname = \"Won\"\nsince = \"2026-01\"\nseats = 50\nactive = 20\n",
        ),
    ]);
    let scenario = pcsim::scenario::Scenario::load(&dir.path().join("plan.toml"), None).unwrap();
    let p = pcsim::simulate::simulate(&scenario).unwrap();
    // Won 2026-01: its net add ages out in 2027-01, the first projected month.
    let a = &p.summary.warnings.ageing_out;
    assert!(
        a.iter()
            .any(|w| w.month.to_string() == "2027-01" && w.tenants[0].0 == "Won"),
        "{a:?}"
    );
}

#[test]
fn certifications_ending_together_are_costed_together() {
    // Three people, each with AZ-500 (retired 2026-08-31: counts through 2027-08), SC-200
    // and SC-100. In 2027-08: Enterprise steps 1 and 2 have 3 people (2 needed), step 3
    // has 3: 40 x 3/6 = 20; SMB 4 + 4 + 3 x 8 = 32. In 2027-09 step 1 is empty:
    // Enterprise 0, SMB 4 (step 2 only). Together they cost 20 and 28; alone, none would
    // cost Enterprise anything.
    let mut toml = String::from("name = \"t\"\nstart = \"2027-06\"\nmonths = 6\n");
    for who in ["Ana", "Ben", "Cara"] {
        toml.push_str(&format!(
            "[[people]]\nname = \"{who}\"\ncerts = [{{ cert = \"AZ-500\", passed = \"2025-01\" }}, \
             {{ cert = \"SC-200\", passed = \"2025-01\" }}, {{ cert = \"SC-100\", passed = \"2025-01\" }}]\n"
        ));
    }
    let p = project(&toml);
    let w = &p.summary.warnings.certifications;
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].month, month("2027-09"));
    assert_eq!(w[0].points_lost, [dec("20"), dec("28")]);
    let people: Vec<&str> = w[0].ending.iter().map(|e| e.person.as_str()).collect();
    assert_eq!(people, ["Ana", "Ben", "Cara"]);
}
