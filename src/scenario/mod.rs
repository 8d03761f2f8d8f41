//! A scenario resolved and validated: `extends` merged, groups expanded, certifications
//! and associations looked up in the ruleset, change targets found.

mod fast_line;
pub mod history;
pub mod import;
pub mod layers;
pub mod model;
mod names;
pub mod options;
pub mod warnings;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::{Error, Result, Source};
use crate::month::{DayOrMonth, Month};
use crate::rules::{Ruleset, Side};
pub use history::History;
use layers::{FileSetting, Merged};
pub use model::ChangeOp;

pub const DEFAULT_MONTHS: u32 = 24;

#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: Option<String>,
    /// The `extends` chain, root first; the last is the file the user named.
    pub files: Vec<PathBuf>,
    /// Every file read: the chain, the ruleset (also one given with `--rules`), the history
    /// and people CSVs. Outputs never overwrite these.
    pub inputs: Vec<PathBuf>,
    pub start: Month,
    /// The month the partner enrolled or last renewed, on or before `start`; `None`: not
    /// designated at `start` (PLANNING.md §1).
    pub enrolled: Option<Month>,
    pub months: u32,
    pub rules: Ruleset,
    pub people: Vec<Person>,
    /// Imported tenants (ids `0..history.names.len()`).
    pub history: Option<(PathBuf, Arc<History>)>,
    /// Declared tenants after `count` expansion (ids follow the imported ones).
    pub tenants: Vec<Tenant>,
    pub changes: Vec<Change>,
    /// Actions `seek` may take (PLANNING.md §4); other commands ignore them.
    pub options: Vec<options::PlanOption>,
    /// Likely slips that are still valid input, one sentence each (see [`warnings`]).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub certs: Vec<HeldCert>,
    /// How many of `certs`, from the first, the people CSV gives: a `[[people]]` entry of
    /// the same name adds to them rather than replacing them.
    pub from_csv: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldCert {
    /// Index into `rules.certifications`.
    pub cert: usize,
    pub passed: DayOrMonth,
    /// The last day on which it is valid (the day before it expires, or the end of its
    /// retirement's grace year); `None`: never ends.
    pub counts_until: Option<NaiveDate>,
    pub probability: Decimal,
}

/// The last month a certification valid through `until` counts in: the month of `until`
/// only when `until` is that month's last day (RULES.md §5 judges at the month's end).
pub fn last_counting_month(until: NaiveDate) -> Month {
    Month::of_date(until.succ_opt().unwrap_or(until)) - 1
}

impl HeldCert {
    /// RULES.md §5: counts in month m when passed by the end of m and not expired by then.
    pub fn counts_in(&self, month: Month) -> bool {
        self.passed.month() <= month
            && self
                .counts_until
                .is_none_or(|until| month.last_day() <= until)
    }
}

/// An association as written (catalog spelling) and whether the ruleset counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Association {
    pub name: String,
    pub counts: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub name: String,
    /// The `[[tenants]]` entry a `count` group member was expanded from.
    pub group: Option<String>,
    pub since: Option<Month>,
    pub until: Option<Month>,
    pub seats: Decimal,
    pub active: Decimal,
    pub acr: Decimal,
    /// `None`: not given, which counts.
    pub m365: Option<Association>,
    pub azure: Option<Association>,
    pub probability: Decimal,
}

impl Tenant {
    pub fn is_customer(&self, month: Month) -> bool {
        self.since.is_none_or(|s| s <= month) && self.until.is_none_or(|u| month <= u)
    }
}

/// Which tenants a change applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    All,
    /// Tenant ids, ascending.
    Tenants(Vec<u32>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Where it is written ("plan.toml:14:10"), for problems found while simulating.
    pub at: String,
    /// As written: a tenant, a group or "*".
    pub written: String,
    pub target: Target,
    pub month: Month,
    /// Last month of a recurring change; `None`: the end of the projection.
    pub until: Option<Month>,
    pub seats: Option<ChangeOp>,
    pub active: Option<ChangeOp>,
    pub acr: Option<ChangeOp>,
    pub m365: Option<Association>,
    pub azure: Option<Association>,
    /// The chance that the change happens (PLANNING.md §3); 1 unless given.
    pub probability: Decimal,
}

