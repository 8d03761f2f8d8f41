//! Tenant names to dense ids, in order of first appearance.
//!
//! A history file names its tenant on every row: nearly two million lookups at 100,000
//! tenants. Two guesses answer most rows of the usual orders without a lookup: the tenant
//! of the row before (a file by tenant), and the tenant that followed that one last time
//! (monthly downloads concatenated repeat one order). The rest, every row of a shuffled
//! file, go to [`Table`], whose slots hold the names themselves, so that a lookup reads one
//! slot and nothing else; [`Names::ids`] looks rows up in small batches and asks for their
//! slots ahead of time, so that the cache misses of a table far bigger than the cache
//! overlap instead of following one another.

/// No id.
pub(super) const NONE: u32 = u32::MAX;

pub(super) fn hash_name(name: &[u8]) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    h.write(name);
    h.finish()
}

/// A tenant name as a key. Names are short, so equality compares machine words inline
/// instead of calling `memcmp`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Key<'a>(pub &'a [u8]);

impl PartialEq for Key<'_> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0, other.0);
        if a.len() != b.len() {
            return false;
        }
        let word =
            |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("8 bytes"));
        let half =
            |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().expect("4 bytes"));
        let n = a.len();
        // Overlapping loads cover every length without a loop: 8..=16 bytes with two
        // words, 4..=7 with two half-words.
        match n {
            8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
            4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
            _ => a == b,
        }
    }
}

impl Eq for Key<'_> {}

/// A tenant name held by value: the whole name when it has up to 23 bytes, so that
/// comparing two is three word compares on memory at hand, not a read of the name's line
/// somewhere in the file (in a file in any order, that read missed the cache on nearly
/// every row). A longer name (GUIDs have 36 bytes) is marked long and keeps its first 23
/// bytes: two long names that agree on those are compared in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Short {
    len: u8,
    bytes: [u8; 23],
}

const LONG: u8 = u8::MAX;

impl Short {
    #[inline]
    pub(super) fn of(name: &[u8]) -> Short {
        let mut bytes = [0u8; 23];
        let n = name.len().min(23);
        bytes[..n].copy_from_slice(&name[..n]);
        let len = if name.len() <= 23 { n as u8 } else { LONG };
        Short { len, bytes }
    }

    /// The whole name, when it is short enough to be held by value.
    #[inline]
    pub(super) fn whole(&self) -> Option<&[u8]> {
        (self.len != LONG).then(|| &self.bytes[..self.len as usize])
    }

    /// Whether a name held as `self` is `name`, whose short form is `short`; `held` is the
    /// held name as in the file, read only when both are long and agree so far.
    #[inline]
    pub(super) fn is<'h>(
        &self,
        short: &Short,
        held: impl FnOnce() -> &'h [u8],
        name: &[u8],
    ) -> bool {
        self == short && (self.len != LONG || Key(held()) == Key(name))
    }
}

/// An id and its name by value, in one 32-byte slot (two to a cache line, never across
/// two).
#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Slot {
    short: Short,
    id: u32,
    /// The low 32 bits of the name's hash: where the slot belongs, and a quick test.
    hash: u32,
}

const EMPTY: Slot = Slot {
    short: Short {
        len: 0,
        bytes: [0; 23],
    },
    id: NONE,
    hash: 0,
};

/// Ids by name: open addressing with linear probing, at most three quarters full (the
/// tables of the pieces being read are alive at once, with the whole file mapped).
pub(super) struct Table {
    slots: Vec<Slot>,
    len: usize,
}

impl Table {
    pub(super) fn with_capacity(names: usize) -> Table {
        Table {
            slots: vec![EMPTY; (names * 4 / 3 + 1).next_power_of_two().max(16)],
            len: 0,
        }
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// Asks for the slot where a lookup of `hash` starts, without waiting for it.
    #[inline]
    pub(super) fn prefetch(&self, hash: u64) {
        #[cfg(target_arch = "x86_64")]
        {
            let slot = &self.slots[hash as usize & self.mask()];
            // SAFETY: a prefetch only hints the cache; the address is a live slot.
            unsafe {
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                    (slot as *const Slot).cast(),
                )
            }
        }
    }

