//! Writing output files safely: never half-written, never over an input.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Writes `bytes` to `path` through a temporary file beside it, renamed into place, so
/// that a reader never sees a half-written file. Refuses to write over any of `inputs`.
pub fn write_atomic(path: &Path, bytes: &[u8], inputs: &[PathBuf]) -> Result<()> {
    let fail = |reason: String| Error::Write {
        path: path.to_path_buf(),
        reason,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(fail(format!("the folder {} does not exist", dir.display())));
    }
    if path.is_dir() {
        return Err(fail("it is a folder".into()));
    }
    refuse_input(path, inputs)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".pcsim-")
        .tempfile_in(&dir)
        .map_err(|e| fail(e.to_string()))?;
    // A temporary file is private (0600); the output should read like any file the user
    // makes: keep the mode of the file it replaces, or the usual 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode());
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| fail(e.to_string()))?;
    }
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| fail(e.to_string()))?;
    tmp.persist(path).map_err(|e| fail(e.error.to_string()))?;
    Ok(())
}

/// Refuses `path` when it is one of `inputs` (the same file by any name): writing it
/// would lose what is being read.
pub fn refuse_input(path: &Path, inputs: &[PathBuf]) -> Result<()> {
    if let Ok(target) = std::fs::canonicalize(path)
        && inputs
            .iter()
            .any(|i| std::fs::canonicalize(i).is_ok_and(|i| i == target))
    {
        return Err(Error::Write {
            path: path.to_path_buf(),
            reason: "it is one of the input files; choose another output name".into(),
        });
    }
    Ok(())
}

/// A CSV file's bytes for Excel: it reads a CSV as UTF-8 only when it starts with a
/// byte-order mark (otherwise as the system's code page, and "—" or an accented name
/// comes out garbled).
pub fn csv_for_excel(text: &str) -> Vec<u8> {
    ["\u{FEFF}".as_bytes(), text.as_bytes()].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_files_and_refuses_bad_targets() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.json");
        write_atomic(&out, b"{}", &[]).unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "{}");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file is left behind"
        );

        let missing = dir.path().join("nope").join("out.json");
        assert!(
            write_atomic(&missing, b"x", &[])
                .unwrap_err()
                .to_string()
                .contains("does not exist")
        );

        let input = dir.path().join("plan.toml");
        std::fs::write(&input, "name = 'x'").unwrap();
        let e = write_atomic(&input, b"x", std::slice::from_ref(&input)).unwrap_err();
        assert!(e.to_string().contains("input"));
        assert_eq!(std::fs::read_to_string(&input).unwrap(), "name = 'x'");
    }
}