impl Scenario {
    /// Loads a scenario file and everything it refers to. `rules_override` is `--rules`.
    pub fn load(path: &Path, rules_override: Option<&Path>) -> Result<Scenario> {
        Scenario::load_sharing(path, rules_override, &Imports::default())
    }

    /// [`Scenario::load`], reading a history CSV that other scenarios loaded through the
    /// same `imports` already only once (plans compared side by side usually share one).
    pub fn load_sharing(
        path: &Path,
        rules_override: Option<&Path>,
        imports: &Imports,
    ) -> Result<Scenario> {
        resolve(
            layers::merge(layers::load_chain(path)?)?,
            rules_override,
            imports,
        )
    }

    /// Parses a scenario from text, as if read from `path` (tests and the library API).
    pub fn from_str(path: &str, text: &str) -> Result<Scenario> {
        let source = Source {
            path: path.into(),
            text: text.to_string(),
        };
        let file = source.parse_toml()?;
        resolve(
            layers::merge(vec![layers::Layer { source, file }])?,
            None,
            &Imports::default(),
        )
    }

    pub fn tenant_count(&self) -> usize {
        self.history_len() + self.tenants.len()
    }

    pub fn history_len(&self) -> usize {
        self.history.as_ref().map_or(0, |(_, h)| h.names.len())
    }

    pub fn tenant_name(&self, id: usize) -> &str {
        match id.checked_sub(self.history_len()) {
            None => &self.history.as_ref().expect("id below history_len").1.names[id],
            Some(k) => &self.tenants[k].name,
        }
    }

    /// The last projected month.
    pub fn end(&self) -> Month {
        self.start + (self.months as i32 - 1)
    }

    /// With `enrolled`, the first anniversary on or after `start`.
    pub fn first_anniversary(&self) -> Option<Month> {
        self.enrolled.map(|e| first_anniversary(e, self.start))
    }
}

/// The first anniversary of `enrolled` (`enrolled + 12k` months, k >= 1) on or after `start`.
pub fn first_anniversary(enrolled: Month, start: Month) -> Month {
    let years = (start.since(enrolled) + 11).div_euclid(12).max(1);
    enrolled + 12 * years
}

/// Reads a file named by a setting; a missing file is reported at the setting.
fn load_setting<T>(
    merged: &Merged,
    setting: &FileSetting,
    what: &str,
    load: impl FnOnce(&Path) -> Result<T>,
) -> Result<T> {
    if !setting.path.exists() {
        let src = &merged.layers[setting.layer].source;
        return Err(src.at(
            setting.written.span(),
            format!("the {what} {} does not exist", setting.path.display()),
        ));
    }
    load(&setting.path)
}

/// The ruleset in force: `--rules`, else the scenario's `rules`, else the built-in one.
fn ruleset(merged: &Merged, rules_override: Option<&Path>) -> Result<Ruleset> {
    match (rules_override, &merged.rules) {
        (Some(p), _) => Ruleset::load(p),
        (None, Some(setting)) => load_setting(merged, setting, "ruleset", Ruleset::load),
        (None, None) => Ok(Ruleset::built_in()),
    }
}

/// History imports shared by the scenarios loaded through it, by file and ruleset (the
/// ruleset's association names decide how the file's cells read).
#[derive(Default)]
pub struct Imports {
    /// How far the import under way has got (for a progress bar).
    pub progress: Arc<history::ReadProgress>,
    #[allow(clippy::type_complexity)]
    loaded: std::sync::Mutex<
        HashMap<(PathBuf, String), Arc<std::sync::OnceLock<Option<Arc<History>>>>>,
    >,
}

impl Imports {
    /// The history at `path`, read once per file and ruleset. A file that fails to read
    /// is read again by each scenario, so that each reports its own error.
    fn history(&self, path: &Path, rules: &Ruleset) -> Result<Arc<History>> {
        let key = (
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
            format!("{}\u{0}{}", rules.origin, rules.name),
        );
        let once = self
            .loaded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key)
            .or_default()
            .clone();
        // Other scenarios asking for the same file wait here for the one import.
        let read = || history::read_history_counting(path, rules, &self.progress);
        match once.get_or_init(|| read().ok().map(Arc::new)) {
            Some(h) => Ok(h.clone()),
            None => history::read_history(path, rules).map(Arc::new),
        }
    }
}

