//! Where CSV files come from: the folder `OKTA_MCP_CSV_DIR` and, in builds with the `s3` feature, the S3
//! prefixes `OKTA_MCP_S3_ALLOWED` names (`s3://bucket/key`, see `s3`). Nothing outside them is ever read: a name
//! is relative and has no `..`; its canonical path (every symlink resolved) must lie inside the folder's; the
//! file is opened without following a symlink swapped in since, and must be a regular file no larger than the
//! bound.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use okta_mcp_kit::ToolError;
use serde_json::{Value, json};

/// The folder of CSV files.
pub const DIR_VAR: &str = "OKTA_MCP_CSV_DIR";
/// The S3 prefixes that may be read.
pub const S3_VAR: &str = "OKTA_MCP_S3_ALLOWED";
/// The largest file read (bytes).
pub const MAX_BYTES: u64 = 32 * 1024 * 1024;
/// Folders below the CSV folder that listing descends into.
const MAX_DEPTH: usize = 4;

/// One file that may be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// What `okta_iga_read_csv` takes: a path relative to the folder, or an `s3://` URL.
    pub name: String,
    pub size: u64,
    /// RFC 3339.
    pub modified: Option<String>,
}

impl Entry {
    pub fn to_json(&self) -> Value {
        json!({"name": self.name, "size": self.size, "modified": self.modified})
    }
}

fn is_s3(name: &str) -> bool {
    name.trim_start().get(..5).is_some_and(|p| p.eq_ignore_ascii_case("s3://"))
}

/// The bytes of `name` (a file of the CSV folder, or an `s3://` URL), at most `max_bytes`.
pub async fn read(name: &str, max_bytes: u64) -> Result<Vec<u8>, ToolError> {
    if is_s3(name) {
        return s3_read(name.trim(), max_bytes).await;
    }
    let dir = CsvDir::from_env()?;
    let name = name.to_owned();
    tokio::task::spawn_blocking(move || dir.read(&name, max_bytes))
        .await
        .map_err(|e| ToolError::refused(format!("reading the file failed: {e}")))?
}

/// The files that may be read: the CSV folder's (`under`: a folder inside it) or, for an `s3://` prefix, the
/// objects under it; at most `max`, sorted by name, and whether there were more.
pub async fn list(under: Option<&str>, max: usize) -> Result<(Vec<Entry>, bool), ToolError> {
    if let Some(prefix) = under.filter(|u| is_s3(u)) {
        return s3_list(prefix.trim(), max).await;
    }
    let dir = CsvDir::from_env()?;
    let under = under.map(str::to_owned);
    tokio::task::spawn_blocking(move || dir.list(under.as_deref(), max))
        .await
        .map_err(|e| ToolError::refused(format!("listing the folder failed: {e}")))?
}

/// Where files may be read from, for people: the folder and the S3 prefixes.
pub fn locations() -> Value {
    let dir = std::env::var(DIR_VAR).ok().filter(|d| !d.trim().is_empty());
    json!({"folder": dir, "s3": s3_locations()})
}

mod remote {
    use super::*;

    #[cfg(feature = "s3")]
    fn source() -> Result<crate::bulk::s3::S3Source, ToolError> {
        crate::bulk::s3::S3Source::from_env().map_err(ToolError::refused)?.ok_or_else(|| {
            ToolError::refused(format!("{S3_VAR} is not set: no S3 location may be read. Nothing was read."))
        })
    }

    #[cfg(feature = "s3")]
    pub async fn s3_read(url: &str, max_bytes: u64) -> Result<Vec<u8>, ToolError> {
        source()?.read(url, max_bytes).await.map_err(ToolError::refused)
    }

    #[cfg(feature = "s3")]
    pub async fn s3_list(prefix: &str, max: usize) -> Result<(Vec<Entry>, bool), ToolError> {
        let mut objects = source()?.list(prefix, max.saturating_add(1)).await.map_err(ToolError::refused)?;
        let more = objects.len() > max;
        objects.truncate(max);
        let entries = objects.into_iter().map(|o| Entry { name: o.url, size: o.size, modified: o.modified }).collect();
        Ok((entries, more))
    }

    #[cfg(feature = "s3")]
    pub fn s3_locations() -> Value {
        match crate::bulk::s3::S3Source::from_env() {
            Ok(Some(s3)) => json!(s3.allowed()),
            Ok(None) => json!([]),
            Err(e) => json!({"error": e}),
        }
    }

    #[cfg(not(feature = "s3"))]
    const NO_S3: &str = "this build has no S3 support (it was built without the `s3` feature): read the file \
        from the CSV folder (OKTA_MCP_CSV_DIR) instead. Nothing was read.";

