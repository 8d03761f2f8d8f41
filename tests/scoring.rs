//! The scoring rules end to end: scenario text in, points out (RULES.md §3–§8).

use pcsim::facts::Facts;
use pcsim::month::Month;
use pcsim::rules::{BUILT_IN, PathId};
use pcsim::scenario::Scenario;
use pcsim::score::{Metric, PathScore};
use pcsim::simulate::{Projection, simulate};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::support::{folder, project};

const ENT: PathId = PathId::Enterprise;
const SMB: PathId = PathId::Smb;

fn month(text: &str) -> Month {
    text.parse().unwrap()
}

fn at<'a>(p: &'a Projection, m: &str, path: PathId) -> &'a PathScore {
    p.months
        .iter()
        .find(|s| s.month == month(m))
        .unwrap_or_else(|| panic!("{m} is projected"))
        .path(path)
}

/// One tenant won in the first projected month (2027-01), so it is a net add.
fn new_tenant(fields: &str) -> Projection {
    project(&format!(
        "name = \"edge\"\nstart = \"2027-01\"\nmonths = 1\n[[tenants]]\nname = \"A\"\nsince = \"2027-01\"\n{fields}\n"
    ))
}

fn points(p: &Projection, path: PathId, metric: Metric) -> Decimal {
    p.months[0].path(path).points(metric)
}

#[test]
fn m365_seat_band_edges() {
    let nca = |seats: u32| {
        let p = new_tenant(&format!("seats = {seats}\nactive = {seats}"));
        (
            points(&p, ENT, Metric::NetCustomerAdds),
            points(&p, SMB, Metric::NetCustomerAdds),
        )
    };
    assert_eq!(nca(4), (dec!(0), dec!(0)), "4 seats is below the SMB band");
    assert_eq!(
        nca(5),
        (dec!(0), dec!(4)),
        "5 seats is SMB: 4 points per net add"
    );
    assert_eq!(nca(300), (dec!(0), dec!(4)), "300 seats is still SMB");
    assert_eq!(
        nca(301),
        (dec!(2), dec!(0)),
        "301 seats is Enterprise: 2 points per net add"
    );
}

#[test]
fn azure_net_customer_add_edge_is_600_usd_ttm() {
    let p = new_tenant("acr = 599.99");
    assert_eq!(points(&p, ENT, Metric::NetCustomerAdds), dec!(0));
    assert_eq!(points(&p, SMB, Metric::NetCustomerAdds), dec!(0));
    let p = new_tenant("acr = 600");
    assert_eq!(points(&p, ENT, Metric::NetCustomerAdds), dec!(2));
    assert_eq!(points(&p, SMB, Metric::NetCustomerAdds), dec!(4));
}

#[test]
fn azure_deployment_edges_750_and_12000() {
    let deploy = |acr: &str| {
        let p = new_tenant(&format!("acr = {acr}"));
        (
            points(&p, ENT, Metric::Deployments),
            points(&p, SMB, Metric::Deployments),
        )
    };
    assert_eq!(deploy("749.99"), (dec!(0), dec!(0)));
    assert_eq!(deploy("750"), (dec!(0), dec!(3.33)));
    assert_eq!(
        deploy("12000"),
        (dec!(0), dec!(3.33)),
        "12,000 is the top of the SMB band"
    );
    assert_eq!(
        deploy("12000.01"),
        (dec!(3.33), dec!(0)),
        "above 12,000 is Enterprise"
    );
}

#[test]
fn azure_usage_band_edges() {
    // Growth is the TTM itself for a tenant won this month: 12,000 USD is SMB (16 points of
    // 750, capped at 20 -> 16), 12,000.01 is Enterprise (9 full steps of 1,250).
    let usage = |acr: &str| {
        let p = new_tenant(&format!("acr = {acr}"));
        (
            points(&p, ENT, Metric::UsageGrowth),
            points(&p, SMB, Metric::UsageGrowth),
        )
    };
    assert_eq!(usage("12000"), (dec!(0), dec!(16)));
    assert_eq!(usage("12000.01"), (dec!(9), dec!(0)));
    assert_eq!(usage("749.99"), (dec!(0), dec!(0)), "not a full 750 step");
    assert_eq!(usage("750"), (dec!(0), dec!(1)));
}