fn resolve(merged: Merged, rules_override: Option<&Path>, imports: &Imports) -> Result<Scenario> {
    let rules = ruleset(&merged, rules_override)?;
    let leaf = merged.layers.last().expect("a chain has at least one file");
    let start = merged.start.ok_or_else(|| {
        Error::Input(format!(
            "{}: no `start` month: add a line such as start = \"2027-01\" (here or in a scenario it extends)",
            leaf.source.display_path()
        ))
    })?;
    let months = merged.months.unwrap_or(DEFAULT_MONTHS);
    let last = start + (months as i32 - 1);
    if last.year() > 9999 {
        return Err(Error::Input(format!(
            "{}: a projection of {months} months from {start} would run past 9999-12",
            leaf.source.display_path()
        )));
    }

    let enrolled = match &merged.enrolled {
        Some(from) => {
            let e = *from.entry.get_ref();
            if e > start {
                let later = e.since(start);
                return Err(merged.layers[from.layer].source.at(
                    from.entry.span(),
                    format!(
                        "enrolled is the month the partner enrolled or last renewed; it cannot be after start ({start}): {e} is {later} month{} later. Give the last enrolment or renewal on or before {start}, or leave `enrolled` out if the partner is not designated at start",
                        if later == 1 { "" } else { "s" }
                    ),
                ));
            }
            Some(e)
        }
        None => None,
    };

    let history = match &merged.history {
        Some(s) => Some((
            s.path.clone(),
            load_setting(&merged, s, "history", |p| imports.history(p, &rules))?,
        )),
        None => None,
    };
    let people = resolve_people(&merged, &rules)?;
    let tenants = resolve_tenants(&merged, &rules, history.as_ref().map(|(_, h)| &**h))?;
    let imported = history.as_ref().map(|(_, h)| &**h);
    let option_names = options::wanted_names(&merged.options);
    let wanted = merged
        .changes
        .iter()
        .map(|c| c.entry.tenant.get_ref().as_str())
        .chain(option_names.iter().map(String::as_str))
        .collect::<Vec<&str>>();
    let by_name = tenant_lookup(wanted.into_iter(), imported, &tenants);
    let changes = resolve_changes(&merged, &rules, imported, &by_name)?;
    let options = options::resolve(
        &merged,
        &rules,
        options::Context {
            start,
            end: last,
            history: imported,
            by_name: &by_name,
        },
    )?;
    drop(by_name);

    let files: Vec<PathBuf> = merged
        .layers
        .iter()
        .map(|l| l.source.path.clone())
        .collect();
    let mut inputs = files.clone();
    inputs.extend(
        [&merged.rules, &merged.history, &merged.people_csv]
            .into_iter()
            .flatten()
            .map(|s| s.path.clone()),
    );
    inputs.extend(rules_override.map(Path::to_path_buf));
    let mut scenario = Scenario {
        name: merged.name.clone(),
        inputs,
        description: merged.description.clone(),
        files,
        start,
        enrolled,
        months,
        rules,
        people,
        history,
        tenants,
        changes,
        options,
        warnings: Vec::new(),
    };
    scenario.warnings = warnings::warnings(&scenario);
    Ok(scenario)
}

/// How a certification's end is given.
pub(crate) enum Ending {
    Renewed,
    NotRenewed,
    Expires(DayOrMonth),
}

