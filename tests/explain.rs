//! `explain`: the named tenants and people behind each metric, and why each one is new
//! or lost, on hand-built scenarios whose answers are worked out from RULES.md.

use pcsim::explain::{Change, Entry, Explanation, explain};
use pcsim::facts::Facts;
use pcsim::month::Month;
use pcsim::rules::PathId;
use pcsim::scenario::Scenario;
use pcsim::score::Metric;
use pcsim::simulate::{facts_span, project};

use crate::support::repo_file;

const ENT: PathId = PathId::Enterprise;
const SMB: PathId = PathId::Smb;

fn month(text: &str) -> Month {
    text.parse().unwrap()
}

fn explained(toml: &str, m: &str) -> Explanation {
    let scenario = Scenario::from_str("test.toml", toml).unwrap_or_else(|e| panic!("{e}"));
    let (origin, end) = facts_span(&scenario);
    let facts = Facts::build(&scenario, origin, end).unwrap();
    explain(&scenario, &facts, month(m))
}

fn entry<'a>(e: &'a Explanation, path: PathId, metric: Metric, name: &str) -> &'a Entry {
    e.paths[path.index()]
        .entries(metric)
        .iter()
        .find(|x| x.name == name)
        .unwrap_or_else(|| panic!("{name} is not behind {metric:?} on {path:?}"))
}

fn absent(e: &Explanation, path: PathId, metric: Metric, name: &str) -> bool {
    !e.paths[path.index()]
        .entries(metric)
        .iter()
        .any(|x| x.name == name)
}

/// Scenario text: starts 2027-01, one year projected, with the given tenants and changes.
fn plan(body: &str) -> String {
    format!("name = \"t\"\nstart = \"2027-01\"\nmonths = 12\n{body}")
}

#[test]
fn a_win_within_the_year_is_new_and_says_when_it_was_won() {
    let e = explained(
        &plan("[[tenants]]\nname = \"Contoso\"\nsince = \"2027-03\"\nseats = 50\nactive = 20\n"),
        "2027-06",
    );
    let c = entry(&e, SMB, Metric::NetCustomerAdds, "Contoso");
    assert_eq!(c.change, Change::New);
    assert_eq!(c.why.as_deref(), Some("won 2027-03"));
    assert_eq!((c.now, c.year_ago), ([false, true], [false, false]));
    assert_eq!(c.net(), 1);
    // 50 seats is SMB, not Enterprise (RULES.md §3).
    assert!(absent(&e, ENT, Metric::NetCustomerAdds, "Contoso"));
    // 20 of 50 active is at least 15%: an M365 deployment too.
    assert_eq!(
        entry(&e, SMB, Metric::Deployments, "Contoso").change,
        Change::New
    );
}

#[test]
fn an_old_customer_is_held_and_a_year_old_win_is_held() {
    let e = explained(
        &plan(
            "[[tenants]]\nname = \"Old\"\nseats = 50\nactive = 20\n\
             [[tenants]]\nname = \"Year\"\nsince = \"2026-06\"\nseats = 50\nactive = 20\n",
        ),
        "2027-06",
    );
    assert_eq!(
        entry(&e, SMB, Metric::NetCustomerAdds, "Old").change,
        Change::Held
    );
    // Won 2026-06: it counts in 2026-06 too, so it is no longer a net add in 2027-06.
    let y = entry(&e, SMB, Metric::NetCustomerAdds, "Year");
    assert_eq!((y.change, y.why.as_deref()), (Change::Held, None));
    assert_eq!(y.net(), 0);
}

#[test]
fn growing_into_a_band_names_the_facts() {
    // 4 seats is below the SMB band (5..=300); 10 seats from 2027-02 is in it.
    let e = explained(
        &plan(
            "[[tenants]]\nname = \"Grower\"\nseats = 4\nactive = 4\n\
             [[changes]]\ntenant = \"Grower\"\nmonth = \"2027-02\"\nseats = 10\nactive = 10\n",
        ),
        "2027-06",
    );
    let g = entry(&e, SMB, Metric::NetCustomerAdds, "Grower");
    assert_eq!(g.change, Change::New);
    assert_eq!(g.why.as_deref(), Some("grew into the band: seats 4 -> 10"));
}

