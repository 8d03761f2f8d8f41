//! The command line: commands, their options, and what each one does.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Parser, Subcommand};

use crate::compare::compare;
use crate::destination::{Destination, OutputFormat};
use crate::error::{Error, Result};
use crate::explain::explain;
use crate::facts::Facts;
use crate::month::Month;
use crate::output::write_atomic;
use crate::report::chart::{Drawing, Image, Size};
use crate::report::{check_report, count};
use crate::rules::{BUILT_IN, PathId, Ruleset};
use crate::scenario::history::ReadProgress;
use crate::scenario::{Imports, Scenario};
use crate::simulate::{Projection, facts_span, project, simulate};

/// A progress display on standard error for long runs: a bar of the history's bytes read
/// while it is imported, then a spinner naming the stage. It appears only once a run has
/// taken about a second, so quick runs print nothing extra, and never when standard error
/// is not a terminal (indicatif draws nothing then), so pipes and logs stay clean.
struct Progress {
    bar: indicatif::ProgressBar,
    done: Arc<AtomicBool>,
}

impl Progress {
    fn start(message: String, reading: Arc<ReadProgress>) -> Progress {
        let bar = indicatif::ProgressBar::hidden();
        bar.set_style(spinner());
        bar.set_message(message);
        let done = Arc::new(AtomicBool::new(false));
        let (b, d) = (bar.clone(), done.clone());
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(1));
            if d.load(Ordering::Relaxed) {
                return;
            }
            b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            // While the history is read, show how far; then leave the stage's spinner.
            while !d.load(Ordering::Relaxed) {
                let (read, total) = (
                    reading.bytes.load(Ordering::Relaxed),
                    reading.total.load(Ordering::Relaxed),
                );
                if total == 0 || read >= total {
                    if b.length().is_some() {
                        b.set_style(spinner());
                        b.unset_length();
                    }
                    if total > 0 {
                        break;
                    }
                } else {
                    if b.length().is_none() {
                        b.set_style(
                            indicatif::ProgressStyle::with_template(
                                "{msg} [{bar:30}] {bytes}/{total_bytes} ({elapsed})",
                            )
                            .expect("a valid template")
                            .progress_chars("=> "),
                        );
                    }
                    b.set_length(total);
                    b.set_position(read);
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        });
        Progress { bar, done }
    }

    fn stage(&self, message: String) {
        self.bar.set_message(message);
    }
}

fn spinner() -> indicatif::ProgressStyle {
    indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
        .expect("a valid template")
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        self.bar.finish_and_clear();
    }
}

/// Loads and simulates plans, as `compare` does; the first failure in file order is
/// reported, and each plan's warnings are printed to standard error. Plans that
/// extend one baseline share its history: the first plan reads and counts it on every
/// core, then the others, which reuse it, run side by side (run all at once, they would
/// only wait for the first and leave a core idle).
pub fn load_plans(
    files: &[PathBuf],
    rules: Option<&std::path::Path>,
    imports: &Imports,
) -> Result<Vec<(Scenario, Projection)>> {
    use rayon::prelude::*;
    let bases = crate::simulate::Bases::default();
    let plan = |f: &PathBuf| -> Result<(Scenario, Projection)> {
        let s = Scenario::load_sharing(f, rules, imports)?;
        warn(&s);
        let (origin, end) = facts_span(&s);
        let p = crate::simulate::project_figures(&s, &Facts::build(&s, origin, end)?, &bases);
        Ok((s, p))
    };
    let Some((first, rest)) = files.split_first() else {
        return Ok(Vec::new());
    };
    let first = plan(first)?;
    let rest: Vec<Result<(Scenario, Projection)>> = rest.par_iter().map(plan).collect();
    std::iter::once(Ok(first)).chain(rest).collect()
}