#[test]
fn m365_deployment_needs_15_percent_active() {
    let p = new_tenant("seats = 1000\nactive = 149");
    assert_eq!(
        points(&p, ENT, Metric::Deployments),
        dec!(0),
        "14.9% active does not deploy"
    );
    assert_eq!(
        points(&p, ENT, Metric::NetCustomerAdds),
        dec!(2),
        "but the tenant is still a net add"
    );
    let p = new_tenant("seats = 1000\nactive = 150");
    assert_eq!(
        points(&p, ENT, Metric::Deployments),
        dec!(3.33),
        "15% active deploys"
    );
    let p = new_tenant("seats = 20\nactive = 3");
    assert_eq!(
        points(&p, SMB, Metric::Deployments),
        dec!(3.33),
        "3 of 20 is exactly 15%"
    );
}

#[test]
fn smb_stays_smb_on_the_m365_side() {
    // 200 seats (SMB) a year ago, grown to 400 (Enterprise) in 2026-06.
    let p = project(
        r#"
name = "grown"
start = "2027-01"
months = 7
[[tenants]]
name = "Grower"
seats = 200
active = 100
[[changes]]
tenant = "Grower"
month = "2026-06"
seats = 400
active = 400
"#,
    );
    // 2027-01: SMB a year ago and Enterprise now, so it still counts as SMB on both sides
    // of the comparison (no net add) and its protected users grow 100 -> 400 on SMB.
    assert_eq!(
        at(&p, "2027-01", SMB).points(Metric::NetCustomerAdds),
        dec!(0)
    );
    assert_eq!(
        at(&p, "2027-01", SMB).points(Metric::UsageGrowth),
        dec!(6),
        "300 users / 50"
    );
    assert_eq!(
        at(&p, "2027-01", ENT).points(Metric::NetCustomerAdds),
        dec!(2),
        "and it is an Enterprise add too"
    );
    assert_eq!(
        at(&p, "2027-01", ENT).points(Metric::UsageGrowth),
        dec!(3),
        "400 users / 125"
    );
    // 2027-07: a year after the growth it was already Enterprise a year ago, so it no
    // longer counts as SMB now, while the year-ago month still does: SMB loses it.
    assert_eq!(at(&p, "2027-07", SMB).points(Metric::UsageGrowth), dec!(0));
    assert_eq!(at(&p, "2027-07", SMB).detail.now.m365_customers, 0);
    assert_eq!(at(&p, "2027-07", SMB).detail.year_ago.m365_customers, 1);
}

#[test]
fn smb_stays_smb_on_the_azure_side() {
    // TTM 10,800 (SMB usage band) a year ago; 1,500 a month from 2026-02 gives 18,000 now.
    let p = project(
        r#"
name = "azure grower"
start = "2027-01"
months = 1
[[tenants]]
name = "Grower"
acr = 900
[[changes]]
tenant = "Grower"
month = "2026-02"
acr = 1500
"#,
    );
    // Still SMB: growth 18,000 - 10,800 = 7,200 -> 9 full steps of 750.
    assert_eq!(at(&p, "2027-01", SMB).detail.azure_growth_cents, 720_000);
    assert_eq!(at(&p, "2027-01", SMB).points(Metric::UsageGrowth), dec!(9));
    // Enterprise: 18,000 - 0 (it was not in the Enterprise band a year ago) -> 14 steps of 1,250.
    assert_eq!(at(&p, "2027-01", ENT).points(Metric::UsageGrowth), dec!(14));
    // Deployments: SMB keeps it on both sides (no net), Enterprise gains it.
    assert_eq!(at(&p, "2027-01", SMB).points(Metric::Deployments), dec!(0));
    assert_eq!(
        at(&p, "2027-01", ENT).points(Metric::Deployments),
        dec!(3.33)
    );
}

