//! The history CSV (`tenant,month,seats,active,acr[,m365,azure]`): a partner's monthly
//! facts per customer tenant, often its whole customer base.
//!
//! Big exports are the common case, so the file is read once and, when it has no quoted
//! fields (a plain export), split at line ends and parsed in parallel by the csv crate.
//! Fields are parsed from bytes with exact fast paths for plain numbers; anything
//! unusual goes through the general parsers, which also word the errors. The result
//! does not depend on the number of threads: chunks are merged in file order.

use std::borrow::Cow;
use std::path::Path;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::fast_line;
use super::import::{
    association, check_header, decimal, line_of, next_record, read_error, whole, wrong_field_count,
};
use super::names::{BATCH, Names, Short, Table, hash_name};
use crate::error::{Error, Result, csv_error};
use crate::month::Month;
use crate::rules::{Ruleset, Side};
use crate::scenario::model::MAX_LEVEL;

/// An association cell of a history row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AssocCell {
    /// Empty: keeps the association of the row before.
    #[default]
    Keep,
    Counts(bool),
}

/// One month of one imported tenant, already rounded to what is scored. Packed into 16
/// bytes: a big history holds tens of millions of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HistoryRow {
    pub seats: u32,
    pub active: u32,
    /// The low 32 bits of the ACR in cents (below 2^40: at most 1,000,000,000 USD).
    acr_low: u32,
    /// Bits 0-16 the month (months since 1900-01, up to 9999-12), 17-18 the M365 cell,
    /// 19-20 the Azure cell, 21-28 the high 8 bits of the ACR in cents.
    meta: u32,
}

const MONTH_BITS: u32 = 0x1_FFFF;

impl HistoryRow {
    /// A row; `acr_cents` is within the level bound (checked where it is read).
    pub fn new(
        month: Month,
        seats: u32,
        active: u32,
        acr_cents: i64,
        m365: AssocCell,
        azure: AssocCell,
    ) -> HistoryRow {
        let cell = |c: AssocCell| match c {
            AssocCell::Keep => 0u32,
            AssocCell::Counts(false) => 1,
            AssocCell::Counts(true) => 2,
        };
        let acr = acr_cents.clamp(0, (1 << 40) - 1) as u64;
        let index = month.since(Self::epoch()) as u32 & MONTH_BITS;
        HistoryRow {
            seats,
            active,
            acr_low: acr as u32,
            meta: index | cell(m365) << 17 | cell(azure) << 19 | ((acr >> 32) as u32) << 21,
        }
    }

    fn epoch() -> Month {
        Month::new(1900, 1).expect("a valid month")
    }

    /// The month as a number that sorts as the months do.
    fn month_index(&self) -> u32 {
        self.meta & MONTH_BITS
    }

    pub fn month(&self) -> Month {
        Self::epoch() + self.month_index() as i32
    }

    pub fn acr_cents(&self) -> i64 {
        ((self.meta >> 21) as i64) << 32 | self.acr_low as i64
    }

    pub fn m365(&self) -> AssocCell {
        Self::cell(self.meta >> 17 & 3)
    }

    pub fn azure(&self) -> AssocCell {
        Self::cell(self.meta >> 19 & 3)
    }

    fn cell(bits: u32) -> AssocCell {
        match bits {
            1 => AssocCell::Counts(false),
            2 => AssocCell::Counts(true),
            _ => AssocCell::Keep,
        }
    }
}

/// Imported tenants: names, and each tenant's rows in month order.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub names: Vec<String>,
    /// All rows, grouped by tenant and sorted by month within a tenant.
    pub rows: Vec<HistoryRow>,
    /// `rows[starts[t]..starts[t + 1]]` are tenant t's rows.
    pub starts: Vec<usize>,
    /// The first and last month of any row.
    pub span: Option<(Month, Month)>,
}

impl History {
    pub fn rows_of(&self, tenant: usize) -> &[HistoryRow] {
        &self.rows[self.starts[tenant]..self.starts[tenant + 1]]
    }

    pub fn first_month(&self) -> Option<Month> {
        self.span.map(|s| s.0)
    }

    pub fn last_month(&self) -> Option<Month> {
        self.span.map(|s| s.1)
    }
}

/// How far the import of a history file has got, for a progress bar: bytes parsed of the
/// file's total. Updated from every parsing thread; read by whoever displays it.
#[derive(Debug, Default)]
pub struct ReadProgress {
    pub bytes: std::sync::atomic::AtomicU64,
    pub total: std::sync::atomic::AtomicU64,
}