#[derive(Debug, Parser)]
#[command(
    name = "pcsim",
    version,
    about = "What-if planning for the Microsoft partner capability score (Solutions Partner for Security)",
    long_about = "Projects the partner capability score month by month on the Enterprise and SMB paths \
                  from a TOML scenario: certifications passed, customers won and lost, usage growth.\n\n\
                  Exit codes: 0 success, 1 invalid input (scenario, ruleset or CSV), 2 invalid command line, \
                  3 an output file could not be written."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Project a scenario month by month on both paths
    Run {
        /// The scenario TOML file
        file: PathBuf,
        /// Output format (default: from -o's extension, .xlsx, .json or .csv; else table)
        #[arg(long, short, value_enum)]
        format: Option<OutputFormat>,
        /// Use this ruleset instead of the built-in one (or the scenario's `rules`)
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        /// Write to this file (atomically) instead of standard output
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Compare plans side by side; the first file is the baseline
    Compare {
        /// Two or more scenario TOML files; the first is the baseline
        #[arg(required = true, num_args = 2..)]
        files: Vec<PathBuf>,
        /// Output format (default: from -o's extension, .xlsx, .json or .csv; else table)
        #[arg(long, short, value_enum)]
        format: Option<OutputFormat>,
        /// Use this ruleset for every plan instead of the built-in one (or each scenario's `rules`)
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        /// Write the comparison to this file (atomically) instead of standard output
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Also draw every plan's headline score on one chart (.png or .svg)
        #[arg(long, value_name = "FILE", value_parser = chart_file)]
        chart: Option<PathBuf>,
        /// Also weigh each plan's uncertain events: the chance of having qualified by each
        /// month, side by side (and on the chart)
        #[arg(long)]
        odds: bool,
        /// Draws per plan with more than 16 uncertain events (with --odds)
        #[arg(long, value_name = "N", default_value_t = crate::odds::DEFAULT_DRAWS, value_parser = clap::value_parser!(u32).range(1..))]
        draws: u32,
        /// Seed of the draws (with --odds)
        #[arg(long, value_name = "S", default_value_t = 0)]
        seed: u64,
        /// Chart size in pixels
        #[arg(long, value_name = "WxH", default_value = "1600x900")]
        size: Size,
    },
    /// Draw a scenario's projection as a chart for slides (PNG or SVG)
    Chart {
        /// The scenario TOML file
        file: PathBuf,
        /// The chart file to write: .png or .svg
        #[arg(long, short, value_name = "FILE", value_parser = chart_file)]
        output: PathBuf,
        /// Use this ruleset instead of the built-in one (or the scenario's `rules`)
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        /// Chart size in pixels
        #[arg(long, value_name = "WxH", default_value = "1600x900")]
        size: Size,
    },
    /// Show which tenants and people make each number of one projected month
    Explain {
        /// The scenario TOML file
        file: PathBuf,
        /// The projected month to explain
        #[arg(long, short, value_name = "YYYY-MM")]
        month: Month,
        /// Show one path only
        #[arg(long, value_enum)]
        path: Option<PathChoice>,
        /// Output format (csv: one row per tenant; default: from -o's extension, .xlsx,
        /// .json or .csv; else table)
        #[arg(long, short, value_enum)]
        format: Option<OutputFormat>,
        /// Use this ruleset instead of the built-in one (or the scenario's `rules`)
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        /// Write to this file (atomically) instead of standard output
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// How likely a plan is: planned events with a `probability` happen or not, and
    /// every outcome (or, past 16 uncertain events, a sample of them) is scored
    Odds {
        /// The scenario TOML file
        file: PathBuf,
        /// Draws when there are more than 16 uncertain events
        #[arg(long, value_name = "N", default_value_t = crate::odds::DEFAULT_DRAWS, value_parser = clap::value_parser!(u32).range(1..))]
        draws: u32,
        /// Seed of the draws: the same seed gives the same result on any machine
        #[arg(long, value_name = "S", default_value_t = 0)]
        seed: u64,
        /// Sample even when every outcome could be scored (to check an estimate)
        #[arg(long)]
        sample: bool,
        /// Also draw a fan chart of the headline score and the odds of qualifying (.png or
        /// .svg)
        #[arg(long, value_name = "FILE", value_parser = chart_file)]
        chart: Option<PathBuf>,
        /// Chart size in pixels
        #[arg(long, value_name = "WxH", default_value = "1600x900")]
        size: Size,
        /// Output format (default: from -o's extension, .xlsx, .json or .csv; else table)
        #[arg(long, short, value_enum)]
        format: Option<OutputFormat>,
        /// Use this ruleset instead of the built-in one (or the scenario's `rules`)
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        /// Write to this file (atomically) instead of standard output
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The least we must do: the cheapest uses of the scenario's [[options]] that meet a
    /// target (proven minimal up to 1,000,000 choices)
    #[command(group(clap::ArgGroup::new("target").args(["by", "in_months", "renew"])))]
    Seek {
        /// The scenario TOML file, with [[options]]
        file: PathBuf,
        /// Qualify in at least one projected month up to and including this one
        #[arg(long, value_name = "YYYY-MM")]
        by: Option<Month>,
        /// Qualify in this month (repeat for several: each must qualify)
        #[arg(long = "in", value_name = "YYYY-MM", id = "in_months")]
        in_months: Vec<Month>,
        /// Renew at this anniversary (default: the next of `enrolled`): qualify in the
        /// anniversary month or one of the five before it
        #[arg(long, value_name = "YYYY-MM", num_args = 0..=1, value_parser = renew_month)]
        renew: Option<Option<Month>>,
        /// Only this path counts (default: either)
        #[arg(long, value_enum)]
        path: Option<PathChoice>,
        /// Meet the target with at least this probability (0 to 1), weighing the
        /// planned events' and the options' probabilities as `odds` does
        #[arg(long, value_name = "P", value_parser = confidence)]
        confidence: Option<f64>,
        /// Draws per choice with --confidence when more than 16 events are uncertain
        #[arg(long, value_name = "N", default_value_t = crate::odds::DEFAULT_DRAWS, value_parser = clap::value_parser!(u32).range(1..))]
        draws: u32,
        /// Seed of those draws
        #[arg(long, value_name = "S", default_value_t = 0)]
        seed: u64,
        /// Add a ready-made menu worked out from the ruleset and the scenario: one more
        /// person on each certification step, M365 wins and Azure customers just inside
        /// each path's bands (an option of the scenario's with the same name replaces one)
        #[arg(long)]
        suggest: bool,
        /// With --suggest: print the ready-made menu as [[options]] to edit, and stop
        #[arg(long, requires = "suggest", conflicts_with_all = ["write", "confidence", "format"])]
        print: bool,
        /// The cost of one use of an option, replacing the scenario's or the default
        /// (repeatable), as in --cost "SMB M365 win=4000"
        #[arg(long, value_name = "NAME=COST", value_parser = cost_of_option)]
        cost: Vec<(String, rust_decimal::Decimal)>,
        /// With more than 1,000,000 choices, score at most this many (the answer is then
        /// proven minimal only if the search ends within them)
        #[arg(long, value_name = "N", default_value_t = crate::seek::BUDGET, value_parser = clap::value_parser!(u64).range(1..))]
        budget: u64,
        /// Write a scenario that extends FILE with the chosen uses as ordinary events
        #[arg(long, value_name = "PLAN.toml")]
        write: Option<PathBuf>,
        /// Output format (csv: one row per option; default: from -o's extension, .json or
        /// .csv; else table)
        #[arg(long, short, value_enum)]
        format: Option<OutputFormat>,
        /// Use this ruleset instead of the built-in one (or the scenario's `rules`)
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        /// Write to this file (atomically) instead of standard output
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Validate a scenario and show what it resolved to
    Check {
        /// The scenario TOML file
        file: PathBuf,
        /// Use this ruleset instead of the built-in one (or the scenario's `rules`)
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
    },
    /// Print the built-in ruleset (a starting point for your own), or check a ruleset file
    Rules {
        /// A ruleset file to validate instead of printing the built-in one
        #[arg(long, value_name = "FILE")]
        check: Option<PathBuf>,
    },
    /// Write a commented starter scenario to fill in
    Init {
        /// The scenario file to write (it must not exist yet)
        file: PathBuf,
        /// The kind of customers the example shows
        #[arg(long, value_enum, default_value_t = crate::starter::Flavour::Smb)]
        path: crate::starter::Flavour,
        /// Start from this history CSV (tenant,month,seats,active,acr,...) instead of
        /// example customers
        #[arg(long, value_name = "CSV")]
        history: Option<PathBuf>,
        /// Start from this people CSV (person,cert,passed,...) instead of example people
        #[arg(long, value_name = "CSV")]
        people: Option<PathBuf>,
        /// The first projected month (default: next month)
        #[arg(long, value_name = "YYYY-MM")]
        start: Option<Month>,
        /// The scenario's name
        #[arg(long, default_value = "My plan")]
        name: String,
    },
    /// Turn Partner Center downloads into history.csv and people.csv for a scenario
    #[command(
        after_help = "Each flag takes one file or several (one per month: --azure azure-*.csv), and may be repeated. CSV or tab-separated; \
                      columns are found by name. What counts comes from the ruleset's [usage] lists. \
                      See `pcsim docs import`."
    )]
    Import {
        /// Azure usage downloads (Month, CustomerTenantId, ServiceName, PartnerAttributionType,
        /// ACR); several may follow one flag: --azure azure-*.csv
        #[arg(long, value_name = "FILE", num_args = 1..)]
        azure: Vec<PathBuf>,
        /// Microsoft 365 (or EMS) usage downloads (Month, CustomerTenantId, WorkloadName,
        /// PaidAvailableUnits, MonthlyActiveUsers, PartnerAttributionType)
        #[arg(long, value_name = "FILE", num_args = 1..)]
        m365: Vec<PathBuf>,
        /// Training downloads (names or Email, TrainingTitle, TrainingCompletionDate,
        /// ExpirationDate)
        #[arg(long, value_name = "FILE", num_args = 1..)]
        training: Vec<PathBuf>,
        /// The folder to write history.csv and people.csv into (made if missing)
        #[arg(long, short = 'o', value_name = "DIR")]
        out: PathBuf,
        /// A ruleset whose [usage] lists and catalog to use instead of the built-in one
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        /// The day certifications are judged on: one that expired before it lapsed, one
        /// valid on it is assumed renewed (default: today)
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = day)]
        as_of: Option<chrono::NaiveDate>,
        /// The order of slash dates such as 03/04/2026 in training files, when no date in
        /// the file settles it
        #[arg(long, value_enum)]
        dates: Option<crate::import::DateOrder>,
        /// How to print the summary
        #[arg(long, value_enum, default_value_t = SummaryFormat::Table)]
        format: SummaryFormat,
    },
    /// Print a format reference built into pcsim (without a topic: the list)
    Docs {
        /// scenario, rules, scoring, output, odds or seek
        topic: Option<String>,
    },
    /// Print a shell completion script (for example: pcsim completions bash > ~/.local/share/bash-completion/completions/pcsim)
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the JSON Schema of a scenario or ruleset file, for editor completion
    Schema {
        #[arg(value_enum)]
        kind: crate::schema::Kind,
    },
}

