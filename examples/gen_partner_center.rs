//! Writes synthetic Partner Center downloads at scale (Azure usage, Microsoft 365 usage,
//! training), for benchmarking `pcsim import`.
//!
//!     cargo run --release --example gen_partner_center -- --tenants 100000 --months 36 --seed 1 --out DIR [--split month|one] [--order tenant|month|shuffled]
//!
//! Then (a flag takes every file the shell expands):
//!
//!     pcsim import --azure DIR/azure*.csv --m365 DIR/m365*.tsv --training DIR/training.csv --out DIR/imported
//!
//! Writes DIR/azure-YYYY-MM.csv and DIR/m365-YYYY-MM.tsv, one per month as Partner Center
//! hands them out (`--split one`: DIR/azure.csv and DIR/m365.tsv), and DIR/training.csv.
//! The history starts in 2024-01, like gen_history's. Everything is made up: tenant and
//! subscription ids are GUIDs drawn from the seed, company names are invented, people are
//! at the reserved adatum.example domain.
//!
//! The same arguments give the same bytes, and a tenant-month's rows do not depend on
//! `--split` or `--order` (each is drawn from its own seed), so the orders are the same
//! rows rearranged and an import of any of them must give the same history.csv.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Parser;
use pcsim::synth::Order;
use rand::seq::SliceRandom;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[derive(Parser)]
struct Args {
    /// How many customer tenants (each with Azure usage, Microsoft 365 usage or both)
    #[arg(long, default_value_t = 10_000)]
    tenants: usize,
    /// Months of usage, from 2024-01
    #[arg(long, default_value_t = 36, value_parser = clap::value_parser!(u16).range(1..=600))]
    months: u16,
    /// Random seed: the same seed gives the same files
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// One file per month and kind (as downloaded month by month), or one file per kind
    #[arg(long, value_enum, default_value_t = Split::Month)]
    split: Split,
    /// Row order: by tenant, by month, or shuffled. In a one-month file tenant and month
    /// order are the same; shuffled permutes each file's rows
    #[arg(long, value_enum, default_value_t = Order::Tenant)]
    order: Order,
    /// Folder to write the downloads into (made if missing)
    #[arg(long, default_value = "generated/partner_center")]
    out: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Split {
    /// azure-YYYY-MM.csv and m365-YYYY-MM.tsv for every month
    Month,
    /// azure.csv and m365.tsv
    One,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Azure,
    M365,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Azure => "azure",
            Kind::M365 => "m365",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Kind::Azure => "csv",
            Kind::M365 => "tsv",
        }
    }

    /// Wider than the import needs (PartnerId, SubscriptionId, ProductName are ignored), as
    /// the real downloads are: reading has to skip them.
    fn header(self) -> &'static [u8] {
        match self {
            Kind::Azure => {
                b"PartnerId,CustomerTenantId,CustomerName,SubscriptionId,Month,ServiceName,PartnerAttributionType,OfferType,MonthlySubscriptionLevelACR\n"
            }
            Kind::M365 => {
                b"PartnerId\tCustomerTenantId\tCustomerName\tMonth\tWorkloadName\tPaidAvailableUnits\tMonthlyActiveUsers\tPartnerAttributionType\tProductName\r\n"
            }
        }
    }
}

const FIRST_YEAR: u32 = 2024;
const PARTNER_ID: &[u8] = b"4871234";

/// Azure services: (name, weight among tenants' services, monthly ACR range of a small
/// customer). About half the rows are services that do not count, as in real downloads.
const SERVICES: [(&str, u32, f64, f64); 14] = [
    ("Virtual Machines", 20, 80.0, 2500.0),
    ("Storage", 18, 5.0, 400.0),
    ("Azure App Service", 8, 10.0, 800.0),
    ("SQL Database", 7, 15.0, 1500.0),
    ("Bandwidth", 6, 1.0, 120.0),
    ("Azure Monitor", 5, 2.0, 300.0),
    ("Network Watcher", 3, 0.5, 20.0),
    ("Microsoft Defender for Cloud", 12, 15.0, 600.0),
    ("Key Vault", 10, 0.3, 40.0),
    ("Microsoft Sentinel", 8, 40.0, 2000.0),
    ("Azure Firewall", 7, 300.0, 1200.0),
    ("Azure Bastion", 4, 100.0, 250.0),
    ("Application Gateway", 4, 60.0, 400.0),
    ("Azure DDoS Protection", 1, 2900.0, 3000.0),
];