impl ReadProgress {
    pub(crate) fn add(&self, bytes: usize) {
        self.bytes
            .fetch_add(bytes as u64, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A file's bytes, mapped into memory when it can be: the parse then reads the page
/// cache directly, with no copy into fresh memory (at 100,000 tenants the copy alone took
/// a sixth of the run).
pub(crate) enum FileBytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl FileBytes {
    pub(crate) fn open(path: &Path) -> std::io::Result<FileBytes> {
        let file = std::fs::File::open(path)?;
        let meta = file.metadata()?;
        if meta.is_file() && meta.len() > 0 {
            // SAFETY: the map is read-only and private to this process, and nothing here
            // writes the file. Another program cutting the file short while it is read
            // could stop the process (SIGBUS), as it can for any program mapping files.
            if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
                return Ok(FileBytes::Mapped(map));
            }
        }
        // Anything that cannot be mapped is read, which also words the error.
        std::fs::read(path).map(FileBytes::Read)
    }
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped(m) => m,
            FileBytes::Read(v) => v,
        }
    }
}

const REQUIRED: [&str; 5] = ["tenant", "month", "seats", "active", "acr"];
const OPTIONAL: [&str; 2] = ["m365", "azure"];

/// Reads a history CSV, checking every row.
pub fn read_history(path: &Path, rules: &Ruleset) -> Result<History> {
    read_history_counting(path, rules, &ReadProgress::default())
}