#[test]
fn wins_age_out_of_the_twelve_month_window() {
    let p = project(
        r#"
name = "one win"
start = "2027-01"
months = 13
[[tenants]]
name = "Win"
since = "2027-01"
seats = 50
active = 20
"#,
    );
    for m in ["2027-01", "2027-06", "2027-12"] {
        assert_eq!(
            at(&p, m, SMB).points(Metric::NetCustomerAdds),
            dec!(4),
            "{m}"
        );
        assert_eq!(
            at(&p, m, SMB).points(Metric::Deployments),
            dec!(3.33),
            "{m}"
        );
    }
    assert_eq!(
        at(&p, "2028-01", SMB).points(Metric::NetCustomerAdds),
        dec!(0),
        "a year on it counts on both sides"
    );
    assert_eq!(at(&p, "2028-01", SMB).points(Metric::Deployments), dec!(0));
}

#[test]
fn churn_after_until_counts_against_the_year_before() {
    let p = project(
        r#"
name = "churn"
start = "2027-01"
months = 3
[[tenants]]
name = "Old"
seats = 50
active = 20
until = "2027-01"
[[tenants]]
name = "New"
since = "2027-01"
seats = 60
active = 20
"#,
    );
    assert_eq!(at(&p, "2027-01", SMB).detail.net_customer_adds, 1);
    assert_eq!(
        at(&p, "2027-02", SMB).detail.net_customer_adds,
        0,
        "Old churned: +1 -1"
    );
}

fn smb_certs(people: &str, start: &str, months: u32) -> Projection {
    project(&format!(
        "name = \"certs\"\nstart = \"{start}\"\nmonths = {months}\n{people}"
    ))
}

#[test]
fn a_certification_not_renewed_counts_for_twelve_months() {
    let p = smb_certs(
        r#"[[people]]
name = "Ana"
certs = [{ cert = "Cloud and AI Security Engineer Associate", passed = "2027-02-15", renew = false }]
"#,
        "2027-01",
        15,
    );
    let step1 = |m| at(&p, m, SMB).points(Metric::IntermediateCertifications);
    assert_eq!(step1("2027-01"), dec!(0), "not passed yet");
    assert_eq!(
        step1("2027-02"),
        dec!(4),
        "passed in February: counts in February"
    );
    assert_eq!(step1("2028-01"), dec!(4), "twelfth month");
    assert_eq!(
        step1("2028-02"),
        dec!(0),
        "expired on 2028-02-15, before the end of February"
    );
}

#[test]
fn an_explicit_expiry_means_expired_on_that_day() {
    let certs = |expires: &str| {
        let p = smb_certs(
            &format!(
                "[[people]]\nname = \"Ana\"\ncerts = [{{ cert = \"SC-200\", passed = \"2026-01\", expires = \"{expires}\" }}]\n"
            ),
            "2027-05",
            2,
        );
        (
            at(&p, "2027-05", SMB).points(Metric::IntermediateCertifications),
            at(&p, "2027-06", SMB).points(Metric::IntermediateCertifications),
        )
    };
    assert_eq!(
        certs("2027-06-15"),
        (dec!(4), dec!(0)),
        "expired before the last day of June"
    );
    assert_eq!(
        certs("2027-06-30"),
        (dec!(4), dec!(0)),
        "expired on the last day of June: expired by then"
    );
    assert_eq!(
        certs("2027-07-01"),
        (dec!(4), dec!(4)),
        "still valid on June 30"
    );
    assert_eq!(
        certs("2027-06"),
        (dec!(4), dec!(0)),
        "a bare month: it expires during June"
    );
}