/// Microsoft 365 workloads and their weight; a bare "Microsoft Defender for Endpoint"
/// (plan unknown) does not count, nor do Exchange, Teams, SharePoint, OneDrive.
const WORKLOADS: [(&str, u32); 11] = [
    ("Exchange", 20),
    ("Teams", 12),
    ("SharePoint", 10),
    ("OneDrive", 6),
    ("Microsoft Defender for Endpoint", 5),
    ("Microsoft Entra ID P1", 14),
    ("Intune", 14),
    ("Microsoft Defender for Office 365", 12),
    ("Microsoft Defender for Endpoint Plan 2", 5),
    ("Microsoft Defender for Identity", 3),
    ("Microsoft Purview Information Protection", 3),
];

const PRODUCTS: [(&str, u32); 6] = [
    ("Microsoft 365 Business Premium", 40),
    ("Microsoft 365 Business Standard", 15),
    ("Microsoft 365 E3", 20),
    ("Microsoft 365 E5", 10),
    ("Office 365 E3", 10),
    ("Enterprise Mobility + Security E3", 5),
];

/// The last two are excluded offers: a row now and then, never a tenant's usual offer.
const OFFERS: [(&str, u32); 5] = [
    ("Azure plan", 80),
    ("Pay-As-You-Go", 17),
    ("Enterprise Agreement", 3),
    ("Trial", 0),
    ("Benefit Program", 0),
];
const EXCLUDED_OFFERS: [u8; 2] = [3, 4];

/// The last entries are the few percent that do not count (DPOR counts on neither side).
const AZURE_ATTRIBUTIONS: [(&str, u32); 5] = [
    ("PAL", 42),
    ("CSP Tier1", 25),
    ("CSP Tier2", 28),
    ("none", 4),
    ("DPOR", 1),
];
const M365_ATTRIBUTIONS: [(&str, u32); 5] = [
    ("CPOR", 40),
    ("CSP Tier1", 28),
    ("CSP Tier2", 26),
    ("DPOR", 4),
    ("none", 2),
];
/// A row on another attribution than its tenant's: an unlinked Azure subscription, a
/// Microsoft 365 subscription claimed by another partner.
const AZURE_STRAY: u8 = 3;
const M365_STRAY: u8 = 3;

const NAME_FIRST: [&str; 78] = [
    "Alder", "Amber", "Aspen", "Birch", "Blue", "Bright", "Cedar", "Clear", "Copper", "Crystal",
    "Eagle", "Elm", "Fern", "Fox", "Golden", "Granite", "Green", "Harbor", "Hazel", "Iron", "Lake",
    "Maple", "Meadow", "North", "Oak", "Pine", "Red", "River", "Rock", "Sage", "Silver", "Summit",
    "Sun", "West", "Willow", "Wolf", "East", "South", "High", "Cobalt", "Falcon", "Hollow", "Ivy",
    "Juniper", "Lark", "Moss", "Raven", "Ash", "Bay", "Bear", "Black", "Bramble", "Cliff", "Cloud",
    "Coral", "Deer", "Dune", "Ember", "Frost", "Glen", "Hawk", "Heather", "Holly", "Kestrel",
    "Laurel", "Linden", "Marsh", "Mill", "Mist", "Pebble", "Quarry", "Reed", "Rose", "Salt",
    "Snow", "Spring", "Thorn", "Wren",
];
const NAME_SECOND: [&str; 40] = [
    "bridge", "brook", "crest", "dale", "field", "ford", "gate", "haven", "hill", "land", "mont",
    "point", "ridge", "side", "stone", "vale", "view", "water", "wood", "worth", "line", "port",
    "ton", "by", "mere", "shaw", "bank", "bury", "combe", "croft", "fell", "garth", "hurst",
    "leigh", "moor", "more", "stead", "wick", "well", "wyn",
];
const INDUSTRIES: [&str; 76] = [
    "Accounting",
    "Analytics",
    "Architects",
    "Bakery",
    "Builders",
    "Capital",
    "Clinic",
    "Consulting",
    "Dental",
    "Design",
    "Electric",
    "Energy",
    "Engineering",
    "Foods",
    "Freight",
    "Health",
    "Hotels",
    "Insurance",
    "Labs",
    "Law",
    "Logistics",
    "Manufacturing",
    "Marine",
    "Media",
    "Medical",
    "Motors",
    "Partners",
    "Pharma",
    "Plastics",
    "Properties",
    "Realty",
    "Retail",
    "Robotics",
    "Software",
    "Solutions",
    "Systems",
    "Textiles",
    "Travel",
    "Veterinary",
    "Wines",
    "Dairy",
    "Printing",
    "Security",
    "Transport",
    "Aviation",
    "Brewing",
    "Cabinets",
    "Catering",
    "Chemicals",
    "Coatings",
    "Couriers",
    "Data",
    "Education",
    "Fitness",
    "Florists",
    "Furniture",
    "Glass",
    "Hospitality",
    "Instruments",
    "Interiors",
    "Landscaping",
    "Leasing",
    "Metals",
    "Mining",
    "Optics",
    "Packaging",
    "Paper",
    "Plumbing",
    "Recycling",
    "Roofing",
    "Staffing",
    "Telecom",
    "Timber",
    "Tools",
    "Trading",
    "Water",
];
const DESCRIPTORS: [&str; 10] = [
    "Group",
    "Services",
    "Holdings",
    "Studio",
    "Works",
    "International",
    "Collective",
    "Company",
    "Associates",
    "Network",
];
const CITIES: [&str; 30] = [
    "Seattle", "Dublin", "Austin", "Leeds", "Lyon", "Munich", "Porto", "Oslo", "Utrecht", "Denver",
    "Phoenix", "Toronto", "Perth", "Auckland", "Cork", "Graz", "Bergen", "Malmo", "Ghent", "Turin",
    "Boston", "Calgary", "Adelaide", "Geneva", "Bilbao", "Krakow", "Tampere", "Aarhus", "Brno",
    "Halifax",
];
/// Legal forms; those with a comma make the CSV quote the name.
const LEGAL: [(&str, u32); 15] = [
    ("", 30),
    (" Ltd", 15),
    (" Inc.", 10),
    (", Inc.", 8),
    (" LLC", 6),
    (", LLC", 4),
    (" GmbH", 6),
    (" AG", 2),
    (" BV", 3),
    (" SAS", 3),
    (" Pty Ltd", 3),
    (" plc", 2),
    (" Limited", 4),
    (" & Co.", 2),
    (" S.A.", 2),
];

