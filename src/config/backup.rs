//! `[backup]`: where copies of the ledger go (the backup itself is `tillguard backup`).

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The folder under the data folder that holds backups when the config names none.
pub const DEFAULT_FOLDER: &str = "backups";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BackupSection {
    folder: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupConfig {
    /// `None`: `backups/` in the data folder.
    pub folder: Option<PathBuf>,
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
        Ok(BackupConfig { folder })
    }
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
}
