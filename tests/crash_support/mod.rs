//! Support for the card crash loop (tests/crash_loop.rs).

pub mod ledger;
pub mod proxy;
pub mod rng;
pub mod shop;
pub mod truth;