/// A customer tenant: who it is, when it is a customer, and its usage of each kind.
struct Tenant {
    id: [u8; 36],
    /// Empty for the few tenants the downloads give no name.
    name: String,
    /// The name holds a comma, so the CSV quotes it.
    quoted: bool,
    /// No rows from this month on (an index from 2024-01): the customer left. Each side
    /// has its own start.
    churn: u16,
    azure: Option<Side>,
    m365: Option<Side>,
}

/// One kind of usage of a tenant. It is stable month to month (the same services, the
/// same attribution) and drifts, as a real customer's does.
struct Side {
    /// The first month with rows: a tenant may add Azure or Microsoft 365 later.
    start: u16,
    /// Distinct indices into SERVICES or WORKLOADS: a month with n rows uses the first n.
    items: [u8; 4],
    /// Azure: each service's monthly ACR at `start`; Microsoft 365: each workload's share
    /// of the seats.
    amounts: [f64; 4],
    /// Monthly growth of ACR or seats.
    growth: f64,
    attribution: u8,
    /// From month `switch` on the tenant is on `later` (u16::MAX: never).
    switch: u16,
    later: u8,
    /// Azure: index into OFFERS; Microsoft 365: into PRODUCTS.
    offer: u8,
    /// Microsoft 365 seats at `start`, and the share of them active.
    seats: f64,
    active_share: f64,
    /// Azure subscriptions (rows alternate between them).
    subs: [[u8; 36]; 2],
    nsubs: u8,
}

/// One usage row, before formatting.
#[derive(Debug, Clone, Copy, Default)]
struct Row {
    item: u8,
    attribution: u8,
    offer: u8,
    sub: u8,
    /// Azure: ACR in millionths; Microsoft 365: paid units.
    amount: i64,
    active: u32,
    /// Azure: the decimals written (2 or 6).
    decimals: u8,
}

struct Generator {
    seed: u64,
    months: u16,
    tenants: Vec<Tenant>,
    /// `YYYY-MM-01` of every month.
    month_dates: Vec<[u8; 10]>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    std::fs::create_dir_all(&args.out)?;
    let g = Generator::new(args.tenants, args.months, args.seed);
    let mut written = Vec::new();
    for kind in [Kind::Azure, Kind::M365] {
        let files = g.write_kind(kind, args.split, args.order, &args.out)?;
        let rows: usize = files.iter().map(|(_, rows)| rows).sum();
        let mut bytes = 0;
        for (path, _) in &files {
            bytes += std::fs::metadata(path)?.len();
        }
        let first = files[0].0.display();
        let named = match files.len() {
            1 => first.to_string(),
            n => format!("{n} files, {first} .. {}", files[n - 1].0.display()),
        };
        eprintln!(
            "{}: {named}: {rows} rows, {:.1} MB ({:.0} bytes a row)",
            kind.label(),
            bytes as f64 / 1e6,
            bytes as f64 / rows.max(1) as f64
        );
        written.extend(files.into_iter().map(|(path, _)| path));
    }
    let training = args.out.join("training.csv");
    let (people, rows) = write_training(args.seed, args.months, &training)?;
    eprintln!(
        "training: {}: {people} people, {rows} rows",
        training.display()
    );
    written.push(training);
    warn_strays(&args.out, &written)?;
    eprintln!("in {:.1?}", started.elapsed());
    Ok(())
}