#[test]
fn azure_growth_into_the_band_names_the_trailing_twelve_months() {
    // 100 USD a month: TTM 1,200 in 2026-06 is in the 600 net-adds band already, so use 40 a
    // month (TTM 480, below 600) rising to 80 a month from 2027-01: TTM in 2027-06 is
    // 6 x 40 + 6 x 80 = 720.
    let e = explained(
        &plan(
            "[[tenants]]\nname = \"Cloud\"\nacr = 40\nazure = \"PAL\"\n\
             [[changes]]\ntenant = \"Cloud\"\nmonth = \"2027-01\"\nacr = 80\n",
        ),
        "2027-06",
    );
    let c = entry(&e, ENT, Metric::NetCustomerAdds, "Cloud");
    assert_eq!((c.now, c.year_ago), ([true, false], [false, false]));
    assert_eq!(
        c.why.as_deref(),
        Some("grew into the band: TTM ACR 480 -> 720 USD")
    );
}

#[test]
fn association_start_and_end_are_named_with_their_month() {
    let e = explained(
        &plan(
            "[[tenants]]\nname = \"Starts\"\nseats = 50\nactive = 20\nm365 = \"DPOR\"\n\
             [[tenants]]\nname = \"Ends\"\nseats = 50\nactive = 20\nm365 = \"CSP Tier1\"\n\
             [[changes]]\ntenant = \"Starts\"\nmonth = \"2027-02\"\nm365 = \"CSP Tier2\"\n\
             [[changes]]\ntenant = \"Ends\"\nmonth = \"2027-04\"\nm365 = \"DPOR\"\n",
        ),
        "2027-06",
    );
    let s = entry(&e, SMB, Metric::NetCustomerAdds, "Starts");
    assert_eq!(s.change, Change::New);
    assert_eq!(
        s.why.as_deref(),
        Some("M365 association counts from 2027-02")
    );
    let n = entry(&e, SMB, Metric::NetCustomerAdds, "Ends");
    assert_eq!(n.change, Change::Lost);
    assert_eq!(
        n.why.as_deref(),
        Some("M365 association stopped counting in 2027-04")
    );
    assert_eq!(n.net(), -1);
}

#[test]
fn churn_and_shrinking_out_of_the_band_are_lost() {
    let e = explained(
        &plan(
            "[[tenants]]\nname = \"Leaves\"\nuntil = \"2027-02\"\nseats = 50\nactive = 20\n\
             [[tenants]]\nname = \"Shrinks\"\nseats = 50\nactive = 20\n\
             [[changes]]\ntenant = \"Shrinks\"\nmonth = \"2027-03\"\nseats = 3\nactive = 3\n",
        ),
        "2027-06",
    );
    let l = entry(&e, SMB, Metric::NetCustomerAdds, "Leaves");
    assert_eq!(l.change, Change::Lost);
    assert_eq!(
        l.why.as_deref(),
        Some("churned (no longer a customer from 2027-03)")
    );
    let s = entry(&e, SMB, Metric::NetCustomerAdds, "Shrinks");
    assert_eq!(s.change, Change::Lost);
    assert_eq!(s.why.as_deref(), Some("left the band: seats 50 -> 3"));
}

