//! Platforms without a shutdown hook here (macOS, the BSDs): nothing is ever held, and
//! asking for a block says so instead of pretending.

use super::InhibitError;

#[derive(Debug)]
pub(super) struct Block;

impl Block {
    pub(super) fn new() -> Block {
        Block
    }

    pub(super) fn is_held(&self) -> bool {
        false
    }

    pub(super) fn acquire(&mut self) -> Result<(), InhibitError> {
        Err(InhibitError::Unsupported(std::env::consts::OS))
    }

    pub(super) fn release(&mut self) -> Result<(), InhibitError> {
        Ok(())
    }
}