    #[cfg(not(feature = "s3"))]
    pub async fn s3_read(_url: &str, _max_bytes: u64) -> Result<Vec<u8>, ToolError> {
        Err(ToolError::refused(NO_S3))
    }

    #[cfg(not(feature = "s3"))]
    pub async fn s3_list(_prefix: &str, _max: usize) -> Result<(Vec<Entry>, bool), ToolError> {
        Err(ToolError::refused(NO_S3))
    }

    #[cfg(not(feature = "s3"))]
    pub fn s3_locations() -> Value {
        json!("this build has no S3 support")
    }
}

use remote::{s3_list, s3_locations, s3_read};

/// The CSV folder, canonical.
#[derive(Debug, Clone)]
pub struct CsvDir {
    root: PathBuf,
}

fn not_found(name: &str) -> ToolError {
    ToolError::refused(format!("there is no file {name:?} in the CSV folder: see okta_iga_list_csv_files"))
}

impl CsvDir {
    /// `OKTA_MCP_CSV_DIR`.
    pub fn from_env() -> Result<CsvDir, ToolError> {
        let dir = std::env::var(DIR_VAR).ok().filter(|d| !d.trim().is_empty()).ok_or_else(|| {
            ToolError::refused(format!(
                "{DIR_VAR} is not set: the server reads CSV files only from that folder (or, with S3 support, \
                 from the {S3_VAR} prefixes). Nothing was read."
            ))
        })?;
        CsvDir::new(Path::new(&dir)).map_err(ToolError::refused)
    }

    pub fn new(dir: &Path) -> Result<CsvDir, String> {
        let root = dir.canonicalize().map_err(|e| format!("the CSV folder {} cannot be read: {e}", dir.display()))?;
        if !root.is_dir() {
            return Err(format!("the CSV folder {} is not a folder", dir.display()));
        }
        Ok(CsvDir { root })
    }

