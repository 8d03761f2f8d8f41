//! Writes a realistic synthetic history CSV, a scenario that uses it, and five plans that
//! extend the scenario (plan-1.toml … plan-5.toml, for `compare`).
//!
//!     cargo run --release --example gen_history -- --tenants 100000 --months 36 --seed 1 [--order tenant|month|shuffled] [--out DIR]
//!
//! Then: cargo run --release -- run DIR/scenario.toml

use std::path::PathBuf;

use clap::Parser;
use pcsim::synth::{Options, Order, plan_toml, scenario_toml, write_history_in};

#[derive(Parser)]
struct Args {
    /// How many customer tenants
    #[arg(long, default_value_t = 10_000)]
    tenants: usize,
    /// Months of history
    #[arg(long, default_value_t = 36)]
    months: u32,
    /// Random seed: the same seed gives the same files
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Row order: by tenant (as we write), by month (monthly downloads concatenated), or shuffled
    #[arg(long, value_enum, default_value_t = Order::Tenant)]
    order: Order,
    /// Folder to write tenants.csv, scenario.toml and the plans into
    #[arg(long, default_value = "generated")]
    out: PathBuf,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let options = Options::new(args.tenants, args.months, args.seed);
    std::fs::create_dir_all(&args.out)?;
    let csv = args.out.join("tenants.csv");
    let rows = write_history_in(&options, args.order, std::fs::File::create(&csv)?)?;
    let scenario = args.out.join("scenario.toml");
    let mut toml = scenario_toml(&options, "tenants.csv");
    if args.order != Order::Tenant {
        // The header names the command that wrote the files: with its row order.
        let order = format!("{:?}", args.order).to_lowercase();
        toml = toml.replacen("`\n", &format!(" --order {order}`\n"), 1);
    }
    std::fs::write(&scenario, toml)?;
    for k in 1..=5 {
        let plan = args.out.join(format!("plan-{k}.toml"));
        std::fs::write(plan, plan_toml(&options, "scenario.toml", k))?;
    }
    let bytes = std::fs::metadata(&csv)?.len();
    eprintln!(
        "wrote {} ({rows} rows, {:.1} MB), {} and five plans extending it",
        csv.display(),
        bytes as f64 / 1e6,
        scenario.display()
    );
    Ok(())
}
