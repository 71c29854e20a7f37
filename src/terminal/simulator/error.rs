//! Why the simulated terminal could not start or keep running.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("the simulator state file {} cannot be read: {source}", path.display())]
    StateRead { path: PathBuf, source: std::io::Error },
    #[error("the simulator state file {} is not valid: {reason}", path.display())]
    StateCorrupt { path: PathBuf, reason: String },
    #[error("the simulator state file {} cannot be written: {source}", path.display())]
    StateWrite { path: PathBuf, source: std::io::Error },
    #[error("the simulator's time computation failed: {0}")]
    Time(String),
    #[error("the simulated terminal's pseudo-terminal: {0}")]
    Pty(String),
    #[error("the simulated terminal cannot listen for connections: {0}")]
    Listen(std::io::Error),
    #[error("the simulated terminal's link failed: {0}")]
    Link(#[from] crate::terminal::zvt::link::LinkError),
}