/// [`read_history`], counting the bytes parsed in `progress` as it goes.
pub fn read_history_counting(
    path: &Path,
    rules: &Ruleset,
    progress: &ReadProgress,
) -> Result<History> {
    let bytes =
        FileBytes::open(path).map_err(|e| super::import::cannot_read("history", path, &e))?;
    let (start, delimiter) = super::import::text_start(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .from_reader(&bytes[start..]);
    let header = reader.headers().map_err(|e| read_error(path, e))?.clone();
    let optional = check_header(path, &header, &REQUIRED, &OPTIONAL)?;
    if optional == 1 {
        return Err(csv_error(
            path,
            1,
            "the header names `m365` without `azure`: give both association columns or neither",
        ));
    }
    let body_start = start + reader.position().byte() as usize;
    drop(reader);
    let body = &bytes[body_start.min(bytes.len())..];
    let columns = REQUIRED.len() + optional;

    // A plain export is split at line ends and parsed by hand on every core. A quoted
    // field may hold a line break, and a lone carriage return ends a record for the csv
    // crate, so such files go through the csv crate on one core. Whether it is plain is
    // asked of each piece on its own core: the first pass over a mapped file takes its
    // page faults, which on one core cost a million tenants 0.37 s.
    //
    // One piece per core: each holds its own name table, which in a file in any order
    // holds nearly every tenant, and all of them are merged after. Two a core cost a
    // shuffled million tenants 0.3 s and 120 MB more, and gained nothing elsewhere.
    let pieces = split_at_lines(body, body_start, rayon::current_num_threads());
    let plain = delimiter == b','
        && pieces.par_iter().all(|(_, piece)| {
            memchr::memchr(b'"', piece).is_none()
                && memchr::memchr_iter(b'\r', piece).all(|i| piece.get(i + 1) == Some(&b'\n'))
        });
    let pieces = if plain {
        pieces
    } else {
        vec![(body_start, body)]
    };
    progress
        .total
        .fetch_add(body.len() as u64, std::sync::atomic::Ordering::Relaxed);
    let parser = Parser {
        path,
        rules,
        columns,
        delimiter,
        progress,
    };
    let chunks: Vec<Result<Chunk<'_>>> = pieces
        .into_par_iter()
        .map(|(offset, piece)| {
            if plain {
                parser.plain_chunk(offset, piece)
            } else {
                parser.csv_chunk(offset, piece)
            }
        })
        .collect();
    let chunks: Vec<Chunk<'_>> = chunks.into_iter().collect::<Result<_>>()?;

    let total: usize = chunks.iter().map(|c| c.rows.len()).sum();
    if total == 0 {
        return Err(Error::Input(format!(
            "{}: the history has a header but no rows",
            path.display()
        )));
    }
    // Tenant ids follow first appearance in the file (pieces are merged in file order).
    let mut chunks = chunks;
    let chunk_names: Vec<Vec<Cow<'_, [u8]>>> = chunks
        .iter_mut()
        .map(|c| std::mem::take(&mut c.names))
        .collect();
    // At least as many tenants as the piece with the most; in a file by tenant, the sum.
    let (most, sum) = chunk_names
        .iter()
        .fold((0, 0), |(m, s), n| (n.len().max(m), s + n.len()));
    let likely = if sum > 2 * most { most } else { sum };
    let mut table = Table::with_capacity(likely);
    let mut all: Vec<&[u8]> = Vec::with_capacity(likely);
    // Each tenant's name as first met, by value when short: the names are made into
    // strings from these, in id order, rather than from the file, where a file in any
    // order scatters them (a cache miss each).
    let mut firsts: Vec<&Short> = Vec::with_capacity(likely);
    let mut remaps: Vec<Vec<u32>> = Vec::with_capacity(chunks.len());
    for (local, chunk) in chunk_names.iter().zip(&chunks) {
        let mut remap = Vec::with_capacity(local.len());
        for (i, (name, short)) in local.iter().zip(&chunk.shorts).enumerate() {
            // The hashes are known: ask for the slots of names a batch ahead.
            if let Some(&ahead) = chunk.hashes.get(i + BATCH) {
                table.prefetch(ahead);
            }
            let held = |id: u32| all[id as usize];
            let (id, inserted) =
                table.find_or_insert(chunk.hashes[i], short, name, held, all.len() as u32);
            if inserted {
                all.push(name);
                firsts.push(short);
            }
            remap.push(id);
        }
        remaps.push(remap);
    }
    drop(table);
    // Checked as UTF-8 where each was first met.
    let names: Vec<String> = all
        .par_iter()
        .zip(&firsts)
        .with_min_len(4096)
        .map(|(n, short)| {
            let n = short.whole().unwrap_or(n);
            match std::str::from_utf8(n) {
                Ok(s) => s.to_owned(),
                Err(_) => String::from_utf8_lossy(n).into_owned(),
            }
        })
        .collect();
    drop((all, firsts));
    let pieces: Vec<(Vec<HistoryRow>, Vec<u32>)> =
        chunks.into_iter().map(|c| (c.rows, c.ids)).collect();
    drop(chunk_names);
    // The file is no longer needed (the rows and names are owned): unmapped before the
    // grouped rows are allocated, so that the two are never held at once.
    drop(bytes);

    // Group rows by tenant with a counting sort (tenants are dense ids), keeping file
    // order within a tenant, then order each tenant's few rows by month.
    let (counts, starts) = count_rows(&pieces, &remaps, names.len());
    let mut rows = place_rows(&pieces, &remaps, counts, &starts, total);
    drop(pieces);
    // Each tenant's few rows in month order, on every core again, one range of tenants to
    // a worker. Rows of one month are a duplicate, an error whatever their order.
    let duplicate = by_ranges(&mut rows, &starts)
        .into_par_iter()
        .filter_map(|(range, part)| {
            let base = starts[range.start];
            range.into_iter().find_map(|t| {
                let rows = &mut part[starts[t] - base..starts[t + 1] - base];
                if !rows
                    .windows(2)
                    .all(|w| w[0].month_index() < w[1].month_index())
                    && !in_month_order(rows)
                {
                    rows.sort_unstable_by_key(HistoryRow::month_index);
                }
                (1..rows.len())
                    .find(|&i| rows[i - 1].month_index() == rows[i].month_index())
                    .map(|i| (t, rows[i].month()))
            })
        })
        .min();
    if let Some((t, month)) = duplicate {
        return Err(duplicate_error(path, columns, delimiter, &names[t], month));
    }
    let span = rows
        .par_iter()
        .map(|r| (r.month(), r.month()))
        .reduce_with(|a, b| (a.0.min(b.0), a.1.max(b.1)));
    Ok(History {
        names,
        rows,
        starts,
        span,
    })
}

/// Each piece's count of rows per tenant (by its own ids), and where each tenant's rows
/// start once grouped (one more entry: the end). Each piece counts its own tenants' rows
/// on its core (in a file in no order, adding them up straight into the tenants' counts
/// missed the cache on nearly every row).
fn count_rows(
    pieces: &[(Vec<HistoryRow>, Vec<u32>)],
    remaps: &[Vec<u32>],
    tenants: usize,
) -> (Vec<Vec<u32>>, Vec<usize>) {
    let counted: Vec<Vec<u32>> = pieces
        .par_iter()
        .zip(remaps)
        .map(|((_, ids), remap)| {
            let mut counts = vec![0u32; remap.len()];
            for &id in ids {
                counts[id as usize] += 1;
            }
            counts
        })
        .collect();
    let mut starts = vec![0usize; tenants + 1];
    for (counts, remap) in counted.iter().zip(remaps) {
        for (&count, &t) in counts.iter().zip(remap) {
            starts[t as usize + 1] += count as usize;
        }
    }
    for t in 0..tenants {
        starts[t + 1] += starts[t];
    }
    (counted, starts)
}

/// The rows grouped by tenant, in file order within a tenant. Each piece writes its own
/// rows, on its own core, straight to their places: a tenant's rows from a piece go after
/// its rows from the pieces before. Each row is read once (when every worker read every
/// piece for the tenants of its range, a file in any order cost twice the reading), and
/// the places of two pieces never overlap, so the result does not depend on timing.
fn place_rows(
    pieces: &[(Vec<HistoryRow>, Vec<u32>)],
    remaps: &[Vec<u32>],
    counts: Vec<Vec<u32>>,
    starts: &[usize],
    total: usize,
) -> Vec<HistoryRow> {
    // Per piece and tenant (by the piece's ids): where its first row goes.
    let mut next: Vec<usize> = starts[..starts.len() - 1].to_vec();
    let places: Vec<Vec<usize>> = counts
        .into_iter()
        .zip(remaps)
        .map(|(counts, remap)| {
            counts
                .iter()
                .zip(remap)
                .map(|(&count, &t)| {
                    let at = next[t as usize];
                    next[t as usize] += count as usize;
                    at
                })
                .collect()
        })
        .collect();
    // What makes every place written once: each piece has an id for every row, and the
    // counts of all pieces add up to the rows.
    assert_eq!(starts[starts.len() - 1], total, "every row counted");
    for (piece_rows, ids) in pieces {
        assert_eq!(piece_rows.len(), ids.len(), "every row has a tenant");
    }
    // The grouped rows are written once, straight into fresh memory: zeroing it first
    // took a serial pass over all of it (30 MB at 100,000 tenants).
    let mut rows: Vec<HistoryRow> = Vec::with_capacity(total);
    let out = Places(rows.as_mut_ptr());
    pieces
        .par_iter()
        .zip(places)
        .for_each(|((piece_rows, ids), mut places)| {
            for (row, &id) in piece_rows.iter().zip(ids) {
                let at = &mut places[id as usize];
                out.write(*at, *row, total);
                *at += 1;
            }
        });
    // SAFETY: a piece's tenant with `count` rows was given the places `at..at + count`
    // after those of the pieces before, so the places of all pieces are 0..total, each
    // once; each piece wrote one row to each of its places (its counts are of its rows).
    unsafe { rows.set_len(total) };
    rows
}

/// The grouped rows being written, shared by the workers: each writes its own places.
struct Places(*mut HistoryRow);

// SAFETY: the workers write disjoint places (see `place_rows`), and nothing reads them
// until every worker is done.
unsafe impl Sync for Places {}

impl Places {
    #[inline]
    fn write(&self, at: usize, row: HistoryRow, total: usize) {
        assert!(at < total, "a row's place is within the rows");
        // SAFETY: `at` is in the allocation (checked), and no other worker writes it.
        unsafe { self.0.add(at).write(row) };
    }
}

/// Puts one tenant's rows in month order by placing each at its month, when they span
/// under 64 months and no month is there twice (a shuffled file's tenants: a comparison
/// sort of each cost more than the rest of their grouping). Returns false, the rows
/// untouched, when it cannot.
fn in_month_order(rows: &mut [HistoryRow]) -> bool {
    const SPAN: u32 = 64;
    let Some(low) = rows.iter().map(HistoryRow::month_index).min() else {
        return true;
    };
    let mut placed = [std::mem::MaybeUninit::<HistoryRow>::uninit(); SPAN as usize];
    let mut filled = 0u64;
    for row in rows.iter() {
        let k = row.month_index() - low;
        if k >= SPAN || filled & (1 << k) != 0 {
            return false;
        }
        filled |= 1 << k;
        placed[k as usize].write(*row);
    }
    let mut bits = filled;
    for row in rows.iter_mut() {
        let k = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        // SAFETY: bit k of `filled` is set only where `placed[k]` was written, and there
        // are as many set bits as rows.
        *row = unsafe { placed[k].assume_init() };
    }
    true
}

/// `rows` (grouped by tenant as `starts` says) cut into one range of tenants per core,
/// each with its rows.
fn by_ranges<'r, T>(
    rows: &'r mut [T],
    starts: &[usize],
) -> Vec<(std::ops::Range<usize>, &'r mut [T])> {
    let mut parts = Vec::new();
    let mut rest = rows;
    for range in tenant_ranges(starts, rayon::current_num_threads()) {
        let (head, tail) = rest.split_at_mut(starts[range.end] - starts[range.start]);
        parts.push((range, head));
        rest = tail;
    }
    parts
}