impl Generator {
    fn new(tenants: usize, months: u16, seed: u64) -> Generator {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let tenants = (0..tenants)
            .map(|_| Tenant::draw(&mut rng, months))
            .collect();
        let month_dates = (0..months as u32)
            .map(|m| {
                let mut date = [0; 10];
                let text = format!("{}-{:02}-01", FIRST_YEAR + m / 12, m % 12 + 1);
                date.copy_from_slice(text.as_bytes());
                date
            })
            .collect();
        Generator {
            seed,
            months,
            tenants,
            month_dates,
        }
    }

    /// Writes one kind's files; returns each file with its row count.
    fn write_kind(
        &self,
        kind: Kind,
        split: Split,
        order: Order,
        dir: &Path,
    ) -> io::Result<Vec<(PathBuf, usize)>> {
        let plan: Vec<(PathBuf, std::ops::Range<u16>)> = match split {
            Split::One => vec![(
                dir.join(format!("{}.{}", kind.label(), kind.extension())),
                0..self.months,
            )],
            Split::Month => (0..self.months)
                .map(|m| {
                    let date = &self.month_dates[m as usize][..7];
                    let name = format!(
                        "{}-{}.{}",
                        kind.label(),
                        std::str::from_utf8(date).expect("ASCII"),
                        kind.extension()
                    );
                    (dir.join(name), m..m + 1)
                })
                .collect(),
        };
        let mut files = Vec::with_capacity(plan.len());
        let mut rows = [Row::default(); 4];
        for (index, (path, months)) in plan.into_iter().enumerate() {
            let mut w = BufWriter::with_capacity(1 << 20, File::create(&path)?);
            w.write_all(kind.header())?;
            let mut count = 0;
            match order {
                Order::Tenant => {
                    for t in 0..self.tenants.len() {
                        for m in months.clone() {
                            count += self.write_cell(&mut w, kind, t, m, &mut rows)?;
                        }
                    }
                }
                Order::Month => {
                    for m in months.clone() {
                        for t in 0..self.tenants.len() {
                            count += self.write_cell(&mut w, kind, t, m, &mut rows)?;
                        }
                    }
                }
                Order::Shuffled => {
                    // Row references, not lines: the rows are drawn again when written,
                    // which keeps a million-tenant shuffle to 8 bytes a row in memory.
                    let mut refs: Vec<u64> = Vec::new();
                    for t in 0..self.tenants.len() {
                        for m in months.clone() {
                            for i in 0..self.draw(kind, t, m, &mut rows) {
                                refs.push(((t as u64) << 24) | ((m as u64) << 8) | i as u64);
                            }
                        }
                    }
                    let mut rng = ChaCha8Rng::seed_from_u64(mix(
                        self.seed ^ 0x5EED,
                        kind as u64,
                        index as u64,
                    ));
                    refs.shuffle(&mut rng);
                    count = refs.len();
                    for r in refs {
                        let (t, m, i) = ((r >> 24) as usize, (r >> 8) as u16, (r & 0xff) as usize);
                        self.draw(kind, t, m, &mut rows);
                        self.write_row(&mut w, kind, t, m, &rows[i])?;
                    }
                }
            }
            w.flush()?;
            files.push((path, count));
        }
        Ok(files)
    }

    /// Writes tenant `t`'s rows of month `m`; returns how many.
    fn write_cell(
        &self,
        w: &mut impl Write,
        kind: Kind,
        t: usize,
        m: u16,
        rows: &mut [Row; 4],
    ) -> io::Result<usize> {
        let n = self.draw(kind, t, m, rows);
        for row in &rows[..n] {
            self.write_row(w, kind, t, m, row)?;
        }
        Ok(n)
    }