#[test]
fn smb_stays_smb_for_a_year_then_is_lost_on_smb() {
    // 200 seats (SMB) growing to 400 (Enterprise) in 2026-03. In 2027-02 the same month
    // last year (2026-02) had it in the SMB band, so it still counts as SMB; in 2027-04
    // the year before (2026-04) it was already Enterprise, so it does not. A year before
    // that (2026-04 against 2025-04) it did: it is lost on SMB in 2027-04.
    let toml = plan(
        "[[tenants]]\nname = \"Grown\"\nseats = 200\nactive = 100\n\
         [[changes]]\ntenant = \"Grown\"\nmonth = \"2026-03\"\nseats = 400\nactive = 200\n",
    );
    let feb = explained(&toml, "2027-02");
    let g = entry(&feb, SMB, Metric::NetCustomerAdds, "Grown");
    assert_eq!((g.change, g.now), (Change::Held, [false, true]));
    let apr = explained(&toml, "2027-04");
    let g = entry(&apr, SMB, Metric::NetCustomerAdds, "Grown");
    assert_eq!(g.change, Change::Lost);
    assert_eq!(
        g.why.as_deref(),
        Some("its year of counting as SMB after growing into the Enterprise band is over")
    );
    // On Enterprise it is held in both months (400 seats since 2026-03).
    assert_eq!(
        entry(&apr, ENT, Metric::NetCustomerAdds, "Grown").change,
        Change::Held
    );
}

#[test]
fn an_m365_deployment_lost_to_low_activity_says_so() {
    // 100 seats with 20 active (20% >= 15%) deploys; 10 active from 2027-03 (10%) does not,
    // while the tenant stays a customer in the band.
    let e = explained(
        &plan(
            "[[tenants]]\nname = \"Idle\"\nseats = 100\nactive = 20\n\
             [[changes]]\ntenant = \"Idle\"\nmonth = \"2027-03\"\nactive = 10\n",
        ),
        "2027-06",
    );
    let d = entry(&e, SMB, Metric::Deployments, "Idle");
    assert_eq!(d.change, Change::Lost);
    assert_eq!(
        d.why.as_deref(),
        Some("too few active users: 10 of 100 seats")
    );
    assert_eq!(
        entry(&e, SMB, Metric::NetCustomerAdds, "Idle").change,
        Change::Held
    );
}

#[test]
fn usage_growth_names_each_tenants_contribution() {
    // Azure: 500 USD a month, TTM 6,000 (SMB usage band 0 < ttm <= 12,000), growing to
    // 600 a month from 2027-01: TTM in 2027-06 = 6 x 500 + 6 x 600 = 6,600; growth 600 USD.
    // M365: 40 active a year ago, 70 now: +30 users.
    let e = explained(
        &plan(
            "[[tenants]]\nname = \"Both\"\nseats = 100\nactive = 40\nacr = 500\n\
             [[changes]]\ntenant = \"Both\"\nmonth = \"2027-01\"\nacr = 600\nactive = 70\n",
        ),
        "2027-06",
    );
    let b = entry(&e, SMB, Metric::UsageGrowth, "Both");
    assert_eq!((b.growth_cents, b.growth_users), (60_000, 30));
    let d = &e.paths[SMB.index()].score.detail;
    assert_eq!((d.azure_growth_cents, d.m365_growth_users), (60_000, 30));
}

#[test]
fn people_are_listed_per_step_with_the_day_they_stop_counting() {
    let e = explained(
        &plan(
            "[[people]]\nname = \"Ana\"\ncerts = [{ cert = \"SC-200\", passed = \"2026-05-10\", renew = false }, { cert = \"SC-300\", passed = \"2026-01\" }]\n\
             [[people]]\nname = \"Ben\"\ncerts = [{ cert = \"SC-200\", passed = \"2026-02\" }]\n",
        ),
        "2027-03",
    );
    let steps = &e.paths[SMB.index()].steps;
    let step2: Vec<(&str, Option<String>)> = steps
        .iter()
        .find(|(s, _)| *s == 2)
        .unwrap()
        .1
        .iter()
        .map(|p| (p.person.as_str(), p.counts_until.map(|d| d.to_string())))
        .collect();
    // Not renewed: expires 12 months after 2026-05-10, so counts through 2027-05-09.
    assert_eq!(
        step2,
        [("Ana", Some("2027-05-09".to_string())), ("Ben", None)]
    );
    let step3 = &steps.iter().find(|(s, _)| *s == 3).unwrap().1;
    assert_eq!(step3.len(), 1);
    assert_eq!(step3[0].certifications, ["SC-300"]);
}