#[test]
fn not_renewing_and_an_explicit_expiry_agree() {
    // Both expire on 2028-01-31 (RULES.md §5 "expires 12 months after it was passed").
    let p = smb_certs(
        r#"[[people]]
name = "A"
certs = [{ cert = "Cloud and AI Security Engineer Associate", passed = "2027-01-31", renew = false }]
[[people]]
name = "B"
certs = [{ cert = "SC-200", passed = "2027-01-31", expires = "2028-01-31" }]
"#,
        "2027-12",
        2,
    );
    assert_eq!(
        at(&p, "2027-12", SMB).points(Metric::IntermediateCertifications),
        dec!(8),
        "both count in December"
    );
    assert_eq!(
        at(&p, "2028-01", SMB).points(Metric::IntermediateCertifications),
        dec!(0),
        "both expired by January 31"
    );
}

#[test]
fn azure_side_counts_only_while_its_association_counts() {
    // RULES.md §3: a side whose association does not count contributes zero, and was in no
    // band, that month, whatever its TTM still holds.
    let p = project(
        r#"
name = "azure association lost"
start = "2027-01"
months = 6
[[tenants]]
name = "AzDrop"
since = "2027-01"
acr = 1000
azure = "PAL"
[[changes]]
tenant = "AzDrop"
month = "2027-04"
azure = "none"
"#,
    );
    assert_eq!(
        at(&p, "2027-03", SMB).points,
        [dec!(4), dec!(0), dec!(4), dec!(3.33)],
        "TTM 3,000 while it counts"
    );
    for m in ["2027-04", "2027-06"] {
        assert_eq!(
            at(&p, m, SMB).points,
            [dec!(0); 4],
            "{m}: no Azure credit once PAL is gone"
        );
        assert_eq!(
            at(&p, m, ENT).points(Metric::NetCustomerAdds),
            dec!(0),
            "{m}"
        );
    }
}

#[test]
fn a_churned_tenant_stops_counting_at_once() {
    let p = project(
        r#"
name = "churned azure tenant"
start = "2027-01"
months = 3
[[tenants]]
name = "Gone"
since = "2026-09"
until = "2027-01"
acr = 1000
"#,
    );
    assert_eq!(
        at(&p, "2027-01", SMB).points(Metric::NetCustomerAdds),
        dec!(4)
    );
    assert_eq!(
        at(&p, "2027-02", SMB).points,
        [dec!(0); 4],
        "gone after its `until`, TTM or not"
    );
}

#[test]
fn retired_certifications_count_for_twelve_months_after_retirement() {
    // SC-400 retired 2025-05-31: counts through 2026-05. AZ-500 retired 2026-08-31: through 2027-08.
    let people = r#"
[[people]]
name = "Ana"
certs = [{ cert = "SC-200", passed = "2024-01" }, { cert = "SC-400", passed = "2024-03-01" }]
[[people]]
name = "Ben"
certs = [{ cert = "AZ-500", passed = "2025-01" }, { cert = "SC-401", passed = "2025-07" }]
"#;
    let p = smb_certs(people, "2026-05", 2);
    assert_eq!(
        at(&p, "2026-05", SMB).points(Metric::IntermediateCertifications),
        dec!(24),
        "4 + 4 + 2 x 8"
    );
    assert_eq!(
        at(&p, "2026-06", SMB).points(Metric::IntermediateCertifications),
        dec!(16),
        "SC-400 no longer counts"
    );
    let p = smb_certs(people, "2027-08", 2);
    assert_eq!(
        at(&p, "2027-08", SMB).points(Metric::IntermediateCertifications),
        dec!(16)
    );
    assert_eq!(
        at(&p, "2027-09", SMB).points(Metric::IntermediateCertifications),
        dec!(4),
        "AZ-500 gone: step 1 unmet, step 3 locked"
    );
}

