//! One downloaded file: its separator, its header, and its rows read on every core.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Result, csv_error};
use crate::scenario::history::{FileBytes, ReadProgress};
use crate::scenario::import::{cannot_read, line_of, next_record, text_start};

pub struct Download {
    pub path: PathBuf,
    bytes: FileBytes,
    /// `,`, `;` or a tab, from the header line.
    pub delimiter: u8,
    pub header: Vec<String>,
    body_start: usize,
}

impl Download {
    pub fn open(path: &Path, what: &str) -> Result<Download> {
        let bytes = FileBytes::open(path).map_err(|e| cannot_read(what, path, &e))?;
        if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            return Err(csv_error(
                path,
                1,
                "it is saved as UTF-16 (Excel's \"Unicode Text\"): save it as \"CSV UTF-8\" instead",
            ));
        }
        let (start, delimiter) = text_start(&bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .delimiter(delimiter)
            .from_reader(&bytes[start..]);
        let header = reader
            .headers()
            .map_err(|_| csv_error(path, 1, "the header line is not valid UTF-8 text"))?
            .iter()
            .map(str::to_string)
            .collect::<Vec<_>>();
        if header.iter().all(|h| h.trim().is_empty()) {
            return Err(csv_error(
                path,
                1,
                format!("the {what} file is empty: it needs a header line naming its columns"),
            ));
        }
        let body_start = start + reader.position().byte() as usize;
        Ok(Download {
            path: path.to_path_buf(),
            bytes,
            delimiter,
            header,
            body_start,
        })
    }

    /// The rows, split into about `parts` pieces at record ends, each with its offset in
    /// the file. A line end inside a quoted field is not a record end; a quote opens a
    /// quoted field only at the start of a field (elsewhere it is a letter, as the csv
    /// crate reads it: `12" Monitor`), and `""` inside one is a quote.
    pub fn pieces(&self, parts: usize) -> Vec<(usize, &[u8])> {
        let body = &self.bytes[self.body_start.min(self.bytes.len())..];
        let target = (body.len() / parts.max(1)).max(1 << 20);
        let mut quotes = Quotes {
            body,
            delimiter: self.delimiter,
            at: memchr::memchr_iter(b'"', body).peekable(),
            quoted: false,
        };
        let mut pieces = Vec::new();
        let mut from = 0;
        while from < body.len() {
            let mut to = (from + target).min(body.len());
            // The first line end at or after `to - 1` that is outside quotes; one inside
            // a quoted field sends the search on past it.
            let mut search = to - 1;
            while to < body.len() {
                let Some(end) = memchr::memchr(b'\n', &body[search..]).map(|i| search + i) else {
                    to = body.len();
                    break;
                };
                quotes.advance_to(end);
                to = end + 1;
                if !quotes.quoted {
                    break;
                }
                search = to;
            }
            pieces.push((self.body_start + from, &body[from..to]));
            from = to;
        }
        pieces
    }

    /// The rows in one piece, for a small file read on one core; counted in `progress`.
    pub fn read_whole(&self, progress: &ReadProgress) -> Vec<(usize, &[u8])> {
        let start = self.body_start.min(self.bytes.len());
        progress.total.fetch_add(
            (self.bytes.len() - start) as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        vec![(start, &self.bytes[start..])]
    }

    /// Calls `row` for every record of `piece` (at `offset` in the file) with the record's
    /// byte position in the file; blank lines are skipped. A record with fewer fields than
    /// the header is an error naming its line.
    pub fn read_piece(
        &self,
        offset: usize,
        piece: &[u8],
        progress: &ReadProgress,
        mut row: impl FnMut(u64, &csv::ByteRecord) -> std::result::Result<(), String>,
    ) -> Result<()> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .delimiter(self.delimiter)
            .flexible(true)
            .from_reader(piece);
        let mut record = csv::ByteRecord::new();
        let mut reported = 0;
        while let Some(position) = next_record(
            &mut reader,
            &mut record,
            &self.path,
            offset,
            self.header.len(),
        )? {
            row(position, &record)
                .map_err(|m| csv_error(&self.path, line_of(&self.path, position), m))?;
            let read = position as usize - offset;
            if read - reported > (1 << 20) {
                progress.add(read - reported);
                reported = read;
            }
        }
        progress.add(piece.len() - reported);
        Ok(())
    }

    /// Reads every piece on every core with `parse`, in file order.
    pub fn read_all<T: Send>(
        &self,
        progress: &ReadProgress,
        parse: impl Fn(usize, &[u8]) -> Result<T> + Sync,
    ) -> Result<Vec<T>> {
        progress.total.fetch_add(
            (self.bytes.len() - self.body_start.min(self.bytes.len())) as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        let pieces = self.pieces(rayon::current_num_threads() * 2);
        let read: Vec<Result<T>> = pieces
            .into_par_iter()
            .map(|(offset, piece)| parse(offset, piece))
            .collect();
        // The first error in the file, whichever core met it first.
        read.into_iter().collect()
    }
}

/// The quotes of a file's body, followed to know whether a place is inside a quoted field.
struct Quotes<'a> {
    body: &'a [u8],
    delimiter: u8,
    at: std::iter::Peekable<memchr::Memchr<'a>>,
    quoted: bool,
}

impl Quotes<'_> {
    /// Follows the quotes before `limit`.
    fn advance_to(&mut self, limit: usize) {
        while let Some(&q) = self.at.peek() {
            if q >= limit {
                break;
            }
            self.at.next();
            if self.quoted {
                if self.body.get(q + 1) == Some(&b'"') {
                    // `""`: a quote inside the field; the pair is taken together.
                    self.at.next();
                } else {
                    self.quoted = false;
                }
            } else if q == 0
                || matches!(self.body[q - 1], b'\n' | b'\r')
                || self.body[q - 1] == self.delimiter
            {
                self.quoted = true;
            }
        }
    }
}

/// A cell as text; every download is UTF-8 (Partner Center writes UTF-8).
pub fn text(cell: &[u8]) -> std::result::Result<&str, String> {
    std::str::from_utf8(cell)
        .map(str::trim)
        .map_err(|_| "this row is not valid UTF-8 text: save the file as CSV UTF-8".to_string())
}
