//! Training mode: a till to practise on that shares nothing with the shop's books. It keeps
//! its own ledger in `<data dir>/training/` (and so its own receipts, claim lists, print
//! queue and simulated terminal batch), reads the real config file for the shop's settings
//! but talks to the built-in simulator instead of the shop's terminal, never backs up, never
//! alerts anyone outside, and marks every printout. The guard works on it as on a real till.
//!
//! The real ledger is only ever opened read-only here: for the shop's products (copied once,
//! when the training ledger is created) and its users (kept in step at every opening, so the
//! same people log in with the same PINs).

use super::{DEMO_CATALOG, Paths, Till, TillError};
use crate::catalog::parse_csv;
use crate::clock::Clock;
use crate::config::Config;
use crate::settlement::guard::{Verdict, Why};
use crate::store::{FILE_NAME, NewUser, Store, UserRow};
use crate::terminal::spec::TerminalSpec;
use crate::users::Operator;
use jiff::Timestamp;
use std::path::Path;
use std::sync::Arc;

/// The training till's folder inside the data folder.
pub const FOLDER: &str = "training";

/// Who the training ledger's audit chain names for the users copied from the real ledger.
const COPIED_BY: &str = "training (from the real ledger)";

/// The real configuration made safe to practise with: the shop's settings, the built-in
/// simulated terminal, no standalone terminal, no webhook or e-mail alerts.
pub fn training_config(mut config: Config) -> Config {
    config.terminal = Some(TerminalSpec::Simulator);
    config.standalone = None;
    config.alerts.webhook = None;
    config.alerts.email = None;
    config
}

impl Till {
    /// Opens the training till of the data folder `paths` (the real one's paths: the training
    /// folder is derived from them). A new training ledger starts with the real ledger's
    /// products, or the demo catalog when the real ledger has none.
    pub fn open_training(paths: &Paths, clock: Arc<dyn Clock>) -> Result<Till, TillError> {
        let config = training_config(Config::load(&paths.config_file)?);
        let training = paths.training();
        let mut store = Store::open(&training.data_dir.join(FILE_NAME), config.currency)?;
        let real = paths.data_dir.join(FILE_NAME);
        copy_from_real(&mut store, &real, &config, clock.now())?;
        let mut till = Till::with_store(store, config, clock)?;
        till.training = true;
        // `config_file` stays None: the settings screen must not save the simulator (or
        // anything else) into the shop's real config from a training till.
        till.audit("till", "training.opened", "training till opened")?;
        Ok(till)
    }

    /// Whether this is a training till (its ledger, receipts and reports are not real).
    pub fn is_training(&self) -> bool {
        self.training
    }

    /// The folders a real till was opened from (`None` for a training till, or one not
    /// opened from its folders): where its training till lives.
    pub fn paths(&self) -> Option<Paths> {
        if self.training {
            return None;
        }
        Some(Paths {
            data_dir: self.data_dir()?.to_path_buf(),
            config_file: self.config_file.clone()?,
        })
    }

    /// Why training may not start now: the guard demands action on this (real) till - a day
    /// change or an earlier day with an unsettled batch, a batch at its clear time, a card
    /// payment in doubt. `None`: training may start.
    pub fn training_refused(&mut self) -> Result<Option<Why>, TillError> {
        Ok(match self.guard(false)? {
            Verdict::MustSettle { why, .. } => Some(why),
            _ => None,
        })
    }

    /// Prints where `real` prints (its `--printer` for this run).
    pub fn follow_printer(&mut self, real: &Till) {
        self.printer_override = real.printer_override.clone();
    }

    /// The active user of this till's ledger with `other`'s name: the same person across the
    /// real and the training ledger, whose user ids differ.
    pub fn same_operator(&self, other: &Operator) -> Result<Option<Operator>, TillError> {
        Ok(self.users()?.into_iter().find(|o| o.name == other.name))
    }
}

/// The real ledger's products (into a training ledger that has none) and users (always),
/// read without writing to it. No real ledger yet: the demo catalog, and no users to copy.
fn copy_from_real(store: &mut Store, real: &Path, config: &Config, now: Timestamp) -> Result<(), TillError> {
    let real = match real.exists() {
        true => Some(Store::open_read_only(real, config.currency)?),
        false => None,
    };
    if store.product_count()? == 0 {
        let mut products = match &real {
            Some(r) => r.load_catalog()?.products().to_vec(),
            None => Vec::new(),
        };
        if products.is_empty() {
            products = parse_csv(DEMO_CATALOG, config.currency).map_err(|e| TillError::Catalog(e.to_string()))?;
        }
        store.import_products(&products, now)?;
    }
    if let Some(real) = &real {
        sync_users(store, &real.users(true)?, now)?;
    }
    Ok(())
}

/// Makes the training ledger's users match the real ones by name: added, PIN and role
/// changes followed, deactivations followed. Login locks are the training ledger's own.
fn sync_users(store: &mut Store, real: &[UserRow], now: Timestamp) -> Result<(), TillError> {
    let mine = store.users(true)?;
    for user in real {
        match mine.iter().find(|m| m.name == user.name) {
            None if user.active => {
                let new = NewUser {
                    name: user.name.clone(),
                    role: user.role,
                    pin_hash: user.pin_hash.clone(),
                };
                store.add_user(&new, COPIED_BY, now)?;
            }
            None => {}
            Some(m) => {
                if m.pin_hash != user.pin_hash {
                    store.set_user_pin(m.id, &user.pin_hash, COPIED_BY, now)?;
                }
                if m.role != user.role {
                    store.set_user_role(m.id, user.role, COPIED_BY, now)?;
                }
                if m.active && !user.active {
                    store.deactivate_user(m.id, COPIED_BY, now)?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