    /// The id of the name with `hash` and short form `short` for which `held(id)` (the
    /// held name, read only for long names) is `name`; else `new` is inserted as its id.
    /// Returns the id and whether it was inserted.
    #[inline]
    pub(super) fn find_or_insert<'n>(
        &mut self,
        hash: u64,
        short: &Short,
        name: &[u8],
        held: impl Fn(u32) -> &'n [u8],
        new: u32,
    ) -> (u32, bool) {
        let mask = self.mask();
        let mut at = hash as usize & mask;
        loop {
            let slot = &self.slots[at];
            if slot.id == NONE {
                break;
            }
            if slot.hash == hash as u32 && slot.short.is(short, || held(slot.id), name) {
                return (slot.id, false);
            }
            at = (at + 1) & mask;
        }
        self.slots[at] = Slot {
            short: *short,
            id: new,
            hash: hash as u32,
        };
        self.len += 1;
        if self.len * 4 > self.slots.len() * 3 {
            self.grow();
        }
        (new, true)
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; size]);
        let mask = self.mask();
        for slot in old.into_iter().filter(|s| s.id != NONE) {
            let mut at = slot.hash as usize & mask;
            while self.slots[at].id != NONE {
                at = (at + 1) & mask;
            }
            self.slots[at] = slot;
        }
    }
}

/// How many failed guesses in a row stop the guessing (but for every 64th row).
const GIVE_UP: u32 = 64;

/// How many rows' slots are asked for ahead of their lookups.
pub(super) const BATCH: usize = 16;

/// The names of one piece of the file and their ids, in order of first appearance.
pub(super) struct Names<'a> {
    /// Per id: the name as in the file, its hash and its short form.
    pub names: Vec<&'a [u8]>,
    pub hashes: Vec<u64>,
    pub shorts: Vec<Short>,
    table: Table,
    /// The row before's tenant and name.
    last: u32,
    last_name: &'a [u8],
    /// Per id, the id that followed it last time.
    next: Vec<u32>,
    /// Guesses that failed in a row. In a shuffled file they always fail: after many,
    /// only every 64th row guesses.
    misses: u32,
    /// Rows looked up in the table (not the row before's tenant, nor guessed).
    looked_up: usize,
}