/// Enterprise at exactly 70.00: certifications 40, net adds 10, usage 10, deployments 10.
const SEVENTY: &str = r#"
name = "exactly seventy"
start = "2027-01"
months = 1

[[people]]
name = "P1"
certs = [{ cert = "Cloud and AI Security Engineer Associate", passed = "2026-01" }, { cert = "SC-200", passed = "2026-01" }, { cert = "SC-300", passed = "2026-01" }]
[[people]]
name = "P2"
certs = [{ cert = "Cloud and AI Security Engineer Associate", passed = "2026-01" }, { cert = "SC-200", passed = "2026-01" }, { cert = "SC-100", passed = "2026-01" }]
[[people]]
name = "P3"
certs = [{ cert = "SC-401", passed = "2026-01" }]
[[people]]
name = "P4"
certs = [{ cert = "SC-401", passed = "2026-01" }]
[[people]]
name = "P5"
certs = [{ cert = "SC-300", passed = "2026-01" }]
[[people]]
name = "P6"
certs = [{ cert = "SC-100", passed = "2026-01" }]

# Three Enterprise M365 wins: 3 adds, 3 deployments, 1,250 protected users (10 points).
[[tenants]]
name = "E1"
since = "2027-01"
seats = 400
active = 400
[[tenants]]
name = "E2"
since = "2027-01"
seats = 400
active = 400
[[tenants]]
name = "E3"
since = "2027-01"
seats = 450
active = 450
# Two Azure wins in the add band only: 2 more adds.
[[tenants]]
name = "A1"
since = "2027-01"
acr = 600
[[tenants]]
name = "A2"
since = "2027-01"
acr = 600
"#;

#[test]
fn a_total_of_exactly_70_qualifies() {
    let p = project(SEVENTY);
    let e = at(&p, "2027-01", ENT);
    assert_eq!(e.points, [dec!(10), dec!(40), dec!(10), dec!(10)]);
    assert_eq!(e.total, dec!(70.00));
    assert!(e.qualified);
    assert_eq!(
        p.summary.first_qualified[ENT.index()],
        Some(month("2027-01"))
    );
}

#[test]
fn a_total_of_69_99_does_not_qualify() {
    // The built-in points cannot sum to x.99, so a ruleset of our own pays 3.99 for SMB step 1.
    let rules = BUILT_IN.replacen(
        "{ step = 1, min_people = 1, points = 4 }",
        "{ step = 1, min_people = 1, points = 3.99 }",
        1,
    );
    assert_ne!(rules, BUILT_IN);
    let scenario = r#"
name = "just short"
start = "2027-01"
months = 1
rules = "rules.toml"
[[people]]
name = "P1"
certs = [{ cert = "Cloud and AI Security Engineer Associate", passed = "2026-01" }, { cert = "SC-200", passed = "2026-01" }, { cert = "SC-300", passed = "2026-01" }]
[[people]]
name = "P2"
certs = [{ cert = "SC-100", passed = "2026-01" }]
[[people]]
name = "P3"
certs = [{ cert = "SC-401", passed = "2026-01" }]
[[people]]
name = "P4"
certs = [{ cert = "SC-401", passed = "2026-01" }]
[[tenants]]
name = "S"
since = "2027-01"
count = 3
seats = 100
active = 100
[[changes]]
tenant = "S 3"
month = "2027-01"
active = "+100"
"#;
    let dir = folder(&[("plan.toml", scenario), ("rules.toml", &rules)]);
    let p = simulate(&Scenario::load(&dir.path().join("plan.toml"), None).unwrap()).unwrap();
    let s = at(&p, "2027-01", SMB);
    // 3.99 + 4 + 32; 3 adds x 4; 400 users / 50; 3 deployments.
    assert_eq!(s.points, [dec!(12), dec!(39.99), dec!(8), dec!(10)]);
    assert_eq!(s.total, dec!(69.99));
    assert!(!s.qualified);

    let dir = folder(&[("plan.toml", scenario), ("rules.toml", BUILT_IN)]);
    let p = simulate(&Scenario::load(&dir.path().join("plan.toml"), None).unwrap()).unwrap();
    assert_eq!(at(&p, "2027-01", SMB).total, dec!(70.00));
    assert!(
        at(&p, "2027-01", SMB).qualified,
        "the same plan at 70.00 qualifies"
    );
}