/// Looks a certification up and works out the last day it counts.
pub(crate) fn held_cert(
    rules: &Ruleset,
    cert: &str,
    passed: DayOrMonth,
    ending: Ending,
    probability: Decimal,
) -> std::result::Result<HeldCert, String> {
    let index = rules.certification_index(cert).ok_or_else(|| {
        format!(
            "unknown certification \"{cert}\"; the ruleset knows: {}",
            rules.known_certifications()
        )
    })?;
    let entry = &rules.certifications[index];
    if let Some(retired) = entry.retired
        && passed.first_day() > retired.last_day()
    {
        let instead = entry
            .replaced_by
            .as_ref()
            .map(|r| format!("; {} replaces it", r.get_ref()))
            .unwrap_or_default();
        return Err(format!(
            "{} retired on {retired}, so it cannot be passed on {passed}{instead}",
            entry.label()
        ));
    }
    let expiry = match ending {
        Ending::Renewed => None,
        // RULES.md §5: counts in m when it "has not expired by" m's last day. A certification
        // that expires on day D has expired by D, so it counts through the day before; both
        // ways of giving an expiry mean the same. A bare month means it expires in that month.
        Ending::NotRenewed => Some(
            passed
                .first_day()
                .checked_add_months(chrono::Months::new(12))
                .and_then(|d| d.pred_opt())
                .unwrap_or(NaiveDate::MAX),
        ),
        Ending::Expires(e) => {
            if e.first_day() <= passed.first_day() {
                return Err(format!(
                    "it expires ({e}) on or before the day it is passed ({passed})"
                ));
            }
            e.first_day().pred_opt()
        }
    };
    let counts_until = match (expiry, entry.counts_until()) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    Ok(HeldCert {
        cert: index,
        passed,
        counts_until,
        probability,
    })
}

fn resolve_people(merged: &Merged, rules: &Ruleset) -> Result<Vec<Person>> {
    let mut people: Vec<Person> = Vec::new();
    if let Some(setting) = &merged.people_csv {
        let rows = load_setting(merged, setting, "people CSV", import::read_people)?;
        for row in rows {
            let ending = row.expires.map_or(Ending::Renewed, Ending::Expires);
            let cert =
                held_cert(rules, &row.cert, row.passed, ending, Decimal::ONE).map_err(|m| {
                    crate::error::csv_error(
                        &setting.path,
                        import::line_of(&setting.path, row.byte),
                        m,
                    )
                })?;
            match people.iter_mut().find(|p| p.name == row.person) {
                Some(p) => {
                    p.certs.push(cert);
                    p.from_csv += 1;
                }
                None => people.push(Person {
                    name: row.person,
                    certs: vec![cert],
                    from_csv: 1,
                }),
            }
        }
    }
    for from in &merged.people {
        let src = &merged.layers[from.layer].source;
        let p = &from.entry;
        let mut certs = Vec::new();
        for c in &p.certs {
            let ending = match (&c.renew, &c.expires) {
                (Some(r), Some(_)) if !*r.get_ref() => {
                    return Err(src.at(r.span(), "give `renew = false` or `expires`, not both"));
                }
                (_, Some(e)) => Ending::Expires(*e.get_ref()),
                (Some(r), None) if !*r.get_ref() => Ending::NotRenewed,
                _ => Ending::Renewed,
            };
            let probability = c.probability.map_or(Decimal::ONE, |p| p.0);
            let held = held_cert(
                rules,
                c.cert.get_ref(),
                *c.passed.get_ref(),
                ending,
                probability,
            )
            .map_err(|m| {
                let span = if m.contains("expires (") {
                    c.expires.as_ref().expect("only with expires").span()
                } else {
                    c.cert.span()
                };
                src.at(span, m)
            })?;
            certs.push(held);
        }
        // A person also listed in the people CSV gains these certifications.
        match people.iter_mut().find(|q| q.name == *p.name.get_ref()) {
            Some(q) => q.certs.extend(certs),
            None => people.push(Person {
                name: p.name.get_ref().clone(),
                certs,
                from_csv: 0,
            }),
        }
    }
    Ok(people)
}

fn association(
    rules: &Ruleset,
    side: Side,
    written: &toml::Spanned<String>,
    src: &Source,
) -> Result<Association> {
    match rules.associations.lookup(side, written.get_ref()) {
        Some((name, counts)) => Ok(Association { name, counts }),
        None => Err(src.at(
            written.span(),
            format!(
                "unknown {} association \"{}\"; use one of: {}",
                side_label(side),
                written.get_ref(),
                rules.associations.known(side)
            ),
        )),
    }
}

/// An optional `m365` or `azure` key, looked up.
fn association_of(
    rules: &Ruleset,
    side: Side,
    written: &Option<toml::Spanned<String>>,
    src: &Source,
) -> Result<Option<Association>> {
    written
        .as_ref()
        .map(|a| association(rules, side, a, src))
        .transpose()
}