/// About `parts` consecutive ranges of tenant ids holding about as many rows each.
fn tenant_ranges(starts: &[usize], parts: usize) -> Vec<std::ops::Range<usize>> {
    let tenants = starts.len() - 1;
    let per = (starts[tenants] / parts.max(1)).max(1);
    let mut ranges = Vec::new();
    let mut from = 0;
    while from < tenants {
        // The first tenant whose rows start at or after the next share.
        let goal = starts[from] + per;
        let to = from + 1 + starts[from + 1..tenants].partition_point(|&s| s < goal);
        ranges.push(from..to);
        from = to;
    }
    ranges
}

/// Finds the two rows of a duplicate tenant and month, for a message naming both lines.
/// Only on this error path is the file read a second time.
fn duplicate_error(
    path: &Path,
    columns: usize,
    delimiter: u8,
    tenant: &str,
    month: Month,
) -> Error {
    let bytes = std::fs::read(path).unwrap_or_default();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(&bytes[..]);
    let mut lines = Vec::new();
    let mut record = csv::StringRecord::new();
    while let Ok(true) = reader.read_record(&mut record) {
        if record.len() == columns
            && &record[0] == tenant
            && crate::month::month_from_spreadsheet(&record[1]).ok() == Some(month)
        {
            lines.push(line_of(path, record.position().map_or(0, |p| p.byte())));
        }
    }
    let (first, second) = (
        lines.first().copied().unwrap_or(0),
        lines.get(1).copied().unwrap_or(0),
    );
    csv_error(
        path,
        second,
        format!("tenant \"{tenant}\" has a second row for {month} (the first is on line {first})"),
    )
}