/// How `import` prints its summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryFormat {
    Table,
    Json,
}

/// `--as-of`: a day, `YYYY-MM-DD`.
fn day(text: &str) -> std::result::Result<chrono::NaiveDate, String> {
    use chrono::Datelike;
    let d = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a day: write YYYY-MM-DD, as in 2026-11-30"))?;
    match Month::new(d.year(), d.month()) {
        Some(_) => Ok(d),
        None => Err(format!(
            "`{text}` is outside the years pcsim plans for, 1900 to 9999: is the year mistyped?"
        )),
    }
}

/// A path named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PathChoice {
    Enterprise,
    Smb,
}

impl PathChoice {
    fn paths(choice: Option<PathChoice>) -> Vec<PathId> {
        match choice {
            None => PathId::ALL.to_vec(),
            Some(PathChoice::Enterprise) => vec![PathId::Enterprise],
            Some(PathChoice::Smb) => vec![PathId::Smb],
        }
    }
}

/// `pcsim init`: the starter scenario, checked by loading it before it is written, and
/// never over an existing file.
fn init(
    file: &std::path::Path,
    flavour: crate::starter::Flavour,
    history: Option<&std::path::Path>,
    people: Option<&std::path::Path>,
    start: Option<Month>,
    name: &str,
) -> Result<String> {
    if file.exists() {
        return Err(Error::Input(format!(
            "{} already exists: name a new file (init never writes over one)",
            file.display()
        )));
    }
    let start = start.unwrap_or_else(crate::starter::next_month);
    let csv = history.map(|h| relative_to(h, file));
    let people_csv = people.map(|p| relative_to(p, file));
    let shown = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let text = crate::starter::scenario(
        &shown,
        name,
        flavour,
        start,
        csv.as_deref(),
        people_csv.as_deref(),
    );
    let checked = Scenario::from_str(&file.to_string_lossy(), &text)?;
    let schema_note = crate::starter::write_schema_beside(file, &checked.inputs)?;
    write_atomic(file, text.as_bytes(), &checked.inputs)?;
    Ok(format!(
        "Wrote {}: a starter scenario from {start} ({}, {}{}). Fill it in, then:\n  pcsim check {}\n  pcsim run {}\n{schema_note}",
        file.display(),
        count(checked.people.len(), "person", "people"),
        count(checked.tenant_count(), "customer", "customers"),
        match (history.is_some(), people.is_some()) {
            (true, true) => " from the history and people CSVs",
            (true, false) => " with the history's",
            (false, true) => " from the people CSV",
            (false, false) => "",
        },
        file.display(),
        file.display()
    ))
}