impl<'a> Names<'a> {
    pub(super) fn with_capacity(n: usize) -> Names<'a> {
        Names {
            names: Vec::with_capacity(n),
            hashes: Vec::with_capacity(n),
            shorts: Vec::with_capacity(n),
            table: Table::with_capacity(n),
            last: NONE,
            last_name: &[],
            next: Vec::with_capacity(n),
            misses: 0,
            looked_up: 0,
        }
    }

    /// The ids of a few rows' names, pushed onto `ids` in order. A name that is not UTF-8
    /// stops it with the index of its row in `batch` and the message.
    pub(super) fn ids(
        &mut self,
        batch: &[&'a [u8]],
        ids: &mut Vec<u32>,
    ) -> Result<(), (usize, String)> {
        // Guessing fails in a shuffled file: ask for every row's slot first.
        let mut hashes = [0u64; BATCH];
        let ahead = self.misses >= GIVE_UP;
        if ahead {
            for (h, name) in hashes.iter_mut().zip(batch) {
                *h = hash_name(name);
                self.table.prefetch(*h);
            }
        }
        for (i, name) in batch.iter().enumerate() {
            let hash = (ahead && i < BATCH).then(|| hashes[i]);
            ids.push(self.id(name, hash).map_err(|m| (i, m))?);
        }
        Ok(())
    }

    /// The id of `name` (whose hash is `hash` when worked out already).
    #[inline]
    pub(super) fn id(&mut self, name: &'a [u8], hash: Option<u64>) -> Result<u32, String> {
        if self.last != NONE && Key(name) == Key(self.last_name) {
            return Ok(self.last);
        }
        self.last_name = name;
        let short = Short::of(name);
        let guessing = self.misses < GIVE_UP || self.misses.is_multiple_of(GIVE_UP);
        if self.last != NONE {
            if guessing {
                let guess = self.next[self.last as usize];
                if guess != NONE
                    && self.shorts[guess as usize].is(&short, || self.names[guess as usize], name)
                {
                    self.last = guess;
                    self.misses = 0;
                    return Ok(guess);
                }
            }
            self.misses = self.misses.saturating_add(1);
        }
        self.looked_up += 1;
        let hash = hash.unwrap_or_else(|| hash_name(name));
        let new = self.names.len() as u32;
        let names = &self.names;
        let (id, inserted) =
            self.table
                .find_or_insert(hash, &short, name, |id| names[id as usize], new);
        if inserted {
            std::str::from_utf8(name)
                .map_err(|_| "this row is not valid UTF-8 text".to_string())?;
            self.names.push(name);
            self.shorts.push(short);
            self.hashes.push(hash);
            self.next.push(NONE);
        }
        // Kept for new names even while not guessing: a month-major file's first month in
        // a piece is all new names, which stops the guessing, and the months after need
        // these guesses.
        if self.last != NONE && (guessing || inserted) {
            self.next[self.last as usize] = id;
        }
        self.last = id;
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_get_ids_in_order_of_first_appearance_in_any_order() {
        let long = |c: char| format!("{}-0000-0000-0000-000000000000", c.to_string().repeat(8));
        let (a, b) = (long('a'), long('b'));
        let rows: Vec<&[u8]> = [
            "x", "y", "x", "y", "z", "ab", &a, &b, &a, "z", "x", "ab", &b,
        ]
        .iter()
        .map(|s| s.as_bytes())
        .collect();
        let expected = [0, 1, 0, 1, 2, 3, 4, 5, 4, 2, 0, 3, 5];
        let mut names = Names::with_capacity(2);
        let mut ids = Vec::new();
        for row in &rows {
            ids.push(names.id(row, None).unwrap());
        }
        assert_eq!(ids, expected);
        // Shuffled enough to stop guessing, in batches that look slots up ahead of time.
        let mut names = Names::with_capacity(2);
        names.misses = GIVE_UP;
        let mut ids = Vec::new();
        for batch in rows.chunks(BATCH / 2) {
            names.ids(batch, &mut ids).unwrap();
        }
        assert_eq!(ids, expected);
        assert_eq!(names.names.len(), 6);
        assert_eq!(names.names[4], a.as_bytes());
    }

    #[test]
    fn monthly_downloads_in_one_order_are_guessed_after_the_first_month() {
        // 1,000 tenants a month, in one order, for three months: the first month's names
        // are new (looked up, and far more than stop the guessing); after it each row is
        // the tenant that followed the row before's tenant last month. Only the first of
        // the second month's rows are looked up, until a guess is tried again (within
        // GIVE_UP rows) and holds.
        let names: Vec<String> = (0..1000).map(|i| format!("T{i:06}")).collect();
        let mut table = Names::with_capacity(16);
        let mut ids = Vec::new();
        for _ in 0..3 {
            for n in &names {
                ids.push(table.id(n.as_bytes(), None).unwrap());
            }
        }
        let once: Vec<u32> = (0..1000).collect();
        assert_eq!(ids, [once.clone(), once.clone(), once].concat());
        assert!(
            table.looked_up <= 1000 + GIVE_UP as usize,
            "{} rows looked up",
            table.looked_up
        );
    }

    #[test]
    fn a_table_grows_and_keeps_every_name() {
        let names: Vec<String> = (0..5000).map(|i| format!("tenant {i}")).collect();
        let mut table = Table::with_capacity(1);
        let held = |id: u32| names[id as usize].as_bytes();
        for (i, n) in names.iter().enumerate() {
            let n = n.as_bytes();
            let got = table.find_or_insert(hash_name(n), &Short::of(n), n, held, i as u32);
            assert_eq!(got, (i as u32, true));
        }
        for (i, n) in names.iter().enumerate() {
            let n = n.as_bytes();
            let got = table.find_or_insert(hash_name(n), &Short::of(n), n, held, NONE - 1);
            assert_eq!(got, (i as u32, false));
        }
    }

    #[test]
    fn long_names_that_share_a_beginning_are_told_apart() {
        let a = "the same first twenty-three bytes, then a";
        let b = "the same first twenty-three bytes, then b";
        let mut names = Names::with_capacity(1);
        let ids: Vec<u32> = [a, b, a, b]
            .iter()
            .map(|n| names.id(n.as_bytes(), Some(7)).unwrap())
            .collect();
        assert_eq!(ids, [0, 1, 0, 1], "even with the same hash");
    }
}
