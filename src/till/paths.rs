//! Where a till keeps its ledger and looks for its config file.

use super::TillError;
use std::path::PathBuf;

/// Where the ledger and the config file live.
#[derive(Debug, Clone)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub config_file: PathBuf,
}

impl Paths {
    /// An explicit data folder (`--data-dir` or TILLGUARD_DATA_DIR) holds both the ledger
    /// and `tillguard.toml`, so instances never share files; without one, the platform's
    /// data and config folders are used. `--config` overrides the config file either way.
    pub fn resolve(data_dir: Option<PathBuf>, config_file: Option<PathBuf>) -> Result<Paths, TillError> {
        let (data_dir, default_config) = match data_dir {
            Some(d) => {
                let config = d.join(crate::config::FILE_NAME);
                (d, config)
            }
            None => {
                let dirs = directories::ProjectDirs::from("", "", "Tillguard").ok_or(TillError::NoDataDir)?;
                (
                    dirs.data_dir().to_path_buf(),
                    dirs.config_dir().join(crate::config::FILE_NAME),
                )
            }
        };
        Ok(Paths {
            data_dir,
            config_file: config_file.unwrap_or(default_config),
        })
    }

    /// The folders of this data folder's training till (`training.rs`): its own ledger,
    /// receipts, claims and simulator batch under `training/`; the same config file, read only.
    pub fn training(&self) -> Paths {
        Paths {
            data_dir: self.data_dir.join(super::training::FOLDER),
            config_file: self.config_file.clone(),
        }
    }
}