/// `pcsim import`: reads the downloads, writes history.csv and people.csv into `out`
/// (each atomically), and returns the summary.
fn import(
    request: &crate::import::Request,
    out: &std::path::Path,
    rules: Option<&std::path::Path>,
    format: SummaryFormat,
) -> Result<String> {
    let rules = match rules {
        Some(path) => Ruleset::load(path)?,
        None => Ruleset::built_in(),
    };
    let reading = Arc::new(ReadProgress::default());
    let progress = Progress::start("Importing".into(), reading.clone());
    let mut imported = crate::import::import(request, &rules, &reading)?;
    drop(progress);
    let stale = out.join("history.csv");
    let usage_given = !(request.azure.is_empty() && request.m365.is_empty());
    if imported.history.is_none() && usage_given && stale.exists() {
        imported.summary.warnings.push(format!(
            "{} is left as it was, from an earlier import",
            stale.display()
        ));
    }
    if out.is_file() {
        return Err(Error::Write {
            path: out.to_path_buf(),
            reason: "it is a file; --out names a folder".into(),
        });
    }
    std::fs::create_dir_all(out).map_err(|e| Error::Write {
        path: out.to_path_buf(),
        reason: crate::error::describe_io(&e),
    })?;
    let inputs: Vec<PathBuf> = request
        .azure
        .iter()
        .chain(&request.m365)
        .chain(&request.training)
        .cloned()
        .collect();
    let outputs: Vec<(PathBuf, &String)> = [
        ("history.csv", &imported.history),
        ("people.csv", &imported.people),
    ]
    .into_iter()
    .filter_map(|(name, text)| text.as_ref().map(|t| (out.join(name), t)))
    .collect();
    // Neither file is written when either would replace a download being imported.
    for (path, _) in &outputs {
        crate::output::refuse_input(path, &inputs)?;
    }
    let mut written = Vec::new();
    for (path, text) in outputs {
        write_atomic(&path, &crate::output::csv_for_excel(text), &inputs)?;
        written.push(path);
    }
    Ok(match format {
        SummaryFormat::Table => crate::report::import::render(&imported.summary, &written),
        SummaryFormat::Json => crate::report::import::json(&imported.summary, &written),
    })
}