    /// Draws tenant `t`'s rows of month `m` into `rows`; returns how many (0 to 4). Each
    /// tenant-month has its own seed, so it can be drawn in any order, and again.
    fn draw(&self, kind: Kind, t: usize, m: u16, rows: &mut [Row; 4]) -> usize {
        let tenant = &self.tenants[t];
        let side = match kind {
            Kind::Azure => &tenant.azure,
            Kind::M365 => &tenant.m365,
        };
        let Some(side) = side else { return 0 };
        if m < side.start || m >= tenant.churn {
            return 0;
        }
        let mut rng =
            ChaCha8Rng::seed_from_u64(mix(self.seed, t as u64, (m as u64) << 1 | kind as u64));
        // Now and then a month is missing from a tenant's usage (a gap, then it resumes).
        if rng.random_bool(0.02) {
            return 0;
        }
        let n = match rng.random_range(0..100) {
            0..35 => 2,
            35..75 => 3,
            _ => 4,
        };
        let trend = (1.0 + side.growth).powi((m - side.start) as i32);
        let attribution = if m >= side.switch {
            side.later
        } else {
            side.attribution
        };
        for (i, row) in rows[..n].iter_mut().enumerate() {
            row.item = side.items[i];
            match kind {
                Kind::Azure => {
                    row.attribution = if rng.random_bool(0.02) {
                        AZURE_STRAY
                    } else {
                        attribution
                    };
                    row.offer = if rng.random_bool(0.01) {
                        EXCLUDED_OFFERS[rng.random_range(0..EXCLUDED_OFFERS.len())]
                    } else {
                        side.offer
                    };
                    row.sub = i as u8 % side.nsubs;
                    let mut acr = side.amounts[i] * trend * rng.random_range(0.92..1.08);
                    // Credits: a refund larger than the month's usage now and then.
                    if rng.random_bool(0.004) {
                        acr = -acr * rng.random_range(0.1..1.5);
                    }
                    let micros = (acr * 1e6).round() as i64;
                    // Most amounts come in cents, some with the meter's six decimals.
                    if rng.random_bool(0.3) {
                        row.decimals = 6;
                        row.amount = micros;
                    } else {
                        row.decimals = 2;
                        row.amount = (micros as f64 / 1e4).round() as i64 * 10_000;
                    }
                }
                Kind::M365 => {
                    row.attribution = if rng.random_bool(0.01) {
                        M365_STRAY
                    } else {
                        attribution
                    };
                    let seats = side.seats * trend * rng.random_range(0.98..1.02);
                    let units = (seats * side.amounts[i]).round().max(1.0);
                    let active = (units * side.active_share * rng.random_range(0.85..1.1))
                        .round()
                        .min(units);
                    row.amount = units as i64;
                    row.active = active as u32;
                }
            }
        }
        n
    }

    fn write_row(
        &self,
        w: &mut impl Write,
        kind: Kind,
        t: usize,
        m: u16,
        row: &Row,
    ) -> io::Result<()> {
        let tenant = &self.tenants[t];
        let month = &self.month_dates[m as usize];
        match kind {
            Kind::Azure => {
                let side = tenant.azure.as_ref().expect("drawn rows have a side");
                w.write_all(PARTNER_ID)?;
                w.write_all(b",")?;
                w.write_all(&tenant.id)?;
                w.write_all(b",")?;
                if tenant.quoted {
                    w.write_all(b"\"")?;
                    w.write_all(tenant.name.as_bytes())?;
                    w.write_all(b"\"")?;
                } else {
                    w.write_all(tenant.name.as_bytes())?;
                }
                w.write_all(b",")?;
                w.write_all(&side.subs[row.sub as usize])?;
                w.write_all(b",")?;
                w.write_all(month)?;
                w.write_all(b",")?;
                w.write_all(SERVICES[row.item as usize].0.as_bytes())?;
                w.write_all(b",")?;
                w.write_all(AZURE_ATTRIBUTIONS[row.attribution as usize].0.as_bytes())?;
                w.write_all(b",")?;
                w.write_all(OFFERS[row.offer as usize].0.as_bytes())?;
                w.write_all(b",")?;
                write_decimal(w, row.amount, row.decimals)?;
                w.write_all(b"\n")
            }
            Kind::M365 => {
                let side = tenant.m365.as_ref().expect("drawn rows have a side");
                w.write_all(PARTNER_ID)?;
                w.write_all(b"\t")?;
                w.write_all(&tenant.id)?;
                w.write_all(b"\t")?;
                // Tab separated: a comma needs no quotes.
                w.write_all(tenant.name.as_bytes())?;
                w.write_all(b"\t")?;
                w.write_all(month)?;
                w.write_all(b"\t")?;
                w.write_all(WORKLOADS[row.item as usize].0.as_bytes())?;
                write!(w, "\t{}\t{}\t", row.amount, row.active)?;
                w.write_all(M365_ATTRIBUTIONS[row.attribution as usize].0.as_bytes())?;
                w.write_all(b"\t")?;
                w.write_all(PRODUCTS[side.offer as usize].0.as_bytes())?;
                w.write_all(b"\r\n")
            }
        }
    }
}