/// For a change (or change option) that gives none of the facts it could change.
const CHANGES_NOTHING: &str = "this change changes nothing: give seats, active, acr, m365 or azure";

fn side_label(side: Side) -> &'static str {
    match side {
        Side::M365 => "M365",
        Side::Azure => "Azure",
    }
}

fn resolve_tenants(
    merged: &Merged,
    rules: &Ruleset,
    history: Option<&History>,
) -> Result<Vec<Tenant>> {
    let mut tenants: Vec<Tenant> = Vec::new();
    // Declared names are few and a history's many: look the declared ones up in one pass
    // over the history instead of indexing every imported name.
    let written: rustc_hash::FxHashSet<&str> = merged
        .tenants
        .iter()
        .map(|t| t.entry.name.get_ref().as_str())
        .collect();
    let imported: rustc_hash::FxHashSet<&str> = match history {
        Some(h) if !written.is_empty() => h
            .names
            .iter()
            .map(String::as_str)
            .filter(|n| {
                written.contains(n)
                    || n.rsplit_once(' ').is_some_and(|(group, k)| {
                        written.contains(group) && k.parse::<u32>().is_ok()
                    })
            })
            .collect(),
        _ => Default::default(),
    };
    let mut declared: HashMap<String, ()> = HashMap::new();
    for from in &merged.tenants {
        let src = &merged.layers[from.layer].source;
        let t = &from.entry;
        let name = t.name.get_ref();
        if let (Some(since), Some(until)) = (t.since, &t.until)
            && *until.get_ref() < since
        {
            return Err(src.at(
                until.span(),
                format!("until ({}) is before since ({since})", until.get_ref()),
            ));
        }
        if let (Some(every), None) = (&t.every, t.count) {
            return Err(src.at(
                every.span(),
                "`every` spaces out the wins of a group: give `count` too",
            ));
        }
        if t.count.is_some()
            && t.since.is_none()
            && t.every.as_ref().is_some_and(|e| e.get_ref().0 > 0)
        {
            return Err(src.at(
                t.name.span(),
                "a group won `every` few months needs a `since` month for its first win",
            ));
        }
        let base = Tenant {
            name: name.clone(),
            group: None,
            since: t.since,
            until: t.until.as_ref().map(|u| *u.get_ref()),
            seats: t.seats.0,
            active: t.active.0,
            acr: t.acr.0,
            m365: association_of(rules, Side::M365, &t.m365, src)?,
            azure: association_of(rules, Side::Azure, &t.azure, src)?,
            probability: t.probability.map_or(Decimal::ONE, |p| p.0),
        };
        let members: Vec<Tenant> = match t.count {
            None => vec![base],
            Some(count) => {
                let every = t.every.as_ref().map_or(0, |e| e.get_ref().0) as i32;
                (0..count.0 as i32)
                    .map(|k| Tenant {
                        name: format!("{name} {}", k + 1),
                        group: Some(name.clone()),
                        since: base.since.map(|s| s + k * every),
                        ..base.clone()
                    })
                    .collect()
            }
        };
        for m in &members {
            if let (Some(since), Some(until)) = (m.since, m.until)
                && until < since
            {
                return Err(src.at(
                    t.name.span(),
                    format!(
                        "member \"{}\" would be won in {since}, after its `until` ({until})",
                        m.name
                    ),
                ));
            }
            if name.trim() == "*" {
                return Err(src.at(
                    t.name.span(),
                    "\"*\" stands for every tenant in [[changes]]; give this tenant another name",
                ));
            }
            if t.count.is_some() && imported.contains(name.as_str()) {
                return Err(src.at(t.name.span(), format!("the group name \"{name}\" is also a tenant in the history CSV; a change could not tell them apart")));
            }
            if imported.contains(m.name.as_str()) {
                return Err(src.at(t.name.span(), format!("tenant \"{}\" is also in the history CSV; change it with [[changes]] instead", m.name)));
            }
            if declared.insert(m.name.clone(), ()).is_some()
                || (t.count.is_some() && declared.contains_key(name))
            {
                return Err(src.at(
                    t.name.span(),
                    format!("tenant name \"{}\" is used twice", m.name),
                ));
            }
        }
        tenants.extend(members);
    }
    // A group name must not also be a tenant's name, or a change could not tell them apart.
    for t in &tenants {
        if let Some(g) = &t.group
            && tenants.iter().any(|o| o.group.is_none() && o.name == *g)
        {
            return Err(Error::Input(format!(
                "\"{g}\" names both a group and a single tenant; rename one of them"
            )));
        }
    }
    Ok(tenants)
}