/// Splits `body` into about `parts` pieces, each ending at a line end.
fn split_at_lines(body: &[u8], offset: usize, parts: usize) -> Vec<(usize, &[u8])> {
    let target = (body.len() / parts).max(1 << 16);
    let mut pieces = Vec::new();
    let mut from = 0;
    while from < body.len() {
        let mut to = (from + target).min(body.len());
        while to < body.len() && body[to - 1] != b'\n' {
            to += 1;
        }
        pieces.push((offset + from, &body[from..to]));
        from = to;
    }
    pieces
}

/// One piece of the file, parsed: its tenants in order of first appearance (as they are
/// written in the file), its rows, and each row's tenant as an index into `names`.
struct Chunk<'a> {
    names: Vec<Cow<'a, [u8]>>,
    /// Per name: its FxHash and its by-value form, for merging the pieces' names.
    hashes: Vec<u64>,
    shorts: Vec<Short>,
    rows: Vec<HistoryRow>,
    ids: Vec<u32>,
}

struct Parser<'a> {
    path: &'a Path,
    rules: &'a Ruleset,
    columns: usize,
    /// `,`, or `;` or a tab in files from Excel (see [`super::import::delimiter_of`]).
    delimiter: u8,
    progress: &'a ReadProgress,
}

/// How many bytes a parsing thread reads between two reports of its progress.
const REPORT_EVERY: usize = 1 << 20;