/// Draws `drawing` into `file` (atomically), as PNG or SVG by its extension.
fn draw_chart(
    file: &std::path::Path,
    drawing: Drawing<'_>,
    size: Size,
    inputs: &[PathBuf],
) -> Result<()> {
    let fail = |reason| Error::Write {
        path: file.to_path_buf(),
        reason,
    };
    let bytes =
        crate::report::chart::image(drawing, size, Image::of(file).map_err(fail)?).map_err(fail)?;
    write_atomic(file, &bytes, inputs)
}

/// `--renew`'s month; a file name there is the scenario written after a bare `--renew`.
fn renew_month(text: &str) -> std::result::Result<Month, String> {
    text.parse::<Month>().map_err(|e| {
        if text.ends_with(".toml") {
            format!("`{text}` is not a month: name the scenario before a bare --renew, as in `pcsim seek {text} --renew`")
        } else {
            e.to_string()
        }
    })
}

/// A chart's file: its extension picks PNG or SVG.
fn chart_file(text: &str) -> std::result::Result<PathBuf, String> {
    let path = PathBuf::from(text);
    Image::of(&path).map(|_| path)
}

/// `--cost NAME=COST`: an option's name and a cost of zero or more.
fn cost_of_option(text: &str) -> std::result::Result<(String, rust_decimal::Decimal), String> {
    let wrong = || {
        format!(
            "`{text}` is not NAME=COST: write the option's name, `=`, and a cost of zero or more, as in \"SMB M365 win=4000\""
        )
    };
    let (name, cost) = text.rsplit_once('=').ok_or_else(wrong)?;
    let cost: rust_decimal::Decimal = cost.trim().parse().map_err(|_| wrong())?;
    if name.trim().is_empty() {
        return Err(wrong());
    }
    let cost =
        crate::scenario::model::Cost::try_from(cost).map_err(|e| format!("`{text}`: {e}"))?;
    Ok((name.trim().to_string(), cost.0))
}

/// `--confidence`: a probability from 0 to 1.
fn confidence(text: &str) -> std::result::Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!(
            "`{text}` is not a probability: write a number from 0 to 1, as in 0.8"
        )),
    }
}

