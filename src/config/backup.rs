//! `[backup]`: where copies of the ledger go and how many are kept (the backup itself is
//! `crate::backup`, run by `tillguard backup` and after every Z-report).

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The folder under the data folder that holds backups when the config names none.
pub const DEFAULT_FOLDER: &str = "backups";
/// Backups kept when the config says nothing: a month of daily Z-reports.
pub const DEFAULT_KEEP: u32 = 30;
/// The most `keep` may say (a year of Z-reports and some manual backups).
pub const MAX_KEEP: u32 = 1000;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BackupSection {
    folder: Option<String>,
    keep: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupConfig {
    /// `None`: `backups/` in the data folder.
    pub folder: Option<PathBuf>,
    /// How many of the newest backups rotation keeps (1 to `MAX_KEEP`).
    pub keep: u32,
}

impl Default for BackupConfig {
    fn default() -> BackupConfig {
        BackupConfig {
            folder: None,
            keep: DEFAULT_KEEP,
        }
    }
}

impl BackupConfig {
    /// The folder backups go to, given the till's data folder.
    pub fn folder_in(&self, data_dir: &Path) -> PathBuf {
        self.folder.clone().unwrap_or_else(|| data_dir.join(DEFAULT_FOLDER))
    }
}

/// Checks a folder as written (without the key's name, so the settings form can show it).
/// It must be absolute: a relative one would depend on the folder the till was started in.
pub fn check_folder(text: &str) -> Result<PathBuf, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("no folder given (leave the key out for the data folder's backups/)".into());
    }
    if trimmed.chars().any(char::is_control) {
        return Err("the folder name contains control characters".into());
    }
    let path = PathBuf::from(trimmed);
    if !path.is_absolute() {
        return Err(format!(
            "'{trimmed}' is not an absolute path (e.g. /var/backups/tillguard or D:\\Backups)"
        ));
    }
    Ok(path)
}

impl BackupSection {
    pub(super) fn check(self) -> Result<BackupConfig, String> {
        let folder = self
            .folder
            .map(|f| check_folder(&f).map_err(|e| format!("[backup] folder: {e}")))
            .transpose()?;
        let keep = match self.keep {
            None => DEFAULT_KEEP,
            Some(n) => check_keep(n).map_err(|e| format!("[backup] keep: {e}"))?,
        };
        Ok(BackupConfig { folder, keep })
    }
}

/// Checks a number of backups to keep (without the key's name, as `check_folder`).
pub fn check_keep(n: i64) -> Result<u32, String> {
    u32::try_from(n)
        .ok()
        .filter(|n| (1..=MAX_KEEP).contains(n))
        .ok_or_else(|| format!("{n} is not a number of backups from 1 to {MAX_KEEP}"))
}

#[cfg(test)]
mod tests {
    use super::super::Config;
    use super::*;

    #[test]
    fn folder_is_checked_and_defaults_to_the_data_folder() {
        let c = Config::parse("").expect("empty");
        assert_eq!(
            c.backup.folder_in(Path::new("/data")),
            Path::new("/data").join("backups")
        );
        let absolute = if cfg!(windows) { r"D:\Backups" } else { "/srv/backups" };
        let c = Config::parse(&format!("[backup]\nfolder = '{absolute}'\n")).expect("absolute");
        assert_eq!(c.backup.folder_in(Path::new("/data")), PathBuf::from(absolute));
        // As written in the file: relative, empty, blank, a control character.
        for bad in [r#""backups""#, r#""""#, r#""  ""#, r#""/a\u0007b""#] {
            let e = Config::parse(&format!("[backup]\nfolder = {bad}\n")).expect_err(bad);
            assert!(e.contains("[backup] folder"), "{bad}: {e}");
        }
        let e = Config::parse("[backup]\npath = \"/x\"\n").expect_err("unknown key");
        assert!(e.contains("path"), "{e}");
    }

    #[test]
    fn keep_defaults_to_thirty_and_is_bounded() {
        assert_eq!(Config::parse("").expect("empty").backup.keep, DEFAULT_KEEP);
        for n in [1, 7, MAX_KEEP] {
            let c = Config::parse(&format!("[backup]\nkeep = {n}\n")).expect("in range");
            assert_eq!(c.backup.keep, n);
        }
        for bad in ["0", "-3", "1001", "99999999999", "\"7\"", "2.5"] {
            let e = Config::parse(&format!("[backup]\nkeep = {bad}\n")).expect_err(bad);
            assert!(e.contains("keep"), "{bad}: {e}");
        }
        let e = Config::parse("[backup]\nkeep = 0\n").expect_err("zero");
        assert!(e.starts_with("[backup] keep: 0 is not"), "{e}");
    }
}
