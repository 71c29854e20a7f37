//! Support for the card crash loop (tests/crash_loop.rs).

pub mod aim;
pub mod ledger;
pub mod phase;
pub mod proxy;
pub mod rng;
pub mod shop;
pub mod truth;