/// How a file written next to `plan` names `file`: relative to the plan's folder (with
/// `..` where it must climb), so that the two can move together.
fn relative_to(file: &std::path::Path, plan: &std::path::Path) -> String {
    use std::path::Component;
    let absolute =
        |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let file = absolute(file);
    let folder = plan
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| absolute(std::path::Path::new(".")), absolute);
    let (a, b): (Vec<Component>, Vec<Component>) =
        (file.components().collect(), folder.components().collect());
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    // Different roots (another drive): only the absolute path works.
    if common == 0 {
        return file.to_string_lossy().replace('\\', "/");
    }
    let mut parts: Vec<String> = vec!["..".into(); b.len() - common];
    parts.extend(
        a[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// Applies `--cost NAME=COST` to the option of that name; a name no option has is an
/// error that lists them.
fn set_cost(
    mut options: Vec<&mut crate::scenario::options::PlanOption>,
    name: &str,
    cost: rust_decimal::Decimal,
) -> Result<()> {
    if let Some(o) = options.iter_mut().find(|o| o.name == name) {
        o.cost = cost;
        return Ok(());
    }
    let names: Vec<String> = options.iter().map(|o| format!("\"{}\"", o.name)).collect();
    Err(Error::Input(format!(
        "--cost names \"{name}\", but no option has that name; the options are {}",
        if names.is_empty() {
            "none".into()
        } else {
            names.join(", ")
        }
    )))
}

/// The width of the terminal standard output goes to: `COLUMNS` when set, else the
/// terminal's own; `None` when it is not a terminal (a file or a pipe takes any width).
fn terminal_width() -> Option<usize> {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
    {
        return Some(n);
    }
    let term = console::Term::stdout();
    term.is_term().then(|| term.size().1 as usize)
}

/// Prints a scenario's warnings on standard error: likely slips in valid input.
fn warn(scenario: &Scenario) {
    for w in &scenario.warnings {
        eprintln!("warning: {w}");
    }
}

/// Loads a scenario with a progress display that says `doing` the file, then the stages.
fn load_showing(
    file: &std::path::Path,
    rules: Option<&std::path::Path>,
    doing: &str,
) -> Result<(Scenario, Progress)> {
    let imports = Imports::default();
    let progress = Progress::start(
        format!("{doing} {}", file.display()),
        imports.progress.clone(),
    );
    let scenario = Scenario::load_sharing(file, rules, &imports)?;
    warn(&scenario);
    Ok((scenario, progress))
}

/// Runs one command, writing its result to `stdout`.
pub fn run(cli: Cli, stdout: &mut dyn Write) -> Result<()> {
    let text = match cli.command {
        Command::Run {
            file,
            format,
            rules,
            output,
        } => {
            let destination = Destination::pick(format, output)?;
            let (scenario, progress) = load_showing(&file, rules.as_deref(), "Reading")?;
            progress.stage(format!(
                "Expanding monthly facts for {}",
                count(scenario.tenant_count(), "tenant", "tenants")
            ));
            let (origin, end) = facts_span(&scenario);
            let facts = Facts::build(&scenario, origin, end)?;
            progress.stage(format!(
                "Scoring {} on both paths",
                count(scenario.months as usize, "month", "months")
            ));
            let projection = project(&scenario, &facts);
            drop(facts);
            // On a terminal the table fits its width.
            let on_screen = destination == Destination::Screen(crate::report::Format::Table);
            let text = destination.deliver(
                &scenario.inputs,
                |format| {
                    if on_screen {
                        crate::report::table::render_within(&projection, terminal_width())
                    } else {
                        format.report().render(&projection)
                    }
                },
                || crate::report::xlsx::run(&projection),
            );
            drop(progress);
            text?
        }
        Command::Compare {
            files,
            format,
            rules,
            output,
            chart,
            odds,
            draws,
            seed,
            size,
        } => {
            let destination = Destination::pick(format, output)?;
            let imports = Imports::default();
            let progress = Progress::start(
                format!("Simulating {} plans", files.len()),
                imports.progress.clone(),
            );
            let plans = load_plans(&files, rules.as_deref(), &imports)?;
            let odds = if odds {
                progress.stage("Weighing each plan's uncertain events".into());
                let bases = crate::simulate::Bases::default();
                let sampling = crate::odds::Sampling {
                    draws,
                    seed,
                    always: false,
                };
                Some(
                    plans
                        .iter()
                        .map(|(s, _)| crate::odds::odds_sharing(s, sampling, &bases))
                        .collect::<Result<Vec<_>>>()?,
                )
            } else {
                None
            };
            drop(progress);
            let pairs: Vec<(&Scenario, &Projection)> = plans.iter().map(|(s, p)| (s, p)).collect();
            let comparison = compare(&pairs);
            let inputs: Vec<PathBuf> = plans.iter().flat_map(|(s, _)| s.inputs.clone()).collect();
            if let Some(file) = chart {
                let projections: Vec<&Projection> = plans.iter().map(|(_, p)| p).collect();
                draw_chart(
                    &file,
                    Drawing::Comparison(&projections, odds.as_deref()),
                    size,
                    &inputs,
                )?;
            }
            destination.deliver(
                &inputs,
                |format| {
                    crate::report::compare::render(
                        &comparison,
                        format,
                        &plans[0].1.terms.path_names,
                        odds.as_deref(),
                    )
                },
                || {
                    crate::report::xlsx::workbook(&crate::report::compare::sheets(
                        &comparison,
                        odds.as_deref(),
                    ))
                },
            )?
        }
        Command::Chart {
            file,
            output,
            rules,
            size,
        } => {
            let (scenario, progress) = load_showing(&file, rules.as_deref(), "Simulating")?;
            let projection = simulate(&scenario)?;
            drop(progress);
            return draw_chart(
                &output,
                Drawing::Projection(&projection),
                size,
                &scenario.inputs,
            );
        }
        Command::Explain {
            file,
            month,
            path,
            format,
            rules,
            output,
        } => {
            let destination = Destination::pick(format, output)?;
            let (scenario, progress) = load_showing(&file, rules.as_deref(), "Reading")?;
            if month < scenario.start || month > scenario.end() {
                return Err(Error::Input(format!(
                    "--month {month} is outside the projection of {} ({} to {}): explain one of its months",
                    file.display(),
                    scenario.start,
                    scenario.end()
                )));
            }
            progress.stage(format!(
                "Expanding monthly facts for {}",
                count(scenario.tenant_count(), "tenant", "tenants")
            ));
            let (origin, end) = crate::explain::facts_span(&scenario);
            let facts = Facts::build(&scenario, origin, end)?;
            progress.stage(format!("Explaining {month}"));
            let explanation = explain(&scenario, &facts, month);
            drop(facts);
            let paths = PathChoice::paths(path);
            let text = destination.deliver(
                &scenario.inputs,
                |format| crate::report::explain::render(&explanation, &paths, format),
                || {
                    crate::report::xlsx::workbook(&crate::report::explain::sheets(
                        &explanation,
                        &paths,
                    ))
                },
            );
            drop(progress);
            text?
        }
        Command::Odds {
            file,
            draws,
            seed,
            sample,
            chart,
            size,
            format,
            rules,
            output,
        } => {
            let destination = Destination::pick(format, output)?;
            let (scenario, progress) = load_showing(&file, rules.as_deref(), "Reading")?;
            progress.stage("Scoring the outcomes".into());
            let sampling = crate::odds::Sampling {
                draws,
                seed,
                always: sample,
            };
            let odds = crate::odds::odds(&scenario, sampling)?;
            drop(progress);
            if let Some(file) = chart {
                draw_chart(&file, Drawing::Odds(&odds), size, &scenario.inputs)?;
            }
            destination.deliver(
                &scenario.inputs,
                |format| crate::report::odds::render(&odds, format),
                || crate::report::xlsx::workbook(&crate::report::odds::sheets(&odds)),
            )?
        }
        Command::Seek {
            file,
            by,
            in_months,
            renew,
            path,
            confidence,
            draws,
            seed,
            suggest,
            print,
            cost,
            budget,
            write,
            format,
            rules,
            output,
        } => 'seek: {
            let destination = Destination::pick(format, output.clone())?;
            if let Destination::Workbook(_) = destination {
                return Err(Error::Usage(
                    "pcsim seek writes no Excel workbook: -o FILE.csv opens in Excel".into(),
                ));
            }
            let (mut scenario, progress) = load_showing(&file, rules.as_deref(), "Reading")?;
            let goal = match by {
                Some(m) => Some(crate::seek::Goal::By(m)),
                None if renew.is_some() => {
                    Some(crate::seek::Goal::renewal(&scenario, renew.flatten())?)
                }
                None if !in_months.is_empty() => {
                    let mut months = in_months;
                    months.sort_unstable();
                    months.dedup();
                    Some(crate::seek::Goal::In(months))
                }
                None => None,
            };
            let mut suggested = Vec::new();
            if suggest {
                let needed_by = goal
                    .as_ref()
                    .map_or(scenario.start, |g| g.last_needed(scenario.start));
                let mut menu = crate::suggest::menu(
                    &scenario,
                    crate::suggest::wins_month(&scenario, needed_by),
                    &crate::suggest::DEFAULT_COSTS,
                );
                if print {
                    drop(progress);
                    for (name, c) in &cost {
                        set_cost(menu.iter_mut().map(|s| &mut s.option).collect(), name, *c)?;
                    }
                    let extends = match &output {
                        Some(out) => relative_to(&file, out),
                        None => file.to_string_lossy().replace('\\', "/"),
                    };
                    let text = crate::report::seek::options_toml(&scenario, &menu, &extends);
                    if let Some(out) = output {
                        return write_atomic(&out, text.as_bytes(), &scenario.inputs);
                    }
                    break 'seek text;
                }
                for crate::suggest::Suggestion { option, .. } in menu {
                    if !scenario.options.iter().any(|mine| mine.name == option.name) {
                        suggested.push(option.name.clone());
                        scenario.options.push(option);
                    }
                }
            }
            for (name, c) in &cost {
                set_cost(scenario.options.iter_mut().collect(), name, *c)?;
            }
            let Some(goal) = goal else {
                return Err(Error::Input(
                    "name a target: --by YYYY-MM (qualify by then), --in YYYY-MM (qualify in that month; repeatable) or --renew (at the next anniversary)".into(),
                ));
            };
            progress.stage("Searching the options".into());
            let target = crate::seek::Target {
                goal,
                path: path.map(|p| PathChoice::paths(Some(p))[0]),
                start: scenario.start,
            };
            let sampling = crate::odds::Sampling {
                draws,
                seed,
                always: false,
            };
            let sought = crate::seek::seek(
                &scenario,
                &target,
                confidence,
                sampling,
                &crate::simulate::Bases::default(),
                budget,
            )?;
            drop(progress);
            let answer = crate::report::seek::Answer {
                scenario: &scenario,
                sought: &sought,
                suggested: &suggested,
            };
            if let Some(plan) = write {
                if !sought.feasible {
                    return Err(Error::Input(format!(
                        "the target is not reachable with these options, so {} was not written",
                        plan.display()
                    )));
                }
                let extends = relative_to(&file, &plan);
                let command = format!(
                    "pcsim seek {}",
                    std::env::args().skip(2).collect::<Vec<_>>().join(" ")
                );
                let text =
                    crate::report::seek::plan_toml(&scenario, &sought.uses, &extends, &command);
                write_atomic(&plan, text.as_bytes(), &scenario.inputs)?;
            }
            destination.deliver(
                &scenario.inputs,
                |format| crate::report::seek::render(&answer, format),
                || unreachable!("refused above: seek writes no workbook"),
            )?
        }
        Command::Init {
            file,
            path,
            history,
            people,
            start,
            name,
        } => init(
            &file,
            path,
            history.as_deref(),
            people.as_deref(),
            start,
            &name,
        )?,
        Command::Import {
            azure,
            m365,
            training,
            out,
            rules,
            as_of,
            dates,
            format,
        } => {
            let request = crate::import::Request {
                azure,
                m365,
                training,
                as_of: as_of.unwrap_or_else(crate::starter::today),
                dates,
            };
            import(&request, &out, rules.as_deref(), format)?
        }
        Command::Docs { topic: None } => crate::starter::topics(),
        Command::Docs { topic: Some(t) } => {
            crate::starter::topic(&t).map_err(Error::Input)?.to_string()
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "pcsim",
                &mut out,
            );
            String::from_utf8_lossy(&out).into_owned()
        }
        Command::Check { file, rules } => {
            let scenario = Scenario::load(&file, rules.as_deref())?;
            warn(&scenario);
            check_report(&scenario)
        }
        Command::Rules { check: None } => BUILT_IN.to_string(),
        Command::Rules { check: Some(path) } => {
            let r = Ruleset::load(&path)?;
            for w in crate::scenario::warnings::unreachable_paths(&r) {
                eprintln!("warning: {w}");
            }
            format!(
                "{}: a valid ruleset, \"{}\", with {}\n",
                path.display(),
                r.name,
                count(r.certifications.len(), "certification", "certifications")
            )
        }
        Command::Schema { kind } => crate::schema::of(kind),
    };
    stdout.write_all(text.as_bytes()).map_err(|e| Error::Write {
        path: "standard output".into(),
        reason: e.to_string(),
    })
}