/// For every projected month of every bundled scenario, the explained tenants add up to
/// the counts behind each metric, and the explanation scores exactly as `run` does.
#[test]
fn explained_lists_add_up_to_the_projection_in_every_bundled_month() {
    for file in [
        "scenarios/baseline.toml",
        "scenarios/smb-push.toml",
        "scenarios/enterprise-push.toml",
    ] {
        let scenario = Scenario::load(&repo_file(file), None).unwrap();
        let (origin, end) = facts_span(&scenario);
        let facts = Facts::build(&scenario, origin, end).unwrap();
        let projection = project(&scenario, &facts);
        // Explanations read a year further back, to score the same month last year too.
        let (origin, end) = pcsim::explain::facts_span(&scenario);
        let longer = Facts::build(&scenario, origin, end).unwrap();
        for m in &projection.months {
            let e = explain(&scenario, &longer, m.month);
            for path in PathId::ALL {
                let x = &e.paths[path.index()];
                let s = m.path(path);
                assert_eq!(x.score.points, s.points, "{file} {} {path:?}", m.month);
                let a_year_ago = projection.months.iter().find(|y| y.month == m.month - 12);
                if let Some(y) = a_year_ago {
                    let then = x.score_year_ago.as_ref().expect("scored a year ago");
                    assert_eq!(
                        then.points,
                        y.path(path).points,
                        "{file} {} {path:?}",
                        y.month
                    );
                }
                let sides = |metric: Metric, now: bool, side: usize| {
                    x.entries(metric)
                        .iter()
                        .filter(|t| if now { t.now[side] } else { t.year_ago[side] })
                        .count() as u32
                };
                let (n, y) = (&s.detail.now, &s.detail.year_ago);
                let nca = Metric::NetCustomerAdds;
                let dep = Metric::Deployments;
                assert_eq!(
                    [
                        sides(nca, true, 0),
                        sides(nca, true, 1),
                        sides(nca, false, 0),
                        sides(nca, false, 1)
                    ],
                    [
                        n.azure_customers,
                        n.m365_customers,
                        y.azure_customers,
                        y.m365_customers
                    ],
                    "{file} {} {path:?} net customer adds",
                    m.month
                );
                assert_eq!(
                    [
                        sides(dep, true, 0),
                        sides(dep, true, 1),
                        sides(dep, false, 0),
                        sides(dep, false, 1)
                    ],
                    [
                        n.azure_deployments,
                        n.m365_deployments,
                        y.azure_deployments,
                        y.m365_deployments
                    ],
                    "{file} {} {path:?} deployments",
                    m.month
                );
                // Every tenant that changes the net count is explained: their adds sum to it.
                for (metric, net) in [
                    (nca, s.detail.net_customer_adds),
                    (dep, s.detail.net_deployments),
                ] {
                    let explained: i64 = x.entries(metric).iter().map(|t| t.net()).sum();
                    assert_eq!(explained, net, "{file} {} {path:?} {metric:?}", m.month);
                    assert!(
                        x.entries(metric)
                            .iter()
                            .all(|t| (t.now == t.year_ago) == t.why.is_none()),
                        "{file} {} {path:?} {metric:?}: a side change without a reason",
                        m.month
                    );
                }
                let growth: i64 = x
                    .entries(Metric::UsageGrowth)
                    .iter()
                    .map(|t| t.growth_cents)
                    .sum();
                assert_eq!(growth, s.detail.azure_growth_cents);
                let people: Vec<u32> = x.steps.iter().map(|(_, p)| p.len() as u32).collect();
                let counted: Vec<u32> = s.detail.step_people.0.iter().map(|(_, n)| *n).collect();
                assert_eq!(people, counted);
            }
        }
    }
}