#[test]
fn seventy_with_a_metric_at_zero_does_not_qualify() {
    let p = project(
        &SEVENTY
            .replace("seats = 450\nactive = 450", "seats = 450\nactive = 450\n")
            .replace("acr = 600", "acr = 0"),
    );
    let e = at(&p, "2027-01", ENT);
    assert_eq!(e.points(Metric::NetCustomerAdds), dec!(6));
    // Now a plan with 70+ but no deployments at all.
    let no_deploy = SEVENTY
        .replace("active = 400", "active = 10")
        .replace("active = 450", "active = 10");
    let p = project(&no_deploy);
    let e = at(&p, "2027-01", ENT);
    assert_eq!(e.points(Metric::Deployments), dec!(0));
    assert!(!e.qualified);
}

fn facts_of(toml: &str, files: &[(&str, &str)], from: &str, to: &str) -> (Scenario, Facts) {
    let mut all = vec![("plan.toml", toml)];
    all.extend_from_slice(files);
    let dir = folder(&all);
    let s = Scenario::load(&dir.path().join("plan.toml"), None).unwrap_or_else(|e| panic!("{e}"));
    let f = Facts::build(&s, month(from), month(to)).unwrap();
    (s, f)
}

#[test]
fn history_rows_gaps_carry_on_and_associations() {
    let history = "tenant,month,seats,active,acr,m365,azure\n\
                   H,2026-10,50,20,100.005,CSP Tier1,PAL\n\
                   H,2026-12,60,25,200,,none\n";
    let scenario = "name = \"h\"\nstart = \"2027-01\"\nhistory = \"h.csv\"\n\
                    [[changes]]\ntenant = \"H\"\nmonth = \"2027-02\"\nseats = \"+10\"\nazure = \"PAL\"\n";
    let (_, f) = facts_of(scenario, &[("h.csv", history)], "2026-09", "2027-02");
    let t = f.tenant_owned(0);
    assert_eq!(
        t.seats,
        [0, 50, 0, 60, 60, 70],
        "zero before, zero in the gap, carried after, +10 on top"
    );
    assert_eq!(t.active, [0, 20, 0, 25, 25, 25]);
    assert_eq!(
        t.acr_cents,
        [0, 10001, 0, 0, 0, 20000],
        "half-up to cents; Azure not counted from 2026-12 until it is PAL again"
    );
}

#[test]
fn changes_evolve_month_by_month_in_file_order() {
    let scenario = r#"
name = "changes"
start = "2027-01"
[[tenants]]
name = "T"
seats = 10
active = 5
acr = 1000
[[changes]]
tenant = "T"
month = "2027-02"
until = "2027-03"
acr = "+10%/month"
[[changes]]
tenant = "T"
month = "2027-01"
seats = "+10/month"
[[changes]]
tenant = "T"
month = "2027-03"
seats = 100
active = "-100"
[[changes]]
tenant = "T"
month = "2027-04"
active = "+3"
acr = "-50%"
"#;
    let (_, f) = facts_of(scenario, &[], "2026-12", "2027-05");
    let t = f.tenant_owned(0);
    assert_eq!(
        t.acr_cents,
        [100000, 100000, 110000, 121000, 60500, 60500],
        "compounds through until, then halves once"
    );
    assert_eq!(
        t.seats,
        [10, 20, 30, 100, 110, 120],
        "the set in March wins over the running +10 (listed before it), which goes on after"
    );
    assert_eq!(
        t.active,
        [5, 5, 5, 0, 3, 3],
        "clamped at zero, then grows from zero"
    );
}