impl Parser<'_> {
    /// A piece without quotes: lines split at `\n` (a `\r` before it is dropped), fields at
    /// commas. Empty lines are skipped, as the csv crate does.
    fn plain_chunk<'a>(&self, offset: usize, piece: &'a [u8]) -> Result<Chunk<'a>> {
        let path = self.path;
        // At most one row per 16 bytes (`a,2026-01,0,0,0` and its line end): reserving for
        // that costs only address space, as pages are taken when written, and spares the
        // copy a too small guess costs when the vectors grow near the end.
        let expected = piece.len() / 16 + 1;
        let mut chunk = Chunk {
            names: Vec::new(),
            hashes: Vec::new(),
            shorts: Vec::new(),
            rows: Vec::with_capacity(expected),
            ids: Vec::with_capacity(expected),
        };
        let mut names = Names::with_capacity(expected / 16);
        let mut cells = fast_line::Cells::new(self.rules);
        // Names of rows read but not yet looked up, and where their lines start.
        let mut batch: Vec<&[u8]> = Vec::with_capacity(BATCH);
        let mut batch_at = [0u64; BATCH];
        let mut fields: [&[u8]; 8] = [&[]; 8];
        let mut from = 0;
        let mut reported = 0;
        while from < piece.len() {
            if from - reported >= REPORT_EVERY {
                self.progress.add(from - reported);
                reported = from;
            }
            let end = memchr::memchr(b'\n', &piece[from..]).map_or(piece.len(), |i| from + i);
            let mut line = &piece[from..end];
            let at = (offset + from) as u64;
            from = end + 1;
            if let Some(l) = line.strip_suffix(b"\r") {
                line = l;
            }
            if line.is_empty() {
                continue;
            }
            if let Some((name, row)) = fast_line::read(line, self.columns, &mut cells) {
                batch_at[batch.len()] = at;
                batch.push(name);
                chunk.rows.push(row);
                if batch.len() == BATCH {
                    self.look_up(&mut names, &mut batch, &batch_at, &mut chunk.ids)?;
                }
                continue;
            }
            // Rows before this one first, so that errors come in file order.
            self.look_up(&mut names, &mut batch, &batch_at, &mut chunk.ids)?;
            let fail = |m: String| csv_error(path, line_of(path, at), m);
            let mut n = 0;
            for field in line.split(|&b| b == b',') {
                if n < fields.len() {
                    fields[n] = field;
                }
                n += 1;
            }
            if n != self.columns {
                return Err(fail(wrong_field_count(n, self.columns)));
            }
            let name = fields[0].trim_ascii();
            if name.is_empty() {
                return Err(fail("the tenant name is empty".into()));
            }
            let id = names.id(name, None).map_err(fail)?;
            chunk.rows.push(self.row(&fields[..n]).map_err(fail)?);
            chunk.ids.push(id);
        }
        self.look_up(&mut names, &mut batch, &batch_at, &mut chunk.ids)?;
        self.progress.add(piece.len() - reported);
        chunk.names = names.names.into_iter().map(Cow::Borrowed).collect();
        chunk.hashes = names.hashes;
        chunk.shorts = names.shorts;
        Ok(chunk)
    }

    /// The ids of the rows in `batch` (whose lines start at `at`), pushed onto `ids`.
    fn look_up<'a>(
        &self,
        names: &mut Names<'a>,
        batch: &mut Vec<&'a [u8]>,
        at: &[u64; BATCH],
        ids: &mut Vec<u32>,
    ) -> Result<()> {
        let looked_up = names.ids(batch, ids);
        batch.clear();
        looked_up.map_err(|(i, m)| csv_error(self.path, line_of(self.path, at[i]), m))
    }

    /// Anything else, through the csv crate.
    fn csv_chunk<'a>(&self, offset: usize, piece: &'a [u8]) -> Result<Chunk<'a>> {
        let path = self.path;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .delimiter(self.delimiter)
            .flexible(true)
            .from_reader(piece);
        let mut chunk = Chunk {
            names: Vec::new(),
            hashes: Vec::new(),
            shorts: Vec::new(),
            rows: Vec::new(),
            ids: Vec::new(),
        };
        let mut ids: FxHashMap<Vec<u8>, u32> = FxHashMap::default();
        let mut record = csv::ByteRecord::new();
        while let Some(at) = next_record(&mut reader, &mut record, path, offset, self.columns)? {
            let fail = |m: String| csv_error(path, line_of(path, at), m);
            let fields: Vec<&[u8]> = record.iter().collect();
            let name = fields[0].trim_ascii();
            if name.is_empty() {
                return Err(fail("the tenant name is empty".into()));
            }
            let id = match ids.get(name) {
                Some(id) => *id,
                None => {
                    std::str::from_utf8(name)
                        .map_err(|_| fail("this row is not valid UTF-8 text".into()))?;
                    chunk.names.push(Cow::Owned(name.to_vec()));
                    chunk.hashes.push(hash_name(name));
                    chunk.shorts.push(Short::of(name));
                    let id = (chunk.names.len() - 1) as u32;
                    ids.insert(name.to_vec(), id);
                    id
                }
            };
            chunk.rows.push(self.row(&fields).map_err(fail)?);
            chunk.ids.push(id);
        }
        Ok(chunk)
    }

    fn row(&self, record: &[&[u8]]) -> std::result::Result<HistoryRow, String> {
        let field = |i: usize| record[i].trim_ascii();
        let text = |i: usize| {
            std::str::from_utf8(field(i))
                .map_err(|_| "this row is not valid UTF-8 text".to_string())
        };
        let month = match fast_month(field(1)) {
            Some(m) => m,
            None => crate::month::month_from_spreadsheet(text(1)?)?,
        };
        let count = |i: usize, column: &str| match fast_whole(field(i)) {
            Some(v) => Ok(v),
            None => whole(text(i)?, column),
        };
        let acr_cents = match fast_cents(field(4)) {
            Some(c) => c,
            None => {
                // Where Excel separates with `;`, its decimal mark is a comma: "12,50".
                let written = text(4)?;
                let written = if self.delimiter == b';' {
                    std::borrow::Cow::Owned(written.replace(',', "."))
                } else {
                    std::borrow::Cow::Borrowed(written)
                };
                let d = decimal(&written, "acr")?;
                crate::scenario::import::cents(d)
                    .ok_or_else(|| format!("acr `{}` is too large", text(4).unwrap_or_default()))?
            }
        };
        let cell = |i: usize, side: Side, column: &str| {
            if self.columns <= i || field(i).is_empty() {
                Ok(AssocCell::Keep)
            } else {
                association(self.rules, side, text(i)?, column)
            }
        };
        Ok(HistoryRow::new(
            month,
            count(2, "seats")?,
            count(3, "active")?,
            acr_cents,
            cell(5, Side::M365, "m365")?,
            cell(6, Side::Azure, "azure")?,
        ))
    }
}