#[test]
fn an_imported_tenant_is_won_in_its_first_history_month() {
    let dir = crate::support::folder(&[
        (
            "plan.toml",
            "name = \"h\"\nstart = \"2027-01\"\nmonths = 12\nhistory = \"history.csv\"\n",
        ),
        (
            "history.csv",
            "tenant,month,seats,active,acr\nOld,2025-01,50,20,0\nFresh,2026-10,50,20,0\n",
        ),
    ]);
    let scenario = Scenario::load(&dir.path().join("plan.toml"), None).unwrap();
    let (origin, end) = facts_span(&scenario);
    let facts = Facts::build(&scenario, origin, end).unwrap();
    let e = explain(&scenario, &facts, month("2027-03"));
    let fresh = entry(&e, SMB, Metric::NetCustomerAdds, "Fresh");
    assert_eq!(
        (fresh.change, fresh.why.as_deref()),
        (Change::New, Some("won 2026-10"))
    );
    // Its last row carries on, so "Old" is held.
    assert_eq!(
        entry(&e, SMB, Metric::NetCustomerAdds, "Old").change,
        Change::Held
    );
}

#[test]
fn a_grown_tenant_with_few_active_users_loses_its_deployment_to_activity() {
    // 200 seats / 100 active (SMB, deploys) grows to 400 seats / 20 active in 2027-01.
    // In 2027-06 it still counts as SMB (it was SMB in 2026-06), but 20 of 400 is 5%,
    // below the 15% a deployment needs (RULES.md §6).
    let e = explained(
        &plan(
            "[[tenants]]\nname = \"Grower\"\nseats = 200\nactive = 100\n\
             [[changes]]\ntenant = \"Grower\"\nmonth = \"2027-01\"\nseats = 400\nactive = 20\n",
        ),
        "2027-06",
    );
    assert_eq!(
        entry(&e, SMB, Metric::NetCustomerAdds, "Grower").change,
        Change::Held
    );
    let d = entry(&e, SMB, Metric::Deployments, "Grower");
    assert_eq!(d.change, Change::Lost);
    assert_eq!(
        d.why.as_deref(),
        Some("too few active users: 20 of 400 seats")
    );
}

#[test]
fn a_tenant_gaining_a_side_while_held_is_explained() {
    // M365 all along; its Azure TTM reaches the 600 USD net-adds band in 2027-02
    // (100 a month from 2026-09: six months by 2027-02).
    let e = explained(
        &plan(
            "[[tenants]]\nname = \"Both\"\nseats = 50\nactive = 20\n\
             [[changes]]\ntenant = \"Both\"\nmonth = \"2026-09\"\nacr = 100\n",
        ),
        "2027-06",
    );
    let b = entry(&e, SMB, Metric::NetCustomerAdds, "Both");
    assert_eq!(
        (b.change, b.now, b.year_ago),
        (Change::Held, [true, true], [false, true])
    );
    assert_eq!(b.net(), 1);
    assert_eq!(
        b.why.as_deref(),
        Some("counts on one more side: grew into the band: TTM ACR 0 -> 1,000 USD")
    );
}

#[test]
fn coming_down_into_a_band_is_not_called_growth() {
    // 400 seats (Enterprise) cut to 200 (SMB) in 2027-01: new on SMB in 2027-06.
    let e = explained(
        &plan(
            "[[tenants]]\nname = \"Cut\"\nseats = 400\nactive = 100\n\
             [[changes]]\ntenant = \"Cut\"\nmonth = \"2027-01\"\nseats = 200\n",
        ),
        "2027-06",
    );
    let c = entry(&e, SMB, Metric::NetCustomerAdds, "Cut");
    assert_eq!(c.change, Change::New);
    assert_eq!(
        c.why.as_deref(),
        Some("shrank into the band: seats 400 -> 200")
    );
}