/// Tenant ids by name (declared tenants, group names, and the imported tenants among
/// `wanted`): what changes and options name.
fn tenant_lookup<'a>(
    wanted: impl Iterator<Item = &'a str>,
    history: Option<&'a History>,
    tenants: &'a [Tenant],
) -> HashMap<&'a str, Vec<u32>> {
    let offset = history.map_or(0, |h| h.names.len());
    let mut by_name: HashMap<&str, Vec<u32>> = HashMap::new();
    // Changes name few tenants; find those among the imported ones in one pass rather
    // than indexing every imported name.
    if let Some(h) = history {
        let wanted: rustc_hash::FxHashSet<&str> = wanted.collect();
        if !wanted.is_empty() {
            for (i, n) in h.names.iter().enumerate() {
                if wanted.contains(n.as_str()) {
                    by_name.entry(n.as_str()).or_default().push(i as u32);
                }
            }
        }
    }
    for (i, t) in tenants.iter().enumerate() {
        let id = (offset + i) as u32;
        by_name.entry(t.name.as_str()).or_default().push(id);
        if let Some(g) = &t.group {
            by_name.entry(g.as_str()).or_default().push(id);
        }
    }
    by_name
}

/// "no tenant or group is named …", with a near miss when there is one.
fn unknown_tenant(
    written: &str,
    by_name: &HashMap<&str, Vec<u32>>,
    history: Option<&History>,
) -> String {
    let imported = history
        .iter()
        .flat_map(|h| h.names.iter().map(String::as_str));
    let near = by_name
        .keys()
        .copied()
        .chain(imported)
        .find(|k| k.eq_ignore_ascii_case(written))
        .map(|k| format!(" (did you mean \"{k}\"?)"))
        .unwrap_or_default();
    format!("no tenant or group is named \"{written}\"{near}")
}

fn resolve_changes(
    merged: &Merged,
    rules: &Ruleset,
    history: Option<&History>,
    by_name: &HashMap<&str, Vec<u32>>,
) -> Result<Vec<Change>> {
    let mut changes = Vec::new();
    for from in &merged.changes {
        let src = &merged.layers[from.layer].source;
        let c = &from.entry;
        let written = c.tenant.get_ref();
        let target = if written.trim() == "*" {
            Target::All
        } else {
            match by_name.get(written.as_str()) {
                Some(ids) => Target::Tenants(ids.clone()),
                None => {
                    return Err(src.at(c.tenant.span(), unknown_tenant(written, by_name, history)));
                }
            }
        };
        let ops = [&c.seats, &c.active, &c.acr];
        if ops.iter().all(|o| o.is_none()) && c.m365.is_none() && c.azure.is_none() {
            return Err(src.at(c.tenant.span(), CHANGES_NOTHING));
        }
        if let Some(until) = &c.until {
            if !ops
                .iter()
                .any(|o| o.as_ref().is_some_and(|o| o.get_ref().is_recurring()))
            {
                return Err(src.at(until.span(), "`until` ends a recurring change (\"+N/month\" or \"+N%/month\"); this change has none"));
            }
            if *until.get_ref() < c.month {
                return Err(src.at(
                    until.span(),
                    format!("until ({}) is before month ({})", until.get_ref(), c.month),
                ));
            }
        }
        changes.push(Change {
            at: src.locate(c.tenant.span()),
            written: written.clone(),
            target,
            month: c.month,
            until: c.until.as_ref().map(|u| *u.get_ref()),
            seats: c.seats.as_ref().map(|o| *o.get_ref()),
            active: c.active.as_ref().map(|o| *o.get_ref()),
            acr: c.acr.as_ref().map(|o| *o.get_ref()),
            m365: association_of(rules, Side::M365, &c.m365, src)?,
            azure: association_of(rules, Side::Azure, &c.azure, src)?,
            probability: c.probability.map_or(Decimal::ONE, |p| p.0),
        });
    }
    Ok(changes)
}