impl Tenant {
    fn draw(rng: &mut ChaCha8Rng, months: u16) -> Tenant {
        let id = guid(rng);
        // A few tenants come without a name (the import shows their id).
        let name = if rng.random_bool(0.01) {
            String::new()
        } else {
            company_name(rng)
        };
        let quoted = name.contains(',');
        // A fifth were customers before the downloads start; the rest are won during them,
        // and some leave.
        let won = if rng.random_bool(0.2) {
            0
        } else {
            rng.random_range(0..months)
        };
        let churn = if rng.random_bool(0.3) {
            rng.random_range(won + 1..=months)
        } else {
            months
        };
        let enterprise = rng.random_bool(0.12);
        // Half use Azure and four in five Microsoft 365: 30% both, none neither (a tenant
        // with neither would not be in the downloads at all).
        let (azure, m365) = match rng.random::<f64>() {
            k if k < 0.5 => (false, true),
            k if k < 0.7 => (true, false),
            _ => (true, true),
        };
        let azure = azure.then(|| Side::azure(rng, won, churn, enterprise));
        let m365 = m365.then(|| Side::m365(rng, won, churn, enterprise));
        Tenant {
            id,
            name,
            quoted,
            churn,
            azure,
            m365,
        }
    }
}

impl Side {
    fn azure(rng: &mut ChaCha8Rng, won: u16, churn: u16, enterprise: bool) -> Side {
        let mut side = Side::common(rng, won, churn, &AZURE_ATTRIBUTIONS);
        side.items = distinct(rng, &SERVICES.map(|s| s.1));
        let scale = if enterprise {
            rng.random_range(4.0..20.0)
        } else {
            1.0
        };
        for (amount, &item) in side.amounts.iter_mut().zip(&side.items) {
            let (_, _, low, high) = SERVICES[item as usize];
            *amount = log_uniform(rng, low, high) * scale;
        }
        side.growth = rng.random_range(-0.02..0.04);
        side.offer = weighted(rng, &OFFERS.map(|o| o.1));
        side.subs = [guid(rng), guid(rng)];
        side.nsubs = if rng.random_bool(0.3) { 2 } else { 1 };
        side
    }

    fn m365(rng: &mut ChaCha8Rng, won: u16, churn: u16, enterprise: bool) -> Side {
        let mut side = Side::common(rng, won, churn, &M365_ATTRIBUTIONS);
        side.items = distinct(rng, &WORKLOADS.map(|w| w.1));
        // The first workload covers every seat, the others part of them.
        side.amounts = [
            1.0,
            rng.random_range(0.5..1.0),
            rng.random_range(0.5..1.0),
            rng.random_range(0.5..1.0),
        ];
        side.seats = if enterprise {
            log_uniform(rng, 301.0, 5000.0)
        } else {
            log_uniform(rng, 1.0, 300.0)
        };
        side.active_share = rng.random_range(0.4..0.95);
        side.growth = rng.random_range(-0.01..0.02);
        side.offer = weighted(rng, &PRODUCTS.map(|p| p.1));
        side
    }

    /// When the side starts and its attribution, which now and then changes once.
    fn common(rng: &mut ChaCha8Rng, won: u16, churn: u16, attributions: &[(&str, u32)]) -> Side {
        let start = if rng.random_bool(0.7) {
            won
        } else {
            rng.random_range(won..churn)
        };
        let weights: Vec<u32> = attributions.iter().map(|a| a.1).collect();
        let attribution = weighted(rng, &weights);
        let (switch, later) = if rng.random_bool(0.05) {
            (rng.random_range(start..churn), weighted(rng, &weights))
        } else {
            (u16::MAX, attribution)
        };
        Side {
            start,
            items: [0; 4],
            amounts: [0.0; 4],
            growth: 0.0,
            attribution,
            switch,
            later,
            offer: 0,
            seats: 0.0,
            active_share: 0.0,
            subs: [[0; 36]; 2],
            nsubs: 1,
        }
    }
}

/// "Silverbrook Logistics Ltd", "Oakridge Dental Group Utrecht, Inc.": tens of millions of
/// combinations, so that names repeat now and then as in real customer lists (about 1.5% of
/// 100,000 tenants share a name with another and get the import's id suffix), not often.
fn company_name(rng: &mut ChaCha8Rng) -> String {
    let mut name = String::with_capacity(40);
    name.push_str(NAME_FIRST[rng.random_range(0..NAME_FIRST.len())]);
    name.push_str(NAME_SECOND[rng.random_range(0..NAME_SECOND.len())]);
    name.push(' ');
    name.push_str(INDUSTRIES[rng.random_range(0..INDUSTRIES.len())]);
    if rng.random_bool(0.3) {
        name.push(' ');
        name.push_str(DESCRIPTORS[rng.random_range(0..DESCRIPTORS.len())]);
    }
    if rng.random_bool(0.3) {
        name.push(' ');
        name.push_str(CITIES[rng.random_range(0..CITIES.len())]);
    }
    name.push_str(LEGAL[weighted(rng, &LEGAL.map(|l| l.1)) as usize].0);
    name
}

