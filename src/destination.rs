//! Where a command's result goes, and as what: `--format` and the extension of `-o`
//! decide together, so that a file's name never promises one format and holds another.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::output::write_atomic;
use crate::report::Format;

/// `--format`: what the result is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// A readable table (with a summary for `run`)
    Table,
    /// JSON for programs (documented in docs/output.md, docs/odds.md and docs/seek.md)
    Json,
    /// CSV for spreadsheets: a row per month (`run`), per plan (`compare`), per option
    /// (`seek`)
    Csv,
    /// An Excel workbook, a sheet per table (`run`, `compare`, `explain`, `odds`; needs
    /// -o FILE.xlsx)
    Xlsx,
}

impl OutputFormat {
    /// The format a file's extension asks for, if it asks for one.
    fn of(path: &Path) -> Option<OutputFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "xlsx" => Some(OutputFormat::Xlsx),
            "json" => Some(OutputFormat::Json),
            "csv" => Some(OutputFormat::Csv),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            OutputFormat::Table => "table",
            OutputFormat::Json => "json",
            OutputFormat::Csv => "csv",
            OutputFormat::Xlsx => "xlsx",
        }
    }

    /// What a file of this format holds, in words.
    fn holds(self) -> &'static str {
        match self {
            OutputFormat::Table => "the table",
            OutputFormat::Json => "JSON",
            OutputFormat::Csv => "CSV",
            OutputFormat::Xlsx => "an Excel workbook",
        }
    }

    /// The extension a file of this format is best given.
    fn extension(self) -> &'static str {
        match self {
            OutputFormat::Table => "txt",
            other => other.name(),
        }
    }

    fn text(self) -> Option<Format> {
        match self {
            OutputFormat::Table => Some(Format::Table),
            OutputFormat::Json => Some(Format::Json),
            OutputFormat::Csv => Some(Format::Csv),
            OutputFormat::Xlsx => None,
        }
    }
}

/// Where the result goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Text on standard output.
    Screen(Format),
    /// Text in a file.
    File(PathBuf, Format),
    /// An Excel workbook in a file.
    Workbook(PathBuf),
}

impl Destination {
    /// Picks the destination from `--format` and `-o`: without `--format`, `-o`'s
    /// extension chooses (.xlsx, .json, .csv; any other is the table); with both, they
    /// must agree.
    pub fn pick(format: Option<OutputFormat>, output: Option<PathBuf>) -> Result<Destination> {
        let Some(path) = output else {
            return match format.unwrap_or(OutputFormat::Table).text() {
                Some(text) => Ok(Destination::Screen(text)),
                None => Err(Error::Usage(
                    "an Excel workbook needs a file: -o FILE.xlsx".into(),
                )),
            };
        };
        let implied = OutputFormat::of(&path);
        let chosen = match (format, implied) {
            (None, implied) => implied.unwrap_or(OutputFormat::Table),
            (Some(given), Some(implied)) if given != implied => {
                return Err(Error::Usage(format!(
                    "--format {} does not match -o {}: a .{} file gets {}. Leave out --format to write {}, or name the file {}",
                    given.name(),
                    path.display(),
                    implied.extension(),
                    implied.holds(),
                    implied.holds(),
                    path.with_extension(given.extension()).display()
                )));
            }
            (Some(OutputFormat::Xlsx), None) => {
                // Excel will not open a workbook by any other name without a warning.
                return Err(Error::Usage(format!(
                    "--format xlsx writes an Excel workbook, which needs a .xlsx file: -o {}",
                    path.with_extension("xlsx").display()
                )));
            }
            (Some(given), _) => given,
        };
        Ok(match chosen.text() {
            Some(text) => Destination::File(path, text),
            None => Destination::Workbook(path),
        })
    }

    /// Delivers a result: the text of the chosen format, or the workbook, into the file
    /// (never over one of `inputs`). Returns what goes to standard output: the text, or
    /// nothing when it went to a file.
    pub fn deliver(
        self,
        inputs: &[PathBuf],
        text: impl FnOnce(Format) -> String,
        workbook: impl FnOnce() -> std::result::Result<Vec<u8>, rust_xlsxwriter::XlsxError>,
    ) -> Result<String> {
        match self {
            Destination::Screen(format) => Ok(text(format)),
            Destination::File(path, format) => {
                let text = text(format);
                let bytes = if format == Format::Csv {
                    crate::output::csv_for_excel(&text)
                } else {
                    text.into_bytes()
                };
                write_atomic(&path, &bytes, inputs).map(|()| String::new())
            }
            Destination::Workbook(path) => {
                let bytes = workbook().map_err(|e| Error::Write {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
                write_atomic(&path, &bytes, inputs).map(|()| String::new())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(format: Option<OutputFormat>, output: Option<&str>) -> Option<Destination> {
        Destination::pick(format, output.map(PathBuf::from)).ok()
    }

    #[test]
    fn the_extension_picks_the_format_unless_told() {
        use OutputFormat::*;
        let file = |p: &str, f| Some(Destination::File(p.into(), f));
        assert_eq!(pick(None, None), Some(Destination::Screen(Format::Table)));
        assert_eq!(
            pick(Some(Csv), None),
            Some(Destination::Screen(Format::Csv))
        );
        assert_eq!(pick(None, Some("a.csv")), file("a.csv", Format::Csv));
        assert_eq!(pick(None, Some("a.JSON")), file("a.JSON", Format::Json));
        assert_eq!(pick(None, Some("out")), file("out", Format::Table));
        assert_eq!(pick(Some(Json), Some("a.txt")), file("a.txt", Format::Json));
        assert_eq!(
            pick(None, Some("a.xlsx")),
            Some(Destination::Workbook("a.xlsx".into()))
        );
        assert_eq!(
            pick(Some(Xlsx), Some("a.xlsx")),
            Some(Destination::Workbook("a.xlsx".into()))
        );
        for (format, output) in [
            (Some(Xlsx), None),
            (Some(Xlsx), Some("a.txt")),
            (Some(Json), Some("a.csv")),
            (Some(Table), Some("a.json")),
            (Some(Csv), Some("a.xlsx")),
        ] {
            let picked = Destination::pick(format, output.map(PathBuf::from));
            assert!(
                matches!(picked, Err(Error::Usage(_))),
                "{format:?} {output:?}"
            );
        }
    }
}