fn digits(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 12 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u64, |n, d| n * 10 + (d - b'0') as u64))
}

/// "2026-03"
fn fast_month(b: &[u8]) -> Option<Month> {
    if b.len() != 7 || b[4] != b'-' {
        return None;
    }
    Month::new(digits(&b[..4])? as i32, digits(&b[5..])? as u32)
}

/// A plain whole number within the level bound.
fn fast_whole(b: &[u8]) -> Option<u32> {
    digits(b)
        .filter(|&v| v <= MAX_LEVEL.mantissa() as u64)
        .map(|v| v as u32)
}

/// "350", "350.5", "350.25": exact cents within the level bound.
fn fast_cents(b: &[u8]) -> Option<i64> {
    let (whole, frac) = match b.iter().position(|&c| c == b'.') {
        Some(dot) => (&b[..dot], &b[dot + 1..]),
        None => (b, &b[..0]),
    };
    let units = digits(whole)?;
    let cents = match frac.len() {
        0 => 0,
        1 => digits(frac)? * 10,
        2 => digits(frac)?,
        _ => return None,
    };
    let total = units.checked_mul(100)? + cents;
    (total <= MAX_LEVEL.mantissa() as u64 * 100).then_some(total as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_ranges_cover_every_tenant_once_with_rows_shared_out() {
        // Tenants with 5, 1, 1, 1, 0, 8 and 4 rows: 20 rows in all, 10 a part. Tenant 5
        // starts at row 8, before the share ends, so the first part runs to it.
        let starts = [0, 5, 6, 7, 8, 8, 16, 20];
        assert_eq!(tenant_ranges(&starts, 2), vec![0..6, 6..7]);
        assert_eq!(tenant_ranges(&starts, 1), vec![0..7]);
        // More parts than rows: one tenant with rows in each (tenant 4 has none).
        assert_eq!(
            tenant_ranges(&starts, 40),
            vec![0..1, 1..2, 2..3, 3..4, 4..6, 6..7]
        );
        assert_eq!(tenant_ranges(&[0], 2), Vec::<std::ops::Range<usize>>::new());
    }

    #[test]
    fn rows_pack_every_month_level_and_cell() {
        let last = Month::new(9999, 12).unwrap();
        let r = HistoryRow::new(
            last,
            1_000_000_000,
            7,
            100_000_000_000,
            AssocCell::Counts(false),
            AssocCell::Counts(true),
        );
        assert_eq!(std::mem::size_of::<HistoryRow>(), 16);
        assert_eq!(r.month(), last);
        assert_eq!((r.seats, r.active), (1_000_000_000, 7));
        assert_eq!(r.acr_cents(), 100_000_000_000, "1,000,000,000 USD");
        assert_eq!(
            (r.m365(), r.azure()),
            (AssocCell::Counts(false), AssocCell::Counts(true))
        );
        let first = Month::new(1900, 1).unwrap();
        let r = HistoryRow::new(
            first,
            0,
            0,
            4_294_967_297,
            AssocCell::Keep,
            AssocCell::Counts(false),
        );
        assert_eq!((r.month(), r.acr_cents()), (first, 4_294_967_297));
        assert_eq!(
            (r.m365(), r.azure()),
            (AssocCell::Keep, AssocCell::Counts(false))
        );
        assert!(
            r.month_index()
                < HistoryRow::new(first + 1, 0, 0, 0, AssocCell::Keep, AssocCell::Keep)
                    .month_index()
        );
    }

    #[test]
    fn fast_paths_are_exact_and_defer_the_unusual() {
        assert_eq!(fast_cents(b"350"), Some(35_000));
        assert_eq!(fast_cents(b"350.5"), Some(35_050));
        assert_eq!(fast_cents(b"0.07"), Some(7));
        assert_eq!(
            fast_cents(b"350.005"),
            None,
            "three decimals round in the general path"
        );
        assert_eq!(fast_cents(b"-1"), None);
        assert_eq!(fast_cents(b"1e3"), None);
        assert_eq!(fast_whole(b"1000000000"), Some(1_000_000_000));
        assert_eq!(
            fast_whole(b"1000000001"),
            None,
            "above the bound: the general path says so"
        );
        assert_eq!(fast_month(b"2026-03"), Month::new(2026, 3));
        assert_eq!(fast_month(b"2026-13"), None);
    }

    /// Reads `csv` as a history file with the built-in ruleset.
    fn read_text(csv: &[u8]) -> Result<History> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.csv");
        std::fs::write(&path, csv).unwrap();
        read_history(&path, &Ruleset::built_in())
    }

    #[test]
    fn lines_in_unusual_forms_read_as_their_plain_forms() {
        // The plain lines take the one-pass reader; the same values written with spaces,
        // three decimals, a plus sign or a lower-case association take the general one.
        let header = "tenant,month,seats,active,acr,m365,azure\n";
        let plain = "T1,2026-01,10,5,1250.50,CSP Tier1,\nT2,2026-01,0,0,7,,PAL\n\
                     T1,2026-02,11,5,1250.5,,\n";
        let unusual = " T1 , 2026-01 ,10, 5 ,1250.500,csp tier1, \nT2,2026-01,+0,0,7.00,,PAL\n\
                       T1,2026-02,11,5,1250.5,,\n";
        let a = read_text(format!("{header}{plain}").as_bytes()).unwrap();
        let b = read_text(format!("{header}{unusual}").as_bytes()).unwrap();
        assert_eq!(
            (&a.names, &a.rows, &a.starts),
            (&b.names, &b.rows, &b.starts)
        );
        assert_eq!(a.names, ["T1", "T2"]);
        assert_eq!(a.rows[0].acr_cents(), 125_050);
    }

    #[test]
    fn a_name_that_is_not_utf8_is_reported_before_a_later_bad_row() {
        // Names are looked up a few rows after they are read: the error still names the
        // first bad line.
        let e = read_text(b"tenant,month,seats,active,acr\nA,2026-01,1,1,1\nB\xff,2026-01,1,1,1\nC,2026-01,1,1,1\nD,2026-01,x,1,1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains(":3:") && e.contains("not valid UTF-8"), "{e}");
    }

    #[test]
    fn pieces_end_at_line_ends_and_cover_everything() {
        let body = b"a,1\nbb,22\nccc,333\n".repeat(10_000);
        let pieces = split_at_lines(&body, 7, 8);
        assert!(pieces.len() > 1);
        assert_eq!(
            pieces.iter().map(|(_, p)| p.len()).sum::<usize>(),
            body.len()
        );
        assert!(pieces.iter().all(|(_, p)| p.ends_with(b"\n")));
        assert_eq!(pieces[0].0, 7);
    }
}