#[test]
fn groups_expand_with_staggered_wins_and_take_group_changes() {
    let scenario = r#"
name = "groups"
start = "2027-01"
[[tenants]]
name = "SMB win"
since = "2027-01"
count = 3
every = 2
seats = 50
active = 20
[[changes]]
tenant = "SMB win"
month = "2027-04"
seats = "+5"
"#;
    let (s, f) = facts_of(scenario, &[], "2027-01", "2027-05");
    let names: Vec<&str> = s.tenants.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["SMB win 1", "SMB win 2", "SMB win 3"]);
    assert_eq!(f.tenant_owned(0).seats, [50, 50, 50, 55, 55]);
    assert_eq!(f.tenant_owned(1).seats, [0, 0, 50, 55, 55], "won in March");
    assert_eq!(
        f.tenant_owned(2).seats,
        [0, 0, 0, 0, 50],
        "won in May at its declared level: the April change came before it"
    );
}

#[test]
fn extends_chains_override_and_append() {
    let base = r#"
name = "base"
start = "2027-01"
months = 12
[[tenants]]
name = "A"
seats = 10
[[tenants]]
name = "B"
seats = 20
[[changes]]
tenant = "A"
month = "2027-02"
seats = "+1"
"#;
    let mid = "extends = \"base.toml\"\nname = \"mid\"\nmonths = 6\n[[tenants]]\nname = \"B\"\nseats = 99\n";
    let leaf = "extends = \"plans/../mid.toml\"\nname = \"leaf\"\n[[tenants]]\nname = \"C\"\nseats = 7\n\
                [[changes]]\ntenant = \"A\"\nmonth = \"2027-03\"\nseats = \"+2\"\n";
    let dir = folder(&[
        ("base.toml", base),
        ("mid.toml", mid),
        ("leaf.toml", leaf),
        ("plans/.keep", ""),
    ]);
    let s = Scenario::load(&dir.path().join("leaf.toml"), None).unwrap();
    assert_eq!(s.name, "leaf");
    assert_eq!(
        (s.start, s.months),
        (month("2027-01"), 6),
        "start inherited from base, months from mid"
    );
    let tenants: Vec<(&str, Decimal)> = s
        .tenants
        .iter()
        .map(|t| (t.name.as_str(), t.seats))
        .collect();
    assert_eq!(
        tenants,
        [("A", dec!(10)), ("B", dec!(99)), ("C", dec!(7))],
        "B replaced in place, C appended"
    );
    assert_eq!(s.changes.len(), 2, "changes add up along the chain");
    assert_eq!(s.files.len(), 3);
}

#[test]
fn the_same_scenario_gives_the_same_json() {
    let render = || {
        pcsim::report::Format::Json
            .report()
            .render(&project(SEVENTY))
    };
    assert_eq!(render(), render());
}

#[test]
fn history_facts_stay_zero_before_the_first_row_and_in_gaps_whatever_the_changes() {
    let history = "tenant,month,seats,active,acr\nH,2026-10,50,20,100\nH,2026-12,60,25,200\n";
    let scenario = "name = \"h\"\nstart = \"2027-01\"\nhistory = \"h.csv\"\n\
                    [[changes]]\ntenant = \"*\"\nmonth = \"2026-01\"\nseats = \"+1/month\"\n";
    let (_, f) = facts_of(scenario, &[("h.csv", history)], "2026-09", "2027-01");
    assert_eq!(
        f.tenant_owned(0).seats,
        [0, 51, 0, 61, 62],
        "rows get the running +1 on top; no facts without a row"
    );
}