    /// A name as given: relative, plain components only.
    fn relative(name: &str) -> Result<&Path, ToolError> {
        let trimmed = name.trim();
        if trimmed.is_empty() || trimmed.len() > 1000 || trimmed.chars().any(char::is_control) {
            return Err(ToolError::invalid_arguments(format!("{name:?} is not a file name")));
        }
        let path = Path::new(trimmed);
        if !path.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(ToolError::invalid_arguments(format!(
                "{name:?} is not inside the CSV folder: give a name relative to it, without `..` (see \
                 okta_iga_list_csv_files)"
            )));
        }
        Ok(path)
    }

    /// The canonical path of `name`, which must be inside the folder.
    fn resolve(&self, name: &str) -> Result<PathBuf, ToolError> {
        let relative = Self::relative(name)?;
        let canonical = match self.root.join(relative).canonicalize() {
            Ok(p) => p,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(not_found(name)),
            Err(e) => return Err(ToolError::refused(format!("{name:?} cannot be read: {e}"))),
        };
        if !canonical.starts_with(&self.root) {
            return Err(ToolError::refused(format!(
                "{name:?} leads outside the CSV folder (a symbolic link): it is not read"
            )));
        }
        Ok(canonical)
    }

    /// The file's bytes, at most `max_bytes`.
    pub fn read(&self, name: &str, max_bytes: u64) -> Result<Vec<u8>, ToolError> {
        let path = self.resolve(name)?;
        let mut options = std::fs::OpenOptions::new();
        options.read(true);
        // The canonical path has no symlink left; one swapped in since is not followed. O_NONBLOCK: a named pipe
        // put there does not hold the open (it is then refused as no file).
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW | libc::O_NONBLOCK);
        // Windows: FILE_FLAG_OPEN_REPARSE_POINT opens a link swapped in since as itself, not what it points to
        // (then refused below as no file).
        #[cfg(windows)]
        std::os::windows::fs::OpenOptionsExt::custom_flags(&mut options, 0x0020_0000);
        let file = options.open(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => not_found(name),
            _ => ToolError::refused(format!("{name:?} cannot be opened (it may have been replaced by a link): {e}")),
        })?;
        // O_NOFOLLOW guards the last name only: a folder on the way swapped for a link since the check would be
        // followed. What was opened is checked again, by the kernel's own name for it.
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            let opened = std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd()));
            if !opened.is_ok_and(|p| p.starts_with(&self.root)) {
                return Err(ToolError::refused(format!(
                    "{name:?} leads outside the CSV folder (a folder on its way was replaced by a link): it is not read"
                )));
            }
        }
        // Elsewhere there is no kernel name for an open file: the path is resolved again, and must still lead
        // inside the folder (a swap between the two checks remains possible there).
        #[cfg(not(target_os = "linux"))]
        if !std::fs::canonicalize(&path).is_ok_and(|p| p.starts_with(&self.root)) {
            return Err(ToolError::refused(format!(
                "{name:?} leads outside the CSV folder (a folder on its way was replaced by a link): it is not read"
            )));
        }
        let meta = file.metadata().map_err(|e| ToolError::refused(format!("{name:?} cannot be read: {e}")))?;
        if !meta.is_file() {
            return Err(ToolError::refused(format!("{name:?} is not a file")));
        }
        if meta.len() > max_bytes {
            return Err(ToolError::refused(format!(
                "{name:?} is {} bytes; files up to {max_bytes} bytes are read",
                meta.len()
            )));
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(max_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| ToolError::refused(format!("{name:?} cannot be read: {e}")))?;
        if bytes.len() as u64 > max_bytes {
            return Err(ToolError::refused(format!("{name:?} is larger than {max_bytes} bytes")));
        }
        Ok(bytes)
    }

    /// CSV files (`.csv`, `.txt`) under the folder (or its folder `under`), sorted, at most `max`; symbolic links
    /// are not followed.
    pub fn list(&self, under: Option<&str>, max: usize) -> Result<(Vec<Entry>, bool), ToolError> {
        let start = match under.filter(|u| !u.trim().is_empty()) {
            Some(u) => self.resolve(u)?,
            None => self.root.clone(),
        };
        if !start.is_dir() {
            return Err(ToolError::refused(format!("{:?} is not a folder of the CSV folder", under.unwrap_or(""))));
        }
        let mut found = Vec::new();
        let mut more = false;
        let mut pending = vec![(start, 0usize)];
        while let Some((dir, depth)) = pending.pop() {
            let Ok(read) = std::fs::read_dir(&dir) else { continue };
            for entry in read.flatten() {
                let Ok(meta) = entry.path().symlink_metadata() else { continue };
                let path = entry.path();
                if meta.is_dir() && depth < MAX_DEPTH {
                    pending.push((path, depth + 1));
                    continue;
                }
                let csv = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("txt"));
                if !meta.is_file() || !csv {
                    continue;
                }
                let Ok(rel) = path.strip_prefix(&self.root) else { continue };
                let Some(name) = rel.to_str() else { continue };
                let modified = meta.modified().ok().map(|t| {
                    chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                });
                found.push(Entry { name: name.to_owned(), size: meta.len(), modified });
            }
        }
        found.sort_by(|a, b| a.name.cmp(&b.name));
        if found.len() > max {
            found.truncate(max);
            more = true;
        }
        Ok((found, more))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> (tempfile::TempDir, CsvDir) {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let write = |p: &str, t: &str| {
            let path = tmp.path().join(p);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
            }
            std::fs::write(path, t).unwrap_or_else(|e| panic!("{e}"));
        };
        write("a.csv", "Email\nx@y\n");
        write("sub/b.CSV", "Email\n");
        write("notes.md", "no");
        let dir = CsvDir::new(tmp.path()).unwrap_or_else(|e| panic!("{e}"));
        (tmp, dir)
    }

    #[test]
    fn names_stay_inside_the_folder() {
        let (tmp, dir) = dir();
        assert_eq!(dir.read("a.csv", 100).ok().as_deref(), Some(&b"Email\nx@y\n"[..]));
        assert_eq!(dir.read("sub/b.CSV", 100).ok().as_deref(), Some(&b"Email\n"[..]));
        for bad in ["../a.csv", "/etc/passwd", "sub/../a.csv", "./a.csv", "", "a\0.csv"] {
            assert!(matches!(dir.read(bad, 100), Err(ToolError::InvalidArguments(_))), "{bad:?}");
        }
        assert!(dir.read("missing.csv", 100).is_err_and(|e| e.to_string().contains("no file")));
        assert!(dir.read("a.csv", 3).is_err_and(|e| e.to_string().contains("bytes")));
        assert!(dir.read("sub", 100).is_err());
        #[cfg(unix)]
        {
            let outside = tempfile::NamedTempFile::new().unwrap_or_else(|e| panic!("{e}"));
            std::os::unix::fs::symlink(outside.path(), tmp.path().join("out.csv")).unwrap_or_else(|e| panic!("{e}"));
            assert!(dir.read("out.csv", 100).is_err_and(|e| e.to_string().contains("outside")));
            std::os::unix::fs::symlink(tmp.path().join("a.csv"), tmp.path().join("in.csv"))
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(dir.read("in.csv", 100).is_ok(), "a link that stays inside is read");
        }
    }

    #[test]
    fn listing_shows_csv_files_only() {
        let (_tmp, dir) = dir();
        let (found, more) = dir.list(None, 10).unwrap_or_else(|e| panic!("{e}"));
        let names: Vec<&str> = found.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["a.csv", "sub/b.CSV"]);
        assert!(!more);
        let (one, more) = dir.list(None, 1).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((one.len(), more), (1, true));
        assert!(dir.list(Some(".."), 10).is_err());
    }
}