/// A version 4 GUID, lower case, as Partner Center writes tenant and subscription ids.
fn guid(rng: &mut impl RngCore) -> [u8; 36] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = [b'-'; 36];
    let mut j = 0;
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            j += 1;
        }
        out[j] = HEX[(byte >> 4) as usize];
        out[j + 1] = HEX[(byte & 0xf) as usize];
        j += 2;
    }
    out
}

/// An index drawn with the given weights.
fn weighted(rng: &mut impl Rng, weights: &[u32]) -> u8 {
    let mut r = rng.random_range(0..weights.iter().sum::<u32>());
    for (i, &w) in weights.iter().enumerate() {
        if r < w {
            return i as u8;
        }
        r -= w;
    }
    unreachable!("r is below the sum of the weights")
}

/// Four distinct indices drawn with the given weights.
fn distinct(rng: &mut impl Rng, weights: &[u32]) -> [u8; 4] {
    let mut out = [0; 4];
    let mut n = 0;
    while n < 4 {
        let i = weighted(rng, weights);
        if !out[..n].contains(&i) {
            out[n] = i;
            n += 1;
        }
    }
    out
}

/// Amounts spread over orders of magnitude: many small customers, a few large ones.
fn log_uniform(rng: &mut impl Rng, low: f64, high: f64) -> f64 {
    (low.ln() + rng.random::<f64>() * (high.ln() - low.ln())).exp()
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seed for one tenant-month (or one file's shuffle), well apart from its neighbours'.
fn mix(seed: u64, a: u64, b: u64) -> u64 {
    splitmix(splitmix(splitmix(seed) ^ a) ^ b)
}

/// `amount` in millionths with 2 or 6 decimals, without float formatting.
fn write_decimal(w: &mut impl Write, amount: i64, decimals: u8) -> io::Result<()> {
    let sign = if amount < 0 { "-" } else { "" };
    let (int, frac) = (
        amount.unsigned_abs() / 1_000_000,
        amount.unsigned_abs() % 1_000_000,
    );
    if decimals == 2 {
        write!(w, "{sign}{int}.{:02}", frac / 10_000)
    } else {
        write!(w, "{sign}{int}.{frac:06}")
    }
}

const FIRST_NAMES: [&str; 30] = [
    "Ana", "Ben", "Chen", "Dan", "Eve", "Farah", "Gus", "Hana", "Ivan", "Jo", "Kofi", "Lena",
    "Mateo", "Nina", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Viktor", "Wen",
    "Ximena", "Yusuf", "Zoe", "Aiko", "Bruno", "Carla", "Dmitri",
];
const LAST_NAMES: [&str; 30] = [
    "Silva", "Okafor", "Wei", "Smith", "Johnson", "Khan", "Garcia", "Novak", "Tanaka", "Muller",
    "Rossi", "Dubois", "Kowalski", "Jensen", "Murphy", "Haddad", "Nguyen", "Patel", "Costa",
    "Larsen", "Ivanova", "Mensah", "Lopez", "Berg", "Sato", "Fischer", "Moreau", "Walsh", "Ahmed",
    "Kim",
];
const LOCATIONS: [&str; 3] = [
    "A. Datum Corporation (Seattle)",
    "A. Datum Corporation (Dublin)",
    "A. Datum Corporation (Singapore)",
];
/// (title, type, expires a year after, weight). Exams do not expire; the last three are
/// not in the catalog.
const TITLES: [(&str, &str, bool, u32); 12] = [
    (
        "Microsoft Certified: Azure Security Engineer Associate",
        "Certification",
        true,
        14,
    ),
    (
        "Exam AZ-500: Microsoft Azure Security Technologies",
        "Exam",
        false,
        6,
    ),
    (
        "Microsoft Certified: Security Operations Analyst Associate",
        "Certification",
        true,
        14,
    ),
    (
        "Exam SC-200: Microsoft Security Operations Analyst",
        "Exam",
        false,
        6,
    ),
    (
        "Microsoft Certified: Identity and Access Administrator Associate",
        "Certification",
        true,
        12,
    ),
    (
        "Microsoft Certified: Cybersecurity Architect Expert",
        "Certification",
        true,
        6,
    ),
    (
        "Microsoft Certified: Information Security Administrator Associate",
        "Certification",
        true,
        6,
    ),
    (
        "Microsoft Certified: Information Protection Administrator Associate",
        "Certification",
        true,
        4,
    ),
    (
        "Microsoft Certified: Cloud and AI Security Engineer Associate",
        "Certification",
        true,
        4,
    ),
    (
        "Microsoft Certified: Azure Fundamentals",
        "Certification",
        false,
        10,
    ),
    (
        "Microsoft 365 Certified: Endpoint Administrator Associate",
        "Certification",
        true,
        5,
    ),
    (
        "Microsoft Certified: Azure Administrator Associate",
        "Certification",
        true,
        5,
    ),
];

/// For titles of a retired certification, the first month (`year * 12 + month - 1`) after
/// the retirement: AZ-500 on 2026-08-31, SC-400 on 2025-05-31.
fn retirement(title: u8) -> Option<u32> {
    match title {
        0 | 1 => Some(2026 * 12 + 8),
        7 => Some(2025 * 12 + 5),
        _ => None,
    }
}
const PEOPLE: usize = 300;

/// Writes the training download: a few hundred people with one to four completions each,
/// US `m/d/yyyy` dates from two years before the usage to its end. Returns people, rows.
fn write_training(seed: u64, months: u16, path: &Path) -> io::Result<(usize, usize)> {
    let mut rng = ChaCha8Rng::seed_from_u64(mix(seed, 0x7EA1, 0));
    // Distinct (first, last) pairs: a repeated name would be a second person.
    let mut pairs: Vec<usize> = (0..FIRST_NAMES.len() * LAST_NAMES.len()).collect();
    pairs.shuffle(&mut rng);
    let weights = TITLES.map(|t| t.3);
    let begin = (FIRST_YEAR - 2) * 12;
    let end = FIRST_YEAR * 12 + months as u32;
    let mut w = BufWriter::new(File::create(path)?);
    w.write_all(b"PartnerLocationName,IndividualFirstName,IndividualLastName,Email,TrainingTitle,TrainingType,TrainingCompletionDate,ExpirationDate\r\n")?;
    let mut rows = 0;
    for (p, &pair) in pairs[..PEOPLE].iter().enumerate() {
        let first = FIRST_NAMES[pair % FIRST_NAMES.len()];
        let last = LAST_NAMES[pair / FIRST_NAMES.len()];
        let email = format!(
            "{}.{}@adatum.example",
            first.to_lowercase(),
            last.to_lowercase()
        );
        let location = LOCATIONS[rng.random_range(0..LOCATIONS.len())];
        for r in 0..rng.random_range(1..=4) {
            let title = weighted(&mut rng, &weights);
            let (name, kind, expires, _) = TITLES[title as usize];
            // Passed before the retirement, but for a few (the import lists each one).
            let until = match retirement(title) {
                Some(first_after) if !rng.random_bool(0.03) => first_after.min(end),
                _ => end,
            };
            let month = rng.random_range(begin..until);
            let (year, month) = (month / 12, month % 12 + 1);
            // A day above 12 in the first row settles the file's m/d order for the import.
            let day = if p == 0 && r == 0 {
                23
            } else {
                rng.random_range(1..=28)
            };
            write!(
                w,
                "{location},{first},{last},{email},{name},{kind},{month}/{day}/{year},"
            )?;
            // Most certifications are renewed year after year (the download shows the
            // latest expiry) and still valid after the usage ends; some have lapsed.
            if expires {
                let lapsed = year + 1;
                let renewed = (end / 12 + 1).max(lapsed);
                let expiry = if rng.random_bool(0.75) {
                    renewed
                } else {
                    lapsed
                };
                write!(w, "{month}/{day}/{expiry}")?;
            }
            w.write_all(b"\r\n")?;
            rows += 1;
        }
    }
    w.flush()?;
    Ok((PEOPLE, rows))
}

/// Other downloads in the folder (an earlier run with another --split or --months) would
/// be picked up by `DIR/azure*.csv`: say so rather than delete files.
fn warn_strays(dir: &Path, written: &[PathBuf]) -> io::Result<()> {
    let mut strays = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let download = (name.starts_with("azure") && name.ends_with(".csv"))
            || (name.starts_with("m365") && name.ends_with(".tsv"));
        if download && !written.contains(&path) {
            strays.push(name.to_string());
        }
    }
    if !strays.is_empty() {
        strays.sort();
        eprintln!(
            "warning: {} also holds {} other download files ({}, ...) that DIR/azure*.csv or DIR/m365*.tsv would pick up: use a fresh folder",
            dir.display(),
            strays.len(),
            strays[0]
        );
    }
    Ok(())
}