#[test]
fn a_planned_win_starts_at_its_declared_level() {
    // Growth for every tenant from 2027-01 must not make a group member won later bigger.
    let scenario = r#"
name = "wins"
start = "2027-01"
[[tenants]]
name = "Win"
since = "2027-01"
count = 2
every = 3
seats = 50
[[changes]]
tenant = "*"
month = "2027-01"
seats = "+10/month"
"#;
    let (_, f) = facts_of(scenario, &[], "2027-01", "2027-05");
    assert_eq!(f.tenant_owned(0).seats, [60, 70, 80, 90, 100]);
    assert_eq!(
        f.tenant_owned(1).seats,
        [0, 0, 0, 60, 70],
        "won in April from 50: the running +10 a month acts from its first month, like the first member's"
    );
}

#[test]
fn a_one_off_percentage_is_relative_to_the_level_before_the_month() {
    let scenario = "name = \"pct\"\nstart = \"2027-01\"\n[[tenants]]\nname = \"T\"\nseats = 100\n\
                    [[changes]]\ntenant = \"T\"\nmonth = \"2027-02\"\nseats = \"+10\"\n\
                    [[changes]]\ntenant = \"T\"\nmonth = \"2027-02\"\nseats = \"+10%\"\n";
    let (_, f) = facts_of(scenario, &[], "2027-01", "2027-03");
    assert_eq!(
        f.tenant_owned(0).seats,
        [100, 120, 120],
        "+10 and +10% of 100, not 110 x 1.1"
    );
}

/// The worked example of docs/scenario-format.md ("How levels evolve, month by month").
#[test]
fn the_documented_change_example_holds() {
    let scenario = r#"
name = "doc"
start = "2027-01"
[[tenants]]
name = "T"
seats = 100
active = 10
acr = 100
[[changes]]
tenant = "T"
month = "2027-02"
until = "2027-05"
seats = "+10/month"
acr = "+10%/month"
[[changes]]
tenant = "T"
month = "2027-04"
seats = 50
active = "-100"
acr = "+50%"
[[changes]]
tenant = "T"
month = "2027-04"
active = "+5"
"#;
    let (_, f) = facts_of(scenario, &[], "2027-01", "2027-06");
    let t = f.tenant_owned(0);
    assert_eq!(t.seats, [100, 110, 120, 50, 60, 60]);
    assert_eq!(t.active, [10, 10, 10, 5, 5, 5]);
    assert_eq!(t.acr_cents, [10000, 11000, 12100, 19360, 21296, 21296]);
}

#[test]
fn imported_rows_give_the_same_facts_with_or_without_a_change_that_does_nothing() {
    // A history tenant with no change takes an integer fast path; any change sends it
    // through the general month-by-month simulation. Both must read the rows alike:
    // gaps, association cells, rounding, carrying on after the last row.
    let history = "tenant,month,seats,active,acr,m365,azure\n\
                   A,2025-01,50,20,100.005,CSP Tier1,PAL\n\
                   A,2025-04,60,25,200,DPOR,\n\
                   A,2025-06,70,30,300.5,,none\n\
                   B,2025-02,400,100,15000,,\n\
                   B,2025-03,410,90,0,CPOR,PAL\n";
    let plain = "name = \"h\"\nstart = \"2026-01\"\nhistory = \"h.csv\"\n";
    let changed =
        format!("{plain}[[changes]]\ntenant = \"*\"\nmonth = \"2024-06\"\nseats = \"+0\"\n");
    let (_, fast) = facts_of(plain, &[("h.csv", history)], "2024-11", "2026-03");
    let (_, general) = facts_of(&changed, &[("h.csv", history)], "2024-11", "2026-03");
    assert_eq!(fast.stored_tenants(), 0, "no change: expanded when read");
    assert_eq!(
        general.stored_tenants(),
        2,
        "a change: simulated and stored"
    );
    for t in 0..2 {
        assert_eq!(fast.tenant_owned(t), general.tenant_owned(t), "tenant {t}");
    }
    assert!(
        (0..2).any(|t| fast.tenant_owned(t).azure_counts.iter().any(|c| !c)),
        "the probe covers a side that does not count"
    );
}
